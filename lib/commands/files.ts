/**
 * Writing the files a learner works in (exercise files, notebooks) so that
 * nothing is lost: a file is written whole to a temporary file beside it and
 * then renamed over the old one (a full disk leaves the old file whole), a
 * new file appears whole or not at all and never over another, and a copy
 * to keep is a second name for the same file, under a name that exists
 * nowhere yet. Each failure is one line: a {@linkcode StopError}.
 *
 * @example
 * ```ts
 * import { replaceFile } from "./files.ts";
 * // Needs --allow-write:
 * async function save(text: string): Promise<void> {
 *   await replaceFile("chapters/notebooks/02_forward.ipynb", text); // whole, or the old file stays
 * }
 * ```
 * @module
 */

import { basename, dirname, join } from "node:path";
import { StopError } from "../cli.ts";

/** How a file is written; tests pass one that fails half way, as a full disk does. */
export type Write = (path: string, data: Uint8Array, options: Deno.WriteFileOptions) => Promise<void>;

/**
 * What is at `path`: nothing, a regular file (a symlink to one counts), a
 * directory, or something else (a FIFO, a device).
 *
 * @example
 * ```ts
 * // Needs --allow-read:
 * async function isFolder(path: string): Promise<boolean> {
 *   return (await kindOf(path)) === "directory";
 * }
 * ```
 */
export async function kindOf(path: string): Promise<"none" | "file" | "directory" | "other"> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "none";
    throw error;
  }
}

/**
 * The first line of an error's message, for a one-line report, without the
 * operation and the paths Deno adds (`: writefile '/…/.x.tmp'`): the report
 * names the file itself.
 *
 * @example
 * ```ts
 * reason(new Error("No space left on device (os error 28): writefile '/w/.x.1.tmp'")); // "No space left on device (os error 28)"
 * ```
 */
export const reason = (error: unknown) =>
  String((error as Error)?.message ?? error).split("\n")[0].replace(/(\(os error \d+\)): \w+ '.*$/, "$1");

/** A file error that is the program's own (a missing Deno permission): a bug, not the learner's. */
const isOurs = (error: unknown) => error instanceof Deno.errors.NotCapable;

/**
 * Writes `text` to a new temporary file beside `path` (created exclusively,
 * so no symlink is followed), removed again if the write fails; its path.
 */
async function writeTemporary(path: string, text: string, write: Write): Promise<string> {
  const temporary = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await write(temporary, new TextEncoder().encode(text), { createNew: true });
    return temporary;
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Replaces the file at `path` with `text` through a temporary file renamed
 * over it: if the write fails (a full disk, a read-only folder), the old
 * file stays as it was and a {@linkcode StopError} says so in one line.
 * `shown` is how the path is named in that line.
 *
 * @example
 * ```ts
 * // Needs --allow-write:
 * async function save(path: string, text: string): Promise<void> {
 *   await replaceFile(path, text); // or "error: cannot write …: No space left on device …; it is unchanged"
 * }
 * ```
 */
export async function replaceFile(path: string, text: string, shown = path, write: Write = Deno.writeFile) {
  let temporary: string | undefined;
  try {
    temporary = await writeTemporary(path, text, write);
    await Deno.rename(temporary, path);
  } catch (error) {
    if (temporary) await Deno.remove(temporary).catch(() => {});
    if (isOurs(error)) throw error;
    throw new StopError(`cannot write ${shown}: ${reason(error)}; it is unchanged`);
  }
}

/**
 * Creates the file at `path` with `text`, whole or not at all, and never
 * over a file that exists (one made meanwhile by another run included): the
 * text goes to a temporary file that is then linked to `path`. Returns
 * false when `path` exists; a failed write is a {@linkcode StopError} and
 * leaves no file.
 *
 * @example
 * ```ts
 * // Needs --allow-read --allow-write:
 * async function firstRun(path: string, stub: string): Promise<void> {
 *   if (!(await createFile(path, stub))) console.log(`${path} is yours already: it is left as it is`);
 * }
 * ```
 */
export async function createFile(
  path: string,
  text: string,
  shown = path,
  write: Write = Deno.writeFile,
): Promise<boolean> {
  let temporary: string | undefined;
  try {
    temporary = await writeTemporary(path, text, write);
    await Deno.link(temporary, path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    if (isOurs(error)) throw error;
    throw new StopError(`cannot create ${shown}: ${reason(error)}`);
  } finally {
    if (temporary) await Deno.remove(temporary).catch(() => {});
  }
}

/**
 * Keeps the file at `path` under a second name, the first of `nameFor(1)`,
 * `nameFor(2)`, … that exists nowhere (a hard link: no bytes are written, so
 * it works on a full disk, and two runs at once get two names). Returns the
 * name, or undefined when there is no file at `path` any more; a failure is
 * a {@linkcode StopError} naming the file as `shown`.
 *
 * @example
 * ```ts
 * // Needs --allow-read --allow-write:
 * async function backUp(path: string): Promise<string | undefined> {
 *   return await keepAs(path, (k) => `${path}.${k === 1 ? "" : `${k}.`}bak`); // "x.ts.bak", then "x.ts.2.bak", …
 * }
 * ```
 */
export async function keepAs(
  path: string,
  nameFor: (k: number) => string,
  shown = path,
): Promise<string | undefined> {
  for (let k = 1;; k++) {
    const name = nameFor(k);
    try {
      await Deno.link(path, name);
      return name;
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) continue;
      if (error instanceof Deno.errors.NotFound) return undefined;
      if (isOurs(error)) throw error;
      throw new StopError(`cannot keep a copy of ${shown}: ${reason(error)}; it is left as it is`);
    }
  }
}
