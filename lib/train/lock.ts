/**
 * One training run per checkpoint: a lock file beside the checkpoint
 * (`mlp.safetensors.lock`, holding the process id) that a second run finds
 * and refuses, and that is removed when the run ends. A lock or a temporary
 * file (`mlp.safetensors.PID.tmp`) left by a process that no longer exists,
 * after a SIGKILL or a power cut, is taken over or removed by the next run.
 *
 * Whether a process exists is read from `/proc` (Linux); elsewhere every
 * lock is taken as held, and the message says how to remove it.
 *
 * @example
 * ```ts
 * import { lockCheckpoint } from "./lock.ts";
 * const release = await lockCheckpoint("checkpoints/mlp.safetensors");
 * try {
 *   // train and save
 * } finally {
 *   await release();
 * }
 * ```
 * @module
 */

import { basename, dirname, join } from "node:path";
import { CheckpointError } from "./checkpoint.ts";

/** The lock file of a checkpoint path. */
export function lockPath(path: string): string {
  return `${path}.lock`;
}

/**
 * Whether a process with this id is running (not a zombie). Without `/proc`
 * (not Linux) it answers true, the safe side for a lock.
 *
 * @example
 * ```ts
 * processAlive(Deno.pid); // true
 * ```
 */
export function processAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\S+ \(.*\) [ZX]/s.test(stat);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    return true;
  }
}

/**
 * Takes the lock of a checkpoint path, or throws a {@linkcode CheckpointError}
 * naming the process that holds it. A lock whose process is gone is taken
 * over. Returns the function that releases it.
 *
 * @example
 * ```ts
 * const release = await lockCheckpoint("run.safetensors");
 * await release();
 * ```
 */
export async function lockCheckpoint(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await Deno.writeTextFile(lock, `${Deno.pid}\n`, { createNew: true });
      return () => Deno.remove(lock).catch(() => {});
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) {
        throw new CheckpointError(`cannot lock ${path}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    const text = await Deno.readTextFile(lock).catch(() => "");
    const pid = /^\d+\n$/.test(text) ? Number(text) : NaN;
    // A lock without a process id yet may be one that another run is writing this instant.
    const age = Date.now() - ((await Deno.stat(lock).catch(() => null))?.mtime?.getTime() ?? 0);
    const held = Number.isNaN(pid) ? age < 5000 : processAlive(pid);
    if (held) {
      throw new CheckpointError(
        `${path} is in use by another training run (${
          Number.isNaN(pid) ? "starting" : `process ${pid}`
        }); wait for it to end, or delete ${lock} if no run is going`,
      );
    }
    await Deno.remove(lock).catch(() => {});
  }
  throw new CheckpointError(`cannot lock ${path}: ${lock} keeps coming back`);
}

/**
 * Removes the temporary files (`name.PID.tmp`) that runs which no longer
 * exist left beside `path`, and returns their names.
 *
 * @example
 * ```ts
 * await removeStaleTemporaries("checkpoints/mlp.safetensors"); // ["mlp.safetensors.4121.tmp"]
 * ```
 */
export async function removeStaleTemporaries(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `${basename(path)}.`;
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      if (!entry.isFile || !entry.name.startsWith(prefix)) continue;
      const match = entry.name.slice(prefix.length).match(/^(\d+)\.tmp$/);
      if (!match || processAlive(Number(match[1]))) continue;
      await Deno.remove(join(folder, entry.name));
      removed.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return removed;
}
