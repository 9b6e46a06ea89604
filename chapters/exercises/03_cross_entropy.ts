// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 3. Backprop through cross-entropy: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 3
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? The hints come in steps, each a little closer to
 * the answer:
 *
 *     deno task exercise 3 --hint dlogprobs            # 1. the forward line and the shapes
 *     deno task exercise 3 --hint dlogprobs --level 2  # 2. the local derivative
 *     deno task exercise 3 --hint dlogprobs --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 3 --solution dlogprobs        # the chapter's own line, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 3 --watch`
 * checks again every time you save.
 *
 * Chapter 3 solves this exercise.
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
 *     t.pow(exponent)              Elementwise t ** exponent.
 *     t.neg()                      Elementwise -t.
 *     t.sum(axis?, keepdim?)       The sum over axis, keeping it as size 1 if keepdim; of everything without an
 *                                  axis.
 *     t.max(axis, keepdim?)        The largest value over axis (.values) and where it is (.indices).
 *     t.clone()                    A copy that shares nothing with this tensor.
 *     ones(shape)                  A tensor of ones.
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

/** Your gradients of the cross-entropy, from the loss back to the logits. */
export function gradients({ fwd, batch, n }: ExerciseInput): Record<string, Tensor> {
  // The forward pass you are inverting (chapter 2), from the logits to the loss:
  //   logitMaxes = max over each row of logits       [n, 1]  (logitArgmax: where each maximum is)
  //   normLogits = logits − logitMaxes               [n, 27]
  //   counts = exp(normLogits)                       [n, 27]
  //   countsSum = sum(counts, 1, keepdim)            [n, 1]
  //   countsSumInv = countsSum⁻¹                     [n, 1]
  //   probs = counts · countsSumInv                  [n, 27]
  //   logprobs = log(probs)                          [n, 27]
  //   loss = −(1/n) Σᵢ logprobs[i, Yb[i]]
  const { logprobs, probs, counts, countsSum, countsSumInv, normLogits, logitMaxes, logits, logitArgmax } = fwd;
  const { Yb } = batch;
  const vocabSize = logprobs.shape[1];

  const dlogprobs = todo(logprobs); // [n, 27]
  const dprobs = todo(probs); // [n, 27]
  const dcountsSumInv = todo(countsSumInv); // [n, 1]
  const dcountsSum = todo(countsSum); // [n, 1]
  const dcounts = todo(counts); // [n, 27]
  const dnormLogits = todo(normLogits); // [n, 27]
  const dlogitMaxes = todo(logitMaxes); // [n, 1]
  const dlogits = todo(logits); // [n, 27]

  return { dlogprobs, dprobs, dcountsSumInv, dcountsSum, dcounts, dnormLogits, dlogitMaxes, dlogits };
}
