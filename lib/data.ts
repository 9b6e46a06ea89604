/**
 * The lecture's data: a list of names, a character vocabulary with `.` as the
 * boundary token, and the `(X, Y)` examples of a context window sliding over
 * each name.
 *
 * `data/names.txt` is imported as text, so reading it needs no permission.
 *
 * @example
 * ```ts
 * import { buildDataset, buildVocab, parseNames } from "./data.ts";
 * const words = parseNames("emma\nolivia\n", "inline");
 * const vocab = buildVocab(words);
 * const { X, Y } = buildDataset(words, vocab, 3);
 * ```
 * @module
 */

import namesText from "../data/names.txt" with { type: "text" };
import { PythonRandom } from "./random/python.ts";

/** The boundary token that starts and ends every name. */
export const BOUNDARY = ".";

/**
 * The 32,033 names of `data/names.txt`, in the file's order.
 *
 * @example
 * ```ts
 * loadNames().length; // 32033
 * ```
 */
export function loadNames(): string[] {
  return parseNames(namesText, "data/names.txt");
}

/**
 * Splits a names file into words. Blank lines and CRLF line endings are
 * tolerated; a name that contains the boundary token `.`, or a file with no
 * names at all, is an error that names the file (and the line).
 *
 * @example
 * ```ts
 * parseNames("ava\r\n\r\nmia\r\n", "names.txt"); // ["ava", "mia"]
 * ```
 */
export function parseNames(text: string, fileName: string): string[] {
  const words: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const word = lines[i].replace(/\r$/, "").trim();
    if (word === "") continue;
    if (word.includes(BOUNDARY)) {
      throw new RangeError(
        `${fileName}:${i + 1}: the name ${
          JSON.stringify(word)
        } contains "${BOUNDARY}", which is reserved as the boundary token`,
      );
    }
    words.push(word);
  }
  if (words.length === 0) throw new RangeError(`${fileName}: the file has no names`);
  return words;
}

/** The character vocabulary: `.` is 0, the other characters follow in sorted order. */
export interface Vocab {
  /** Index to character: `itos[0] === "."`. */
  itos: string[];
  /** Character to index. */
  stoi: Map<string, number>;
  /** How many tokens: 27 for the lecture's names. */
  size: number;
}

/**
 * Builds the vocabulary as the lecture does: the sorted set of characters
 * gets indices from 1, and `.` gets 0.
 *
 * @example
 * ```ts
 * buildVocab(["emma", "ava"]).itos; // [".", "a", "e", "m", "v"]
 * ```
 */
export function buildVocab(words: readonly string[]): Vocab {
  const chars = [...new Set(words.join(""))].sort();
  const itos = [BOUNDARY, ...chars];
  const stoi = new Map(itos.map((ch, i) => [ch, i]));
  return { itos, stoi, size: itos.length };
}

/** Examples as flat arrays: `X` is `[count, blockSize]` row-major, `Y` is `[count]`. */
export interface Dataset {
  /** Context indices, `blockSize` per example. */
  X: Int32Array;
  /** The index of the character that follows each context. */
  Y: Int32Array;
  /** How many examples. */
  count: number;
  /** The context length. */
  blockSize: number;
}

/**
 * Builds `(X, Y)` as the lecture's `build_dataset`: for every character of
 * `word + "."`, the `blockSize` previous characters (padded with `.`)
 * predict it.
 *
 * @example
 * ```ts
 * const vocab = buildVocab(["ab"]);
 * const { X, Y } = buildDataset(["ab"], vocab, 2);
 * // X = [0, 0,  0, 1,  1, 2], Y = [1, 2, 0]
 * ```
 */
export function buildDataset(words: readonly string[], vocab: Vocab, blockSize = 3): Dataset {
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`Cannot build a dataset with block size ${blockSize}: it must be a whole number ≥ 1`);
  }
  let count = 0;
  for (const word of words) count += word.length + 1;
  const X = new Int32Array(count * blockSize);
  const Y = new Int32Array(count);
  const context = new Array<number>(blockSize).fill(0);
  let row = 0;
  for (const word of words) {
    context.fill(0);
    for (const ch of word + BOUNDARY) {
      const ix = vocab.stoi.get(ch);
      if (ix === undefined) {
        throw new RangeError(
          `Cannot encode ${JSON.stringify(word)}: the character ${JSON.stringify(ch)} is not in the vocabulary`,
        );
      }
      X.set(context, row * blockSize);
      Y[row] = ix;
      context.shift();
      context.push(ix);
      row++;
    }
  }
  return { X, Y, count, blockSize };
}

/** The lecture's three datasets and the shuffled words they came from. */
export interface Split {
  /** The words after `random.seed(seed); random.shuffle(words)`. */
  words: string[];
  /** The vocabulary of all words. */
  vocab: Vocab;
  /** The first 80 % of the shuffled words. */
  train: Dataset;
  /** The next 10 %. */
  dev: Dataset;
  /** The last 10 %. */
  test: Dataset;
}

/**
 * The lecture's split: `random.seed(42)`, `random.shuffle(words)`, then
 * 80/10/10 by words (182,625 / 22,655 / 22,866 examples for names.txt).
 *
 * @example
 * ```ts
 * const { train } = lectureSplit(loadNames());
 * train.count; // 182625
 * ```
 */
export function lectureSplit(words: readonly string[], blockSize = 3, seed = 42): Split {
  const vocab = buildVocab(words);
  const shuffled = new PythonRandom(seed).shuffle([...words]);
  const n1 = Math.trunc(0.8 * shuffled.length);
  const n2 = Math.trunc(0.9 * shuffled.length);
  return {
    words: shuffled,
    vocab,
    train: buildDataset(shuffled.slice(0, n1), vocab, blockSize),
    dev: buildDataset(shuffled.slice(n1, n2), vocab, blockSize),
    test: buildDataset(shuffled.slice(n2), vocab, blockSize),
  };
}
