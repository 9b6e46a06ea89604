/**
 * # Chapter 4. Backprop through the output layer and tanh
 *
 * Chapter 3 brought the gradient down to `dlogits`. Two steps separate the
 * logits from batchnorm's output: the linear layer `logits = h @ W2 + b2`
 * and the non-linearity `h = tanh(hpreact)`. The linear layer is the most
 * reused pattern of backpropagation, and it has a trick for remembering it:
 * the gradient of a matrix product must have the shape of the matrix it is
 * for, and there is exactly one way to multiply the available matrices to
 * get that shape.
 *
 * Run it with `deno task chapter 4`.
 *
 * @module
 */

import { sub, sum, type Tensor } from "../lib/tensor.ts";
import type { Forward, Params } from "../lib/model.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { checkStage } from "../lib/check/stage.ts";
import { heading, say } from "../lib/report/print.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";

/** This chapter's title. */
export const title = "Backprop through the output layer and tanh";

/** The gradients this chapter computes. */
export interface OutputLayerGrads {
  dh: Tensor;
  dW2: Tensor;
  db2: Tensor;
  dhpreact: Tensor;
}

/**
 * Backpropagates `dlogits` through the second linear layer and tanh.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * import { backpropCrossEntropy } from "./03_cross_entropy.ts";
 * const { fwd, params, batch } = lectureForward();
 * const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
 * backpropOutputLayer(dlogits, fwd, params).dhpreact.shape; // [32, 64]
 * ```
 */
export function backpropOutputLayer(dlogits: Tensor, fwd: Forward, params: Params): OutputLayerGrads {
  const { h } = fwd;
  const { W2 } = params;

  // ### logits = h @ W2 + b2
  //
  // Look at one entry: logits[i, j] = Σₖ h[i, k] · W2[k, j] + b2[j]. Its
  // derivative with respect to h[i, k] is W2[k, j]; h[i, k] reaches every
  // logit of row i, so dh[i, k] = Σⱼ dlogits[i, j] · W2[k, j]. That is a
  // row of dlogits times a row of W2, which in matrix form is dlogits @ W2ᵀ:
  // [n, 27] @ [27, 64] gives [n, 64], the shape of h, as it must. The
  // lecture's `dlogits @ W2.T` reads `dlogits.matmul(W2.T)`.
  const dh = dlogits.matmul(W2.T); // [n, 64]
  // Likewise W2[k, j] reaches logits[i, j] for every example i:
  // dW2[k, j] = Σᵢ h[i, k] · dlogits[i, j], which is hᵀ @ dlogits,
  // [64, n] @ [n, 27] giving [64, 27], the shape of W2.
  const dW2 = h.T.matmul(dlogits); // [64, 27]
  // b2 ([27]) was broadcast over the n rows; each row's use passes back its
  // gradient, so db2 sums dlogits over the rows, axis 0, as the lecture's
  // `dlogits.sum(0)` does. (`dlogits.sumToShape(b2.shape)` says the same
  // thing another way: sum the gradient back to the shape of what was
  // broadcast, whatever the axes.)
  const db2 = dlogits.sum(0); // [27]

  // ### h = tanh(hpreact)
  //
  // d/dx tanh(x) = 1 − tanh(x)², and tanh(hpreact) is h, which we kept from
  // the forward pass. Where a unit is saturated (h near ±1) the factor is
  // near 0 and the gradient stops: the lecture's warning about dead tanh units.
  const dhpreact = sub(1, h.pow(2)).mul(dh); // [n, 64]

  return { dh, dW2, db2, dhpreact };
}

/** Prints this chapter's checks; false if any gradient is off. */
export function run(): boolean {
  heading(4, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);
  const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
  const g = backpropOutputLayer(dlogits, fwd, params);
  say("Starting from chapter 3's dlogits, the gradients of the second layer and tanh against TensorFlow.js's:");
  const ok = checkStage({ h: g.dh, W2: g.dW2, b2: g.db2, hpreact: g.dhpreact }, ref);
  const saturated = Array.from(fwd.h.data).filter((v) => Math.abs(v) > 0.99).length;
  say(`${saturated} of the ${fwd.h.size} tanh outputs of this batch are beyond ±0.99, where 1 − h² < 0.02 lets almost no
    gradient through. Batchnorm keeps that number small by holding hpreact near unit variance.`);
  // A check that needs no library: db2 is the column sum of dlogits, and each
  // row of dlogits sums to zero (chapter 7 shows why), so db2 sums to zero too.
  say(`Σ db2 = ${sum(g.db2).item().toExponential(2)}: zero up to rounding, because every row of dlogits sums to zero.`);
  return ok;
}

if (import.meta.main && !run()) Deno.exitCode = 1;
