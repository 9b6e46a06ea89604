/**
 * A quick timing for the chapters: how long one call takes, as the median of
 * many. The careful numbers come from `deno bench`; this gives a learner the
 * order of magnitude on their own machine while the chapter runs; and a
 * duration as a clock shows it, for progress lines.
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

/**
 * Seconds as a clock shows them: "1:02:03", or "2:03" under an hour; "?"
 * for a time not known yet (an infinite or NaN estimate).
 *
 * @example
 * ```ts
 * duration(3723); // "1:02:03"
 * duration(123.4); // "2:03"
 * duration(Infinity); // "?"
 * ```
 */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`
    : `${m}:${String(r).padStart(2, "0")}`;
}
