// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 6. Backprop through the first layer and the embedding: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 6
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? `deno task exercise 6 --hint dembcat` gives the
 * forward line and the shapes, `--hint dembcat --level 2` the local
 * derivative, and only `--solution dembcat` the chapter's own line.
 * `deno task exercise 6 --watch` checks again every time you save.
 *
 * The tensor functions are those of lib/tensor.ts: `mul`, `add`, `sub`, `div`
 * and `pow` broadcast like PyTorch, `sum(t, axis, keepdim)` reduces,
 * `sumToShape(grad, shape)` undoes a broadcast. Chapter 6 solves this exercise.
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
