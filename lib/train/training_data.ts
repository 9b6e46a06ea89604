/**
 * The data a trainer learns from: names.txt split as the lecture splits it,
 * for one block size, and the check that no split is empty.
 *
 * @example
 * ```ts
 * import { loadTrainingData } from "./training_data.ts";
 * const data = loadTrainingData(3);
 * data.train.count; // 182625
 * ```
 * @module
 */

import type { DataSize } from "./sizes.ts";
import { buildVocab, characterCount, type Dataset, lectureSplit, loadNames, type Vocab } from "../data.ts";

/**
 * Where a run's words came from: a file's name (as given), its size in bytes
 * and its SHA-256. A run without one learned from the lecture's
 * `data/names.txt`, built into the program.
 *
 * @example
 * ```ts
 * const source: DataSource = { name: "words.txt", size: 1234, sha256: "9f86d08…" };
 * ```
 */
export interface DataSource {
  name: string;
  size: number;
  sha256: string;
}

/**
 * The three datasets for a block size, built from the lecture's shuffle.
 *
 * @example
 * ```ts
 * const data: TrainingData = loadTrainingData(3);
 * ```
 */
export interface TrainingData {
  vocab: Vocab;
  words: string[];
  train: Dataset;
  dev: Dataset;
  test: Dataset;
  /** The file the words came from; absent for the lecture's names. */
  source?: DataSource;
  /** True when only the vocabulary is known (a checkpoint read without its words): it samples, nothing more. */
  vocabOnly?: boolean;
}

/**
 * Data that is only a vocabulary: no words, empty splits, for a checkpoint
 * whose words file is not read (sampling needs no more once it is calibrated).
 *
 * @example
 * ```ts
 * import { buildVocab } from "../data.ts";
 * vocabOnlyData(buildVocab(["ab"]), 3).train.count; // 0
 * ```
 */
export function vocabOnlyData(vocab: Vocab, blockSize: number, source?: DataSource): TrainingData {
  const empty = (): Dataset => ({ X: new Int32Array(0), Y: new Int32Array(0), count: 0, blockSize });
  const data: TrainingData = { vocab, words: [], train: empty(), dev: empty(), test: empty(), vocabOnly: true };
  if (source) data.source = source;
  return data;
}

/**
 * Loads names.txt (unless its `words` are given, already read) and splits it
 * as the lecture does, for `blockSize`.
 *
 * @example
 * ```ts
 * loadTrainingData(3).train.count; // 182625
 * ```
 */
export function loadTrainingData(
  blockSize: number,
  words: string[] = loadNames(),
  source?: DataSource,
): TrainingData {
  const split = lectureSplit(words, blockSize);
  const data: TrainingData = {
    vocab: split.vocab,
    words: split.words,
    train: split.train,
    dev: split.dev,
    test: split.test,
  };
  if (source) data.source = source;
  return data;
}

/**
 * Refuses data with an empty split (a names file of fewer than 6 names),
 * which would leave nothing to train or evaluate on.
 *
 * @example
 * ```ts
 * checkSplits(loadTrainingData(3)); // the lecture's names: no error
 * ```
 */
export function checkSplits(data: TrainingData): void {
  if (data.vocabOnly) return;
  for (const split of ["train", "dev", "test"] as const) {
    if (data[split].count === 0) {
      throw new RangeError(
        `${data.source?.name ?? "data/names.txt"} has ${data.words.length.toLocaleString("en-US")} ${
          data.source ? "word" : "name"
        }${
          data.words.length === 1 ? "" : "s"
        }, too few: the lecture's 80/10/10 split leaves the ${split} set empty (it needs at least 6)`,
      );
    }
  }
}

/**
 * The size of the data, for the budget of buffers.
 *
 * @example
 * ```ts
 * dataSize(loadTrainingData(3)); // { vocabSize: 27, examples: 228146 }
 * ```
 */
export function dataSize(data: TrainingData): DataSize {
  return { vocabSize: data.vocab.size, examples: data.train.count + data.dev.count + data.test.count };
}

/**
 * The size the data of `words` will have, before it is split: one example per
 * character and one for each word's end, over its vocabulary (with the end token).
 *
 * @example
 * ```ts
 * wordsSize(["emma", "ava"]); // { vocabSize: 5, examples: 9 }
 * ```
 */
export function wordsSize(words: string[]): DataSize {
  return {
    vocabSize: buildVocab(words).size,
    examples: words.reduce((sum, word) => sum + characterCount(word) + 1, 0),
  };
}
