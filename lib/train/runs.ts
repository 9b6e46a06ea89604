/**
 * Where `deno task train` keeps its runs when no `--out` is given:
 * `checkpoints/mlp.safetensors`, then `mlp-2.safetensors`, `mlp-3…`, so that
 * running the same command twice never replaces the first run's checkpoint;
 * `deno task sample` reads the newest of them.
 *
 * @example
 * ```ts
 * import { latestRun, nextFreeRun } from "./runs.ts";
 * // With --allow-read: where a new run goes, and which one `deno task sample` reads.
 * async function runs(): Promise<[string, string]> {
 *   const next = await nextFreeRun("checkpoints/mlp.safetensors"); // "checkpoints/mlp-2.safetensors" after one run
 *   return [next, await latestRun("checkpoints/mlp.safetensors")]; // the one trained last
 * }
 * ```
 * @module
 */

import { basename, dirname, extname, join } from "node:path";

/**
 * The `n`-th run's path: `n` 1 is `path` itself, then `stem-2.ext`, `stem-3.ext`, ….
 *
 * @example
 * ```ts
 * numberedRun("checkpoints/mlp.safetensors", 2); // "checkpoints/mlp-2.safetensors"
 * ```
 */
export function numberedRun(path: string, n: number): string {
  if (n === 1) return path;
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${n}${ext}`);
}

/**
 * The numbers of the runs beside `path` that exist (a file, or a symlink:
 * something is there); with `locked`, also those that a running training
 * holds (its `.lock` file is there before its first save). None when the
 * folder cannot be read.
 */
async function existingRuns(path: string, locked = false): Promise<number[]> {
  const ext = extname(path);
  const stem = basename(path, ext);
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dirname(path))) entries.push(entry);
  } catch {
    return []; // no folder yet, or no permission to read it: there are no runs to keep
  }
  const runs: number[] = [];
  for (const entry of entries) {
    const name = locked && entry.name.endsWith(`${ext}.lock`) ? entry.name.slice(0, -".lock".length) : entry.name;
    if (!(entry.isFile || entry.isSymlink) || !name.startsWith(stem) || !name.endsWith(ext)) continue;
    const middle = name.slice(stem.length, name.length - ext.length);
    const n = middle === "" ? 1 : /^-[1-9]\d*$/.test(middle) ? Number(middle.slice(1)) : NaN;
    if (!Number.isSafeInteger(n) || n === 1 && middle !== "") continue;
    runs.push(n);
  }
  return runs;
}

/**
 * The first numbered run with nothing at its path: `path` itself when it is
 * free, else one past the highest number in use.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const out = () => nextFreeRun("checkpoints/mlp.safetensors"); // "checkpoints/mlp.safetensors" the first time
 * ```
 */
export async function nextFreeRun(path: string): Promise<string> {
  const runs = await existingRuns(path, true);
  if (!runs.includes(1)) return path;
  return numberedRun(path, Math.max(...runs) + 1);
}

/**
 * The run written last (by modification time, then by number), or `path`
 * when there is none.
 *
 * @example
 * ```ts
 * // With --allow-read:
 * const checkpoint = () => latestRun("checkpoints/mlp.safetensors"); // the newest of mlp, mlp-2, …
 * ```
 */
export async function latestRun(path: string): Promise<string> {
  const runs: [number, number][] = [];
  for (const n of await existingRuns(path)) {
    // A run that ended (or was removed) since the listing, or a symlink to nothing, has no time: skip it.
    const info = await Deno.stat(numberedRun(path, n)).catch(() => null);
    if (info !== null) runs.push([n, info.mtime?.getTime() ?? 0]);
  }
  if (runs.length === 0) return path;
  runs.sort(([n1, t1], [n2, t2]) => t2 - t1 || n2 - n1);
  return numberedRun(path, runs[0][0]);
}
