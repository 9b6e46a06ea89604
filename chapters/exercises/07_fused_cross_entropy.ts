// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 7. Cross-entropy in one step: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 7
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? `deno task exercise 7 --hint dlogits` gives the
 * forward line and the shapes, `--hint dlogits --level 2` the local
 * derivative, and only `--solution dlogits` the chapter's own line.
 * `deno task exercise 7 --watch` checks again every time you save.
 *
 * The tensor functions are those of lib/tensor.ts: `mul`, `add`, `sub`, `div`
 * and `pow` broadcast like PyTorch, `sum(t, axis, keepdim)` reduces,
 * `sumToShape(grad, shape)` undoes a broadcast. Chapter 7 solves this exercise.
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
