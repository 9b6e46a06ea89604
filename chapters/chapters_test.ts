// Every chapter runs as a learner runs it, prints its checks, and passes them.

import assert from "node:assert/strict";
import { quietly } from "../lib/testing.ts";
import * as chapter1 from "./01_data_and_model.ts";
import * as chapter2 from "./02_forward.ts";
import * as chapter3 from "./03_cross_entropy.ts";
import * as chapter4 from "./04_output_layer.ts";
import * as chapter5 from "./05_batchnorm.ts";
import * as chapter6 from "./06_first_layer.ts";
import * as chapter7 from "./07_fused_cross_entropy.ts";
import * as chapter8 from "./08_fused_batchnorm.ts";
import * as chapter9 from "./09_training.ts";

const chapters = [chapter1, chapter2, chapter3, chapter4, chapter5, chapter6, chapter7, chapter8, chapter9];

for (const [i, chapter] of chapters.entries()) {
  Deno.test(`chapter ${i + 1} (${chapter.title}) runs and its checks pass`, async () => {
    const { result, output } = await quietly(() => chapter.run());
    assert.equal(result, true, output);
    assert.match(output, new RegExp(`Chapter ${i + 1}\\. `));
    assert.doesNotMatch(output, /Hi, looks like you are running TensorFlow\.js/);
  });
}

Deno.test("chapter 1 shows the lecture's split and parameter count", async () => {
  const { output } = await quietly(() => chapter1.run());
  assert.match(output, /train \(80 %\)\s+25,626\s+182,625/);
  assert.match(output, /total\s+4,137/);
  assert.match(output, /yuheng, diondre,\s+xavien, jori, juanluis/);
});

Deno.test("chapter 6 prints the full table of 26 gradients", async () => {
  const { output } = await quietly(() => chapter6.run());
  const rows = output.split("\n").filter((line) => /^\w+\s+\| (true|false) /.test(line));
  assert.equal(rows.length, 5 + 26);
  assert.match(output, /all 26 approximately equal/);
});
