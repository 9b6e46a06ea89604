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
 * The text of `data/names.txt` as the program holds it (imported, so reading it needs no permission).
 *
 * @example
 * ```ts
 * lectureNamesText().startsWith("emma\nolivia\n"); // true
 * ```
 */
export function lectureNamesText(): string {
  return namesText;
}

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

/**
 * The longest word (in characters) a words file may have: a line longer than
 * this is not a word, and most likely not a file of words.
 *
 * @example
 * ```ts
 * MAX_WORD_LENGTH; // 256
 * ```
 */
export const MAX_WORD_LENGTH = 256;

/** The line (from 1) and the byte within it (from 1) of byte `at` of `bytes`. */
function lineAndByte(bytes: Uint8Array, at: number): { line: number; byte: number } {
  let line = 1;
  let start = 0;
  for (let i = bytes.indexOf(10); i !== -1 && i < at; i = bytes.indexOf(10, i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, byte: at - start + 1 };
}

/**
 * The first sequence that is not valid UTF-8: where it starts and how many
 * bytes it has up to the one that breaks it (or null if all is valid).
 */
function firstBadUtf8(bytes: Uint8Array): { at: number; length: number } | null {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return { at: i, length: 1 };
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const [low, high] = b === 0xe0
      ? [0xa0, 0xbf]
      : b === 0xed
      ? [0x80, 0x9f]
      : b === 0xf0
      ? [0x90, 0xbf]
      : b === 0xf4
      ? [0x80, 0x8f]
      : [0x80, 0xbf];
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      const ok = k === 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xbf;
      if (!ok) return { at: i, length: Math.min(k + 1, bytes.length - i) };
    }
    i += length;
  }
  return null;
}

/**
 * The advice added to a words file that is not UTF-8 when it reads as
 * Latin-1 (every byte over 0x7f a letter of it, as in Debian's word lists):
 * the `iconv` line that converts it, to a file beside the working folder.
 *
 * @example
 * ```ts
 * latin1Advice(new Uint8Array([0x6b, 0xe5, 0x6c, 0x0a]), "/usr/share/dict/swedish");
 * // "; it reads as Latin-1: iconv -f latin1 -t utf-8 /usr/share/dict/swedish > swedish.utf-8.txt"
 * ```
 */
export function latin1Advice(bytes: Uint8Array, fileName: string): string {
  // 0xc0–0xff less × and ÷ are Latin-1's accented letters; 0x80–0xbf are controls and signs no word list holds.
  const letters = bytes.every((b) => b < 0x80 || (b >= 0xc0 && b !== 0xd7 && b !== 0xf7));
  if (!letters) return "";
  const base = fileName.split("/").pop()!.replace(/\.txt$/, "");
  const quote = (p: string) => /^[\w./-]+$/.test(p) ? p : `'${p.replaceAll("'", "'\\''")}'`;
  return `; it reads as Latin-1: iconv -f latin1 -t utf-8 ${quote(fileName)} > ${quote(`${base}.utf-8.txt`)}`;
}

/**
 * The text of a words file's bytes: UTF-8, a byte order mark dropped. A
 * byte that is not UTF-8, or a NUL, is a `RangeError` naming the file, the
 * line and the byte.
 *
 * @example
 * ```ts
 * decodeWordsFile(new TextEncoder().encode("\uFEFFÄpfel\n"), "w.txt"); // "Äpfel\n"
 * ```
 */
export function decodeWordsFile(bytes: Uint8Array, fileName: string): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const bad = firstBadUtf8(bytes) ?? { at: 0, length: 1 };
    const { line, byte } = lineAndByte(bytes, bad.at);
    const shown = Array.from(
      bytes.subarray(bad.at, bad.at + bad.length),
      (b) => `0x${b.toString(16).padStart(2, "0")}`,
    );
    throw new RangeError(
      `${fileName}: line ${line}, byte ${byte}: ${
        shown.join(" ")
      } is not UTF-8; a words file must be UTF-8 text, one word a line${latin1Advice(bytes, fileName)}`,
    );
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const { line, byte } = lineAndByte(bytes, nul);
    throw new RangeError(
      `${fileName}: line ${line}, byte ${byte} is a NUL byte; a words file is text, one word a line`,
    );
  }
  return text;
}

/**
 * Splits a words file's text into words, one a line: CRLF endings and
 * blank lines are accepted, spaces around a word dropped, duplicates kept
 * (the lecture keeps them). A line longer than {@linkcode MAX_WORD_LENGTH}
 * characters, or a file without words, is a `RangeError` naming the file.
 *
 * @example
 * ```ts
 * parseWords("Ähre\r\n\r\nÖl\r\nÖl\n", "w.txt"); // ["Ähre", "Öl", "Öl"]
 * ```
 */
export function parseWords(text: string, fileName: string): string[] {
  const words: string[] = [];
  let line = 0;
  for (const raw of text.split("\n")) {
    line++;
    const word = raw.trim();
    if (word === "") continue;
    if (word.length > MAX_WORD_LENGTH && characterCount(word) > MAX_WORD_LENGTH) {
      throw new RangeError(
        `${fileName}: line ${line} has ${
          characterCount(word).toLocaleString("en-US")
        } characters; a word may have at most ${MAX_WORD_LENGTH} (the file must hold one word a line)`,
      );
    }
    words.push(word);
  }
  if (words.length === 0) throw new RangeError(`${fileName}: the file has no words (every line is blank)`);
  return words;
}

/**
 * How the end-of-word token is shown when the data itself has a `.`: it is
 * more than one character, so it is never one of the data's characters.
 *
 * @example
 * ```ts
 * buildVocab(["a.b"]).itos[0]; // "⟨end⟩"
 * ```
 */
export const END_TOKEN_SHOWN = "⟨end⟩";

/**
 * The character vocabulary: the end-of-word token is 0 (shown as `.`, or
 * {@linkcode END_TOKEN_SHOWN} when `.` is a character of the data), the
 * data's characters follow in the order of their Unicode code points.
 */
export interface Vocab {
  /** Index to character: `itos[0]` is how the end token is shown, `"."` for the lecture's names. */
  itos: string[];
  /** Character to index (the end token's display maps to 0). */
  stoi: Map<string, number>;
  /** How many tokens: 27 for the lecture's names. */
  size: number;
}

/**
 * Orders two characters by their Unicode code points (JavaScript's default
 * sort compares UTF-16 units, which puts some characters beyond U+FFFF before
 * U+E000–U+FFFF).
 *
 * @example
 * ```ts
 * ["😀", "ｚ"].sort(byCodePoint); // ["ｚ", "😀"]
 * ```
 */
export function byCodePoint(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

/**
 * The vocabulary over an ordered list of distinct data characters: the end
 * token at 0, then `chars`.
 *
 * @example
 * ```ts
 * vocabOf(["a", "b"]).itos; // [".", "a", "b"]
 * ```
 */
export function vocabOf(chars: readonly string[]): Vocab {
  const itos = [chars.includes(BOUNDARY) ? END_TOKEN_SHOWN : BOUNDARY, ...chars];
  const stoi = new Map(itos.map((ch, i) => [ch, i]));
  return { itos, stoi, size: itos.length };
}

/**
 * Builds the vocabulary as the lecture does: the sorted set of characters
 * (by code point) gets indices from 1, and the end token gets 0.
 *
 * @example
 * ```ts
 * buildVocab(["emma", "ava"]).itos; // [".", "a", "e", "m", "v"]
 * buildVocab(["Öl", "Ähre"]).itos; // [".", "e", "h", "l", "r", "Ä", "Ö"]
 * ```
 */
export function buildVocab(words: readonly string[]): Vocab {
  const seen = new Set<string>();
  for (const word of words) for (const ch of word) seen.add(ch);
  return vocabOf([...seen].sort(byCodePoint));
}

/**
 * The characters of a word: Unicode code points, so `"𝒜"` is one, not two UTF-16 units.
 *
 * @example
 * ```ts
 * characterCount("straße"); // 6
 * ```
 */
export function characterCount(word: string): number {
  let n = 0;
  for (const _ of word) n++;
  return n;
}

/**
 * The token indices of a prefix, every character of which must be in the
 * vocabulary; one that is not is a `RangeError` naming it.
 *
 * @example
 * ```ts
 * encodePrefix("em", buildVocab(["emma"])); // [2, 3]
 * ```
 */
export function encodePrefix(text: string, vocab: Vocab): number[] {
  return [...text].map((ch) => {
    const ix = vocab.stoi.get(ch);
    if (ix === undefined || ix === 0) {
      const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
      // A capital where the words are lower-case is the usual slip: offer the prefix that fits.
      const lower = text.toLowerCase();
      const fits = lower !== text && [...lower].every((c) => (vocab.stoi.get(c) ?? 0) > 0);
      throw new RangeError(
        `the prefix ${JSON.stringify(text)} has the character ${
          JSON.stringify(ch)
        } (${code}), which is not in the vocabulary of ${vocab.size - 1} characters${
          fits ? `; did you mean ${JSON.stringify(lower)}?` : ""
        }`,
      );
    }
    return ix;
  });
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
  for (const word of words) count += characterCount(word) + 1;
  const X = new Int32Array(count * blockSize);
  const Y = new Int32Array(count);
  const context = new Array<number>(blockSize).fill(0);
  let row = 0;
  for (const word of words) {
    context.fill(0);
    // Every character of the word, then the end token (0), which no character of the data can be.
    for (const ch of [...word, null]) {
      const ix = ch === null ? 0 : vocab.stoi.get(ch);
      if (ix === undefined || (ix === 0 && ch !== null)) {
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
 * The words the lecture's split trains on: the first 80 % after its shuffle
 * (what {@linkcode lectureSplit} makes `train` of), without building any dataset.
 *
 * @example
 * ```ts
 * lectureTrainingWords().length; // 25626
 * ```
 */
export function lectureTrainingWords(words: readonly string[] = loadNames(), seed = 42): string[] {
  const shuffled = new PythonRandom(seed).shuffle([...words]);
  return shuffled.slice(0, Math.trunc(0.8 * shuffled.length));
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
