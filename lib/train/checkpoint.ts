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
 * import { checkpointBytes, loadCheckpoint, saveCheckpoint, trainerFromCheckpoint } from "./checkpoint.ts";
 * import { Trainer } from "./trainer.ts";
 * const trainer = new Trainer({ steps: 10 });
 * trainer.trainStep();
 * trainerFromCheckpoint(checkpointBytes(trainer), "memory").step; // 1: in memory
 * // With --allow-read --allow-write, on disk:
 * async function saveAndResume(path: string): Promise<Trainer> {
 *   await saveCheckpoint(path, trainer);
 *   return await loadCheckpoint(path);
 * }
 * ```
 * @module
 */

import { dirname } from "node:path";
import { PARAM_NAMES } from "../model.ts";
import {
  CHECKPOINT_FORMAT,
  firstBadValue,
  readMetadata,
  readTensors,
  type ScheduleOverrides,
  sourceText,
  vocabText,
} from "./checkpoint_fields.ts";
import { MAX_BUFFER_BYTES } from "./config.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type Safetensors,
  SafetensorsError,
  type StoredTensor,
} from "./safetensors.ts";
import { Trainer } from "./trainer.ts";
import { type TrainingData, vocabOnlyData } from "./training_data.ts";

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
 * import { Trainer } from "./trainer.ts";
 * const bytes = checkpointBytes(new Trainer({ steps: 10 }));
 * bytes.length; // about 57 kB: 12,297 float32 parameters and the header
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
  const source = trainer.data.source;
  return encodeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(trainer.config),
    vocab: vocabText(trainer.data.vocab),
    step: String(state.step),
    generator: JSON.stringify(state.generator),
    // The lecture's names (no file given) are recorded by their absence, as in checkpoints made before files were.
    ...(source ? { data: sourceText(source) } : {}),
  });
}

/**
 * Rebuilds a trainer from a decoded checkpoint, validating every field before
 * it is used (see `checkpoint_fields.ts`): the format, the configuration (in
 * the flags' ranges and the memory limit), the step, the generator, each
 * tensor's shape and values, batchnorm's statistics and the loss history.
 * `data` must have the same vocabulary; `overrides` may change the number of
 * steps and the learning rate schedule, nothing that changes the network's shape.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * import { decodeSafetensors } from "./safetensors.ts";
 * const bytes = checkpointBytes(new Trainer({ steps: 10 }));
 * trainerFromFile(decodeSafetensors(bytes, "memory"), "memory").step; // 0
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
  const { config, step, generator, vocab, source: recorded } = readMetadata(file.metadata, overrides, fail);
  const { params, lossLog10, bnmean, bnvar } = readTensors(file, config, vocab.size, step, fail);
  // A checkpoint of a words file, read without its words, can sample (once calibrated) but not train.
  const given = data ?? (recorded ? vocabOnlyData(vocab, config.blockSize, recorded) : undefined);
  const trainer = new Trainer(config, given, { params, state: { step, generator, lossLog10, bnmean, bnvar } });
  const [stored, dataVocab] = [vocabText(vocab), vocabText(trainer.data.vocab)];
  if (dataVocab !== stored) {
    fail(`it was trained on the vocabulary ${JSON.stringify(stored)}, but the data has ${JSON.stringify(dataVocab)}`);
  }
  return trainer;
}

/**
 * Rebuilds a trainer from checkpoint bytes held in memory; see {@linkcode trainerFromFile}.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * const bytes = checkpointBytes(new Trainer({ steps: 10 }));
 * trainerFromCheckpoint(bytes, "memory", undefined, { steps: 300_000 }).config.steps; // 300000
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

/** The temporary file a checkpoint is written to before it is renamed over `path`: `run.safetensors.4121.tmp`. */
function temporaryPath(path: string, pid = Deno.pid): string {
  return `${path}.${pid}.tmp`;
}

/**
 * The first parameter value that is not finite, or a negative variance, as
 * "W1[12] is NaN"; null when the trainer is safe to save.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * const trainer = new Trainer({ steps: 10 });
 * trainer.params.W1.data[12] = NaN;
 * unsafeValue(trainer); // "W1[12] is NaN"
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
 * import { Trainer } from "./trainer.ts";
 * // With --allow-read --allow-write:
 * const save = (trainer: Trainer) => saveCheckpoint("checkpoints/mlp.safetensors", trainer);
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
 * // With --allow-read --allow-write, before a long run:
 * const check = () => checkWritable("checkpoints/mlp.safetensors");
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
 * // With --allow-read:
 * const notes = () => whatIsAt("notes.txt"); // "other", or "nothing" if there is no such file
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
 * // With --allow-read:
 * const resume = () => loadCheckpoint("checkpoints/mlp.safetensors", undefined, { steps: 300_000 });
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
