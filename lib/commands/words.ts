/**
 * The words a run learns from, for `deno task train --data` and `deno task
 * sample`: a words file read and checked before anything is allocated, a
 * resumed checkpoint held to the file it learned from (by SHA-256), and what
 * sampling can know about the training set from a checkpoint alone.
 *
 * @example
 * ```ts
 * import { dataForRun } from "./words.ts";
 * // With --allow-read:
 * const data = () => dataForRun("/usr/share/dict/ngerman", { steps: 1000 });
 * ```
 * @module
 */

import { lectureNamesText, lectureTrainingWords } from "../data.ts";
import { DEFAULT_CONFIG, type TrainConfig, validateConfig } from "../train/config.ts";
import { DataFileError, readWordsFile, sha256Hex } from "../train/data_file.ts";
import { readSafetensors } from "../train/safetensors_file.ts";
import { type CheckpointMetadata, readMetadata, type ScheduleOverrides } from "../train/checkpoint_fields.ts";
import { CheckpointError } from "../train/checkpoint.ts";
import { type DataSource, loadTrainingData, type TrainingData, wordsSize } from "../train/training_data.ts";

/**
 * Reads a words file and splits it for a run of `config`, checking the
 * buffers its vocabulary and examples need against the budget before the
 * datasets are made. A problem is one line (a `RangeError`).
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const vocabSize = async () => (await dataForRun("/usr/share/dict/french", {})).vocab.size;
 * ```
 */
export async function dataForRun(path: string, config: Partial<TrainConfig>): Promise<TrainingData> {
  const { words, source } = await readWordsFile(path);
  validateConfig({ ...DEFAULT_CONFIG, ...config }, wordsSize(words));
  return loadTrainingData(config.blockSize ?? DEFAULT_CONFIG.blockSize, words, source);
}

/** A data file's record for messages: its name and its hash. */
function described(source: DataSource): string {
  return `${source.name} (SHA-256 ${source.sha256})`;
}

/**
 * A checkpoint's metadata, checked, reading only its header: its
 * configuration and the data file it records (none: the lecture's names).
 * A bad one is thrown as `readMetadata`'s one line, naming the file.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const source = async () => (await checkpointHeader("checkpoints/mlp.safetensors")).source;
 * ```
 */
export async function checkpointHeader(path: string, overrides: ScheduleOverrides = {}): Promise<CheckpointMetadata> {
  const { metadata } = await readSafetensors(path, 0, true);
  return readMetadata(metadata, overrides, (why) => {
    throw new CheckpointError(`${path}: ${why}`);
  });
}

/**
 * The words a resumed run continues on: the `--data` file if given (which
 * must be the one the checkpoint learned from, by SHA-256), else the file
 * the checkpoint records, else (undefined) the lecture's names. A different
 * file is one line naming both hashes.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const data = () => dataForResume(undefined, { name: "w.txt", size: 9, sha256: "0".repeat(64) }, 3);
 * ```
 */
export async function dataForResume(
  given: string | undefined,
  recorded: DataSource | undefined,
  blockSize: number,
): Promise<TrainingData | undefined> {
  if (given === undefined && recorded === undefined) return undefined;
  const path = given ?? recorded!.name;
  const file = await readWordsFile(path).catch((error) => {
    if (given !== undefined || !(error instanceof DataFileError)) throw error;
    throw new DataFileError(
      `the checkpoint learned from ${described(recorded!)}, which cannot be read: ${error.message}`,
    );
  });
  // A checkpoint without a record learned from the built-in names, whose hash is that of their text.
  const expected = recorded?.sha256 ?? await sha256Hex(new TextEncoder().encode(lectureNamesText()));
  if (file.source.sha256 !== expected) {
    throw new DataFileError(
      `refusing to resume on ${described(file.source)}: the checkpoint learned from ${
        recorded ? described(recorded) : `the lecture's data/names.txt (built in, SHA-256 ${expected})`
      }`,
    );
  }
  return loadTrainingData(blockSize, file.words, file.source);
}

/**
 * What sampling can say of a name: the training set's words when they are
 * known (the lecture's names, or the recorded file, still there with the
 * same SHA-256), else why it cannot tell.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const known = () => trainingSetOf({ name: "w.txt", size: 9, sha256: "0".repeat(64) });
 * ```
 */
export async function trainingSetOf(
  source: DataSource | undefined,
): Promise<{ training: Set<string> } | { unknown: string }> {
  if (source === undefined) return { training: new Set(lectureTrainingWords()) };
  try {
    const file = await readWordsFile(source.name);
    if (file.source.sha256 === source.sha256) return { training: new Set(lectureTrainingWords(file.words)) };
    return {
      unknown: `${source.name} has changed since training (SHA-256 ${file.source.sha256}, not ${source.sha256})`,
    };
  } catch (error) {
    return { unknown: `${source.name}, the words it learned from, cannot be read (${(error as Error).message})` };
  }
}
