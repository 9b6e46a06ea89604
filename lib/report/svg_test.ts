import assert from "node:assert/strict";
import { fromArray } from "../tensor.ts";
import { heatmapSvg, lossCurveSvg, ticks } from "./svg.ts";

Deno.test("heatmapSvg draws one grey cell per entry, black at the smallest and white at the largest", () => {
  const m = fromArray([0, 1, 2, 3, 4, 5], [2, 3]);
  const svg = heatmapSvg(m, { columnLabels: ["a", "b", "<"] });
  const cells = [...svg.matchAll(/<rect x="\d+" y="\d+" width="12" height="12" fill="(#[0-9a-f]{6})"\/>/g)];
  assert.equal(cells.length, 6);
  assert.equal(cells[0][1], "#000000");
  assert.equal(cells[5][1], "#ffffff");
  assert.match(svg, /black = 0, white = 5 \(2 rows × 3 columns\)/);
  assert.match(svg, />&lt;<\/text>/, "labels are escaped");
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
});

Deno.test("heatmapSvg refuses what is not a matrix, and labels that do not fit", () => {
  assert.throws(() => heatmapSvg(fromArray([1, 2], [2])), { message: /Cannot draw \[2\] as a heat map/ });
  assert.throws(() => heatmapSvg(fromArray([1, 2], [1, 2]), { columnLabels: ["a"] }), {
    message: "Cannot label 2 columns with 1 labels",
  });
});

Deno.test("lossCurveSvg averages windows of steps and draws a falling loss falling", () => {
  const steps = 1000;
  const loss = Float32Array.from({ length: steps }, (_, i) => 0.5 - i / 4000);
  const svg = lossCurveSvg(loss, { maxPoints: 100 });
  assert.match(svg, /mean over windows of 10 steps/);
  const points = svg.match(/points="([^"]+)"/)![1].split(" ").map((p) => p.split(",").map(Number));
  assert.equal(points.length, 100);
  for (let k = 1; k < points.length; k++) {
    assert.ok(points[k][0] > points[k - 1][0], "x grows with the step");
    assert.ok(points[k][1] > points[k - 1][1], "a smaller loss is drawn lower (larger SVG y)");
  }
  assert.throws(() => lossCurveSvg(new Float32Array(0)), { message: "Cannot draw a loss curve of no steps" });
});

Deno.test("ticks are round numbers covering the range", () => {
  assert.deepEqual(ticks(0, 10_000, 5), [0, 2000, 4000, 6000, 8000, 10000]);
  assert.deepEqual(ticks(0.31, 0.52, 4), [0.35, 0.4, 0.45, 0.5]);
});
