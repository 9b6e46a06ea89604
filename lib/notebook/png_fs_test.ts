// The real rasteriser (resvg in WebAssembly, with DejaVu Sans): it reads its
// WebAssembly and font from node_modules/, so it needs --allow-read (.ci/run
// grants it); without it these tests skip, saying so.

import assert from "node:assert/strict";
import { heatmapSvg, lossCurveSvg } from "../report/svg.ts";
import { tensor } from "../tensor.ts";
import { loadRasteriser, type PngPicture } from "./png.ts";

const canRead = (await Deno.permissions.query({ name: "read" })).state === "granted";
const SKIP = "needs --allow-read to load resvg's WebAssembly and the font from node_modules/";
if (!canRead) console.log(`png_fs_test.ts: rasterising pictures skipped: ${SKIP}`);

/** A test that runs only with read permission, and says so in its name when skipped. */
function readTest(name: string, fn: () => Promise<void>): void {
  Deno.test({ name: canRead ? name : `${name} (skipped: ${SKIP})`, ignore: !canRead, fn });
}

/** The red, green and blue of the pixel (x, y). */
function rgbAt(picture: PngPicture, x: number, y: number): number[] {
  const offset = 4 * (y * picture.width + x);
  return [...picture.pixels.subarray(offset, offset + 3)];
}

/** How many pixels in the rows [top, bottom) are darker than mid-grey: ink. */
function inkBetween(picture: PngPicture, top: number, bottom: number): number {
  const rowBytes = 4 * picture.width;
  let dark = 0;
  for (let k = top * rowBytes; k < bottom * rowBytes; k += 4) {
    if (picture.pixels[k] < 128) dark++;
  }
  return dark;
}

/** How many pixels in the columns [0, right) are darker than mid-grey. */
function inkLeftOf(picture: PngPicture, right: number): number {
  let dark = 0;
  for (let y = 0; y < picture.height; y++) {
    for (let x = 0; x < right; x++) if (picture.pixels[4 * (y * picture.width + x)] < 128) dark++;
  }
  return dark;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

readTest("a heat map becomes a PNG of the SVG's size, each cell in its own grey", async () => {
  const rasterise = await loadRasteriser();
  // Without labels or a title the cells start 28 px from the left and 4 px from the top, 12 px a side.
  const m = tensor([[0, 1], [0.5, 0.25]]); // [2, 2]: black, white / mid grey, dark grey
  const picture = rasterise(heatmapSvg(m));
  assert.deepEqual([...picture.png.subarray(0, 8)], PNG_SIGNATURE);
  const ihdr = new DataView(picture.png.buffer, picture.png.byteOffset + 16, 8);
  assert.deepEqual([ihdr.getUint32(0), ihdr.getUint32(4)], [picture.width, picture.height]);
  assert.deepEqual([picture.width, picture.height], [28 + 2 * 12 + 8, 4 + 2 * 12 + 28]);
  assert.deepEqual(rgbAt(picture, 34, 10), [0, 0, 0]);
  assert.deepEqual(rgbAt(picture, 46, 10), [255, 255, 255]);
  assert.deepEqual(rgbAt(picture, 34, 22), [128, 128, 128]);
  assert.deepEqual(rgbAt(picture, 46, 22), [64, 64, 64]);
});

/** The same SVG without its text. */
const withoutText = (svg: string) => svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, "");

readTest("the text of a picture is drawn: the heat map's title, labels and legend, the loss curve's axes", async () => {
  const rasterise = await loadRasteriser();
  // Each band holds text, so it has more ink than the same band drawn without the SVG's text elements.
  const heatSvg = heatmapSvg(tensor([[0, 1, 2]]), { columnLabels: [".", "a", "b"], title: "dlogits" });
  const [heat, bare] = [rasterise(heatSvg), rasterise(withoutText(heatSvg))];
  // Top to bottom: the title (22 px), the column labels (16 px), one row of cells (12 px), the legend.
  const bands = { title: [0, 22], "column labels": [22, 38], legend: [50, heat.height] };
  for (const [what, [top, bottom]] of Object.entries(bands)) {
    const [ink, bareInk] = [inkBetween(heat, top, bottom), inkBetween(bare, top, bottom)];
    assert.ok(ink > bareInk + 10, `the ${what} is drawn: ${ink} dark pixels, ${bareInk} without text`);
  }
  const curveSvg = lossCurveSvg(Float32Array.from({ length: 1000 }, (_, step) => 0.5 - step / 4000));
  const [curve, bareCurve] = [rasterise(curveSvg), rasterise(withoutText(curveSvg))];
  // The step numbers and the word "step" under the plot, and the loss numbers left of it (the first 50 px).
  const under = [
    inkBetween(curve, curve.height - 40, curve.height),
    inkBetween(bareCurve, curve.height - 40, curve.height),
  ];
  assert.ok(under[0] > under[1] + 100, `the x axis's numbers and label are drawn: ${under.join(" against ")}`);
  assert.ok(inkLeftOf(curve, 50) > inkLeftOf(bareCurve, 50) + 50, "the y axis's numbers are drawn");
});
