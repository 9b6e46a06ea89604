/**
 * The words of exercise 9's training with the learner's gradients that the
 * terminal (lib/commands/exercise/training_report.ts) and the exercise page
 * (lib/site/browser/exercise_train_report.ts) share: the progress line, why
 * a training stopped when its end says so, the learner's output while
 * training, and, when the parameters came back whole, the losses of both
 * networks, names sampled from each, and whether the learner's network
 * learned. How the curves are drawn, and what only one of them can meet (a
 * process that ended, the Stop button), each says itself.
 *
 * @example
 * ```ts
 * import { progressLine } from "./training_report.ts";
 * const losses = new Float64Array([3, 2.5]);
 * progressLine(2, 10, losses, losses, 10); // "step 2 of 10: loss 2.7500 (the kernels' 2.7500), 5.0 ms a step"
 * ```
 * @module
 */

import { table } from "../report/print.ts";
import { wrapParagraphs } from "./paragraphs.ts";
import { LECTURE_CONFIG } from "../model.ts";
import { DEFAULT_CONFIG } from "../train/config.ts";
import type { Trainer } from "../train/trainer.ts";
import { plainRefusal } from "./judge.ts";
import type { TrainEnd } from "./training_wire.ts";
import type { Thrown } from "./wire.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** The mean of `values` over [from, to). */
const meanOf = (values: Float64Array, from: number, to: number) =>
  values.subarray(Math.max(0, from), to).reduce((a, b) => a + b, 0) / (to - Math.max(0, from));

/**
 * One progress line: the learner's mean loss over the last window of steps
 * (500 at most) beside the kernels' over the same steps, and the time per
 * step; the step padded to `width` characters (the terminal keeps its
 * lines aligned).
 *
 * @example
 * ```ts
 * const losses = new Float64Array([3, 2.5]);
 * progressLine(2, 1000, losses, losses, 10, 5); // "step     2 of 1,000: loss 2.7500 (the kernels' 2.7500), 5.0 ms a step"
 * ```
 */
export function progressLine(
  step: number,
  steps: number,
  yours: Float64Array,
  kernels: Float64Array,
  ms: number,
  width = 0,
): string {
  const window = Math.min(step, 500);
  const [mine, theirs] = [meanOf(yours, step - window, step), meanOf(kernels, step - window, step)];
  return `step ${count(step).padStart(width)} of ${count(steps)}: loss ${mine.toFixed(4)} (the kernels' ${
    theirs.toFixed(4)
  }), ${(ms / step).toFixed(1)} ms a step`;
}

/** What a training run came to, as far as the shared words go. */
export interface TrainingOutcome {
  /** Its end, when the runner sent one. */
  end?: TrainEnd;
  /** The loss of each of the learner's steps (NaN for a step not reported). */
  losses: Float64Array;
  /** Where a place in the learner's program is in its file. */
  place: (at: NonNullable<Thrown["at"]>) => string | undefined;
}

/**
 * Why the training stopped, when it did not send its parameters back: what
 * its end says (a step that threw, gradients of the wrong shape, parameters
 * that are not the network's), else `otherwise` with the step it reached
 * and the number of steps (a time limit, a process or worker that ended).
 *
 * @example
 * ```ts
 * const r = { end: { ended: "stopped" as const, step: 3, why: "the loss became NaN" }, losses: new Float64Array(9), place: () => undefined };
 * stoppedText(r, () => ""); // "Training stopped at step 3 of 9: the loss became NaN."
 * ```
 */
export function stoppedText(r: TrainingOutcome, otherwise: (at: number, steps: number) => string): string {
  const steps = r.losses.length;
  const reached = r.losses.findIndex(Number.isNaN);
  const at = reached === -1 ? steps : reached;
  if (r.end?.ended === "stopped") {
    const threw = r.end.threw;
    const where = threw?.at && r.place(threw.at);
    const what = threw ? `: ${where ? `${where}: ` : ""}${threw.value ? threw.text : plainRefusal(threw.text)}` : "";
    return `Training stopped at step ${count(r.end.step)} of ${count(steps)}: ${r.end.why}${what}.${
      threw ? checkSizeNote(threw.text) : ""
    }`;
  }
  if (r.end?.ended === "trained") {
    return "The parameters your training sent back are not the network's (a shape is off, or a number is not finite).";
  }
  return otherwise(at, steps);
}

/**
 * When an error names the check's hidden size, 64, the usual cause: a size
 * written as a number, which the check (64 hidden units) accepts and the
 * training (200) does not.
 *
 * @example
 * ```ts
 * checkSizeNote("Cannot reshape [32, 200] to [32, 64]: 6400 numbers cannot fill 2048"); // " The check ran …"
 * ```
 */
export function checkSizeNote(error: string): string {
  const checked = LECTURE_CONFIG.nHidden, trained = DEFAULT_CONFIG.nHidden;
  if (!new RegExp(`\\b${checked}\\b`).test(error)) return "";
  return ` The check ran with ${checked} hidden units and the training runs with ${trained}: a size written as the ` +
    `number ${checked} passes the one and stops the other; take it from the tensors (h.shape[1], W1.shape[1]).`;
}

/**
 * A time limit as the message says it: seconds up to 3 minutes, then minutes, then hours and minutes.
 *
 * @example
 * ```ts
 * [limitText(120_000), limitText(600_000), limitText(8_000_000)]; // ["120 s", "10 min", "2 h 13 min"]
 * ```
 */
export function limitText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (ms <= 180_000) return `${Math.round(ms / 1000)} s`;
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * What comes after a training of `steps` steps that went well: where the
 * lecture's whole run is, unless this was it.
 *
 * @example
 * ```ts
 * wholeRunText(200_000); // "That is the lecture's whole training, with your backward pass."
 * ```
 */
export function wholeRunText(steps: number): string {
  return steps >= 200_000
    ? "That is the lecture's whole training, with your backward pass."
    : "The lecture's whole training with your gradients() is deno task exercise 9 --steps 200000 (minutes, not " +
      "seconds); deno task train runs it with the kernels.";
}

/**
 * Why the training stopped when it ran past its time limit, `limitMs`,
 * after step `at` of `steps`.
 *
 * @example
 * ```ts
 * tooSlowText(120_000, 10, 3000); // "Training with your backward pass took more than 120 s, so it was stopped after step 10 of 3,000: is your gradients() far slower than the stub's lines?"
 * ```
 */
export function tooSlowText(limitMs: number, at: number, steps: number): string {
  return `Training with your backward pass took more than ${limitText(limitMs)}, so it was stopped after step ${
    count(at)
  } of ${count(steps)}: is your gradients() far slower than the stub's lines?`;
}

/**
 * The learner's output while training (`out`, as much as was kept, and how
 * many lines were `cut`), under a heading and followed by a blank line;
 * nothing when it printed nothing.
 *
 * @example
 * ```ts
 * trainingOutput(["hi"], 2); // ["Your code printed, while training:", "hi", "… 2 more lines cut", ""]
 * ```
 */
export function trainingOutput(out: string[], cut: number): string[] {
  if (out.length === 0) return [];
  return ["Your code printed, while training:", ...out, ...(cut > 0 ? [`… ${count(cut)} more lines cut`] : []), ""];
}

/** A training that sent its parameters back whole: both networks, both runs' losses, and how long it took. */
export interface Trained {
  yours: Trainer;
  kernels: Trainer;
  losses: Float64Array;
  kernelLosses: Float64Array;
  ms: number;
}

/** The losses' table: the first and last steps' means, and both splits after calibration. */
function lossTable(r: Trained, mine: number[], theirs: number[]): string {
  const steps = r.losses.length;
  const first = Math.min(100, steps);
  return table([
    ["", "yours", "the kernels'"],
    [
      `loss, mean of the first ${first} steps`,
      ...[r.losses, r.kernelLosses].map((l) => meanOf(l, 0, first).toFixed(4)),
    ],
    [
      `loss, mean of the last ${first} steps`,
      ...[r.losses, r.kernelLosses].map((l) => meanOf(l, steps - first, steps).toFixed(4)),
    ],
    ["train loss, batchnorm calibrated", mine[0].toFixed(4), theirs[0].toFixed(4)],
    ["val loss, batchnorm calibrated", mine[1].toFixed(4), theirs[1].toFixed(4)],
  ]);
}

/**
 * What a training that came to its end says: the losses of both networks
 * (batchnorm calibrated), twenty names sampled from each, and whether the
 * learner's network learned as well as the kernels' (its validation loss
 * within 0.05 of theirs), which is the exit code (0 when it did); and the
 * names side by side.
 *
 * @example
 * ```ts
 * import { Trainer } from "../train/trainer.ts";
 * const t = new Trainer({ steps: 1 });
 * const said = trainedText({ yours: t, kernels: t, losses: new Float64Array([3]), kernelLosses: new Float64Array([3]), ms: 5 });
 * said.code; // 0: the same network learned as well as itself
 * ```
 */
export function trainedText(r: Trained): { text: string; code: number; names: string[][] } {
  const split = (t: Trainer) => [t.evaluate(t.data.train), t.evaluate(t.data.dev)];
  const [mine, theirs] = [split(r.yours), split(r.kernels)];
  const [a, b] = [r.yours.sample(20), r.kernels.sample(20)];
  const names = a.map((name, i) => [name, b[i]]);
  const learned = mine[1] <= theirs[1] + 0.05;
  const verdict = learned
    ? `Your backward pass trained the network as well as the kernels do: ${count(r.losses.length)} steps in ${
      (r.ms / 1000).toFixed(1)
    } s. ${wholeRunText(r.losses.length)}`
    : `Your network's val loss, ${mine[1].toFixed(4)}, is well above the kernels' ${
      theirs[1].toFixed(4)
    }: your gradients() does something else at this size than on the check's batch (a size written as a number?).`;
  const text = [
    lossTable(r, mine, theirs),
    "",
    "Twenty names from each network (the lecture's seed, 2147483647 + 10):",
    "",
    table([["yours", "the kernels'"], ...names]),
    "",
    wrapParagraphs(verdict),
  ].join("\n");
  return { text, code: learned ? 0 : 1, names };
}
