/**
 * # Chapter 5. Backprop through batchnorm
 *
 * Batch normalisation is where backpropagation by hand gets interesting,
 * because it mixes the examples of a batch: every output depends on every
 * input of its column, through the batch mean and the batch variance. Broken
 * into the lecture's seven small steps, though, each step is one of the
 * patterns we already know: a product, a sum, a power, a broadcast. We take
 * them in reverse, from `dhpreact` (chapter 4) down to `dhprebn`.
 *
 * Run it with `deno task chapter 5`.
 *
 * @module
 */

import { add, mul, neg, ones, type Tensor } from "../lib/tensor.ts";
import type { Forward, Params } from "../lib/model.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { ATOL, RTOL } from "../lib/check/compare.ts";
import { checkStage } from "../lib/check/stage.ts";
import { heading, say } from "../lib/report/print.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";

/** This chapter's title. */
export const title = "Backprop through batchnorm";

/** The gradients this chapter computes. */
export interface BatchnormGrads {
  dbngain: Tensor;
  dbnbias: Tensor;
  dbnraw: Tensor;
  dbnvarInv: Tensor;
  dbnvar: Tensor;
  dbndiff2: Tensor;
  dbndiff: Tensor;
  dbnmeani: Tensor;
  dhprebn: Tensor;
}

/**
 * Backpropagates `dhpreact` through the seven steps of batch normalisation.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * import { backpropCrossEntropy } from "./03_cross_entropy.ts";
 * import { backpropOutputLayer } from "./04_output_layer.ts";
 * const { fwd, params, batch } = lectureForward();
 * const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
 * const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
 * const { dhprebn } = backpropBatchnorm(dhpreact, fwd, params);
 * dhprebn.shape; // [32, 64]
 * ```
 */
export function backpropBatchnorm(dhpreact: Tensor, fwd: Forward, params: Params): BatchnormGrads {
  const { bnraw, bnvarInv, bnvar, bndiff, bndiff2 } = fwd;
  const { bngain } = params;
  const n = bnraw.shape[0];

  // ### hpreact = bngain · bnraw + bnbias
  //
  // bngain and bnbias are [1, 64]: one number per hidden unit, broadcast over
  // the n rows. The derivative of the product with respect to bngain is
  // bnraw, and the broadcast is undone by summing over the rows (axis 0),
  // keeping the [1, 64] shape. bnraw's gradient is the other factor, bngain,
  // times dhpreact; here the broadcast runs the other way (bngain [1, 64]
  // spreads over bnraw's n rows), so nothing is summed. bnbias is added, so
  // its gradient is dhpreact itself, summed over the rows like bngain's.
  const dbngain = bnraw.mul(dhpreact).sum(0, true); // [1, 64]
  const dbnraw = bngain.mul(dhpreact); // [n, 64]
  const dbnbias = dhpreact.sum(0, true); // [1, 64]

  // ### bnraw = bndiff · bnvarInv
  //
  // Another product with a broadcast factor. bndiff is used twice in the
  // forward pass (here and in bndiff2), so this is the first of its two
  // contributions.
  let dbndiff = bnvarInv.mul(dbnraw); // [n, 64]
  const dbnvarInv = bndiff.mul(dbnraw).sum(0, true); // [1, 64]

  // ### bnvarInv = (bnvar + 1e-5)^(−1/2)
  //
  // The power rule: d/dx x^(−1/2) = −½ · x^(−3/2), with x = bnvar + 1e-5.
  // Adding a constant does not change the rule, but the 1e-5 stays where x
  // is: the derivative is −½ · (bnvar + 1e-5)^(−3/2). Dropping it moves an
  // entry by about 1.5e-5/bnvar of its size: more than allclose's relative
  // 1e-5 where a unit's variance is below 1.5. The chapter's output counts
  // those columns in this batch.
  const dbnvar = mul(-0.5, bnvar.add(1e-5).pow(-1.5)).mul(dbnvarInv); // [1, 64]

  // ### bnvar = 1/(n − 1) · Σᵢ bndiff2[i]
  //
  // Each of the n entries of a column contributes with weight 1/(n − 1) (the
  // Bessel-corrected variance of the forward pass). A sum hands its gradient
  // to every term, so dbnvar ([1, 64]) is copied down the n rows: multiplying
  // by ones([n, 64]) makes the broadcast visible.
  const dbndiff2 = mul(1 / (n - 1), ones(bndiff2.shape)).mul(dbnvar); // [n, 64]

  // ### bndiff2 = bndiff²
  //
  // d/dx x² = 2x. This is bndiff's second use, so its gradient accumulates.
  dbndiff = add(dbndiff, mul(2, bndiff).mul(dbndiff2)); // [n, 64]

  // ### bndiff = hprebn − bnmeani
  //
  // hprebn receives the gradient as it is; bnmeani ([1, 64]) was broadcast
  // over the rows and subtracted, so it receives minus the sum over the rows.
  // hprebn is used twice too (here and in bnmeani), so this is its first part.
  let dhprebn = dbndiff.clone(); // [n, 64], a copy: a second contribution follows
  const dbnmeani = neg(dbndiff).sum(0, true); // [1, 64]

  // ### bnmeani = 1/n · Σᵢ hprebn[i]
  //
  // The mean hands 1/n of its gradient to each row: the second contribution
  // to dhprebn.
  dhprebn = add(dhprebn, mul(1 / n, ones(dhprebn.shape).mul(dbnmeani))); // [n, 64]

  return { dbngain, dbnbias, dbnraw, dbnvarInv, dbnvar, dbndiff2, dbndiff, dbnmeani, dhprebn };
}

/** Prints this chapter's checks; false if any gradient is off. */
export function run(): boolean {
  heading(5, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);
  const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
  const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  const g = backpropBatchnorm(dhpreact, fwd, params);
  const grads = {
    bngain: g.dbngain,
    bnbias: g.dbnbias,
    bnraw: g.dbnraw,
    bnvarInv: g.dbnvarInv,
    bnvar: g.dbnvar,
    bndiff2: g.dbndiff2,
    bndiff: g.dbndiff,
    bnmeani: g.dbnmeani,
    hprebn: g.dhprebn,
  };
  say(
    `Starting from chapter 4's dhpreact, the ${
      Object.keys(grads).length
    } gradients of batchnorm against TensorFlow.js's:`,
  );
  const ok = checkStage(grads, ref);
  reportDroppedEpsilon(fwd, g, ref.grads.bnvar);
  const n = batch.Xb.shape[0];
  say(
    `Divide by n instead of n − 1 in dbndiff2 and it comes out ${n - 1}/${n} of the right value ((n − 1)/n), and so does
    the term through it of every gradient below; the tests feed exactly that mistake to this check and see it fail.`,
  );
  return ok;
}

/**
 * Which columns of dbnvar the mistake of dropping its 1e-5 moves by more than
 * allclose's relative 1e-5 (`moved`), and which of those are beyond its whole
 * tolerance against `theirs` (`beyond`).
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * import { backpropCrossEntropy } from "./03_cross_entropy.ts";
 * import { backpropOutputLayer } from "./04_output_layer.ts";
 * import { referenceGradients } from "../lib/check/reference.ts";
 * const { fwd, params, batch } = lectureForward();
 * const { dhpreact } = backpropOutputLayer(backpropCrossEntropy(fwd, batch.Yb).dlogits, fwd, params);
 * const ref = referenceGradients(params, batch.Xb, batch.Yb);
 * const { moved, beyond } = droppedEpsilon(fwd, backpropBatchnorm(dhpreact, fwd, params), ref.grads.bnvar);
 * moved.length; // 17: the low-variance columns
 * beyond.length; // 3
 * ```
 */
export function droppedEpsilon(fwd: Forward, g: BatchnormGrads, theirs: Tensor): { moved: number[]; beyond: number[] } {
  const dropped = mul(-0.5, fwd.bnvar.pow(-1.5)).mul(g.dbnvarInv); // [1, 64]
  const moved: number[] = [];
  const beyond: number[] = [];
  for (let j = 0; j < dropped.size; j++) {
    const right = g.dbnvar.data[j];
    if (Math.abs(dropped.data[j] - right) > RTOL * Math.abs(right)) moved.push(j);
    const diff = Math.abs(dropped.data[j] - theirs.data[j]);
    if (!(diff <= ATOL + RTOL * Math.abs(theirs.data[j]))) beyond.push(j);
  }
  return { moved, beyond };
}

/** Says how many columns of dbnvar the mistake of dropping its 1e-5 moves, and by how much. */
function reportDroppedEpsilon(fwd: Forward, g: BatchnormGrads, theirs: Tensor): void {
  const { moved, beyond } = droppedEpsilon(fwd, g, theirs);
  const columns = fwd.bnvar.size;
  const variances = beyond.map((j) => fwd.bnvar.data[j]).sort((a, b) => a - b).map((v) => v.toFixed(2));
  say(`Drop the 1e-5 from dbnvar and ${moved.length} of its ${columns} columns move by more than allclose's relative
    1e-5: those whose unit varies least. With the 1e-8 allclose allows on top, ${beyond.length} of them are beyond its
    tolerance (bnvar ${variances.join(", ")}), ${beyond.length > 0 ? "so the check fails" : "so the check passes"}.
    The other ${columns - moved.length} columns move by less than that 1e-5: alone they would not show the mistake.`);
}

if (import.meta.main && !run()) Deno.exitCode = 1;
