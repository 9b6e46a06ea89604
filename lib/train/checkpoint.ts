/**
 * Checkpoints of a training run, as `.safetensors` files: the seven
 * parameters (and, once calibrated, batchnorm's mean and variance over the
 * training set, and the loss history) as float32 tensors, and in
 * `__metadata__` everything else needed to resume exactly: the
 * configuration, the vocabulary, the step and the batch generator's state.
 *
 * Files are written atomically: to a temporary file beside the target, then
 * renamed over it, so an interrupted write never leaves a broken checkpoint.
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
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type StoredTensor } from "./safetensors.ts";
import { fromArray } from "../tensor.ts";
import type { TorchGeneratorState } from "../random/torch.ts";
import { type TrainConfig, Trainer, type TrainingData, validateConfig } from "./trainer.ts";

/** The `format` metadata value of our checkpoints. */
export const CHECKPOINT_FORMAT = "backprop-ninja-mlp/1";

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
 * Rebuilds a trainer from checkpoint bytes. `data` must have the same
 * vocabulary; `overrides` may change the number of steps and the learning
 * rate schedule, nothing that changes the network's shape.
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
  overrides: Partial<Pick<TrainConfig, "steps" | "lr" | "decayStep">> = {},
): Trainer {
  const fail = (why: string): never => {
    throw new CheckpointError(`${source}: ${why}`);
  };
  let file;
  try {
    file = decodeSafetensors(bytes, source);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new CheckpointError(error.message);
    throw error;
  }
  const { tensors, metadata } = file;
  if (metadata.format !== CHECKPOINT_FORMAT) {
    fail(
      `not a checkpoint of this project (format ${
        JSON.stringify(metadata.format ?? null)
      }, expected ${CHECKPOINT_FORMAT})`,
    );
  }
  let config: TrainConfig;
  let generator: TorchGeneratorState;
  try {
    config = validateConfig({ ...JSON.parse(metadata.config), ...overrides });
    generator = JSON.parse(metadata.generator);
  } catch (error) {
    return fail(`its metadata is damaged (${(error as Error).message})`);
  }
  const step = Number(metadata.step);
  if (!Number.isSafeInteger(step) || step < 0) fail(`its step ${JSON.stringify(metadata.step)} is not a whole number`);
  const V = metadata.vocab?.length ?? 0;
  const expected: Record<string, number[]> = {
    C: [V, config.nEmbd],
    W1: [config.nEmbd * config.blockSize, config.nHidden],
    b1: [config.nHidden],
    W2: [config.nHidden, V],
    b2: [V],
    bngain: [1, config.nHidden],
    bnbias: [1, config.nHidden],
  };
  const params = {} as Params;
  for (const name of PARAM_NAMES) {
    const t = tensors[name];
    if (!t) fail(`it has no tensor ${name}`);
    if (t.shape.join(",") !== expected[name].join(",")) {
      fail(`${name} has shape [${t.shape.join(", ")}], but its configuration needs [${expected[name].join(", ")}]`);
    }
    params[name] = fromArray(t.data, t.shape);
  }
  const trainer = new Trainer(config, data, {
    params,
    state: {
      step,
      generator,
      lossLog10: tensors.loss_log10?.data ?? new Float32Array(0),
      bnmean: tensors.bnmean?.data ?? null,
      bnvar: tensors.bnvar?.data ?? null,
    },
  });
  const vocab = trainer.data.vocab.itos.join("");
  if (vocab !== metadata.vocab) {
    fail(
      `it was trained on the vocabulary ${JSON.stringify(metadata.vocab)}, but the data has ${JSON.stringify(vocab)}`,
    );
  }
  return trainer;
}

/** The temporary file a checkpoint is written to before it is renamed over `path`. */
function temporaryPath(path: string): string {
  return `${path}.${Deno.pid}.tmp`;
}

/**
 * Writes a checkpoint atomically: a temporary file in the same folder, then
 * a rename over `path`. Creates the folder if needed.
 *
 * @example
 * ```ts
 * await saveCheckpoint("checkpoints/mlp.safetensors", trainer);
 * ```
 */
export async function saveCheckpoint(path: string, trainer: Trainer): Promise<void> {
  const bytes = checkpointBytes(trainer);
  await Deno.mkdir(dirname(path), { recursive: true });
  const temporary = temporaryPath(path);
  try {
    await Deno.writeFile(temporary, bytes);
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
  const info = await Deno.stat(path).catch(() => null);
  if (info?.isDirectory) {
    throw new CheckpointError(
      `cannot write a checkpoint at ${path}: it is a folder; give a file path such as ${path}/mlp.safetensors`,
    );
  }
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeFile(probe, new Uint8Array(0));
    await Deno.remove(probe);
  } catch (error) {
    throw new CheckpointError(`cannot write a checkpoint at ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * Reads a checkpoint file into a trainer. A missing, truncated or foreign
 * file is a {@linkcode CheckpointError} naming the path.
 *
 * @example
 * ```ts
 * const trainer = await loadCheckpoint("checkpoints/mlp.safetensors");
 * ```
 */
export async function loadCheckpoint(
  path: string,
  data?: TrainingData,
  overrides: Partial<Pick<TrainConfig, "steps" | "lr" | "decayStep">> = {},
): Promise<Trainer> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new CheckpointError(`${path}: no such checkpoint file`);
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new CheckpointError(`${path}: no permission to read it (run with --allow-read, as \`deno task\` does)`);
    }
    throw new CheckpointError(`${path}: cannot read it (${(error as Error).message.split("\n")[0]})`);
  }
  return trainerFromCheckpoint(bytes, path, data, overrides);
}
