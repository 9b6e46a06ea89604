/**
 * What exercise 9's training run comes to, as the learner reads it: a
 * progress line as the losses arrive, then either why the training stopped
 * (a limit, a throw at a step, gradients of the wrong shape) or the two loss
 * curves side by side (the learner's and the kernels', from the same start
 * on the same batches), the losses after calibrating batchnorm, and names
 * sampled from each network.
 *
 * @example
 * ```ts
 * import { curvesSideBySide } from "./training_report.ts";
 * const falling = Float64Array.from({ length: 100 }, (_, i) => 3.3 - i / 100);
 * console.log(curvesSideBySide(falling, falling)); // two charts of log10(loss), one beside the other
 * ```
 * @module
 */

import asciichart from "asciichart";
import { windowMeans } from "../../report/chart.ts";
import { wrap } from "../../report/print.ts";
import { duration } from "../../timing.ts";
import type { Trainer } from "../../train/trainer.ts";
import type { TrainEnd } from "../../exercise/training_wire.ts";
import type { Thrown } from "../../exercise/wire.ts";
import { progressLine, stoppedText, tooSlowText, trainedText, trainingOutput } from "../../exercise/training_report.ts";
import type { BoundedRun } from "./bounded.ts";
import type { Limits } from "./sandbox.ts";

/** What the training run came to, for {@linkcode reportTraining}. */
export interface TrainingRun {
  /** The training process (none when a notebook trained in its own kernel). */
  run?: BoundedRun;
  /** Its end frame, when it sent one. */
  end?: TrainEnd;
  /** The loss of each of the learner's steps (NaN for a step not reported). */
  losses: Float64Array;
  /** How long the process ran, in ms. */
  ms: number;
  /** The network the learner's gradients trained, when its parameters came back whole. */
  yours?: Trainer;
  /** The kernels' network after the same steps, and its losses. */
  kernels: Trainer;
  kernelLosses: Float64Array;
  /** The learner's file as named in messages, and where a place in its program is in it. */
  shown: string;
  place: (at: NonNullable<Thrown["at"]>) => string | undefined;
  limits: Limits;
}

/**
 * Prints one progress line (lib/exercise/training_report.ts), indented, its
 * step aligned: the learner's mean loss over the last window of steps
 * beside the kernels' over the same steps, the time per step, and until the
 * last step how long the rest will take at that pace.
 *
 * @example
 * ```ts
 * const losses = new Float64Array([3, 2.5]);
 * printProgress(2, 10, losses, losses, 10); // prints "  step  2 of 10: loss 2.7500 (the kernels' 2.7500), 5.0 ms a step, 0:00 left"
 * ```
 */
export function printProgress(step: number, steps: number, yours: Float64Array, kernels: Float64Array, ms: number) {
  const line = progressLine(step, steps, yours, kernels, ms, steps.toLocaleString("en-US").length);
  const left = step < steps ? `, ${duration((ms / step) * (steps - step) / 1000)} left` : "";
  console.log(`  ${line}${left}`);
}

/** A chart of log10 of `losses`, averaged over windows, drawn between `min` and `max`. */
function curve(losses: Float64Array, points: number, min: number, max: number): string[] {
  const { means } = windowMeans(Float32Array.from(losses, Math.log10), points);
  return asciichart.plot(means, { height: 10, min, max, format: (x: number) => x.toFixed(3).padStart(6) }).split(
    "\n",
  );
}

/**
 * The learner's loss curve and the kernels', side by side on the same scale:
 * log10 of the loss, averaged over windows of steps.
 *
 * @example
 * ```ts
 * const losses = Float64Array.from({ length: 60 }, (_, i) => 3 - i / 60);
 * curvesSideBySide(losses, losses).split("\n")[0].includes("the kernels'"); // true
 * ```
 */
export function curvesSideBySide(yours: Float64Array, kernels: Float64Array, points = 30): string {
  const { window, means } = windowMeans(Float32Array.from(yours, Math.log10), points);
  const theirs = windowMeans(Float32Array.from(kernels, Math.log10), points).means;
  const all = [...means, ...theirs].filter(Number.isFinite);
  const [min, max] = [Math.min(...all), Math.max(...all)];
  const left = curve(yours, points, min, max);
  const right = curve(kernels, points, min, max);
  const width = Math.max(...left.map((l) => l.length)) + 4;
  const rows = left.map((l, i) => `${l.padEnd(width)}${right[i] ?? ""}`.trimEnd());
  const head = `${"  yours".padEnd(width)}  the kernels'`;
  return `log10(loss), mean over windows of ${window.toLocaleString("en-US")} steps:\n\n${head}\n${rows.join("\n")}`;
}

/** Why the training stopped, when it did not send its parameters back. */
function stopText(r: TrainingRun): string {
  return stoppedText(
    r,
    (at, steps) =>
      r.run?.killed
        ? tooSlowText(r.limits.trainMs, at, steps)
        : `Your code ended the training process (exit code ${r.run?.status.code}) after step ${
          at.toLocaleString("en-US")
        } of ${steps.toLocaleString("en-US")}, so the training did not finish: remove what ends it (Deno.exit?).`,
  );
}

/**
 * Prints what the training came to (see the module doc) and returns the
 * exit code: 0 when it ran to the end and the learner's network does as
 * well as the kernels' (its validation loss within 0.05 of theirs).
 */
export function reportTraining(r: TrainingRun): number {
  for (const line of trainingOutput(r.run?.out ?? [], r.run?.cut ?? 0)) console.log(line);
  if (!r.yours) {
    console.log(wrap(stopText(r)));
    return 1;
  }
  const steps = r.losses.length;
  const reported = r.losses.filter(Number.isFinite).length;
  console.log(
    reported === steps
      ? `\n${curvesSideBySide(r.losses, r.kernelLosses)}\n`
      : `\nYour training reported the losses of ${reported} of its ${steps} steps, so there is no curve to draw.\n`,
  );
  const said = trainedText({ ...r, yours: r.yours });
  console.log(said.text);
  return said.code;
}
