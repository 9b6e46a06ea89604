// The hand-written gradients of chapters 3 to 6 against three oracles:
// TensorFlow.js's autograd, PyTorch's (the committed fixture), and float64
// finite differences that depend on neither library. Then the checks are fed
// known mistakes, to show that they can fail.

import assert from "node:assert/strict";
import { compareWithPyTorch, compareWithTf } from "../lib/check/stage.ts";
import { compareGradient } from "../lib/check/compare.ts";
import { fixture } from "../lib/check/fixture.ts";
import { GRADIENT_NAMES, referenceGradients } from "../lib/check/reference.ts";
import { type Forward, PARAM_NAMES } from "../lib/model.ts";
import {
  exp,
  type IndexTensor,
  indexTensor,
  log,
  max,
  mul,
  ones,
  pow,
  scatterAddRows,
  sub,
  sum,
  Tensor,
  tensor,
  zeros,
} from "../lib/tensor.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";
import { backpropBatchnorm, droppedEpsilon } from "./05_batchnorm.ts";
import { manualGradients } from "./06_first_layer.ts";

const { params, batch, fwd } = lectureForward();
const ref = referenceGradients(params, batch.Xb, batch.Yb);
const grads = manualGradients(fwd, params, batch.Xb, batch.Yb);

Deno.test("the forward pass's loss equals PyTorch's to 1e-6, and TensorFlow.js's", () => {
  assert.ok(Math.abs(fwd.loss - fixture.loss) < 1e-6, `ours ${fwd.loss}, PyTorch ${fixture.loss}`);
  assert.ok(Math.abs(fwd.loss - ref.loss) < 1e-6, `ours ${fwd.loss}, TensorFlow.js ${ref.loss}`);
});

Deno.test("all 26 gradients are approximately equal to TensorFlow.js's", () => {
  const rows = compareWithTf(grads, ref);
  assert.equal(rows.length, 26);
  for (const row of rows) assert.ok(row.approximate, `${row.name}: maxdiff ${row.maxdiff}`);
});

Deno.test("all 26 gradients are approximately equal to PyTorch's", () => {
  const rows = compareWithPyTorch(grads);
  assert.deepEqual(rows.map((r) => r.name), [...GRADIENT_NAMES]);
  for (const row of rows) assert.ok(row.approximate, `${row.name}: maxdiff ${row.maxdiff}`);
});

// ## Finite differences in float64
//
// An oracle that shares no code with us or with the libraries: the lecture's
// forward pass written again, in float64, and the loss nudged up and down.

type Params64 = Record<typeof PARAM_NAMES[number], Float64Array>;

function lossF64(p: Params64, Xb: IndexTensor, Yb: IndexTensor, nEmbd: number, nHidden: number, vocab: number): number {
  const [n, block] = Xb.shape;
  const width = block * nEmbd;
  const hpre = new Float64Array(n * nHidden);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nHidden; j++) {
      let s = p.b1[j];
      for (let k = 0; k < width; k++) {
        const ch = Xb.data[i * block + Math.floor(k / nEmbd)];
        s += p.C[ch * nEmbd + (k % nEmbd)] * p.W1[k * nHidden + j];
      }
      hpre[i * nHidden + j] = s;
    }
  }
  const h = new Float64Array(n * nHidden);
  for (let j = 0; j < nHidden; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += hpre[i * nHidden + j] / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (hpre[i * nHidden + j] - mean) ** 2 / (n - 1);
    for (let i = 0; i < n; i++) {
      const raw = (hpre[i * nHidden + j] - mean) / Math.sqrt(v + 1e-5);
      h[i * nHidden + j] = Math.tanh(p.bngain[j] * raw + p.bnbias[j]);
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const logits = new Float64Array(vocab);
    for (let c = 0; c < vocab; c++) {
      let s = p.b2[c];
      for (let k = 0; k < nHidden; k++) s += h[i * nHidden + k] * p.W2[k * vocab + c];
      logits[c] = s;
    }
    const m = Math.max(...logits);
    let z = 0;
    for (const l of logits) z += Math.exp(l - m);
    loss += -(logits[Yb.data[i]] - m - Math.log(z)) / n;
  }
  return loss;
}

Deno.test("every parameter's gradient agrees with float64 central differences", () => {
  const p64 = Object.fromEntries(PARAM_NAMES.map((name) => [name, Float64Array.from(params[name].data)])) as Params64;
  const [vocab, nEmbd] = params.C.shape;
  const nHidden = params.W1.shape[1];
  const loss = () => lossF64(p64, batch.Xb, batch.Yb, nEmbd, nHidden, vocab);
  assert.ok(Math.abs(loss() - fwd.loss) < 1e-5, "the float64 forward pass gives the same loss");
  const h = 1e-6;
  const report: string[] = [];
  for (const name of PARAM_NAMES) {
    const values = p64[name];
    // Eight entries per parameter, spread over the tensor; for C the rows the batch uses.
    const picks = name === "C"
      ? [...new Set(batch.Xb.data)].slice(0, 8).map((row) => row * nEmbd + (row % nEmbd))
      : Array.from({ length: 8 }, (_, i) => Math.floor((i * values.length) / 8 + 3) % values.length);
    let worstRelative = 0;
    let worstAbsolute = 0;
    for (const at of picks) {
      const saved = values[at];
      values[at] = saved + h;
      const up = loss();
      values[at] = saved - h;
      const down = loss();
      values[at] = saved;
      const numeric = (up - down) / (2 * h);
      const ours = grads[name as keyof typeof grads].data[at];
      const absolute = Math.abs(ours - numeric);
      worstAbsolute = Math.max(worstAbsolute, absolute);
      if (Math.abs(numeric) > 1e-5) worstRelative = Math.max(worstRelative, absolute / Math.abs(numeric));
      // float32 gradients carry about 7 significant digits of terms of size ~1e-2.
      assert.ok(
        absolute <= 1e-7 + 1e-4 * Math.abs(numeric),
        `${name}[${at}]: ours ${ours}, finite difference ${numeric}`,
      );
    }
    report.push(
      `${name.padEnd(7)} worst relative error ${worstRelative.toExponential(2)}, absolute ${
        worstAbsolute.toExponential(2)
      }`,
    );
  }
  console.log("\n" + report.join("\n"));
});

Deno.test("b1's gradient is zero up to rounding: batchnorm subtracts any bias", () => {
  for (const v of grads.b1.data) assert.ok(Math.abs(v) < 1e-7);
});

// ## The checks catch known mistakes

Deno.test("dividing by n instead of n − 1 in dbndiff2 is caught", () => {
  const { dhpreact } = backpropOutputLayer(grads.logits, fwd, params);
  const good = backpropBatchnorm(dhpreact, fwd, params);
  const n = batch.Xb.shape[0];
  const wrong = mul(mul(1 / n, ones(fwd.bndiff2.shape)), good.dbnvar);
  assert.equal(compareGradient("bndiff2", good.dbndiff2, ref.grads.bndiff2).approximate, true);
  assert.equal(compareGradient("bndiff2", wrong, ref.grads.bndiff2).approximate, false);
});

Deno.test("dropping the 1e-5 from dbnvar is caught, by the columns whose units vary least", () => {
  const { dhpreact } = backpropOutputLayer(grads.logits, fwd, params);
  const good = backpropBatchnorm(dhpreact, fwd, params);
  const { moved, beyond } = droppedEpsilon(fwd, good, ref.grads.bnvar);
  const dropped = mul(-0.5, fwd.bnvar.pow(-1.5)).mul(good.dbnvarInv);
  assert.equal(compareGradient("bnvar", dropped, ref.grads.bnvar).approximate, false);
  assert.ok(beyond.length > 0 && beyond.every((j) => moved.includes(j)), "a column beyond tolerance has moved");
  assert.ok(moved.length < fwd.bnvar.size, "some columns move by less than 1e-5 of their size");
  // The moved columns are exactly those of the smallest variances, below about 1.5 (1.5e-5/bnvar > 1e-5).
  const byVariance = Array.from(fwd.bnvar.data.keys()).sort((a, b) => fwd.bnvar.data[a] - fwd.bnvar.data[b]);
  assert.deepEqual([...moved].sort((a, b) => a - b), byVariance.slice(0, moved.length).sort((a, b) => a - b));
  for (const j of moved) assert.ok(fwd.bnvar.data[j] < 1.5, `column ${j} has bnvar ${fwd.bnvar.data[j]}`);
});

Deno.test("a missing sum over a broadcast axis is caught by its shape", () => {
  // db2 left as dlogits: [32, 27] where [27] was due.
  assert.equal(compareGradient("b2", grads.logits, ref.grads.b2).approximate, false);
  // dbnmeani summed without keepdim: [64] where [1, 64] was due, with the very same numbers.
  const flat = new Tensor(grads.bnmeani.data, [grads.bnmeani.size]);
  assert.equal(compareGradient("bnmeani", flat, ref.grads.bnmeani).approximate, false);
});

Deno.test("a dC that drops repeated indices is caught", () => {
  const demb = grads.emb;
  const [rows, width] = params.C.shape;
  const dropped = zeros([rows, width]);
  // dC[ix] = demb: each row keeps only its last contribution.
  for (let i = 0; i < batch.Xb.data.length; i++) {
    dropped.data.set(demb.data.subarray(i * width, (i + 1) * width), batch.Xb.data[i] * width);
  }
  const summed = scatterAddRows(zeros([rows, width]), batch.Xb, demb);
  assert.equal(compareGradient("C", summed, ref.grads.C).approximate, true);
  assert.equal(compareGradient("C", dropped, ref.grads.C).approximate, false);
});

Deno.test("forgetting the second branch of counts is caught", () => {
  const good = backpropCrossEntropy(fwd, batch.Yb);
  const firstBranchOnly = mul(fwd.countsSumInv, good.dprobs);
  assert.equal(compareGradient("counts", good.dcounts, ref.grads.counts).approximate, true);
  assert.equal(compareGradient("counts", firstBranchOnly, ref.grads.counts).approximate, false);
  // The mistake flows on: dlogits built from it is wrong too.
  const dnormLogits = mul(fwd.counts, firstBranchOnly);
  assert.equal(compareGradient("normLogits", dnormLogits, ref.grads.normLogits).approximate, false);
});

Deno.test("at a tie for the maximum, dlogitMaxes goes to the first tied entry only, as in PyTorch", () => {
  const logits = tensor([[2, 2, 0], [1, 3, 3]]); // [2, 3], a tie in each row
  const { values: logitMaxes, indices: logitArgmax } = max(logits, 1, true);
  const counts = exp(sub(logits, logitMaxes));
  const countsSum = sum(counts, 1, true);
  const countsSumInv = pow(countsSum, -1);
  const probs = mul(counts, countsSumInv);
  const partial = { logits, logprobs: log(probs), probs, counts, countsSum, countsSumInv, logitArgmax };
  const g = backpropCrossEntropy(partial as unknown as Forward, indexTensor([2, 0], [2]));
  assert.deepEqual(Array.from(logitArgmax.data), [0, 1]);
  for (let row = 0; row < 2; row++) {
    for (let j = 0; j < 3; j++) {
      const diff = g.dlogits.at(row, j) - g.dnormLogits.at(row, j);
      if (j === logitArgmax.data[row]) assert.ok(Math.abs(diff - g.dlogitMaxes.at(row, 0)) < 1e-12);
      else assert.equal(diff, 0, `row ${row}, entry ${j} got part of dlogitMaxes`);
    }
  }
});
