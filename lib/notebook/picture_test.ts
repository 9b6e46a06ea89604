import assert from "node:assert/strict";
import { quietly } from "../testing.ts";
import { jupyter, showPicture } from "./picture.ts";

Deno.test("outside a notebook there is no Jupyter API and a picture prints as text", async () => {
  assert.equal(jupyter(), undefined);
  const { output } = await quietly(() => showPicture("#.#", "<svg/>"));
  assert.equal(output, "#.#\n\n");
});

Deno.test("in a notebook a picture displays as SVG, with the text as its plain fallback", async () => {
  const shown: unknown[] = [];
  const api = {
    display: (bundle: Record<string, string>, options: { raw: boolean }) => {
      shown.push([bundle, options]);
      return Promise.resolve();
    },
  };
  const { output } = await quietly(() => showPicture("#.#", "<svg/>", api));
  assert.equal(output, "");
  assert.deepEqual(shown, [[{ "image/svg+xml": "<svg/>", "text/plain": "#.#" }, { raw: true }]]);
});
