/**
 * How far apart two spellings are, for "did you mean" messages: a mistyped
 * flag in the command line, a misspelled gradient name in an exercise. It
 * touches no Deno API, so a browser page can use it too.
 *
 * @example
 * ```ts
 * import { editDistance } from "./spelling.ts";
 * editDistance("dbnBias", "dbnbias"); // 1
 * ```
 * @module
 */

/**
 * The edits (insert, delete, replace a letter, or swap two neighbours) that turn `a` into `b`.
 *
 * @example
 * ```ts
 * editDistance("hiddne", "hidden"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  // d[i][j]: the edits from a's first i letters to b's first j.
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i === 0 ? j : j === 0 ? i : 0),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const replace = d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, replace);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
