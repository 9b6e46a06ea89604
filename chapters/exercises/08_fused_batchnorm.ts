// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 8. Batchnorm in one step: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 8
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? `deno task exercise 8 --hint dhprebn` gives the
 * forward line and the shapes, `--hint dhprebn --level 2` the local
 * derivative, and only `--solution dhprebn` the chapter's own line.
 * `deno task exercise 8 --watch` checks again every time you save.
 *
 * The tensor functions are those of lib/tensor.ts: `mul`, `add`, `sub`, `div`
 * and `pow` broadcast like PyTorch, `sum(t, axis, keepdim)` reduces,
 * `sumToShape(grad, shape)` undoes a broadcast. Chapter 8 solves this exercise.
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
