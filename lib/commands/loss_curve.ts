/**
 * The loss curve on disk: `deno task train` draws it (lib/report/svg.ts) and
 * writes it beside the checkpoint, `mlp.safetensors` → `mlp.loss.svg`,
 * never over a file it did not write. It is written to a temporary file that
 * is then renamed, so a failed write leaves the old curve whole; whatever is
 * at the path is looked at with `lstat` first, so a symbolic link, a folder,
 * a FIFO or a device is refused, never followed, read nor waited on.
 *
 * @example
 * ```ts
 * import { lossCurvePath } from "./loss_curve.ts";
 * lossCurvePath("checkpoints/mlp-2.safetensors"); // "checkpoints/mlp-2.loss.svg"
 * ```
 * @module
 */

import { lossCurveSvg } from "../report/svg.ts";
import { kindText, readHead } from "../train/lock.ts";
import { reason, replaceFile, type Write } from "./files.ts";
import { StopError } from "../cli.ts";

/** The first line of a loss curve that `deno task train` wrote, so it knows the file is its own to replace. */
export const LOSS_CURVE_MARK = "<!-- The training loss, written by deno task train -->";

/**
 * Where the loss curve of a checkpoint goes: beside it, `mlp.safetensors` → `mlp.loss.svg`.
 *
 * @example
 * ```ts
 * lossCurvePath("checkpoints/mlp.safetensors"); // "checkpoints/mlp.loss.svg"
 * ```
 */
export function lossCurvePath(checkpoint: string): string {
  return checkpoint.replace(/(\.safetensors)?$/, ".loss.svg");
}

/**
 * Why the loss curve at `path` is not this command's to replace, or null if
 * it is (or nothing is there). Never follows a symbolic link; of a regular
 * file it reads only as many bytes as {@linkcode LOSS_CURVE_MARK} has.
 */
async function notOurs(path: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof Deno.errors.NotCapable) throw error;
    return `cannot be looked at (${reason(error)})`;
  }
  if (!info.isFile) return `is ${kindText(info)}, not a file that deno task train wrote`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return `cannot be read (${reason(error)})`;
  }
  try {
    // The same regular file as the lstat saw, not one put in its place since.
    const held = await file.stat();
    if (!held.isFile || held.ino !== info.ino || held.dev !== info.dev) return "was replaced while it was checked";
    const head = await readHead(file, new TextEncoder().encode(LOSS_CURVE_MARK).length);
    return head === LOSS_CURVE_MARK ? null : "exists and is not one that deno task train wrote";
  } finally {
    file.close();
  }
}

/**
 * Writes the loss curve beside the checkpoint and says where, in one line.
 * Anything already there that this function did not write (a user's file, a
 * symbolic link, a folder, a FIFO) is left alone, and a failed write (a full
 * disk) leaves the old curve whole: each is a line too, not an error, for the
 * checkpoint is what matters. `write` is how the temporary file is written;
 * tests pass one that fails as a full disk does. Needs --allow-read and
 * --allow-write.
 *
 * @example
 * ```ts
 * // After a run: `lossLog10` holds log10 of each step's loss.
 * async function afterTraining(lossLog10: Float32Array) {
 *   console.log(await saveLossCurve("checkpoints/mlp.safetensors", lossLog10));
 *   // "The loss curve: checkpoints/mlp.loss.svg (open it in a browser)."
 * }
 * ```
 */
export async function saveLossCurve(checkpoint: string, lossLog10: Float32Array, write?: Write): Promise<string> {
  const path = lossCurvePath(checkpoint);
  if (lossLog10.length === 0) return "No training steps, so no loss curve.";
  const why = await notOurs(path);
  if (why !== null) return `Did not write the loss curve: ${path} ${why}; move it away, or choose another --out.`;
  try {
    await replaceFile(path, `${LOSS_CURVE_MARK}\n${lossCurveSvg(lossLog10)}\n`, path, write);
  } catch (error) {
    if (error instanceof StopError) return `Could not write the loss curve: ${error.message}.`;
    throw error;
  }
  return `The loss curve: ${path} (open it in a browser).`;
}
