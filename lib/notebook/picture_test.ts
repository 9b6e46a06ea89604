import assert from "node:assert/strict";
import { quietly } from "../testing.ts";
import { jupyter, mimeBundle, showPicture } from "./picture.ts";
import type { Rasteriser } from "./png.ts";

/** A Jupyter API that keeps what it is sent. */
function fakeJupyter() {
  const sent: unknown[] = [];
  const api = {
    display: (bundle: Record<string, string>, options: { raw: boolean }) => {
      sent.push([bundle, options]);
      return Promise.resolve();
    },
  };
  return { api, sent };
}

/** Stands in for resvg (tested with the real one in png_fs_test.ts): a "PNG" of the bytes 1, 2, 3. */
const threeBytes: Rasteriser = () => ({
  png: new Uint8Array([1, 2, 3]),
  width: 1,
  height: 1,
  pixels: new Uint8Array(4),
});

Deno.test("outside a notebook there is no Jupyter API and a picture prints as text", async () => {
  assert.equal(jupyter(), undefined);
  const { output } = await quietly(() => showPicture("#.#", "<svg/>"));
  assert.equal(output, "#.#\n\n");
});

Deno.test("in a notebook a picture displays as a PNG in base64 and no SVG, with the text as its plain fallback", async () => {
  const { api, sent } = fakeJupyter();
  const { output } = await quietly(() => showPicture("#.#", "<svg/>", api, threeBytes));
  assert.equal(output, "");
  assert.deepEqual(sent, [[{ "image/png": "AQID", "text/plain": "#.#" }, { raw: true }]]);
});

Deno.test("without a rasteriser a notebook picture displays as SVG", () => {
  const { api, sent } = fakeJupyter();
  showPicture("#.#", "<svg/>", api, undefined);
  assert.deepEqual(sent, [[{ "image/svg+xml": "<svg/>", "text/plain": "#.#" }, { raw: true }]]);
});

Deno.test("a picture the rasteriser cannot draw is shown as SVG, saying why on one line", () => {
  const failing: Rasteriser = () => {
    throw new Error("SVG data parsing failed");
  };
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.deepEqual(mimeBundle("#.#", "<svg", failing), { "image/svg+xml": "<svg", "text/plain": "#.#" });
  } finally {
    console.error = original;
  }
  assert.deepEqual(errors, ["This picture is shown as SVG only: SVG data parsing failed"]);
});
