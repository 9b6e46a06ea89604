// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 5. Backprop through batchnorm: your turn
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 5
 *
 * which says which gradients are right and, for a wrong one, the likely
 * mistake. Stuck on one? `deno task exercise 5 --hint dbngain` gives the
 * forward line and the shapes, `--hint dbngain --level 2` the local
 * derivative, and only `--solution dbngain` the chapter's own line.
 * `deno task exercise 5 --watch` checks again every time you save.
 *
 * The tensor functions are those of lib/tensor.ts: `mul`, `add`, `sub`, `div`
 * and `pow` broadcast like PyTorch, `sum(t, axis, keepdim)` reduces,
 * `sumToShape(grad, shape)` undoes a broadcast. Chapter 5 solves this exercise.
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
