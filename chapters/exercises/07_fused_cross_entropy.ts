// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 7. Cross-entropy in one step: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 7
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? The hints come in steps, each a little closer to
 * the answer:
 *
 *     deno task exercise 7 --hint dlogits            # 1. the forward line and the shapes
 *     deno task exercise 7 --hint dlogits --level 2  # 2. the local derivative
 *     deno task exercise 7 --hint dlogits --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 7 --solution dlogits        # the chapter's own line, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 7 --watch`
 * checks again every time you save.
 *
 * Chapter 7 solves this exercise.
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
 *     a.add(b)                     Elementwise a + b, with broadcasting; b may be a number.
 *     a.sub(b)                     Elementwise a - b, with broadcasting; b may be a number.
 *     a.mul(b)                     Elementwise a * b, with broadcasting; b may be a number.
 *     a.div(b)                     Elementwise a / b, with broadcasting; b may be a number.
 *     t.softmax(axis?)             Softmax over axis (the last by default).
 *     oneHot(indices, numClasses)  One-hot rows: F.one_hot(idx, numClasses) as float32, [n, numClasses].
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

/** Your dlogits in one expression, straight from the logits. */
export function gradients({ fwd, batch, n }: ExerciseInput): Record<string, Tensor> {
  // loss = F.cross_entropy(logits, Yb): the mean over the batch of −log softmax(logits)[i, Yb[i]].
  const { logits } = fwd;
  const { Yb } = batch;
  const vocab = logits.shape[1];

  const dlogits = todo(logits); // [n, 27]

  return { dlogits };
}
