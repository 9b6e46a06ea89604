/**
 * The fields of a checkpoint, read and checked one by one before any is
 * used: the metadata (the format, the configuration, the step, the batch
 * generator's state, the vocabulary) and the tensors (each parameter's shape
 * and values, the loss history, batchnorm's statistics, and nothing else).
 * Each check calls `fail` with what is wrong, which `checkpoint.ts` turns
 * into one line naming the file and the field.
 *
 * @example
 * ```ts
 * import { readMetadata } from "./checkpoint_fields.ts";
 * const fail = (why: string): never => {
 *   throw new Error(`memory: ${why}`);
 * };
 * try {
 *   readMetadata({ format: "other" }, {}, fail);
 * } catch (error) {
 *   (error as Error).message; // "memory: not a checkpoint of this project (format "other", expected …)"
 * }
 * ```
 * @module
 */

import { ConfigError, DEFAULT_CONFIG, LECTURE_DATA_SIZE, type TrainConfig, validateConfig } from "./config.ts";
import { type Vocab, vocabOf } from "../data.ts";
import type { DataSource } from "./training_data.ts";
import { PARAM_NAMES, type Params } from "../model.ts";
import type { TorchGeneratorState } from "../random/torch.ts";
import type { Safetensors } from "./safetensors.ts";
import { fromArray } from "../tensor.ts";

/**
 * The `format` metadata value of our checkpoints.
 *
 * @example
 * ```ts
 * CHECKPOINT_FORMAT; // "backprop-ninja-mlp/1"
 * ```
 */
export const CHECKPOINT_FORMAT = "backprop-ninja-mlp/1";

/**
 * What a resumed run may change: the length of the run and its learning rate schedule.
 *
 * @example
 * ```ts
 * const overrides: ScheduleOverrides = { steps: 300_000, lr: 0.05 };
 * ```
 */
export type ScheduleOverrides = Partial<Pick<TrainConfig, "steps" | "lr" | "decayStep">>;

/** The generator's state, checked: 624 whole words below 2^32, a position in [0, 624], a seed below 2^64. */
function parseGenerator(text: string | undefined, fail: (why: string) => never): TorchGeneratorState {
  let g: unknown;
  try {
    g = JSON.parse(text ?? "");
  } catch {
    return fail("metadata generator is not valid JSON");
  }
  if (typeof g !== "object" || g === null || Array.isArray(g)) fail(`generator is ${JSON.stringify(g)}, not an object`);
  const state = g as Record<string, unknown>;
  if (typeof state.mt !== "object" || state.mt === null) fail(`generator has no mt (the twister's state)`);
  const { words, index } = state.mt as Record<string, unknown>;
  if (!Array.isArray(words) || words.length !== 624) {
    fail(
      `generator mt.words must be a list of 624 numbers, got ${
        Array.isArray(words) ? `${words.length}` : JSON.stringify(words ?? null)
      }`,
    );
  }
  const bad = (words as unknown[]).findIndex((w) =>
    !Number.isInteger(w) || (w as number) < 0 || (w as number) >= 2 ** 32
  );
  if (bad >= 0) {
    fail(`generator mt.words[${bad}] is ${JSON.stringify((words as unknown[])[bad])}, not a whole number in [0, 2^32)`);
  }
  if ((words as number[]).every((w) => w === 0)) fail("generator mt.words are all zero, which no seed produces");
  if (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 624) {
    fail(`generator mt.index is ${JSON.stringify(index ?? null)}, not a position in [0, 624]`);
  }
  if (typeof state.seed !== "string" || !/^\d{1,20}$/.test(state.seed) || BigInt(state.seed) >= 2n ** 64n) {
    fail(`generator seed is ${JSON.stringify(state.seed ?? null)}, not a whole number in [0, 2^64) as a string`);
  }
  const cached = state.nextDoubleNormal;
  if (cached !== null && !(typeof cached === "number" && Number.isFinite(cached))) {
    fail(`generator nextDoubleNormal is ${JSON.stringify(cached ?? undefined)}, not null or a finite number`);
  }
  return {
    seed: state.seed as string,
    mt: { words: words as number[], index: index as number },
    nextDoubleNormal: cached as number | null,
  };
}

/** The configuration, checked field by field as the command line checks its flags; `overrides` applied first. */
function parseConfig(
  text: string | undefined,
  overrides: ScheduleOverrides,
  fail: (why: string) => never,
  vocabSize: number,
): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? "");
  } catch {
    return fail("metadata config is not valid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("metadata config is not a JSON object");
  const stored = raw as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    if (!(key in stored)) fail(`config has no ${key}`);
  }
  const config = { ...stored, ...overrides } as unknown as TrainConfig;
  try {
    return validateConfig(config, { ...LECTURE_DATA_SIZE, vocabSize });
  } catch (error) {
    if (error instanceof ConfigError && !error.fields.some((field) => field in overrides)) {
      return fail(`config ${error.message}`);
    }
    throw error;
  }
}

/**
 * The first value that is not finite (or, for a variance, negative), as "W1[12] is NaN", or null.
 *
 * @example
 * ```ts
 * firstBadValue("bnvar", new Float32Array([1, -2]), true); // "bnvar[1] is -2, but a variance is never negative"
 * ```
 */
export function firstBadValue(name: string, data: Float32Array, nonNegative = false): string | null {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]) || (nonNegative && data[i] < 0)) {
      return `${name}[${i}] is ${data[i]}${Number.isFinite(data[i]) ? ", but a variance is never negative" : ""}`;
    }
  }
  return null;
}

/** A tensor that must be there with this shape and finite values. */
function checkedTensor(
  file: Safetensors,
  name: string,
  shape: number[],
  fail: (why: string) => never,
  nonNegative = false,
): Float32Array {
  const t = file.tensors[name];
  if (!t) fail(`it has no tensor ${name}`);
  if (t.shape.join(",") !== shape.join(",")) {
    fail(`${name} has shape [${t.shape.join(", ")}], but its configuration needs [${shape.join(", ")}]`);
  }
  const bad = firstBadValue(name, t.data, nonNegative);
  if (bad) fail(bad);
  return t.data;
}

/** Calls `fail` with why the metadata is not a checkpoint of this project (its `format`), if it is not. */
function checkFormat(format: string | undefined, fail: (why: string) => never): void {
  if (format === CHECKPOINT_FORMAT) return;
  fail(`not a checkpoint of this project (format ${JSON.stringify(format ?? null)}, expected ${CHECKPOINT_FORMAT})`);
}

/** The step: a whole number, and (unless `--steps` overrides it) within the configuration's steps. */
function parseStep(text: string | undefined, config: TrainConfig, overridden: boolean, fail: (why: string) => never) {
  const step = Number(text);
  if (!/^\d+$/.test(text ?? "") || !Number.isSafeInteger(step)) {
    fail(`step ${JSON.stringify(text ?? null)} is not a whole number`);
  }
  if (!overridden && step > config.steps) {
    fail(`step ${step.toLocaleString("en-US")} is beyond config steps ${config.steps.toLocaleString("en-US")}`);
  }
  return step;
}

/** The vocabulary: "." (the end token's place) followed by the data's distinct characters, which it returns. */
function parseVocab(text: string | undefined, fail: (why: string) => never): string[] {
  const vocab = [...text ?? ""];
  const chars = vocab.slice(1);
  if (vocab.length < 2 || vocab[0] !== "." || new Set(chars).size !== chars.length) {
    fail(`vocab ${JSON.stringify(text ?? null)} is not "." followed by distinct characters`);
  }
  return chars;
}

/**
 * The vocabulary as a checkpoint stores it: `.` in the end token's place,
 * then the data's characters (so `.` may follow as a character of its own).
 *
 * @example
 * ```ts
 * import { buildVocab } from "../data.ts";
 * vocabText(buildVocab(["a.b"])); // "..ab"
 * ```
 */
export function vocabText(vocab: Vocab): string {
  return "." + vocab.itos.slice(1).join("");
}

/** The data file's record ({ name, size, sha256 }), if the checkpoint has one; none means the lecture's names. */
function parseSource(text: string | undefined, fail: (why: string) => never): DataSource | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail("metadata data is not valid JSON");
  }
  const { name, size, sha256 } = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (
    typeof name !== "string" || name === "" || !Number.isSafeInteger(size) || (size as number) < 0 ||
    typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)
  ) {
    fail(`metadata data ${JSON.stringify(text)} is not a file's name, size and SHA-256`);
  }
  return { name: name as string, size: size as number, sha256: sha256 as string };
}

/**
 * The data file's record as a checkpoint stores it.
 *
 * @example
 * ```ts
 * sourceText({ name: "w.txt", size: 3, sha256: "0".repeat(64) }); // '{"name":"w.txt","size":3,"sha256":"000…"}'
 * ```
 */
export function sourceText(source: DataSource): string {
  return JSON.stringify({ name: source.name, size: source.size, sha256: source.sha256 });
}

/**
 * What a checkpoint's metadata holds, checked.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * import { checkpointBytes } from "./checkpoint.ts";
 * import { decodeSafetensors } from "./safetensors.ts";
 * const { metadata } = decodeSafetensors(checkpointBytes(new Trainer({ steps: 10 })), "memory");
 * const read: CheckpointMetadata = readMetadata(metadata, {}, (why) => { throw new Error(why); });
 * ```
 */
export interface CheckpointMetadata {
  config: TrainConfig;
  step: number;
  generator: TorchGeneratorState;
  vocab: Vocab;
  /** The data file it learned from; undefined for the lecture's names. */
  source?: DataSource;
}

/**
 * The metadata, checked in this order: the format, the vocabulary, the
 * configuration (with `overrides` applied, within the budget for the
 * vocabulary), the step, the generator, the data file's record.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * import { checkpointBytes } from "./checkpoint.ts";
 * import { decodeSafetensors } from "./safetensors.ts";
 * const { metadata } = decodeSafetensors(checkpointBytes(new Trainer({ steps: 10 })), "memory");
 * readMetadata(metadata, {}, (why) => { throw new Error(why); }).vocab.size; // 27
 * ```
 */
export function readMetadata(
  metadata: Record<string, string>,
  overrides: ScheduleOverrides,
  fail: (why: string) => never,
): CheckpointMetadata {
  checkFormat(metadata.format, fail);
  const chars = parseVocab(metadata.vocab, fail);
  const config = parseConfig(metadata.config, overrides, fail, chars.length + 1);
  const step = parseStep(metadata.step, config, overrides.steps !== undefined, fail);
  const generator = parseGenerator(metadata.generator, fail);
  return { config, step, generator, vocab: vocabOf(chars), source: parseSource(metadata.data, fail) };
}

/** The shape of every parameter, as a checkpoint stores it. */
function paramShapes({ nEmbd: E, blockSize: B, nHidden: H }: TrainConfig, V: number): Record<string, number[]> {
  return { C: [V, E], W1: [E * B, H], b1: [H], W2: [H, V], b2: [V], bngain: [1, H], bnbias: [1, H] };
}

/**
 * The tensors, checked in this order: each parameter (its shape for this
 * configuration and vocabulary of `V` characters, its values finite), the
 * loss history of `step` steps, batchnorm's statistics if there are any, and
 * no tensor besides.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * import { checkpointBytes } from "./checkpoint.ts";
 * import { decodeSafetensors } from "./safetensors.ts";
 * const trainer = new Trainer({ steps: 10 });
 * const file = decodeSafetensors(checkpointBytes(trainer), "memory");
 * readTensors(file, trainer.config, 27, 0, (why) => { throw new Error(why); }).params.W1.shape; // [30, 200]
 * ```
 */
export function readTensors(
  file: Safetensors,
  config: TrainConfig,
  V: number,
  step: number,
  fail: (why: string) => never,
) {
  const shapes = paramShapes(config, V);
  const params = {} as Params;
  for (const name of PARAM_NAMES) params[name] = fromArray(checkedTensor(file, name, shapes[name], fail), shapes[name]);
  const H = config.nHidden;
  const calibrated = "bnmean" in file.tensors || "bnvar" in file.tensors;
  const tensors = {
    params,
    lossLog10: checkedTensor(file, "loss_log10", [step], fail),
    bnmean: calibrated ? checkedTensor(file, "bnmean", [1, H], fail) : null,
    bnvar: calibrated ? checkedTensor(file, "bnvar", [1, H], fail, true) : null,
  };
  const known = new Set([...PARAM_NAMES, "loss_log10", "bnmean", "bnvar"]);
  const extra = Object.keys(file.tensors).find((name) => !known.has(name));
  if (extra) fail(`it has a tensor ${extra} that is not part of the model`);
  return tensors;
}
