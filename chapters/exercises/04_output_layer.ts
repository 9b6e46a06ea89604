// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 4. Backprop through the output layer and tanh: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 4
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? The hints come in steps, each a little closer to
 * the answer:
 *
 *     deno task exercise 4 --hint dh            # 1. the forward line and the shapes
 *     deno task exercise 4 --hint dh --level 2  # 2. the local derivative
 *     deno task exercise 4 --hint dh --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 4 --solution dh        # the chapter's own line, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 4 --watch`
 * checks again every time you save.
 *
 * Chapter 4 solves this exercise.
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
 *     t.sum(axis?, keepdim?)  The sum over axis, keeping it as size 1 if keepdim; of everything without an axis.
 *     a.matmul(b)             The matrix product a @ b, [n, k] by [k, m] giving [n, m].
 *     t.T                     The transpose of a matrix, as PyTorch's t.T: h.T.matmul(dlogits).
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

/** Your gradients of the second layer and tanh, given the correct dlogits. */
export function gradients({ fwd, params, dlogits }: ExerciseInput): Record<string, Tensor> {
  // The forward pass you are inverting:
  //   h = tanh(hpreact)          [n, 64]
  //   logits = h @ W2 + b2       [n, 27]   (W2 is [64, 27], b2 is [27])
  const { h, hpreact } = fwd;
  const { W2, b2 } = params;

  const dh = todo(h); // [n, 64]
  const dW2 = todo(W2); // [64, 27]
  const db2 = todo(b2); // [27]
  const dhpreact = todo(hpreact); // [n, 64]

  return { dh, dW2, db2, dhpreact };
}
