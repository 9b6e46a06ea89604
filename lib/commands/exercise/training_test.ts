import assert from "node:assert/strict";
import { forwardModule, kernelsRun, paramsOf, printEvery, withSteps } from "./training.ts";
import { limitText } from "../../exercise/training_report.ts";
import { curvesSideBySide, printProgress, reportTraining, type TrainingRun } from "./training_report.ts";
import { LIMITS } from "./sandbox.ts";
import { toBase64 } from "../../exercise/wire.ts";
import { lectureForward } from "../../../chapters/02_forward.ts";
import { quietly } from "../../testing.ts";
import type { Forward, Params } from "../../model.ts";
import type { IndexTensor } from "../../tensor.ts";

Deno.test("the training process's forward pass is chapter 2's, bit for bit", async () => {
  const url = `data:application/typescript;base64,${toBase64(new TextEncoder().encode(forwardModule()))}`;
  const { forward } = await import(url) as { forward: (p: Params, X: IndexTensor, Y: IndexTensor) => Forward };
  const { params, batch, fwd } = lectureForward();
  const again = forward(params, batch.Xb, batch.Yb);
  assert.equal(again.loss, fwd.loss);
  assert.deepEqual(again.bnraw.data, fwd.bnraw.data);
});

Deno.test("the trained parameters are read only whole: every one, of its shape, finite", () => {
  const { start } = kernelsRun(1);
  const sent = Object.fromEntries(
    Object.entries(start).map(([k, t]) => [k, { shape: t.shape, f32: toBase64(t.data) }]),
  );
  assert.deepEqual(paramsOf({ ended: "trained", params: sent }, start)?.b2.data, start.b2.data);
  const { W2: _, ...missing } = sent;
  assert.equal(paramsOf({ ended: "trained", params: missing }, start), undefined);
  const nan = { ...sent, b2: { shape: [27], f32: toBase64(new Float32Array(27).fill(NaN)) } };
  assert.equal(paramsOf({ ended: "trained", params: nan }, start), undefined);
  assert.equal(paramsOf({ ended: "trained", params: { ...sent, extra: sent.b2 } }, start), undefined);
});

Deno.test("the two loss curves share one scale, side by side", () => {
  const yours = Float64Array.from({ length: 300 }, (_, i) => 3.3 - i / 300);
  const kernels = Float64Array.from({ length: 300 }, (_, i) => 3.3 - i / 200);
  const text = curvesSideBySide(yours, kernels);
  const rows = text.split("\n").filter((l) => l.includes("┤") || l.includes("┼"));
  assert.ok(rows.length >= 10 && rows.every((l) => (l.match(/[┤┼]/g) ?? []).length === 2), text);
  assert.match(text, /mean over windows of 10 steps/);
});

Deno.test("a training that stopped says where, and fails", async () => {
  const { trainer } = kernelsRun(1);
  const process = { status: { success: true, code: 0, signal: null }, out: [], cut: 0, stderr: "", ms: 10 };
  const run: TrainingRun = {
    run: process,
    end: {
      ended: "stopped",
      step: 1,
      why: "your gradients() threw",
      threw: { text: "Cannot add", at: { line: 7, column: 3 } },
    },
    losses: new Float64Array(3).fill(NaN),
    ms: 10,
    kernels: trainer,
    kernelLosses: new Float64Array(3),
    shown: "09_training.ts",
    place: (at) => `09_training.ts:${at.line}:${at.column}`,
    limits: LIMITS,
  };
  const { result, output } = await quietly(() => Promise.resolve(reportTraining(run)));
  assert.equal(result, 1);
  assert.match(
    output.replace(/\s+/g, " "),
    /Training stopped at step 1 of 3: your gradients\(\) threw: 09_training\.ts:7:3: Cannot add\./,
  );
  const { output: killed } = await quietly(() =>
    Promise.resolve(reportTraining({ ...run, end: undefined, run: { ...process, killed: "deadline" } }))
  );
  assert.match(killed.replace(/\s+/g, " "), /took more than 120 s, so it was stopped after step 0 of 3/);
});

Deno.test("a longer training gets its time limit scaled, said in words, and fewer progress lines, each with the time left", async () => {
  assert.equal(withSteps(LIMITS, 3000).trainMs, LIMITS.trainMs);
  assert.equal(withSteps(LIMITS, 300).trainMs, LIMITS.trainMs, "a shorter run keeps the whole limit");
  assert.equal(withSteps(LIMITS, 200_000).trainMs, LIMITS.trainMs * 200_000 / 3000);
  assert.equal(withSteps({ ...LIMITS, trainMs: 1000 }, 6000).trainMs, 2000);
  assert.equal(withSteps(LIMITS, 12_345).trainSteps, 12_345);
  assert.deepEqual([60_000, 120_000, 540_000, 3_600_000, 8_000_000].map(limitText), [
    "60 s",
    "120 s",
    "9 min",
    "1 h 0 min",
    "2 h 13 min",
  ]);
  assert.deepEqual([300, 3000, 10_000, 10_001, 50_000, 200_000].map(printEvery), [500, 500, 500, 1000, 2500, 10_000]);
  const losses = new Float64Array(200_000).fill(2.5);
  const { output } = await quietly(() => Promise.resolve(printProgress(10_000, 200_000, losses, losses, 30_000)));
  assert.equal(output, "  step  10,000 of 200,000: loss 2.5000 (the kernels' 2.5000), 3.0 ms a step, 9:30 left\n");
  const { output: last } = await quietly(() => Promise.resolve(printProgress(3000, 3000, losses, losses, 9000)));
  assert.equal(last, "  step 3,000 of 3,000: loss 2.5000 (the kernels' 2.5000), 3.0 ms a step\n");
});
