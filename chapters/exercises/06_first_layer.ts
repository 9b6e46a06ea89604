// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 6. Backprop through the first layer and the embedding: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 6
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? The hints come in steps, each a little closer to
 * the answer:
 *
 *     deno task exercise 6 --hint dembcat            # 1. the forward line and the shapes
 *     deno task exercise 6 --hint dembcat --level 2  # 2. the local derivative
 *     deno task exercise 6 --hint dembcat --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 6 --solution dembcat        # the chapter's own line, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 6 --watch`
 * checks again every time you save.
 *
 * Chapter 6 solves this exercise.
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
 *     a.add(b)                        Elementwise a + b, with broadcasting; b may be a number.
 *     a.sub(b)                        Elementwise a - b, with broadcasting; b may be a number.
 *     a.mul(b)                        Elementwise a * b, with broadcasting; b may be a number.
 *     a.div(b)                        Elementwise a / b, with broadcasting; b may be a number.
 *     t.sum(axis?, keepdim?)          The sum over axis, keeping it as size 1 if keepdim; of everything without an
 *                                     axis.
 *     a.matmul(b)                     The matrix product a @ b, [n, k] by [k, m] giving [n, m].
 *     t.T                             The transpose of a matrix, as PyTorch's t.T: h.T.matmul(dlogits).
 *     t.reshape(shape)                The same numbers with another shape, sharing the data (PyTorch's view); one
 *                                     size may be -1.
 *     t.scatterAddRows(indices, src)  Adds each row of src to the row of this table that indices names, in place;
 *                                     a row named twice gets both.
 *     zeros(shape)                    A tensor of zeros.
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

/** Your gradients of the first layer and the embedding, given the correct dhprebn. */
export function gradients({ fwd, params, batch, dhprebn }: ExerciseInput): Record<string, Tensor> {
  // The forward pass you are inverting:
  //   emb = C[Xb]                      [n, 3, 10]   (C is [27, 10], Xb is [n, 3])
  //   embcat = emb.view(n, 30)         [n, 30]
  //   hprebn = embcat @ W1 + b1        [n, 64]      (W1 is [30, 64], b1 is [64])
  const { emb, embcat } = fwd;
  const { C, W1, b1 } = params;
  const { Xb } = batch;

  const dembcat = todo(embcat); // [n, 30]
  const dW1 = todo(W1); // [30, 64]
  const db1 = todo(b1); // [64]
  const demb = todo(emb); // [n, 3, 10]
  const dC = todo(C); // [27, 10]

  return { dembcat, dW1, db1, demb, dC };
}
