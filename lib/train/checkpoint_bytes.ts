/**
 * A checkpoint as bytes in memory: a trainer serialised to a `.safetensors`
 * file's bytes, and a trainer rebuilt from such bytes with every field
 * validated. It touches no file and no Deno API, so a browser page makes and
 * opens the same checkpoints as `deno task train` and `deno task sample`
 * (the training page does); `checkpoint.ts` reads and writes them as files
 * and re-exports this module.
 *
 * @example
 * ```ts
 * import { checkpointBytes, trainerFromCheckpoint } from "./checkpoint_bytes.ts";
 * import { Trainer } from "./trainer.ts";
 * const trainer = new Trainer({ steps: 10 });
 * trainer.trainStep();
 * trainerFromCheckpoint(checkpointBytes(trainer), "memory").step; // 1
 * ```
 * @module
 */

import { PARAM_NAMES } from "../model.ts";
import {
  CHECKPOINT_FORMAT,
  readMetadata,
  readTensors,
  type ScheduleOverrides,
  sourceText,
  vocabText,
} from "./checkpoint_fields.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
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
 * import { loadCheckpoint } from "./checkpoint.ts";
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
