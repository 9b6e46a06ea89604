// The data a trainer learns from: a names file too small to split is refused.

import assert from "node:assert/strict";
import { lectureSplit } from "../data.ts";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";

Deno.test("a names file too small to split (one name) is one clear error", () => {
  const names = ["emma", "olivia", "ava", "isabella", "sophia", "mia"];
  assert.doesNotThrow(() => new Trainer({ steps: 5 }, lectureSplit(names, 3)), "six names split into 4, 1 and 1");
  const given = loadTrainingData(3, names);
  assert.deepEqual([given.words, given.train.count], [
    lectureSplit(names, 3).words,
    lectureSplit(names, 3).train.count,
  ]);
  assert.throws(() => new Trainer({ steps: 5 }, lectureSplit(names.slice(0, 5), 3)), /leaves the dev set empty/);
  const split = lectureSplit(["emma"], 3);
  assert.throws(() => new Trainer({ steps: 5 }, { ...split }), {
    name: "RangeError",
    message: /^data\/names\.txt has 1 name, too few: the lecture's 80\/10\/10 split leaves the train set empty/,
  });
});

Deno.test("both steps train on a vocabulary of any size: 300 characters, WebAssembly and TypeScript agree", () => {
  // Words over U+0100…U+022B and a CJK block, so that V is not 27 and rows of logits are not a multiple of four.
  const chars = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(i < 200 ? 0x100 + i : 0x4e00 + i));
  const words = Array.from(
    { length: 400 },
    (_, w) => Array.from({ length: 3 + (w % 5) }, (_, k) => chars[(w * 7 + k * 13) % 300]).join(""),
  );
  const data = loadTrainingData(3, words);
  assert.equal(data.vocab.size, 301);
  const [wasm, ts] = (["wasm", "ts"] as const).map((kernels) =>
    new Trainer({ steps: 20 }, data, undefined, { kernels })
  );
  for (let i = 0; i < 20; i++) {
    const [a, b] = [wasm.trainStep(), ts.trainStep()];
    assert.ok(Math.abs(a - b) < 1e-3 * b, `step ${i + 1}: ${a} and ${b}`);
  }
  assert.ok(wasm.trainStep() < Math.log(301), "it learns: below ln V");
});
