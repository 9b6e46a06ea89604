/**
 * Reading a words file from disk for `deno task train --data`, without
 * trusting it: only a regular file (a folder, a device or a FIFO is refused
 * before it is opened, as checkpoints are), at most
 * {@linkcode MAX_DATA_FILE_BYTES} read, UTF-8 and no NUL (checked in
 * `lib/data.ts`), enough words for the lecture's split, and its name, size
 * and SHA-256 recorded so that a checkpoint can say what it learned from.
 * Every problem is a {@linkcode DataFileError}: one line naming the file.
 *
 * @example
 * ```ts
 * import { readWordsFile } from "./data_file.ts";
 * // With --allow-read:
 * const read = () => readWordsFile("/usr/share/dict/ngerman");
 * ```
 * @module
 */

import { decodeWordsFile, parseWords } from "../data.ts";
import type { DataSource } from "./training_data.ts";

/**
 * The largest words file read: 256 MiB.
 *
 * @example
 * ```ts
 * MAX_DATA_FILE_BYTES; // 268435456
 * ```
 */
export const MAX_DATA_FILE_BYTES = 256 * 2 ** 20;

/**
 * The fewest words the lecture's 80/10/10 split leaves no set empty with.
 *
 * @example
 * ```ts
 * MIN_WORDS; // 6: 4 to train on, 1 to validate, 1 to test
 * ```
 */
export const MIN_WORDS = 6;

/**
 * A words file that cannot be used; the message is one line naming the file.
 *
 * @example
 * ```ts
 * const error = new DataFileError("w.txt: the file is empty");
 * error.message; // "w.txt: the file is empty"
 * ```
 */
export class DataFileError extends RangeError {
  override name = "DataFileError";
}

/**
 * A words file, read and checked: its words in the file's order and where they came from.
 *
 * @example
 * ```ts
 * const file: WordsFile = { words: ["a"], source: { name: "w.txt", size: 2, sha256: "…" } };
 * ```
 */
export interface WordsFile {
  words: string[];
  source: DataSource;
}

/**
 * The SHA-256 of bytes, as 64 hexadecimal digits.
 *
 * @example
 * ```ts
 * (await sha256Hex(new Uint8Array())).slice(0, 8); // "e3b0c442"
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A file-system error as the one line a user reads. */
function statError(path: string, error: unknown): DataFileError {
  if (error instanceof Deno.errors.NotFound) return new DataFileError(`${path}: no such data file`);
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new DataFileError(`${path}: no permission to read it (run with --allow-read, as \`deno task\` does)`);
  }
  return new DataFileError(`${path}: cannot read it (${(error as Error).message.split("\n")[0]})`);
}

/** Reads at most `limit` + 1 bytes of a regular file, refusing anything else or anything larger. */
async function readLimited(path: string, limit: number): Promise<Uint8Array> {
  const notRegular = (info: Deno.FileInfo) => {
    if (info.isFile) return;
    const what = info.isDirectory ? "a folder" : "a device, pipe or socket";
    throw new DataFileError(`${path}: it is not a regular file but ${what}; give a text file of words`);
  };
  const tooLarge = () =>
    new DataFileError(`${path}: the file is larger than ${limit / 2 ** 20} MiB, the most a words file may have`);
  notRegular(await Deno.stat(path).catch((error) => Promise.reject(statError(path, error))));
  using file = await Deno.open(path, { read: true }).catch((error) => Promise.reject(statError(path, error)));
  const info = await file.stat();
  notRegular(info);
  if (info.size > limit) throw tooLarge();
  // The size may change while it is read: never hold more than the limit and one byte.
  const bytes = new Uint8Array(Math.min(info.size, limit) + 1);
  let got = 0;
  while (got < bytes.length) {
    const n = await file.read(bytes.subarray(got));
    if (n === null) break;
    got += n;
  }
  if (got > limit) throw tooLarge();
  return bytes.subarray(0, got);
}

/**
 * Reads and checks a words file: a regular file of at most `limit` bytes
 * ({@linkcode MAX_DATA_FILE_BYTES}), not empty, UTF-8 without NUL bytes, no
 * line over `MAX_WORD_LENGTH` characters, and at least {@linkcode MIN_WORDS}
 * words. Any problem is a {@linkcode DataFileError}.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const count = async () => (await readWordsFile("/usr/share/dict/french")).words.length;
 * ```
 */
export async function readWordsFile(path: string, limit = MAX_DATA_FILE_BYTES): Promise<WordsFile> {
  const bytes = await readLimited(path, limit);
  if (bytes.length === 0) throw new DataFileError(`${path}: the file is empty; give a text file with one word a line`);
  let words: string[];
  try {
    words = parseWords(decodeWordsFile(bytes, path), path);
  } catch (error) {
    throw error instanceof RangeError ? new DataFileError(error.message) : error;
  }
  if (words.length < MIN_WORDS) {
    throw new DataFileError(
      `${path}: ${words.length} word${
        words.length === 1 ? "" : "s"
      }, too few: the lecture's 80/10/10 split needs at least ${MIN_WORDS}`,
    );
  }
  return { words, source: { name: path, size: bytes.length, sha256: await sha256Hex(bytes) } };
}
