/**
 * # Chapter 6. Backprop through the first layer and the embedding
 *
 * The last stretch: from `dhprebn` (chapter 5) through the first linear layer
 * to `W1` and `b1`, through the reshape that laid three embeddings side by
 * side, and through the table lookup into `C`. The lookup is the one step
 * with a new idea: several examples can look up the same row of `C`, and then
 * that row's gradient is the sum of all their gradients.
 *
 * At the end we have all 26 gradients of the lecture's exercise 1, and we
 * print its whole comparison table.
 *
 * Run it with `deno task chapter 6`.
 *
 * @module
 */

import { type IndexTensor, scatterAddRows, type Tensor, zeros } from "../lib/tensor.ts";
import type { Forward, Params } from "../lib/model.ts";
import { type Gradients, referenceGradients } from "../lib/check/reference.ts";
import { checkStage } from "../lib/check/stage.ts";
import { heading, say } from "../lib/report/print.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";
import { backpropBatchnorm } from "./05_batchnorm.ts";

/** This chapter's title. */
export const title = "Backprop through the first layer and the embedding";

/** The gradients this chapter computes. */
export interface FirstLayerGrads {
  dembcat: Tensor;
  dW1: Tensor;
  db1: Tensor;
  demb: Tensor;
  dC: Tensor;
}

/**
 * Backpropagates `dhprebn` through the first linear layer, the reshape and
 * the embedding lookup.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * import { backpropCrossEntropy } from "./03_cross_entropy.ts";
 * import { backpropOutputLayer } from "./04_output_layer.ts";
 * import { backpropBatchnorm } from "./05_batchnorm.ts";
 * const { fwd, params, batch } = lectureForward();
 * const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
 * const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
 * const { dhprebn } = backpropBatchnorm(dhpreact, fwd, params);
 * const { dC } = backpropFirstLayer(dhprebn, fwd, params, batch.Xb);
 * dC.shape; // [27, 10]
 * ```
 */
export function backpropFirstLayer(dhprebn: Tensor, fwd: Forward, params: Params, Xb: IndexTensor): FirstLayerGrads {
  const { embcat, emb } = fwd;
  const { W1, C } = params;

  // ### hprebn = embcat @ W1 + b1
  //
  // The same pattern as the output layer in chapter 4: the gradient of each
  // factor of a matrix product is the upstream gradient times the other
  // factor, transposed so that the shapes work out, and the broadcast bias
  // sums its gradient over the rows.
  const dembcat = dhprebn.matmul(W1.T); // [n, 30]
  const dW1 = embcat.T.matmul(dhprebn); // [30, 64]
  const db1 = dhprebn.sum(0); // [64]
  // (Batchnorm subtracts the batch mean right after this layer, which cancels
  // any bias: db1 is zero up to rounding. The lecture keeps b1 "for fun".)

  // ### embcat = emb.view(n, 30)
  //
  // A view only renames positions; no number changes. The gradient is the
  // upstream gradient viewed back in the original shape.
  const demb = dembcat.reshape(emb.shape); // [n, 3, 10]

  // ### emb = C[Xb]
  //
  // Each of the n · 3 context positions copied one row of C. The copy passes
  // its gradient back to the row it came from, and a row used several times
  // (the boundary token "." starts every name, so row 0 is used a lot)
  // receives the sum: row Xb[i, j] of dC gains demb[i, j], for every i and j.
  // That is a scatter-add, the backward of a gather.
  const dC = scatterAddRows(zeros(C.shape), Xb, demb); // [27, 10]

  return { dembcat, dW1, db1, demb, dC };
}

/**
 * All 26 gradients of exercise 1, from chapters 3 to 6, named as in the
 * reference (`logprobs` for `dlogprobs` and so on).
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * const { fwd, params, batch } = lectureForward();
 * const grads = manualGradients(fwd, params, batch.Xb, batch.Yb);
 * grads.C.shape; // [27, 10]
 * ```
 */
export function manualGradients(fwd: Forward, params: Params, Xb: IndexTensor, Yb: IndexTensor): Gradients {
  const ce = backpropCrossEntropy(fwd, Yb);
  const out = backpropOutputLayer(ce.dlogits, fwd, params);
  const bn = backpropBatchnorm(out.dhpreact, fwd, params);
  const first = backpropFirstLayer(bn.dhprebn, fwd, params, Xb);
  return {
    logprobs: ce.dlogprobs,
    probs: ce.dprobs,
    countsSumInv: ce.dcountsSumInv,
    countsSum: ce.dcountsSum,
    counts: ce.dcounts,
    normLogits: ce.dnormLogits,
    logitMaxes: ce.dlogitMaxes,
    logits: ce.dlogits,
    h: out.dh,
    W2: out.dW2,
    b2: out.db2,
    hpreact: out.dhpreact,
    bngain: bn.dbngain,
    bnbias: bn.dbnbias,
    bnraw: bn.dbnraw,
    bnvarInv: bn.dbnvarInv,
    bnvar: bn.dbnvar,
    bndiff2: bn.dbndiff2,
    bndiff: bn.dbndiff,
    bnmeani: bn.dbnmeani,
    hprebn: bn.dhprebn,
    embcat: first.dembcat,
    W1: first.dW1,
    b1: first.db1,
    emb: first.demb,
    C: first.dC,
  };
}

/** Prints this chapter's checks, then the lecture's full table; false if any gradient is off. */
export function run(): boolean {
  heading(6, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);
  const all = manualGradients(fwd, params, batch.Xb, batch.Yb);
  say("Starting from chapter 5's dhprebn, the last five gradients against TensorFlow.js's:");
  const stageOk = checkStage({ embcat: all.embcat, W1: all.W1, b1: all.b1, emb: all.emb, C: all.C }, ref);
  const uses = new Map<number, number>();
  for (const ix of batch.Xb.data) uses.set(ix, (uses.get(ix) ?? 0) + 1);
  say(`In this batch ${uses.size} of the 27 rows of C are looked up, ${batch.Xb.data.length} lookups in all; row 0
    (".") alone ${uses.get(0) ?? 0} times. Assigning instead of adding (dC[ix] = demb) would keep only the last of
    each row's contributions.`);
  say(
    "The lecture's exercise 1 is complete (chapters 3 to 6 here). Its full table, all 26 gradients of the chunked backward pass:",
  );
  const allOk = checkStage(all, ref);
  return stageOk && allOk;
}

if (import.meta.main && !run()) Deno.exitCode = 1;
