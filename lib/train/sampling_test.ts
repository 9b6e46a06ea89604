// Sampling names: a temperature so small that no randomness is left; the lecture's stream against a reference loop;
// top-k, a prefix, the fast path and its progress.

import assert from "node:assert/strict";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";
import { type BatchnormStats, Inference } from "./inference.ts";
import { drawCumulative, EXACT_STREAM_MAX, keepTopK, PROGRESS_EVERY } from "./sampling.ts";
import { embeddingForward, linearForward } from "./kernels.ts";
import { encodePrefix } from "../data.ts";
import { LECTURE_SEED } from "../model.ts";
import { TorchGenerator } from "../random/torch.ts";

const data = loadTrainingData(3);

Deno.test("sampling at a temperature as small as 1e-320 picks the likeliest character instead of failing", () => {
  const trainer = new Trainer({ steps: 50 }, data);
  while (trainer.step < 50) trainer.trainStep();
  const names = trainer.sample(3, 1, 1e-320);
  assert.equal(names.length, 3);
  assert.equal(new Set(names).size, 1, "with no randomness left every sample is the same");
  for (const name of names) assert.match(name, /^[a-z]*$/);
});

const trained = new Trainer({ steps: 300 }, data);
while (trained.step < 300) trained.trainStep();
trained.calibrate();

/** The lecture's sampling loop, one forward pass a character and nothing remembered: the reference. */
function referenceSamples(trainer: Trainer, count: number, seed: number): string[] {
  const { blockSize: B, nEmbd: E, nHidden: H } = trainer.config;
  const V = trainer.data.vocab.size;
  const inference = new Inference({ n: 1, B, E, H, V });
  inference.load(trainer.params);
  const p = inference.params;
  const { embcat, hprebn, hidden, logits } = inference.chunk;
  const g = new TorchGenerator(seed);
  const names: string[] = [];
  for (let s = 0; s < count; s++) {
    const context = new Int32Array(B);
    let name = "";
    while (name.length < 50) {
      embeddingForward(embcat, context, p.C, 1, B, E); // [1, B·E]
      linearForward(hprebn, embcat, p.W1, p.b1, 1, B * E, H); // [1, H]
      inference.hidden(hidden, hprebn, 1, trainer as BatchnormStats); // [1, H]
      linearForward(logits, hidden, p.W2, p.b2, 1, H, V); // [1, V]
      const row = Array.from(logits.subarray(0, V));
      const max = Math.max(...row);
      const exps = row.map((l) => Math.exp(l - max));
      const total = exps.reduce((a, b) => a + b, 0);
      const ix = g.multinomial(new Float32Array(exps.map((e) => e / total))); // [V]
      if (ix === 0) break;
      name += trainer.data.vocab.itos[ix];
      context.copyWithin(0, 1);
      context[B - 1] = ix;
    }
    names.push(name);
  }
  return names;
}

Deno.test("remembering each context's probabilities changes no draw: the lecture's stream, bit for bit", () => {
  const names = trained.sample(200);
  assert.deepEqual(names, referenceSamples(trained, 200, LECTURE_SEED + 10));
  assert.deepEqual(trained.sample(EXACT_STREAM_MAX).slice(0, 200), names, "the same stream up to EXACT_STREAM_MAX");
});

Deno.test("top-k 1 is the greedy choice; top-k keeps the k likeliest, renormalised", () => {
  const greedy = trained.sample(5, 7, 1, 50, { topK: 1 });
  assert.equal(new Set(greedy).size, 1, "with one token to choose from every sample is the same");
  assert.deepEqual(greedy, trained.sample(5, 7, 1e-320), "the likeliest token, as at a temperature near 0");
  const probs = new Float32Array([0.1, 0.5, 0.15, 0.25]);
  keepTopK(probs, 2);
  assert.deepEqual(Array.from(probs, (p) => +p.toFixed(6)), [0, 0.666667, 0, 0.333333]);
  const names = trained.sample(300, 3, 1, 50, { topK: 3 });
  assert.notDeepEqual(names, trained.sample(300, 3), "top-k changes what is drawn");
});

Deno.test("a prefix starts every name, on the exact and the fast path", () => {
  const prefix = encodePrefix("ja", data.vocab);
  for (const count of [50, EXACT_STREAM_MAX + 1]) {
    const names = trained.sample(count, 11, 1, 50, { prefix });
    assert.equal(names.length, count);
    assert.ok(names.every((name) => name.startsWith("ja")), `${count} names start with "ja"`);
    assert.ok(names.some((name) => name.length > 2), "and go on");
  }
});

Deno.test("the fast path draws names from the vocabulary as often as the model says, and reports progress", () => {
  const reported: number[] = [];
  const names = trained.sample(PROGRESS_EVERY * 2 + 5, 13, 1, 50, { onProgress: (done) => reported.push(done) });
  assert.deepEqual(reported, [PROGRESS_EVERY, 2 * PROGRESS_EVERY]);
  assert.ok(names.every((name) => /^[a-z]*$/.test(name)));
  const mean = (list: string[]) => list.reduce((sum, n) => sum + n.length, 0) / list.length;
  const exact = trained.sample(EXACT_STREAM_MAX, 13);
  assert.ok(Math.abs(mean(names) - mean(exact)) < 0.5, `mean lengths ${mean(names)} and ${mean(exact)} agree`);
  const counts = [0, 0, 0, 0];
  const g = new TorchGenerator(1);
  for (let i = 0; i < 40_000; i++) counts[drawCumulative(new Float32Array([0.2, 0.2, 0.7, 1]), g)]++;
  assert.equal(counts[1], 0, "a token of probability 0 is never drawn");
  assert.ok(Math.abs(counts[2] / 40_000 - 0.5) < 0.01 && Math.abs(counts[0] / 40_000 - 0.2) < 0.01, `${counts}`);
});
