/**
 * What exercise 9's training in the page comes to, in the words of
 * `deno task exercise 9` (lib/commands/exercise/training_report.ts): a
 * progress line as the losses arrive, then either why the training stopped
 * (the time limit, Stop, a throw at a step, gradients of the wrong shape)
 * or the losses of both networks after calibrating batchnorm and names
 * sampled from each; and the two loss curves, the learner's and the
 * kernels', on one chart.
 *
 * @example
 * ```ts
 * import { curvesSvg, progressLine } from "./exercise_train_report.ts";
 * const losses = new Float64Array([3, 2.5]);
 * progressLine(2, 10, losses, losses, 10); // "step 2 of 10: loss 2.7500 (the kernels' 2.7500), 5.0 ms a step"
 * curvesSvg(losses, losses).startsWith("<svg"); // true
 * ```
 * @module
 */

import { table, wrap } from "../../report/print.ts";
import { ticks } from "../../report/svg.ts";
import { plainRefusal } from "../../exercise/judge.ts";
import type { TrainEnd } from "../../exercise/training_wire.ts";
import type { Thrown } from "../../exercise/wire.ts";
import type { Trainer } from "../../train/trainer.ts";

/** Why the learner's training worker ended: it sent its end, ran out of time, was stopped, or crashed. */
export type Ending = "" | "end" | "time" | "stopped" | "crash";

/** What the training came to, for {@linkcode trainingReport}. */
export interface TrainingRun {
  end?: TrainEnd;
  why: Ending;
  /** The loss of each of the learner's steps (NaN for a step not reported). */
  losses: Float64Array;
  out: string[];
  cut: number;
  ms: number;
  /** The network the learner's gradients trained, when its parameters came back whole. */
  yours?: Trainer;
  kernels: Trainer;
  kernelLosses: Float64Array;
  limits: { steps: number; ms: number };
  place: (at: NonNullable<Thrown["at"]>) => string | undefined;
}

const count = (n: number) => n.toLocaleString("en-US");

/** The mean of `values` over [from, to). */
const meanOf = (values: Float64Array, from: number, to: number) =>
  values.subarray(Math.max(0, from), to).reduce((a, b) => a + b, 0) / (to - Math.max(0, from));

/**
 * One progress line, as the CLI prints it: the learner's mean loss over the
 * last window of steps beside the kernels' over the same steps, and the
 * time per step.
 *
 * @example
 * ```ts
 * const losses = new Float64Array([3, 2.5]);
 * progressLine(2, 10, losses, losses, 10); // "step 2 of 10: loss 2.7500 (the kernels' 2.7500), 5.0 ms a step"
 * ```
 */
export function progressLine(step: number, steps: number, yours: Float64Array, kernels: Float64Array, ms: number) {
  const window = Math.min(step, 500);
  const [mine, theirs] = [meanOf(yours, step - window, step), meanOf(kernels, step - window, step)];
  return `step ${count(step)} of ${count(steps)}: loss ${mine.toFixed(4)} (the kernels' ${theirs.toFixed(4)}), ${
    (ms / step).toFixed(1)
  } ms a step`;
}

/** Means of log10 of the finite (positive) losses over windows of `window` steps: [middle step, mean] for each window that has one. */
function windowed(losses: Float64Array, window: number): [number, number][] {
  const points: [number, number][] = [];
  for (let from = 0; from < losses.length; from += window) {
    const some = [...losses.subarray(from, from + window)].filter((l) => l > 0 && Number.isFinite(l));
    if (some.length > 0) points.push([from + window / 2, some.reduce((a, l) => a + Math.log10(l), 0) / some.length]);
  }
  return points;
}

/**
 * The learner's loss curve and the kernels' on one chart: log10 of the
 * loss, averaged over windows of steps (a step not yet reported, NaN, is
 * left out), as an SVG string.
 *
 * @example
 * ```ts
 * curvesSvg(new Float64Array([3, 2]), new Float64Array([3, 2.1])).includes("the kernels'"); // true
 * ```
 */
export function curvesSvg(yours: Float64Array, kernels: Float64Array, width = 640, height = 300): string {
  const steps = Math.max(yours.length, kernels.length, 1);
  const window = Math.max(1, Math.ceil(steps / 150));
  const [a, b] = [windowed(yours, window), windowed(kernels, window)];
  const ys = [...a, ...b].map((p) => p[1]);
  let [lo, hi] = ys.length > 0 ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.05, hi + 0.05];
  const [left, top, plotW, plotH] = [56, 30, width - 84, height - 74];
  const px = (x: number) => (left + (plotW * x) / steps).toFixed(1);
  const py = (y: number) => (top + plotH * (1 - (y - lo) / (hi - lo))).toFixed(1);
  const line = (points: [number, number][], style: string) =>
    `<polyline fill="none" ${style} points="${points.map(([x, y]) => `${px(x)},${py(y)}`).join(" ")}"/>`;
  const parts = [
    `<text x="${left}" y="18" font-size="13">log10(loss), mean over windows of ${count(window)} steps: ` +
    `<tspan fill="#1f77b4">yours</tspan>, <tspan fill="#d62728">the kernels'</tspan> (dashed)</text>`,
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    ...ticks(lo, hi, 5).map((y) =>
      `<text x="${left - 6}" y="${+py(y) + 4}" font-size="11" text-anchor="end">${+y.toPrecision(3)}</text>`
    ),
    ...ticks(0, steps, 6).map((x) =>
      `<text x="${px(x)}" y="${top + plotH + 17}" font-size="11" text-anchor="middle">${count(x)}</text>`
    ),
    `<text x="${left + plotW / 2}" y="${height - 8}" font-size="11" text-anchor="middle">step</text>`,
    line(b, `stroke="#d62728" stroke-width="1.5" stroke-dasharray="5 3"`),
    line(a, `stroke="#1f77b4" stroke-width="1.5"`),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `font-family="sans-serif" role="img">\n${parts.join("\n")}\n</svg>`;
}

/** Why the training stopped, when it did not send its parameters back, as the CLI says it. */
function stopText(r: TrainingRun): string {
  const steps = r.losses.length;
  const reached = r.losses.findIndex(Number.isNaN);
  const at = reached === -1 ? steps : reached;
  if (r.end?.ended === "stopped") {
    const threw = r.end.threw;
    const where = threw?.at && r.place(threw.at);
    const what = threw ? `: ${where ? `${where}: ` : ""}${threw.value ? threw.text : plainRefusal(threw.text)}` : "";
    return `Training stopped at step ${r.end.step} of ${steps}: ${r.end.why}${what}.`;
  }
  if (r.end?.ended === "trained") {
    return "The parameters your training sent back are not the network's (a shape is off, or a number is not finite).";
  }
  if (r.why === "time") {
    return `Training with your backward pass took more than ${
      r.limits.ms / 1000
    } s, so it was stopped after step ${at} of ${steps}: is your gradients() far slower than the stub's lines?`;
  }
  if (r.why === "stopped") return `You stopped the training after step ${count(at)} of ${count(steps)}.`;
  return `Your code ended the training's worker after step ${at} of ${steps}, so the training did not finish.`;
}

/** The learner's output while training, as much as was kept. */
function learnerOutput(r: TrainingRun): string[] {
  if (r.out.length === 0) return [];
  const cut = r.cut > 0 ? [`… ${count(r.cut)} more lines cut`] : [];
  return ["Your code printed, while training:", ...r.out, ...cut, ""];
}

/** The losses' table: the first and last steps' means, and both splits after calibration. */
function lossTable(r: TrainingRun, mine: number[], theirs: number[]): string {
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
 * What the training came to, as the CLI prints it, with the exit code it
 * gives (0 when the learner's network does as well as the kernels': its
 * validation loss within 0.05 of theirs), the names sampled from each
 * network side by side, and the chart of both curves.
 *
 * @example
 * ```ts ignore
 * const said = trainingReport(run);
 * said.names[0]; // ["mora", "mora"]
 * ```
 */
export function trainingReport(r: TrainingRun): { text: string; code: number; names: string[][]; svg: string } {
  const head = learnerOutput(r);
  const svg = curvesSvg(r.losses, r.kernelLosses);
  if (!r.yours) return { text: [...head, wrap(stopText(r))].join("\n"), code: 1, names: [], svg };
  const split = (t: Trainer) => [t.evaluate(t.data.train), t.evaluate(t.data.dev)];
  const [mine, theirs] = [split(r.yours), split(r.kernels)];
  const [a, b] = [r.yours.sample(20), r.kernels.sample(20)];
  const learned = mine[1] <= theirs[1] + 0.05;
  const verdict = learned
    ? `Your backward pass trained the network as well as the kernels do: ${count(r.losses.length)} steps in ${
      (r.ms / 1000).toFixed(1)
    } s. The full 200,000-step run is deno task train.`
    : `Your network's val loss, ${mine[1].toFixed(4)}, is well above the kernels' ${
      theirs[1].toFixed(4)
    }: your gradients() does something else at this size than on the check's batch (a size written as a number?).`;
  const text = [
    ...head,
    lossTable(r, mine, theirs),
    "",
    "Twenty names from each network (the lecture's seed, 2147483647 + 10):",
    "",
    table([["yours", "the kernels'"], ...a.map((name, i) => [name, b[i]])]),
    "",
    wrap(verdict),
  ].join("\n");
  return { text, code: learned ? 0 : 1, names: a.map((name, i) => [name, b[i]]), svg };
}
