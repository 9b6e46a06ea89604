import assert from "node:assert/strict";
import { curvesSvg, progressLine } from "./exercise_train_report.ts";

Deno.test("the progress line reads as the CLI's: the last window's mean loss beside the kernels', ms a step", () => {
  const yours = new Float64Array([3, 2, NaN, NaN]);
  const kernels = new Float64Array([3, 2.5, 2, 1.5]);
  assert.equal(
    progressLine(2, 4, yours, kernels, 30),
    "step 2 of 4: loss 2.5000 (the kernels' 2.7500), 15.0 ms a step",
  );
});

Deno.test("the chart draws both curves and leaves out steps not yet taken (NaN), never drawing NaN", () => {
  const kernels = Float64Array.from({ length: 300 }, (_, i) => 3 - i / 300);
  const yours = kernels.map((l, i) => (i < 100 ? l : NaN));
  const svg = curvesSvg(yours, kernels);
  const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) => m[1].split(" ").length);
  assert.deepEqual(lines, [150, 50]); // the kernels' 300 steps and your 100, in windows of 2 steps
  assert.doesNotMatch(svg, /NaN|Infinity/);
  assert.doesNotMatch(curvesSvg(new Float64Array(3).fill(NaN), new Float64Array(3).fill(NaN)), /NaN/);
});
