// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 5. Backprop through batchnorm: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 5
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? The hints come in steps, each a little closer to
 * the answer:
 *
 *     deno task exercise 5 --hint dbngain            # 1. the forward line and the shapes
 *     deno task exercise 5 --hint dbngain --level 2  # 2. the local derivative
 *     deno task exercise 5 --hint dbngain --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 5 --solution dbngain        # the chapter's own line, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 5 --watch`
 * checks again every time you save.
 *
 * Chapter 5 solves this exercise.
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
 *     t.pow(exponent)         Elementwise t ** exponent.
 *     t.neg()                 Elementwise -t.
 *     t.sum(axis?, keepdim?)  The sum over axis, keeping it as size 1 if keepdim; of everything without an axis.
 *     t.clone()               A copy that shares nothing with this tensor.
 *     ones(shape)             A tensor of ones.
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

/** Your gradients of the seven batchnorm steps, given the correct dhpreact. */
export function gradients({ fwd, params, n, dhpreact }: ExerciseInput): Record<string, Tensor> {
  // The forward pass you are inverting:
  //   bnmeani = 1/n · sum(hprebn, 0, keepdim)             [1, 64]
  //   bndiff = hprebn − bnmeani                           [n, 64]
  //   bndiff2 = bndiff²                                   [n, 64]
  //   bnvar = 1/(n − 1) · sum(bndiff2, 0, keepdim)        [1, 64]
  //   bnvarInv = (bnvar + 1e-5)^(−1/2)                    [1, 64]
  //   bnraw = bndiff · bnvarInv                           [n, 64]
  //   hpreact = bngain · bnraw + bnbias                   [n, 64]   (bngain, bnbias are [1, 64])
  const { hprebn, bnmeani, bndiff, bndiff2, bnvar, bnvarInv, bnraw } = fwd;
  const { bngain, bnbias } = params;

  const dbngain = todo(bngain); // [1, 64]
  const dbnbias = todo(bnbias); // [1, 64]
  const dbnraw = todo(bnraw); // [n, 64]
  const dbnvarInv = todo(bnvarInv); // [1, 64]
  const dbnvar = todo(bnvar); // [1, 64]
  const dbndiff2 = todo(bndiff2); // [n, 64]
  const dbndiff = todo(bndiff); // [n, 64]
  const dbnmeani = todo(bnmeani); // [1, 64]
  const dhprebn = todo(hprebn); // [n, 64]

  return { dbngain, dbnbias, dbnraw, dbnvarInv, dbnvar, dbndiff2, dbndiff, dbnmeani, dhprebn };
}
