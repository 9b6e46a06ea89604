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
 * How many names, from which seed, at which temperature, cut at which
 * length; makemore's top-k; a prefix every name starts with (as indices of
 * the vocabulary); a callback told how many names are done, now and then.
 *
 * @example
 * ```ts
 * const options: SampleOptions = { count: 20, seed: 2147483647 + 10, topK: 5, prefix: [1] };
 * ```
 */
export interface SampleOptions {
  count: number;
  seed: number;
  /** Below 1 sharpens the distribution, above 1 flattens it (1). */
  temperature?: number;
  /** Names are cut at this many characters, the prefix included (50). */
  maxLength?: number;
  /** Draw only from the `topK` likeliest tokens (the end token included); all of them if undefined. */
  topK?: number;
  /** Token indices (1 …) every name starts with; none if empty. */
  prefix?: readonly number[];
  /** Called with the number of names done, every {@linkcode PROGRESS_EVERY} names. */
  onProgress?: (done: number) => void;
}

/**
 * How often, in names, sampling reports its progress.
 *
 * @example
 * ```ts
 * PROGRESS_EVERY; // 4096
 * ```
 */
export const PROGRESS_EVERY = 4096;

/**
 * The most memory the probabilities sampling remembers (one row per context
 * seen) may take: 64 MiB; past it they are forgotten and computed again.
 *
 * @example
 * ```ts
 * MEMO_BYTES / 2 ** 20; // 64
 * ```
 */
export const MEMO_BYTES = 64 * 2 ** 20;

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
 * Keeps the `k` largest of `probs` (ties at the k-th value kept as
 * `torch.topk` would keep the first ones), sets the others to 0 and
 * renormalises, as makemore's top-k does with −∞ logits before its softmax.
 *
 * @example
 * ```ts
 * const probs = new Float32Array([0.1, 0.6, 0.3]);
 * keepTopK(probs, 2); // probs ≈ [0, 0.667, 0.333]
 * ```
 */
export function keepTopK(probs: Float32Array, k: number): void {
  if (k >= probs.length) return;
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
  let total = 0;
  for (let r = 0; r < k; r++) total += probs[order[r]];
  const kept = new Float32Array(probs.length);
  for (let r = 0; r < k; r++) kept[order[r]] = probs[order[r]] / total;
  probs.set(kept);
}

/**
 * The next token's probabilities for `inference.context`, in
 * `inference.drawProbs`: one row through the network in inference mode,
 * softmax at `temperature`, then top-k.
 */
function nextProbs(inference: Inference, bn: BatchnormStats, temperature: number, topK?: number): Float32Array {
  const { B, E, H, V } = inference.dims;
  const { embcat, hprebn, hidden, logits, probs } = inference.chunk;
  const { context, drawProbs } = inference;
  const p = inference.params;
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
  if (topK !== undefined) keepTopK(drawProbs, topK);
  return drawProbs;
}

/**
 * The probabilities of every context seen so far, so that each is computed
 * once: a million names visit far fewer distinct contexts than they draw
 * characters. Forgets everything when it would pass {@linkcode MEMO_BYTES}.
 */
class ProbsMemo {
  readonly #rows = new Map<number | string, Float32Array | Float64Array>();
  // With few possible contexts (V^B up to 2^20), rows by key in an array: faster than the map.
  readonly #dense: (Float32Array | Float64Array | undefined)[] | null;
  readonly #maxRows: number;
  readonly #numeric: boolean;
  #size = 0;

  constructor(readonly inference: Inference) {
    const { B, V } = inference.dims;
    this.#maxRows = Math.max(1, Math.floor(MEMO_BYTES / (4 * V)));
    this.#numeric = V ** B < Number.MAX_SAFE_INTEGER;
    this.#dense = V ** B <= 2 ** 20 ? new Array(V ** B).fill(undefined) : null;
  }

  /** The row of the current context, made (a new array) by `make` the first time it is seen. */
  get<T extends Float32Array | Float64Array>(make: () => T): T {
    const { context } = this.inference;
    const V = this.inference.dims.V;
    let key: number | string = 0;
    if (this.#numeric) { for (let j = 0; j < context.length; j++) key = (key as number) * V + context[j]; }
    else key = context.join(",");
    let row = (this.#dense ? this.#dense[key as number] : this.#rows.get(key)) as T | undefined;
    if (row !== undefined) return row;
    if (this.#size >= this.#maxRows) {
      this.#rows.clear();
      this.#dense?.fill(undefined);
      this.#size = 0;
    }
    row = make();
    if (this.#dense) this.#dense[key as number] = row;
    else this.#rows.set(key, row);
    this.#size++;
    return row;
  }
}

/**
 * Up to this many names are drawn as the lecture draws them, with
 * `torch.multinomial`'s stream; more are drawn by the fast path (one uniform
 * a character against the cumulative probabilities), so the same seed gives
 * other names there.
 *
 * @example
 * ```ts
 * EXACT_STREAM_MAX; // 1000
 * ```
 */
export const EXACT_STREAM_MAX = 1000;

/**
 * A draw from cumulative probabilities (the last is the total) with one
 * 53-bit uniform: the first index whose cumulative sum is above it, so an
 * index of probability 0 is never drawn.
 *
 * @example
 * ```ts
 * import { TorchGenerator } from "../random/torch.ts";
 * drawCumulative(new Float32Array([0, 0.5, 0.5, 1]), new TorchGenerator(1)); // 1 or 3
 * ```
 */
export function drawCumulative(cumulative: Float32Array, g: TorchGenerator): number {
  const u = (((g.random() & 0x1fffff) * 2 ** 32 + g.random()) / 2 ** 53) * cumulative[cumulative.length - 1];
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle] > u) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The cumulative sums of probabilities (summed in float64, kept in float32, never decreasing), in a new array. */
function cumulativeOf(probs: Float32Array): Float32Array {
  const out = new Float32Array(probs.length);
  let total = 0;
  for (let v = 0; v < probs.length; v++) out[v] = total += probs[v];
  return out;
}

/**
 * Draws `count` names, characters from `itos`, with batchnorm's statistics,
 * which `stats` gives before the first character is drawn (so that they may
 * be calibrated then, with the same buffers; no character drawn needs none).
 * Each context's probabilities are computed once and remembered, which
 * changes nothing drawn. Up to {@linkcode EXACT_STREAM_MAX} names are the
 * lecture's stream of `torch.multinomial` draws (its twenty names, bit for
 * bit); more take the fast path ({@linkcode drawCumulative}), so that a
 * million take seconds.
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
  { count, seed, temperature = 1, maxLength = 50, topK, prefix = [], onProgress }: SampleOptions,
): string[] {
  checkTemperature(temperature);
  let bn: BatchnormStats | null = null;
  const { B } = inference.dims;
  const { context } = inference;
  const g = new TorchGenerator(seed);
  const memo = new ProbsMemo(inference);
  const probs = () => nextProbs(inference, bn!, temperature, topK);
  const next = count <= EXACT_STREAM_MAX
    ? () => g.multinomial(memo.get(() => probs().slice()))
    : () => drawCumulative(memo.get(() => cumulativeOf(probs())), g);
  const start = prefix.map((ix) => itos[ix]).join("");
  const names: string[] = [];
  for (let s = 0; s < count; s++) {
    context.fill(0);
    for (const ix of prefix) {
      context.copyWithin(0, 1);
      context[B - 1] = ix;
    }
    let name = start;
    for (let length = prefix.length; length < maxLength; length++) {
      bn ??= stats(); // before the buffers are used: calibration uses them too
      const ix = next();
      if (ix === 0) break;
      name += itos[ix];
      context.copyWithin(0, 1);
      context[B - 1] = ix;
    }
    names.push(name);
    if (onProgress && (s + 1) % PROGRESS_EVERY === 0) onProgress(s + 1);
  }
  return names;
}
