/**
 * The training loss as a terminal chart: the lecture's
 * `plt.plot(torch.tensor(lossi).view(-1, 1000).mean(1))`, drawn with
 * asciichart.
 *
 * @example
 * ```ts
 * import { lossChart } from "./chart.ts";
 * console.log(lossChart(new Float32Array([0.5, 0.45, 0.4])));
 * ```
 * @module
 */

import asciichart from "asciichart";

/** The loss averaged over windows of steps: see {@linkcode windowMeans}. */
export interface WindowMeans {
  /** How many steps each window holds (the last may hold fewer). */
  window: number;
  /** The mean of each window. */
  means: number[];
  /** The first step of each window. */
  starts: number[];
  /** How many steps each window holds. */
  lengths: number[];
}

/**
 * The lecture's `torch.tensor(lossi).view(-1, window).mean(1)`: the losses
 * averaged over windows of steps, the window as small as keeps at most
 * `maxPoints` means (the last window may be shorter).
 *
 * @example
 * ```ts
 * windowMeans(new Float32Array([1, 3, 5]), 2); // { window: 2, means: [2, 5], starts: [0, 2], lengths: [2, 1] }
 * ```
 */
export function windowMeans(lossLog10: Float32Array, maxPoints: number): WindowMeans {
  const window = Math.max(1, Math.ceil(lossLog10.length / maxPoints));
  const result: WindowMeans = { window, means: [], starts: [], lengths: [] };
  for (let start = 0; start < lossLog10.length; start += window) {
    const slice = lossLog10.subarray(start, start + window);
    result.means.push(slice.reduce((a, b) => a + b, 0) / slice.length);
    result.starts.push(start);
    result.lengths.push(slice.length);
  }
  return result;
}

/**
 * The loss curve as the lecture plots it: log10 of the loss, averaged over
 * windows of steps, drawn with asciichart.
 *
 * @example
 * ```ts
 * const lossLog10 = Float32Array.from({ length: 1000 }, (_, step) => 0.5 - step / 4000); // a falling loss
 * lossChart(lossLog10).split("\n")[0]; // "log10(loss), mean over windows of 15 steps:" (67 of them)
 * ```
 */
export function lossChart(lossLog10: Float32Array, maxPoints = 70): string {
  if (lossLog10.length === 0) return "(no steps, no chart)";
  const { window, means: points } = windowMeans(lossLog10, maxPoints);
  const chart = asciichart.plot(points, { height: 12, format: (x: number) => x.toFixed(3).padStart(7) });
  return `log10(loss), mean over windows of ${window.toLocaleString("en-US")} steps:\n\n${chart}`;
}
