// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 8. Batchnorm in one step: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 8
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? The hints come in steps, each a little closer to
 * the answer:
 *
 *     deno task exercise 8 --hint dhprebn            # 1. the forward line and the shapes
 *     deno task exercise 8 --hint dhprebn --level 2  # 2. the local derivative
 *     deno task exercise 8 --hint dhprebn --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 8 --solution dhprebn        # the chapter's own line, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 8 --watch`
 * checks again every time you save.
 *
 * Chapter 8 solves this exercise.
 *
 * The API at hand, read from lib/tensor.ts. A Tensor's numbers are a flat array, row after row:
 *
 *     Tensor       A float32 tensor: a flat row-major data array and a shape. Entry [i, j] of a [rows, cols]
 *                  tensor is data[i * cols + j].
 *     IndexTensor  Integer indices with a shape, like the lecture's Xb ([32, 3]) and Yb ([32]), laid out as a
 *                  Tensor is: Xb[k, j] is Xb.data[k * 3 + j].
 *     t.data       The numbers, row-major.
 *     t.shape      The size of each axis.
 *
 * Every method is also a function of the tensor first (`a.mul(b)` is `mul(a, b)`), so a formula may start with a
 * number: `mul(-0.5, x)`. The operations:
 *
 *     a.add(b)                Elementwise a + b, with broadcasting; b may be a number.
 *     a.sub(b)                Elementwise a - b, with broadcasting; b may be a number.
 *     a.mul(b)                Elementwise a * b, with broadcasting; b may be a number.
 *     a.div(b)                Elementwise a / b, with broadcasting; b may be a number.
 *     t.sum(axis?, keepdim?)  The sum over axis, keeping it as size 1 if keepdim; of everything without an axis.
 *
 * @module
 */

import {
  add,
  clone,
  div,
  exp,
  indexTensor,
  log,
  matmul,
  max,
  mean,
  mul,
  neg,
  oneHot,
  ones,
  pow,
  reshape,
  scatterAddRows,
  softmax,
  sub,
  sum,
  sumToShape,
  tanh,
  type Tensor,
  transpose,
  zeros,
} from "../../lib/tensor.ts";
import { type ExerciseInput, todo } from "../../lib/exercise/learner.ts";

/** Your dhprebn in one formula, given the correct dhpreact. */
export function gradients({ fwd, params, n, dhpreact }: ExerciseInput): Record<string, Tensor> {
  // hpreact = bngain · (hprebn − mean) · bnvarInv + bnbias, in training mode, where
  //   bnraw = (hprebn − mean) · bnvarInv     [n, 64]   (mean 0, variance 1 per column)
  //   bnvarInv = (var + 1e-5)^(−1/2)          [1, 64]   (var with Bessel's 1/(n − 1))
  const { hprebn, bnraw, bnvarInv } = fwd;
  const { bngain } = params;

  const dhprebn = todo(hprebn); // [n, 64]

  return { dhprebn };
}
