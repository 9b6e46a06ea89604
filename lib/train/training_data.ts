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
import { type Dataset, lectureSplit, loadNames, type Vocab } from "../data.ts";

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
export function loadTrainingData(blockSize: number, words: string[] = loadNames()): TrainingData {
  const split = lectureSplit(words, blockSize);
  return { vocab: split.vocab, words: split.words, train: split.train, dev: split.dev, test: split.test };
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
  for (const split of ["train", "dev", "test"] as const) {
    if (data[split].count === 0) {
      throw new RangeError(
        `data/names.txt has ${data.words.length.toLocaleString("en-US")} name${
          data.words.length === 1 ? "" : "s"
        }, too few: the lecture's 80/10/10 split leaves the ${split} set empty (it needs at least 6 names)`,
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
 * character and one for each name's end, over the lecture's 27 characters.
 *
 * @example
 * ```ts
 * wordsSize(["emma", "ava"]); // { vocabSize: 27, examples: 9 }
 * ```
 */
export function wordsSize(words: string[]): DataSize {
  return { vocabSize: 27, examples: words.reduce((sum, word) => sum + word.length + 1, 0) };
}
