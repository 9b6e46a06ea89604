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
import { CHECKPOINT_FORMAT, firstBadValue, type ScheduleOverrides } from "./checkpoint_fields.ts";
import { MAX_BUFFER_BYTES } from "./config.ts";
import { type Safetensors, SafetensorsError } from "./safetensors.ts";
import { readSafetensors } from "./safetensors_file.ts";
import type { Trainer } from "./trainer.ts";
import type { TrainingData } from "./training_data.ts";
import { checkpointBytes, CheckpointError, trainerFromFile } from "./checkpoint_bytes.ts";

export { checkpointBytes, CheckpointError, trainerFromCheckpoint, trainerFromFile } from "./checkpoint_bytes.ts";

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
