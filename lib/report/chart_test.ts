import assert from "node:assert/strict";
import { lossChart, windowMeans } from "./chart.ts";

Deno.test("the loss chart averages log10(loss) over windows", () => {
  const chart = lossChart(new Float32Array(1000).map((_, i) => 0.5 - i / 4000), 10);
  assert.match(chart, /^log10\(loss\), mean over windows of 100 steps:/);
  assert.match(chart, /0\.488/); // the first window's mean: 0.5 − 49.5/4000
  assert.equal(lossChart(new Float32Array(0)), "(no steps, no chart)");
});

Deno.test("windowMeans averages whole windows, a shorter last one, and says where each starts", () => {
  assert.deepEqual(windowMeans(new Float32Array([1, 3, 5]), 2), {
    window: 2,
    means: [2, 5],
    starts: [0, 2],
    lengths: [2, 1],
  });
  assert.deepEqual(windowMeans(new Float32Array([1, 2]), 70), {
    window: 1,
    means: [1, 2],
    starts: [0, 1],
    lengths: [1, 1],
  });
});
