// The training machinery in lib/train/ against the lessons: the fused
// batchnorm and cross-entropy kernels against chapters 7 and 8, and the
// trainer's first step against chapters 2 to 6 and PyTorch.

import assert from "node:assert/strict";
import * as k from "../lib/train/kernels.ts";
import { Trainer } from "../lib/train/trainer.ts";
import { loadTrainingData } from "../lib/train/training_data.ts";
import { fromArray, indexTensor, mul, sumToShape } from "../lib/tensor.ts";
import { TorchGenerator } from "../lib/random/torch.ts";
import { fixture, fixtureTensor } from "../lib/check/fixture.ts";
import { PARAM_NAMES, type Params } from "../lib/model.ts";
import { assertClose } from "../lib/testing.ts";
import { lectureForward } from "./02_forward.ts";
import { manualGradients } from "./06_first_layer.ts";
import { crossEntropy, crossEntropyBackward } from "./07_fused_cross_entropy.ts";
import { batchnormBackward, batchnormForward } from "./08_fused_batchnorm.ts";

const g = new TorchGenerator(99);
const randn = (size: number) => Float64Array.from(g.randn(size));
const f32 = (data: Float64Array, shape: number[]) => fromArray(data, shape);

Deno.test("batchnorm forward and fused backward equal chapter 8's", () => {
  const [n, H] = [32, 200];
  const inp = randn(n * H), gain = randn(H), bias = randn(H), dout = randn(n * H);
  const out = new Float64Array(n * H), bnraw = new Float64Array(n * H);
  const varInv = new Float64Array(H), mean = new Float64Array(H), variance = new Float64Array(H);
  k.batchnormForward(out, bnraw, varInv, mean, variance, inp, gain, bias, n, H);
  const params = { bngain: f32(gain, [1, H]), bnbias: f32(bias, [1, H]) } as Params;
  assertClose(out, batchnormForward(f32(inp, [n, H]), params), "hpreact");
  const dinp = new Float64Array(n * H), dgain = new Float64Array(H), dbias = new Float64Array(H);
  k.batchnormBackward(dinp, dgain, dbias, dout, bnraw, varInv, gain, new Float64Array(2 * H), n, H);
  const tRaw = f32(bnraw, [n, H]);
  assertClose(dinp, batchnormBackward(f32(dout, [n, H]), tRaw, f32(varInv, [1, H]), params.bngain), "dhprebn");
  assertClose(dgain, sumToShape(mul(f32(dout, [n, H]), tRaw), [1, H]), "dbngain");
  assertClose(dbias, sumToShape(f32(dout, [n, H]), [1, H]), "dbnbias");
});

Deno.test("cross-entropy forward and fused backward equal chapter 7's", () => {
  const [n, V] = [32, 27];
  const logits = randn(n * V).map((v) => 2 * v);
  const Y = Int32Array.from(g.randint(0, V, n));
  const probs = new Float64Array(n * V);
  const loss = k.crossEntropyForward(probs, logits, Y, n, V);
  assert.ok(Math.abs(loss - crossEntropy(f32(logits, [n, V]), indexTensor(Y, [n]))) < 1e-5);
  const dlogits = new Float64Array(n * V);
  k.crossEntropyBackward(dlogits, probs, Y, n, V);
  assertClose(dlogits, crossEntropyBackward(f32(logits, [n, V]), indexTensor(Y, [n])), "dlogits");
});

Deno.test("a first step with 64 hidden units sees the lecture's batch, loss and gradients", () => {
  // With n_hidden = 64 the trainer's initialisation and first batch are exercise 1's.
  const trainer = new Trainer({ nHidden: 64, steps: 1 }, loadTrainingData(3));
  const { params, batch, fwd } = lectureForward();
  for (const name of PARAM_NAMES) assert.deepEqual(trainer.params[name].data, params[name].data, name);
  const loss = trainer.trainStep();
  assert.ok(Math.abs(loss - fixture.loss) < 1e-5, `loss ${loss}, PyTorch ${fixture.loss}`);
  assert.deepEqual(Array.from(trainer.lastBatch().Yb), fixture.Yb);
  const chapters = manualGradients(fwd, params, batch.Xb, batch.Yb);
  const grads = trainer.lastGradients();
  for (const name of PARAM_NAMES) {
    const torch = fixtureTensor("grads", name);
    const scale = Math.max(...Array.from(torch, Math.abs));
    for (let i = 0; i < torch.length; i++) {
      // b1's gradient is rounding noise around zero (chapter 6), hence the absolute floor.
      const tol = 1e-5 * scale + 1e-8;
      assert.ok(
        Math.abs(grads[name][i] - torch[i]) <= tol,
        `${name}[${i}] fast ${grads[name][i]}, PyTorch ${torch[i]}`,
      );
      assert.ok(Math.abs(grads[name][i] - chapters[name].data[i]) <= tol, `${name}[${i}] against the chapters`);
    }
  }
});
