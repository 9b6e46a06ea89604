// Sampling names: a temperature so small that no randomness is left.

import assert from "node:assert/strict";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";

const data = loadTrainingData(3);

Deno.test("sampling at a temperature as small as 1e-320 picks the likeliest character instead of failing", () => {
  const trainer = new Trainer({ steps: 50 }, data);
  while (trainer.step < 50) trainer.trainStep();
  const names = trainer.sample(3, 1, 1e-320);
  assert.equal(names.length, 3);
  assert.equal(new Set(names).size, 1, "with no randomness left every sample is the same");
  for (const name of names) assert.match(name, /^[a-z]*$/);
});
