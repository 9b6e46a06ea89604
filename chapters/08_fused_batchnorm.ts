/**
 * # Chapter 8. Batchnorm in one step
 *
 * Chapter 5 went back through the seven steps of batch normalisation, nine
 * gradients one at a time. Here we do the calculus once, on paper, for the
 * whole layer, and get a single formula for `dhprebn` from `dhpreact`. This
 * is the lecture's exercise 3, and the formula the training loop of chapter 9
 * uses.
 *
 * Run it with `deno task chapter 8`.
 *
 * @module
 */

import { mul, type Tensor } from "../lib/tensor.ts";
import type { Params } from "../lib/model.ts";
import { compareGradient, formatNumber, maxAbsDiff, reportComparisons } from "../lib/check/compare.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { heading, say } from "../lib/report/print.ts";
import { medianMs } from "../lib/timing.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";
import { backpropBatchnorm } from "./05_batchnorm.ts";

/** This chapter's title. */
export const title = "Batchnorm in one step";

// ## The derivation
//
// Batchnorm works on each hidden unit (each column) separately, so take one
// column: inputs x₁ … xₙ (a column of hprebn), and
//
//     μ  = (1/n) Σᵢ xᵢ                    the mean
//     σ² = 1/(n − 1) Σᵢ (xᵢ − μ)²         the variance, with Bessel's correction
//     x̂ᵢ = (xᵢ − μ) / √(σ² + ε)          bnraw
//     yᵢ = γ x̂ᵢ + β                       hpreact, with γ = bngain and β = bnbias
//
// We know dyᵢ (dhpreact) and want dxᵢ. Every x̂ⱼ depends on every xᵢ, through
// μ and σ², so dxᵢ = Σⱼ dyⱼ · γ · ∂x̂ⱼ/∂xᵢ. Write s = √(σ² + ε) and find the
// two pieces of ∂x̂ⱼ/∂xᵢ:
//
// - Through the numerator xⱼ − μ: ∂(xⱼ − μ)/∂xᵢ = δᵢⱼ − 1/n (δᵢⱼ is 1 when
//   i = j, else 0), divided by s.
// - Through s: ∂σ²/∂xᵢ = 2/(n − 1) · (xᵢ − μ) (the terms that come from μ
//   cancel, because the deviations sum to zero), so
//   ∂(1/s)/∂xᵢ = −½ s⁻³ · 2/(n − 1) · (xᵢ − μ), and multiplied by (xⱼ − μ)
//   this is −x̂ᵢ x̂ⱼ / ((n − 1) s).
//
// Put together and summed over j:
//
//     dxᵢ = γ/s · (dyᵢ − (1/n) Σⱼ dyⱼ − 1/(n − 1) · x̂ᵢ Σⱼ dyⱼ x̂ⱼ)
//         = γ/(n s) · (n dyᵢ − Σⱼ dyⱼ − n/(n − 1) · x̂ᵢ Σⱼ dyⱼ x̂ⱼ)
//
// That is the lecture's formula. The n/(n − 1) is the meeting of the two
// normalisations: pulling the mean's 1/n out in front leaves the variance's
// 1/(n − 1) as n/(n − 1) inside. With the biased variance (divide by n) it
// would be 1, which is the form most textbooks print.

/**
 * Batch normalisation in one expression, in training mode: each column
 * standardised with the batch mean and the Bessel-corrected batch variance,
 * then scaled by `bngain` and shifted by `bnbias`.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * const { fwd, params } = lectureForward();
 * batchnormForward(fwd.hprebn, params); // fwd.hpreact, to ~1e-6
 * ```
 */
export function batchnormForward(hprebn: Tensor, params: Params): Tensor {
  const { bngain, bnbias } = params;
  const centred = hprebn.sub(hprebn.mean(0, true)); // [n, 64]
  const bnvarInv = hprebn.variance(0, true).add(1e-5).pow(-0.5); // [1, 64]
  return bngain.mul(centred.mul(bnvarInv)).add(bnbias); // [n, 64]
}

/**
 * The fused backward of batch normalisation:
 * `dhprebn = bngain · bnvarInv / n · (n · dhpreact − Σ dhpreact − n/(n−1) · bnraw · Σ (dhpreact · bnraw))`,
 * the sums running over the batch (axis 0).
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * import { backpropCrossEntropy } from "./03_cross_entropy.ts";
 * import { backpropOutputLayer } from "./04_output_layer.ts";
 * const { fwd, params, batch } = lectureForward();
 * const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
 * const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
 * const dhprebn = batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain); // [32, 64]
 * ```
 */
export function batchnormBackward(dhpreact: Tensor, bnraw: Tensor, bnvarInv: Tensor, bngain: Tensor): Tensor {
  const n = dhpreact.shape[0];
  const dyTotal = dhpreact.sum(0, true); // [1, 64]   Σⱼ dyⱼ
  const dyDotRaw = dhpreact.mul(bnraw).sum(0, true); // [1, 64]   Σⱼ dyⱼ x̂ⱼ
  const inner = mul(n, dhpreact).sub(dyTotal).sub(mul(n / (n - 1), bnraw.mul(dyDotRaw))); // [n, 64]
  const dhprebn = bngain.mul(bnvarInv).div(n).mul(inner); // [n, 64]
  return dhprebn;
}

/** Prints this chapter's checks; false if one fails. */
export function run(): boolean {
  heading(8, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);

  const fused = batchnormForward(fwd.hprebn, params);
  const forwardDiff = maxAbsDiff(fused.data, fwd.hpreact.data);
  console.log(`The forward pass first: hpreact from one expression against chapter 2's seven steps,
largest difference ${formatNumber(forwardDiff)}.
`);

  const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
  const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  const dhprebn = batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain);
  const atomic = backpropBatchnorm(dhpreact, fwd, params);
  const gradients = Object.keys(atomic).length;
  say(`Now dhprebn from the one formula, against TensorFlow.js and against chapter 5's ${gradients} gradients, one at a
    time:`);
  const ok = reportComparisons([
    compareGradient("hprebn (TensorFlow.js)", dhprebn, ref.grads.hprebn),
    compareGradient("hprebn (chapter 5)", dhprebn, atomic.dhprebn),
  ]) && forwardDiff < 1e-5;
  console.log();
  say(`The lecture saw a maxdiff of about 1e-9 here.`);

  const atomicMs = medianMs(() => backpropBatchnorm(dhpreact, fwd, params), 150);
  const fusedMs = medianMs(() => batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain), 150);
  say(`On this machine, just now: chapter 5's ${gradients} gradients take ${atomicMs.toFixed(3)} ms, the fused formula
    ${fusedMs.toFixed(3)} ms, ${(atomicMs / fusedMs).toFixed(1)}× faster (median of many runs; \`deno bench\` measures
    it carefully). With both fused backward passes in hand, chapter 9 trains the network.`);
  return ok;
}

if (import.meta.main && !run()) Deno.exitCode = 1;
