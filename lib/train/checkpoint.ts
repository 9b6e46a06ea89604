/**
 * Checkpoints of a training run, as `.safetensors` files: the seven
 * parameters (and, once calibrated, batchnorm's mean and variance over the
 * training set, and the loss history) as float32 tensors, and in
 * `__metadata__` everything else needed to resume exactly: the
 * configuration, the vocabulary, the step and the batch generator's state.
 *
 * Files are written atomically: to a temporary file beside the target, then
 * renamed over it, so an interrupted write never leaves a broken checkpoint;
 * parameters that are not finite are never written. Reading validates every
 * field before it is used, and a bad field is a {@linkcode CheckpointError}
 * that names the file and the field.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * await saveCheckpoint("checkpoints/mlp.safetensors", trainer);
 * const resumed = await loadCheckpoint("checkpoints/mlp.safetensors");
 * ```
 * @module
 */

import { dirname } from "node:path";
import { PARAM_NAMES, type Params } from "../model.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type Safetensors,
  SafetensorsError,
  type StoredTensor,
} from "./safetensors.ts";
import { fromArray } from "../tensor.ts";
import type { TorchGeneratorState } from "../random/torch.ts";
import { ConfigError, DEFAULT_CONFIG, MAX_BUFFER_BYTES, type TrainConfig, validateConfig } from "./config.ts";
import { Trainer } from "./trainer.ts";
import type { TrainingData } from "./training_data.ts";

/** The `format` metadata value of our checkpoints. */
const CHECKPOINT_FORMAT = "backprop-ninja-mlp/1";

/**
 * A checkpoint that cannot be used; the message names the file and the problem.
 *
 * @example
 * ```ts
 * try {
 *   await loadCheckpoint("missing.safetensors");
 * } catch (error) {
 *   if (error instanceof CheckpointError) console.error(error.message);
 * }
 * ```
 */
export class CheckpointError extends Error {
  override name = "CheckpointError";
  /** For a save refused because of the parameters: the first bad value, as "W1[12] is NaN"; else null. */
  readonly badValue: string | null;

  /** An error with `message`, and the bad value that refused a save, if that is what it is. */
  constructor(message: string, badValue: string | null = null) {
    super(message);
    this.badValue = badValue;
  }
}

/**
 * Serialises a trainer's parameters and state.
 *
 * @example
 * ```ts
 * const bytes = checkpointBytes(trainer);
 * ```
 */
export function checkpointBytes(trainer: Trainer): Uint8Array {
  const tensors: Record<string, StoredTensor> = {};
  for (const name of PARAM_NAMES) {
    tensors[name] = { shape: [...trainer.params[name].shape], data: trainer.params[name].data };
  }
  const state = trainer.state();
  if (state.bnmean && state.bnvar) {
    tensors.bnmean = { shape: [1, state.bnmean.length], data: state.bnmean };
    tensors.bnvar = { shape: [1, state.bnvar.length], data: state.bnvar };
  }
  tensors.loss_log10 = { shape: [state.lossLog10.length], data: state.lossLog10 };
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(trainer.config),
    vocab: trainer.data.vocab.itos.join(""),
    step: String(state.step),
    generator: JSON.stringify(state.generator),
  });
}

/**
 * What a resumed run may change: the length of the run and its learning rate schedule.
 *
 * @example
 * ```ts
 * await loadCheckpoint("run.safetensors", undefined, { steps: 300_000 } satisfies ScheduleOverrides);
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
    return validateConfig(config);
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
function firstBadValue(name: string, data: Float32Array, nonNegative = false): string | null {
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

/**
 * Rebuilds a trainer from a decoded checkpoint, validating every field before
 * it is used: the format, the configuration (in the flags' ranges and the
 * memory limit), the step, the generator, each tensor's shape and values,
 * batchnorm's statistics and the loss history. `data` must have the same
 * vocabulary; `overrides` may change the number of steps and the learning
 * rate schedule, nothing that changes the network's shape.
 *
 * @example
 * ```ts
 * const trainer = trainerFromFile(decodeSafetensors(bytes, "memory"), "memory");
 * ```
 */
export function trainerFromFile(
  file: Safetensors,
  source: string,
  data?: TrainingData,
  overrides: ScheduleOverrides = {},
): Trainer {
  const fail = (why: string): never => {
    throw new CheckpointError(`${source}: ${why}`);
  };
  const { metadata } = file;
  if (metadata.format !== CHECKPOINT_FORMAT) {
    fail(
      `not a checkpoint of this project (format ${
        JSON.stringify(metadata.format ?? null)
      }, expected ${CHECKPOINT_FORMAT})`,
    );
  }
  const config = parseConfig(metadata.config, overrides, fail);
  const step = Number(metadata.step);
  if (!/^\d+$/.test(metadata.step ?? "") || !Number.isSafeInteger(step)) {
    fail(`step ${JSON.stringify(metadata.step ?? null)} is not a whole number`);
  }
  if (overrides.steps === undefined && step > config.steps) {
    fail(`step ${step.toLocaleString("en-US")} is beyond config steps ${config.steps.toLocaleString("en-US")}`);
  }
  const generator = parseGenerator(metadata.generator, fail);
  const vocab = metadata.vocab ?? "";
  if (vocab.length < 2 || vocab[0] !== "." || new Set(vocab).size !== vocab.length) {
    fail(`vocab ${JSON.stringify(vocab)} is not "." followed by distinct characters`);
  }
  const V = vocab.length;
  const { nEmbd: E, blockSize: B, nHidden: H } = config;
  const shapes: Record<string, number[]> = {
    C: [V, E],
    W1: [E * B, H],
    b1: [H],
    W2: [H, V],
    b2: [V],
    bngain: [1, H],
    bnbias: [1, H],
  };
  const params = {} as Params;
  for (const name of PARAM_NAMES) params[name] = fromArray(checkedTensor(file, name, shapes[name], fail), shapes[name]);
  const calibrated = "bnmean" in file.tensors || "bnvar" in file.tensors;
  const state = {
    step,
    generator,
    lossLog10: checkedTensor(file, "loss_log10", [step], fail),
    bnmean: calibrated ? checkedTensor(file, "bnmean", [1, H], fail) : null,
    bnvar: calibrated ? checkedTensor(file, "bnvar", [1, H], fail, true) : null,
  };
  const known = new Set([...PARAM_NAMES, "loss_log10", "bnmean", "bnvar"]);
  const extra = Object.keys(file.tensors).find((name) => !known.has(name));
  if (extra) fail(`it has a tensor ${extra} that is not part of the model`);
  const trainer = new Trainer(config, data, { params, state });
  const dataVocab = trainer.data.vocab.itos.join("");
  if (dataVocab !== vocab) {
    fail(`it was trained on the vocabulary ${JSON.stringify(vocab)}, but the data has ${JSON.stringify(dataVocab)}`);
  }
  return trainer;
}

/**
 * Rebuilds a trainer from checkpoint bytes held in memory; see {@linkcode trainerFromFile}.
 *
 * @example
 * ```ts
 * const trainer = trainerFromCheckpoint(bytes, "memory", undefined, { steps: 300_000 });
 * ```
 */
export function trainerFromCheckpoint(
  bytes: Uint8Array,
  source: string,
  data?: TrainingData,
  overrides: ScheduleOverrides = {},
): Trainer {
  let file;
  try {
    file = decodeSafetensors(bytes, source);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(error.message);
    throw error;
  }
  return trainerFromFile(file, source, data, overrides);
}

/**
 * The temporary file a checkpoint is written to before it is renamed over `path`.
 *
 * @example
 * ```ts
 * temporaryPath("run.safetensors", 4121); // "run.safetensors.4121.tmp"
 * ```
 */
function temporaryPath(path: string, pid = Deno.pid): string {
  return `${path}.${pid}.tmp`;
}

/**
 * The first parameter value that is not finite, or a negative variance, as
 * "W1[12] is NaN"; null when the trainer is safe to save.
 *
 * @example
 * ```ts
 * if (unsafeValue(trainer)) console.error("diverged");
 * ```
 */
export function unsafeValue(trainer: Trainer): string | null {
  for (const name of PARAM_NAMES) {
    const bad = firstBadValue(name, trainer.params[name].data);
    if (bad) return bad;
  }
  return (trainer.bnmean && firstBadValue("bnmean", trainer.bnmean)) ??
    (trainer.bnvar && firstBadValue("bnvar", trainer.bnvar, true)) ?? null;
}

/**
 * Writes a checkpoint atomically: a temporary file in the same folder, then
 * a rename over `path`. Creates the folder if needed. Parameters that are not
 * finite are refused with a {@linkcode CheckpointError} (whose `badValue`
 * names the first) before anything is written, so a good file is never replaced by a broken one. `write` is
 * `Deno.writeFile` unless a test passes one that fails.
 *
 * @example
 * ```ts
 * await saveCheckpoint("checkpoints/mlp.safetensors", trainer);
 * ```
 */
export async function saveCheckpoint(path: string, trainer: Trainer, write = Deno.writeFile): Promise<void> {
  const bad = unsafeValue(trainer);
  if (bad) throw new CheckpointError(`refusing to save ${path}: ${bad}`, bad);
  const bytes = checkpointBytes(trainer);
  await Deno.mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPath(path);
  try {
    await write(temporary, bytes);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Checks, before a long run, that a checkpoint can be written at `path`: the
 * folder can be made and a file written in it (a probe, removed at once).
 * A problem is a {@linkcode CheckpointError} that names the path and the reason.
 *
 * @example
 * ```ts
 * await checkWritable("checkpoints/mlp.safetensors");
 * ```
 */
export async function checkWritable(path: string): Promise<void> {
  const probe = temporaryPath(path);
  const info = await Deno.stat(path).catch((error) => {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new CheckpointError(
        `cannot write a checkpoint at ${path}: no permission (run with --allow-read --allow-write, as \`deno task train\` does)`,
      );
    }
    return null;
  });
  if (info?.isDirectory) {
    throw new CheckpointError(
      `cannot write a checkpoint at ${path}: it is a folder; give a file path such as ${path}/mlp.safetensors`,
    );
  }
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeFile(probe, new Uint8Array(0));
    await Deno.remove(probe).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  } catch (error) {
    throw new CheckpointError(`cannot write a checkpoint at ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** A file-system error as a CheckpointError naming the path. */
function readError(path: string, error: unknown): CheckpointError {
  if (error instanceof SafetensorsError) return new CheckpointError(error.message);
  if (error instanceof Deno.errors.NotFound) return new CheckpointError(`${path}: no such checkpoint file`);
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new CheckpointError(`${path}: no permission to read it (run with --allow-read, as \`deno task\` does)`);
  }
  return new CheckpointError(`${path}: cannot read it (${(error as Error).message.split("\n")[0]})`);
}

/**
 * What is at `path`: nothing, one of our checkpoints, or something else (a
 * user's file, a folder, a device), read no further than its header. File
 * system errors other than a missing file (no permission) are thrown as they are.
 *
 * @example
 * ```ts
 * await whatIsAt("notes.txt"); // "other"
 * ```
 */
export async function whatIsAt(path: string): Promise<"nothing" | "checkpoint" | "other"> {
  try {
    const { metadata } = await readSafetensors(path, 0, true);
    return metadata.format === CHECKPOINT_FORMAT ? "checkpoint" : "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "nothing";
    if (error instanceof SafetensorsError) return "other";
    throw error;
  }
}

/**
 * Reads a checkpoint file into a trainer: only a regular file, never more
 * than its header declares (and at most {@linkcode MAX_BUFFER_BYTES} of
 * tensors), every field validated. A missing, truncated, foreign or damaged
 * file is a {@linkcode CheckpointError} naming the path and the field.
 *
 * @example
 * ```ts
 * const trainer = await loadCheckpoint("checkpoints/mlp.safetensors");
 * ```
 */
export async function loadCheckpoint(
  path: string,
  data?: TrainingData,
  overrides: ScheduleOverrides = {},
): Promise<Trainer> {
  let file: Safetensors;
  try {
    file = await readSafetensors(path, MAX_BUFFER_BYTES);
  } catch (error) {
    throw readError(path, error);
  }
  return trainerFromFile(file, path, data, overrides);
}
