/**
 * One training run per checkpoint: a lock file beside the checkpoint
 * (`mlp.safetensors.lock`, holding the process id for the message) on which
 * the run holds an exclusive operating-system lock (`flock`). A second run
 * cannot take it and is refused; the run removes the file when it ends.
 *
 * The lock file is created exclusively, so whatever is already at its path
 * (a symlink to a user's file, even a dangling one) is never followed nor
 * written. The system releases the lock of a process that dies (a SIGKILL, a
 * power cut), so a lock file left behind, a regular file holding a process
 * id and held by no one, is removed and made again by the next run, which
 * also removes the temporary files (`mlp.safetensors.PID.tmp`) such a run
 * left. Anything else at the lock's path (a symlink, a folder, a FIFO, a
 * file holding something other than a process id) is refused in one line.
 *
 * @example
 * ```ts
 * import { lockCheckpoint } from "./lock.ts";
 * // With --allow-read --allow-write: `work` runs holding the lock of `path`.
 * async function locked(path: string, work: () => Promise<void>): Promise<void> {
 *   const release = await lockCheckpoint(path);
 *   try {
 *     await work(); // train and save
 *   } finally {
 *     await release();
 *   }
 * }
 * ```
 * @module
 */

import { basename, dirname, join } from "node:path";
import { CheckpointError } from "./checkpoint.ts";

/**
 * The lock file of a checkpoint path.
 *
 * @example
 * ```ts
 * lockPath("run.safetensors"); // "run.safetensors.lock"
 * ```
 */
export function lockPath(path: string): string {
  return `${path}.lock`;
}

/**
 * A lock that could not be written for a reason other than what is at its
 * path (a full disk, an input/output error): the run has to stop (exit code
 * 1). Nothing is left behind.
 *
 * @example
 * ```ts
 * const error = new LockError("cannot start: No space left on device (os error 28)");
 * error.name; // "LockError"
 * ```
 */
export class LockError extends Error {
  override name = "LockError";
}

/** How the lock writes the process id into its new file; tests pass one that fails, as a full disk does. */
export type WriteLock = (file: Deno.FsFile, data: Uint8Array) => Promise<void>;

/** Writes all of `data` to `file`. */
const writeAll: WriteLock = async (file, data) => {
  for (let done = 0; done < data.length;) done += await file.write(data.subarray(done));
};

/**
 * What a path that is not a regular file is, from its `lstat`, for a message.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const what = async () => kindText(await Deno.lstat("/dev/zero")); // "a device"
 * ```
 */
export function kindText(info: Deno.FileInfo): string {
  if (info.isSymlink) return "a symbolic link";
  if (info.isDirectory) return "a folder";
  if (info.isFifo) return "a FIFO";
  if (info.isCharDevice || info.isBlockDevice) return "a device";
  if (info.isSocket) return "a socket";
  return info.isFile ? "a file" : "not a regular file";
}

/** The first line of an error's message, without the operation and path Deno adds (`: open '/…'`). */
const reason = (error: unknown) =>
  String((error as Error)?.message ?? error).split("\n")[0].replace(/(\(os error \d+\)): \w+ '.*$/, "$1");

/**
 * Takes the lock of a checkpoint path, or throws a {@linkcode CheckpointError}
 * naming the process that holds it, or what else is at the lock's path. A
 * lock file whose process is gone is removed and made again. A lock that
 * cannot be written (a full disk) is a {@linkcode LockError}, and leaves no
 * file. Returns the function that releases the lock and removes the file.
 *
 * @example
 * ```ts
 * // With --allow-read --allow-write:
 * async function tryLock(path: string): Promise<boolean> {
 *   try {
 *     await (await lockCheckpoint(path))();
 *     return true;
 *   } catch {
 *     return false; // another run holds it
 *   }
 * }
 * ```
 */
export async function lockCheckpoint(path: string, write: WriteLock = writeAll): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 5; attempt++) {
    const release = await createLock(path, write);
    if (release) return release;
    // Something is at the lock's path: a live run's lock (refused), a dead run's (removed), or not ours (refused).
    await removeDeadLock(path);
  }
  throw new CheckpointError(`cannot lock ${path}: ${lock} keeps being replaced by other runs`);
}

/**
 * Creates the lock file exclusively, locks it and writes the process id in
 * it; null if something is at its path already, or the file was removed by
 * another run before this one locked it.
 */
async function createLock(path: string, write: WriteLock): Promise<(() => Promise<void>) | null> {
  const lock = lockPath(path);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(lock, { read: true, write: true, createNew: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return null;
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new CheckpointError(`cannot lock ${path}: ${reason(error)}`);
  }
  // Another run may have locked and removed the new file, empty, as a dead run's: then start again.
  if (!(await file.tryLock(true)) || !(await isSameFile(file, lock))) {
    file.close();
    return null;
  }
  try {
    await write(file, new TextEncoder().encode(`${Deno.pid}\n`));
  } catch (error) {
    await Deno.remove(lock).catch(() => {});
    file.close();
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new LockError(`cannot start: writing the lock ${lock} failed: ${reason(error)}; nothing was left behind`);
  }
  return async () => {
    await Deno.remove(lock).catch(() => {});
    file.close();
  };
}

/** Whether `path` still names the file open as `file` (neither removed nor replaced). */
async function isSameFile(file: Deno.FsFile, path: string): Promise<boolean> {
  const [held, current] = [await file.stat(), await Deno.lstat(path).catch(() => null)];
  return current !== null && current.ino === held.ino && current.dev === held.dev;
}

/**
 * What is at the lock's path, which this run did not create: removes it if
 * it is a regular file holding a process id (or nothing) that no process
 * holds, a dead run's lock; refuses anything else. Never follows a symlink
 * and never writes to what it finds.
 */
async function removeDeadLock(path: string): Promise<void> {
  const lock = lockPath(path);
  const info = await Deno.lstat(lock).catch(() => null);
  if (info === null) return; // removed meanwhile: try again
  if (!info.isFile) {
    throw new CheckpointError(
      `cannot lock ${path}: ${lock} is ${kindText(info)}, not a lock of ours; remove it, or choose another --out`,
    );
  }
  const file = await Deno.open(lock, { read: true }).catch((error) => {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new CheckpointError(`cannot lock ${path}: cannot read ${lock}: ${reason(error)}`);
  });
  try {
    // Replaced since the lstat (by a symlink, say): look again.
    if (!(await isSameFile(file, lock))) return;
    if (!(await file.tryLock(true))) {
      const holder = (await readHead(file, 32)).trim();
      throw new CheckpointError(
        `${path} is in use by another training run${/^\d+$/.test(holder) ? ` (process ${holder})` : ""}; ` +
          `wait for it to end, or choose another --out`,
      );
    }
    if (!/^(\d+\n)?$/.test(await readHead(file, 32))) {
      throw new CheckpointError(
        `cannot lock ${path}: ${lock} is a file that is not a lock of ours; remove it, or choose another --out`,
      );
    }
    // Held by this run now, so no other run removes it too, nor a new lock in its place.
    if (await isSameFile(file, lock)) await Deno.remove(lock);
  } finally {
    file.close();
  }
}

/**
 * The first `size` bytes of an open file (fewer if it is shorter), as text:
 * enough to recognise what it is, never the whole of a large file.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * async function firstBytes(path: string): Promise<string> {
 *   using file = await Deno.open(path);
 *   return await readHead(file, 32);
 * }
 * ```
 */
export async function readHead(file: Deno.FsFile, size: number): Promise<string> {
  const bytes = new Uint8Array(size);
  let filled = 0;
  await file.seek(0, Deno.SeekMode.Start);
  for (let n: number | null = 0; n !== null && filled < size;) {
    n = await file.read(bytes.subarray(filled));
    filled += n ?? 0;
  }
  return new TextDecoder().decode(bytes.subarray(0, filled));
}

/**
 * Removes the temporary files (`name.PID.tmp`) that other processes left
 * beside `path`, and returns their names. Call it holding the lock: then no
 * other run is writing there, and every such file is left over.
 *
 * @example
 * ```ts
 * // With --allow-read --allow-write, holding the lock:
 * const clean = () => removeStaleTemporaries("checkpoints/mlp.safetensors"); // ["mlp.safetensors.4121.tmp"]
 * ```
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  const removed: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isFile || !entry.name.startsWith(prefix)) continue;
    const pid = entry.name.slice(prefix.length).match(/^(\d+)\.tmp$/)?.[1];
    if (pid === undefined || Number(pid) === Deno.pid) continue;
    await Deno.remove(join(folder, entry.name)).catch(() => {});
    removed.push(entry.name);
  }
  return removed;
}
