/**
 * Every buffer a trainer allocates, in one table, the way llm.c's
 * `fill_in_parameter_sizes` and `fill_in_activation_sizes` list them: for each
 * holder (the trainer, the TypeScript step, the WebAssembly step, inference,
 * the data) its groups of buffers, each group of one element type with the
 * length of every buffer by name (a `BufferGroup` of `buffers.ts`). The
 * holders allocate from their groups (`allocate`, or the WebAssembly arena
 * for groups marked `arena`), and the 1 GiB budget is the sum of the same
 * table ({@linkcode budgetParts}), so the budget is what is allocated.
 *
 * The dimensions are the lecture's letters: `n` examples per batch, `B`
 * characters of context, `E` the embedding width, `H` hidden units, `V` the
 * vocabulary; `I = B·E` is the width of `embcat`.
 *
 * @example
 * ```ts
 * import { parameterSizes, tsStepBuffers } from "./sizes.ts";
 * import { allocate } from "./buffers.ts";
 * const dims = { n: 32, B: 3, E: 10, H: 200, V: 27 };
 * parameterSizes(dims).W1; // 6000
 * const activations = allocate(tsStepBuffers(dims).activations);
 * activations.hprebn.length; // 6400
 * ```
 * @module
 */

import { PARAM_NAMES } from "../model.ts";
import { arenaBytes, type BufferGroup, group, groupBytes, type Part } from "./buffers.ts";
import { LAYOUT } from "./wasm/layout.ts";

/**
 * The sizes of a step: batch, context, embedding width, hidden units, vocabulary.
 *
 * @example
 * ```ts
 * const dims: StepDims = { n: 32, B: 3, E: 10, H: 200, V: 27 };
 * ```
 */
export interface StepDims {
  n: number;
  B: number;
  E: number;
  H: number;
  V: number;
}

/**
 * The configuration fields the buffers grow with (those of `TrainConfig`).
 *
 * @example
 * ```ts
 * const fields: SizeFields = { blockSize: 3, nEmbd: 10, nHidden: 200, batchSize: 32, steps: 200_000 };
 * ```
 */
export interface SizeFields {
  blockSize: number;
  nEmbd: number;
  nHidden: number;
  batchSize: number;
  steps: number;
}

/**
 * What the buffers grow with besides the configuration: the vocabulary, and
 * the examples of all three splits together.
 *
 * @example
 * ```ts
 * const size: DataSize = { vocabSize: 27, examples: 228_146 };
 * ```
 */
export interface DataSize {
  vocabSize: number;
  examples: number;
}

/** The name of a parameter. */
type ParamName = typeof PARAM_NAMES[number];

/**
 * The configuration fields each part grows with.
 *
 * @example
 * ```ts
 * PART_FIELDS.history; // ["steps"]
 * ```
 */
export const PART_FIELDS: Record<Part, (keyof SizeFields)[]> = {
  parameters: ["nEmbd", "blockSize", "nHidden"],
  batch: ["batchSize", "nHidden", "nEmbd", "blockSize"],
  evaluation: ["nHidden", "nEmbd", "blockSize"],
  history: ["steps"],
  data: ["blockSize"],
};

/**
 * The length of every parameter (llm.c's `fill_in_parameter_sizes`).
 *
 * @example
 * ```ts
 * parameterSizes({ n: 32, B: 3, E: 10, H: 200, V: 27 }).C; // 270
 * ```
 */
export function parameterSizes({ B, E, H, V }: StepDims): Record<ParamName, number> {
  const I = B * E;
  return { C: V * E, W1: I * H, b1: H, W2: H * V, b2: V, bngain: H, bnbias: H };
}

/**
 * The TypeScript step's buffers, float64: the parameters and their
 * gradients, the activations a batch caches, their gradients, and room for
 * a transposed weight and batchnorm's backward.
 *
 * @example
 * ```ts
 * tsStepBuffers({ n: 32, B: 3, E: 10, H: 200, V: 27 }).work.lengths.scratch; // 400
 * ```
 */
export function tsStepBuffers(d: StepDims) {
  const { n, B, E, H, V } = d;
  const I = B * E;
  return {
    params: group("f64", "parameters", parameterSizes(d)),
    grads: group("f64", "parameters", parameterSizes(d)),
    activations: group("f64", "batch", {
      embcat: n * I,
      hprebn: n * H,
      bnraw: n * H,
      hpreact: n * H,
      h: n * H,
      logits: n * V,
      probs: n * V,
      varInv: H,
      mean: H,
      variance: H,
    }),
    dactivations: group("f64", "batch", { dembcat: n * I, dhprebn: n * H, dhpreact: n * H, dh: n * H, dlogits: n * V }),
    work: group("f64", "batch", { transposed: Math.max(I * H, H * V), scratch: 2 * H }),
  };
}

/**
 * The WebAssembly step's buffers, float32 (and int32), in the order they are
 * laid out in the module's memory: the layout record, the batch, the
 * parameters, their gradients in one block as long as the parameters' with
 * their padding, the tables of each column's distinct characters, then the
 * activations and their gradients. The first layer is computed from the
 * distinct characters of each of the B columns of the batch, at most
 * U = min(n, V) a column (`embedding.as.ts`): their rows of C (`Cu`), their
 * products with W1 in the forward and dhprebn's rows summed by them in the
 * backward (`TG`, one buffer for both) and the gradient of Cu (`dCu`) take
 * the place of embcat and dembcat.
 *
 * @example
 * ```ts
 * wasmStepBuffers({ n: 32, B: 3, E: 10, H: 200, V: 27 }).buffers.lengths.TG; // 16200
 * ```
 */
export function wasmStepBuffers(d: StepDims) {
  const { n, B, E, H, V } = d;
  const U = Math.min(n, V);
  const params = parameterSizes(d);
  const paramBlock = PARAM_NAMES.reduce((sum, name) => sum + arenaBytes(4 * params[name]), 0) / 4;
  return {
    layout: group("i32", "batch", { layout: LAYOUT.length }, true),
    batch: group("i32", "batch", { X: n * B, Y: n }, true),
    params: group("f32", "parameters", params, true),
    grads: group("f32", "parameters", { grads: paramBlock }, true),
    distinct: group("i32", "batch", {
      rowOf: n * B,
      chars: B * U,
      counts: B,
      order: B * n,
      begin: B * (U + 1),
      seen: V,
    }, true),
    buffers: group("f32", "batch", {
      Cu: B * U * E,
      TG: B * U * H,
      hprebn: n * H,
      bnraw: n * H,
      h: n * H,
      dhprebn: n * H,
      dhpreact: n * H,
      dh: n * H,
      varInv: H,
      mean: H,
      variance: H,
      logits: n * V,
      dlogits: n * V,
      dCu: U * E,
    }, true),
  };
}

/**
 * Rows of the training set that evaluation and calibration run at a time.
 *
 * @example
 * ```ts
 * INFERENCE_CHUNK; // 1024
 * ```
 */
export const INFERENCE_CHUNK = 1024;

/**
 * The buffers of inference (calibration, evaluation, sampling), float64: a
 * copy of the parameters, a chunk of rows' activations, batchnorm's running
 * sums, and one context and one row of probabilities for sampling.
 *
 * @example
 * ```ts
 * inferenceBuffers({ n: 32, B: 3, E: 10, H: 200, V: 27 }).chunk.lengths.hidden; // 204800
 * ```
 */
export function inferenceBuffers(d: StepDims) {
  const { B, E, H, V } = d;
  const rows = INFERENCE_CHUNK;
  return {
    params: group("f64", "parameters", parameterSizes(d)),
    chunk: group("f64", "evaluation", {
      embcat: rows * B * E,
      hprebn: rows * H,
      hidden: rows * H,
      logits: rows * V,
      probs: rows * V,
    }),
    sums: group("f64", "evaluation", { sum: H, sumSq: H, shift: H }),
    context: group("i32", "evaluation", { context: B }),
    draw: group("f32", "evaluation", { probs: V }),
  };
}

/**
 * The trainer's own buffers: the parameters (float32, the lecture's dtype,
 * what a checkpoint holds), the minibatch and the indices it was drawn with,
 * the loss of every step, and batchnorm's calibrated statistics.
 *
 * @example
 * ```ts
 * trainerBuffers({ n: 32, B: 3, E: 10, H: 200, V: 27 }, 1000).history.lengths.lossLog10; // 1000
 * ```
 */
export function trainerBuffers(d: StepDims, steps: number) {
  const { n, B, H } = d;
  return {
    params: group("f32", "parameters", parameterSizes(d)),
    batch: group("i32", "batch", { Xb: n * B, Yb: n, ix: n }),
    history: group("f32", "history", { lossLog10: steps }),
    stats: group("f32", "evaluation", { bnmean: H, bnvar: H }),
  };
}

/**
 * The dataset's buffers: the contexts and targets of every example of the
 * three splits (allocated by `lectureSplit` in `lib/data.ts`).
 *
 * @example
 * ```ts
 * dataBuffers(3, 228_146).data.lengths.Y; // 228146
 * ```
 */
export function dataBuffers(B: number, examples: number) {
  return { data: group("i32", "data", { X: examples * B, Y: examples }) };
}

/**
 * The step dimensions of a configuration over a vocabulary.
 *
 * @example
 * ```ts
 * stepDims({ blockSize: 3, nEmbd: 10, nHidden: 200, batchSize: 32, steps: 1 }, 27); // { n: 32, B: 3, E: 10, H: 200, V: 27 }
 * ```
 */
export function stepDims(c: SizeFields, vocabSize: number): StepDims {
  return { n: c.batchSize, B: c.blockSize, E: c.nEmbd, H: c.nHidden, V: vocabSize };
}

/**
 * The whole table: every buffer of a trainer with this configuration and
 * data, by holder and group.
 *
 * @example
 * ```ts
 * const table = bufferTable({ blockSize: 3, nEmbd: 10, nHidden: 200, batchSize: 32, steps: 1000 }, { vocabSize: 27, examples: 228_146 });
 * table.ts.params.lengths.W2; // 5400
 * ```
 */
export function bufferTable(c: SizeFields, size: DataSize) {
  const d = stepDims(c, size.vocabSize);
  return {
    trainer: trainerBuffers(d, c.steps),
    ts: tsStepBuffers(d),
    wasm: wasmStepBuffers(d),
    inference: inferenceBuffers(d),
    data: dataBuffers(c.blockSize, size.examples),
  };
}

/**
 * The bytes of the whole table by part, for the budget.
 *
 * @example
 * ```ts
 * const table = bufferTable({ blockSize: 3, nEmbd: 10, nHidden: 200, batchSize: 32, steps: 1e9 }, { vocabSize: 27, examples: 228_146 });
 * budgetParts(table).history; // 4e9
 * ```
 */
export function budgetParts(table: Record<string, Record<string, BufferGroup>>): Record<Part, number> {
  const parts: Record<Part, number> = { parameters: 0, batch: 0, evaluation: 0, history: 0, data: 0 };
  for (const holder of Object.values(table)) {
    for (const g of Object.values(holder)) parts[g.part] += groupBytes(g);
  }
  return parts;
}
