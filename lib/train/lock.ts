/**
 * One training run per checkpoint: a lock file beside the checkpoint
 * (`mlp.safetensors.lock`, holding the process id for the message) on which
 * the run holds an exclusive operating-system lock (`flock`). A second run
 * cannot take it and is refused; the run removes the file when it ends. The
 * system releases the lock of a process that dies (a SIGKILL, a power cut),
 * so a lock file left behind is simply taken over by the next run, which also
 * removes the temporary files (`mlp.safetensors.PID.tmp`) such a run left.
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
 * Takes the lock of a checkpoint path, or throws a {@linkcode CheckpointError}
 * naming the process that holds it. A lock file whose process is gone is
 * taken over. Returns the function that releases the lock and removes the file.
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
export async function lockCheckpoint(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 5; attempt++) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(lock, { read: true, write: true, create: true });
    } catch (error) {
      throw new CheckpointError(`cannot lock ${path}: ${(error as Error).message.split("\n")[0]}`);
    }
    if (!(await file.tryLock(true))) {
      file.close();
      const holder = (await Deno.readTextFile(lock).catch(() => "")).trim();
      throw new CheckpointError(
        `${path} is in use by another training run${/^\d+$/.test(holder) ? ` (process ${holder})` : ""}; ` +
          `wait for it to end, or choose another --out`,
      );
    }
    // The run before may have removed the file between our open and our lock: then lock the new one.
    const [held, current] = [await file.stat(), await Deno.stat(lock).catch(() => null)];
    if (current === null || current.ino !== held.ino) {
      file.close();
      continue;
    }
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
    return async () => {
      await Deno.remove(lock).catch(() => {});
      file.close();
    };
  }
  throw new CheckpointError(`cannot lock ${path}: ${lock} keeps being replaced by other runs`);
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
