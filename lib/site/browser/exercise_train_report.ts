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

import { wrapParagraphs } from "../../exercise/paragraphs.ts";
import { ticks } from "../../report/svg.ts";
import { stoppedText, tooSlowText, trainedText, trainingOutput } from "../../exercise/training_report.ts";
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

export { progressLine } from "../../exercise/training_report.ts";

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
  return stoppedText(
    r,
    (at, steps) =>
      r.why === "time"
        ? tooSlowText(r.limits.ms, at, steps)
        : r.why === "stopped"
        ? `You stopped the training after step ${count(at)} of ${count(steps)}.`
        : `Your code ended the training's worker after step ${count(at)} of ${
          count(steps)
        }, so the training did not finish.`,
  );
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
  const head = trainingOutput(r.out, r.cut);
  const svg = curvesSvg(r.losses, r.kernelLosses);
  if (!r.yours) return { text: [...head, wrapParagraphs(stopText(r))].join("\n"), code: 1, names: [], svg };
  const said = trainedText({ ...r, yours: r.yours });
  return { text: [...head, said.text].join("\n"), code: said.code, names: said.names, svg };
}
