// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 3. Backprop through cross-entropy: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 3
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? `deno task exercise 3 --hint dlogprobs` gives the
 * forward line and the shapes, `--hint dlogprobs --level 2` the local
 * derivative, and only `--solution dlogprobs` the chapter's own line.
 * `deno task exercise 3 --watch` checks again every time you save.
 *
 * The tensor functions are those of lib/tensor.ts: `mul`, `add`, `sub`, `div`
 * and `pow` broadcast like PyTorch, `sum(t, axis, keepdim)` reduces,
 * `sumToShape(grad, shape)` undoes a broadcast. Chapter 3 solves this exercise.
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
