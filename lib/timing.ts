/**
 * A quick timing for the chapters: how long one call takes, as the median of
 * many. The careful numbers come from `deno bench`; this gives a learner the
 * order of magnitude on their own machine while the chapter runs.
 *
 * @example
 * ```ts
 * import { medianMs } from "./timing.ts";
 * medianMs(() => Math.sqrt(2), 50); // a fraction of a millisecond
 * ```
 * @module
 */

/**
 * The median time of one call of `fn`, in milliseconds, over repeated calls
 * for about `budgetMs` (after a short warm-up).
 *
 * @example
 * ```ts
 * const ms = medianMs(() => [1, 2, 3].map((x) => x * 2), 20);
 * ```
 */
export function medianMs(fn: () => unknown, budgetMs = 100): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < budgetMs || samples.length < 5) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
