// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 4. Backprop through the output layer and tanh: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 4
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? `deno task exercise 4 --hint dh` gives the
 * forward line and the shapes, `--hint dh --level 2` the local
 * derivative, and only `--solution dh` the chapter's own line.
 * `deno task exercise 4 --watch` checks again every time you save.
 *
 * The tensor functions are those of lib/tensor.ts: `mul`, `add`, `sub`, `div`
 * and `pow` broadcast like PyTorch, `sum(t, axis, keepdim)` reduces,
 * `sumToShape(grad, shape)` undoes a broadcast. Chapter 4 solves this exercise.
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
