/**
 * Sampling names from the model, as the lecture does: start from a context
 * of `.`, draw the next character with `torch.multinomial` from a generator
 * seeded with `seed`, stop at `.`.
 *
 * @example
 * ```ts
 * import { calibrate } from "./calibration.ts";
 * import { Inference } from "./inference.ts";
 * import { sample } from "./sampling.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * import { loadTrainingData } from "./training_data.ts";
 *
 * const data = loadTrainingData(3);
 * const inference = new Inference({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * inference.load(initParams({ vocabSize: 27, nEmbd: 10, nHidden: 200, blockSize: 3 }, new TorchGenerator(1)));
 * sample(inference, data.vocab.itos, () => calibrate(inference, data.train), { count: 3, seed: 5 }); // three names, untrained
 * ```
 * @module
 */

import { TorchGenerator } from "../random/torch.ts";
import type { BatchnormStats, Inference } from "./inference.ts";
import { embeddingForward, linearForward } from "./kernels.ts";

/**
 * How many names, from which seed, at which temperature, cut at which length.
 *
 * @example
 * ```ts
 * const options: SampleOptions = { count: 20, seed: 2147483647 + 10 };
 * ```
 */
export interface SampleOptions {
  count: number;
  seed: number;
  /** Below 1 sharpens the distribution, above 1 flattens it (1). */
  temperature?: number;
  /** Names are cut at this many characters (50). */
  maxLength?: number;
}

/**
 * Checks a sampling temperature: a number > 0.
 *
 * @example
 * ```ts
 * checkTemperature(0.5); // fine
 * ```
 */
export function checkTemperature(temperature: number): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`temperature must be a number > 0, got ${temperature}`);
  }
}

/**
 * Draws `count` names, characters from `itos`, with batchnorm's statistics,
 * which `stats` gives before the first character is drawn (so that they may
 * be calibrated then, with the same buffers; no character drawn needs none).
 *
 * @example
 * ```ts
 * import { calibrate } from "./calibration.ts";
 * import { Inference } from "./inference.ts";
 * import { lectureSplit } from "../data.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * const data = lectureSplit(["emma", "olivia", "ava", "isabella", "sophia", "mia"], 3);
 * const V = data.vocab.size;
 * const inference = new Inference({ n: 4, B: 3, E: 2, H: 8, V });
 * inference.load(initParams({ vocabSize: V, nEmbd: 2, nHidden: 8, blockSize: 3 }, new TorchGenerator(1)));
 * sample(inference, data.vocab.itos, () => calibrate(inference, data.train), { count: 2, seed: 2147483657 });
 * ```
 */
export function sample(
  inference: Inference,
  itos: readonly string[],
  stats: () => BatchnormStats,
  { count, seed, temperature = 1, maxLength = 50 }: SampleOptions,
): string[] {
  checkTemperature(temperature);
  let bn: BatchnormStats | null = null;
  const { B, E, H, V } = inference.dims;
  const { embcat, hprebn, hidden, logits, probs } = inference.chunk;
  const { context, drawProbs } = inference;
  const p = inference.params;
  const g = new TorchGenerator(seed);
  const names: string[] = [];
  for (let s = 0; s < count; s++) {
    context.fill(0);
    let name = "";
    while (name.length < maxLength) {
      bn ??= stats(); // before the buffers are used: calibration uses them too
      embeddingForward(embcat, context, p.C, 1, B, E); // [1, B·E]
      linearForward(hprebn, embcat, p.W1, p.b1, 1, B * E, H); // [1, H]
      inference.hidden(hidden, hprebn, 1, bn); // [1, H]
      linearForward(logits, hidden, p.W2, p.b2, 1, H, V); // [1, V]
      // Subtract the largest logit before dividing, so that a tiny temperature gives 0 and −∞, never ∞ − ∞.
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[v]);
      let total = 0;
      for (let v = 0; v < V; v++) total += probs[v] = Math.exp((logits[v] - max) / temperature);
      for (let v = 0; v < V; v++) drawProbs[v] = probs[v] /= total;
      const ix = g.multinomial(drawProbs);
      if (ix === 0) break;
      name += itos[ix];
      context.copyWithin(0, 1);
      context[B - 1] = ix;
    }
    names.push(name);
  }
  return names;
}
