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

/**
 * The loss curve as the lecture plots it: log10 of the loss, averaged over
 * windows of steps, drawn with asciichart.
 *
 * @example
 * ```ts
 * console.log(lossChart(trainer.lossLog10.subarray(0, trainer.step)));
 * ```
 */
export function lossChart(lossLog10: Float32Array, maxPoints = 70): string {
  if (lossLog10.length === 0) return "(no steps, no chart)";
  const window = Math.max(1, Math.ceil(lossLog10.length / maxPoints));
  const points: number[] = [];
  for (let start = 0; start < lossLog10.length; start += window) {
    const slice = lossLog10.subarray(start, start + window);
    points.push(slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  const chart = asciichart.plot(points, { height: 12, format: (x: number) => x.toFixed(3).padStart(7) });
  return `log10(loss), mean over windows of ${window.toLocaleString("en-US")} steps:\n\n${chart}`;
}
