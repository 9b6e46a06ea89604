/**
 * The loss curve on disk: `deno task train` draws it (lib/report/svg.ts) and
 * writes it beside the checkpoint, `mlp.safetensors` → `mlp.loss.svg`,
 * never over a file it did not write.
 *
 * @example
 * ```ts
 * import { lossCurvePath } from "./loss_curve.ts";
 * lossCurvePath("checkpoints/mlp-2.safetensors"); // "checkpoints/mlp-2.loss.svg"
 * ```
 * @module
 */

import { lossCurveSvg } from "../report/svg.ts";

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
 * Writes the loss curve beside the checkpoint and says where, in one line.
 * A file already there that this function did not write is left alone, and
 * a failed write is a line too, not an error: the checkpoint is what matters.
 * Needs --allow-read and --allow-write.
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
export async function saveLossCurve(checkpoint: string, lossLog10: Float32Array): Promise<string> {
  const path = lossCurvePath(checkpoint);
  if (lossLog10.length === 0) return "No training steps, so no loss curve.";
  let existing: string | undefined;
  try {
    existing = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (existing !== undefined && !existing.startsWith(LOSS_CURVE_MARK)) {
    return `Did not write the loss curve: ${path} exists and is not one that deno task train wrote.`;
  }
  try {
    await Deno.writeTextFile(path, `${LOSS_CURVE_MARK}\n${lossCurveSvg(lossLog10)}\n`);
  } catch (error) {
    return `Could not write the loss curve to ${path}: ${(error as Error).message.split("\n")[0]}`;
  }
  return `The loss curve: ${path} (open it in a browser).`;
}
