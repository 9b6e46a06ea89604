import assert from "node:assert/strict";
import { kernelsRun, kernelsRunSteps, learnerHeader, paramsOf, trained } from "./beside_kernels.ts";
import { toBase64, unpack } from "./wire.ts";
import { Trainer } from "../train/trainer.ts";
import type { TrainEnd } from "./training_wire.ts";
import type { IndexTensor } from "../tensor.ts";

Deno.test("the parameters sent back are taken only whole: every one, of the network's shapes, all finite", () => {
  const like = new Trainer({ steps: 1 }).params;
  const sent = Object.fromEntries(
    Object.entries(like).map(([k, t]) => [k, { shape: [...t.shape], f32: toBase64(t.data) }]),
  );
  const end = (params: typeof sent): TrainEnd & { ended: "trained" } => ({ ended: "trained", params });
  assert.deepEqual(paramsOf(end(sent), like)?.W1.data, like.W1.data);
  assert.equal(paramsOf(end({ ...sent, W1: sent.C }), like), undefined);
  const { b1: _, ...missing } = sent;
  assert.equal(paramsOf(end(missing), like), undefined);
  assert.equal(paramsOf(end({ ...sent, extra: sent.b1 }), like), undefined);
  const nan = like.W2.data.slice();
  nan[7] = NaN;
  assert.equal(paramsOf(end({ ...sent, W2: { shape: sent.W2.shape, f32: toBase64(nan) } }), like), undefined);
});

Deno.test("the kernels' run a step at a time: the losses so far, NaN for the steps not taken, then the run", () => {
  const run = kernelsRunSteps(3);
  const first = run.next();
  assert.equal(first.done, false);
  assert.equal(!first.done && first.value.step, 1);
  const losses = !first.done ? first.value.losses : new Float64Array();
  assert.ok(losses[0] > 3 && losses[0] < 4.5, `the first loss is ${losses[0]}`);
  assert.ok(Number.isNaN(losses[1]) && Number.isNaN(losses[2]));
  run.next();
  run.next();
  const last = run.next();
  assert.equal(last.done, true);
  assert.deepEqual(last.done && last.value.Xb.shape, [96, 3]);
  assert.deepEqual(kernelsRun(3).losses, last.done && last.value.losses, "all at once, the same run");
});

Deno.test("the learner's run starts where the kernels' did, on its batches, and trains to a network beside it", () => {
  const kernels = kernelsRun(2);
  const header = learnerHeader(kernels, "code", 1);
  assert.deepEqual((unpack(header.Xb) as IndexTensor).data, kernels.Xb.data);
  assert.equal(header.steps, 2);
  assert.equal(header.decayStep, 1);
  const both = trained(kernels, kernels.start, new Float64Array([3.3, 3.2]));
  assert.equal(both.yours?.step, kernels.trainer.step);
  assert.equal(both.kernels, kernels.trainer);
  assert.equal(trained(kernels, undefined, new Float64Array(2)).yours, undefined);
});
