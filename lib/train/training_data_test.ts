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
