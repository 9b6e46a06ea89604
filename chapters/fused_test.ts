// The fused backward passes of chapters 7 and 8 against TensorFlow.js, PyTorch
// and the atomic chapters, and a wrong fused formula that the check catches.

import assert from "node:assert/strict";
import { compareWithPyTorch } from "../lib/check/stage.ts";
import { compareGradient } from "../lib/check/compare.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { div, mul, oneHot, softmax, sub, sum } from "../lib/tensor.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";
import { backpropBatchnorm } from "./05_batchnorm.ts";
import { crossEntropy, crossEntropyBackward } from "./07_fused_cross_entropy.ts";
import { batchnormBackward, batchnormForward } from "./08_fused_batchnorm.ts";

const { params, batch, fwd } = lectureForward();
const ref = referenceGradients(params, batch.Xb, batch.Yb);
const atomic = backpropCrossEntropy(fwd, batch.Yb);
const { dhpreact } = backpropOutputLayer(atomic.dlogits, fwd, params);
const n = batch.Xb.shape[0];

Deno.test("the fused loss equals the chunked one", () => {
  assert.ok(Math.abs(crossEntropy(fwd.logits, batch.Yb) - fwd.loss) < 1e-6);
});

Deno.test("fused dlogits matches TensorFlow.js, PyTorch and chapter 3 at the lecture's scale (5e-9)", () => {
  const dlogits = crossEntropyBackward(fwd.logits, batch.Yb);
  for (
    const row of [
      compareGradient("logits", dlogits, ref.grads.logits),
      compareGradient("logits", dlogits, atomic.dlogits),
    ]
  ) {
    assert.ok(row.approximate && row.maxdiff < 2e-8, `maxdiff ${row.maxdiff}`);
  }
  assert.ok(compareWithPyTorch({ logits: dlogits })[0].approximate);
  for (const s of sum(dlogits, 1).data) assert.ok(Math.abs(s) < 1e-8, "each row sums to zero");
});

Deno.test("a fused cross-entropy that forgets the 1/n is caught", () => {
  const wrong = sub(softmax(fwd.logits, 1), oneHot(batch.Yb, 27));
  assert.equal(compareGradient("logits", wrong, ref.grads.logits).approximate, false);
});

Deno.test("fused batchnorm forward equals the chunked one", () => {
  const fused = batchnormForward(fwd.hprebn, params);
  for (let i = 0; i < fused.size; i++) assert.ok(Math.abs(fused.data[i] - fwd.hpreact.data[i]) < 1e-5);
});

Deno.test("fused dhprebn matches TensorFlow.js, PyTorch and chapter 5 at the lecture's scale (1e-9)", () => {
  const dhprebn = batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain);
  const chained = backpropBatchnorm(dhpreact, fwd, params).dhprebn;
  for (
    const row of [compareGradient("hprebn", dhprebn, ref.grads.hprebn), compareGradient("hprebn", dhprebn, chained)]
  ) {
    assert.ok(row.approximate && row.maxdiff < 1e-8, `maxdiff ${row.maxdiff}`);
  }
  assert.ok(compareWithPyTorch({ hprebn: dhprebn })[0].approximate);
});

Deno.test("a fused batchnorm backward with n instead of n − 1 is caught", () => {
  // The same formula with the textbook's biased variance: n/(n−1) replaced by 1.
  const dyTotal = sum(dhpreact, 0, true);
  const dyDotRaw = sum(mul(dhpreact, fwd.bnraw), 0, true);
  const inner = sub(sub(mul(n, dhpreact), dyTotal), mul(fwd.bnraw, dyDotRaw));
  const wrong = mul(div(mul(params.bngain, fwd.bnvarInv), n), inner);
  assert.equal(compareGradient("hprebn", wrong, ref.grads.hprebn).approximate, false);
});
