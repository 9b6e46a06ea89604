/**
 * The lecture's `cmp`: is a hand-written gradient bit-identical to the
 * reference, approximately equal, and by how much does it differ at most?
 *
 * "Approximately" means what `torch.allclose` means with its defaults:
 * |ours − theirs| ≤ 1e-8 + 1e-5·|theirs| for every entry. A gradient of the
 * wrong shape is neither, whatever its numbers.
 *
 * @example
 * ```ts
 * import { compareGradient, formatTable } from "./compare.ts";
 * import { tensor } from "../tensor.ts";
 * const row = compareGradient("dlogits", tensor([0.1, 0.2]), tensor([0.1, 0.2000001]));
 * row.approximate; // true
 * console.log(formatTable([row]));
 * ```
 * @module
 */

import { formatShape, type Tensor } from "../tensor.ts";

/** The verdict on one gradient. */
export interface Comparison {
  /** The tensor whose gradient this is. */
  name: string;
  /** Every entry bit-identical (and the same shape). */
  exact: boolean;
  /** Every entry within `torch.allclose`'s tolerance (and the same shape). */
  approximate: boolean;
  /** The largest |ours − theirs|; NaN when the shapes differ. */
  maxdiff: number;
  /** Our shape. */
  shape: readonly number[];
  /** The reference's shape. */
  expectedShape: readonly number[];
}

/** `torch.allclose`'s default tolerances. */
export const RTOL = 1e-5;
/** `torch.allclose`'s default absolute tolerance. */
export const ATOL = 1e-8;

/**
 * Compares our gradient with the reference's. `atol` may be raised for a
 * gradient that is zero in exact arithmetic, where both sides hold only noise.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * compareGradient("db2", tensor([1, 2]), tensor([1, 2])).exact; // true
 * ```
 */
export function compareGradient(name: string, ours: Tensor, theirs: Tensor, atol = ATOL): Comparison {
  const sameShape = ours.shape.length === theirs.shape.length && ours.shape.every((d, i) => d === theirs.shape[i]);
  const row = { name, shape: ours.shape, expectedShape: theirs.shape };
  if (!sameShape) return { ...row, exact: false, approximate: false, maxdiff: NaN };
  let exact = true;
  let approximate = true;
  let maxdiff = 0;
  for (let i = 0; i < ours.size; i++) {
    const a = ours.data[i];
    const b = theirs.data[i];
    const diff = Math.abs(a - b);
    if (a !== b) exact = false;
    if (!(diff <= atol + RTOL * Math.abs(b))) approximate = false;
    if (!(diff <= maxdiff)) maxdiff = diff; // NaN sticks
  }
  return { ...row, exact, approximate, maxdiff };
}

/**
 * The comparison as an aligned table, one row per gradient.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const rows = [
 *   compareGradient("logprobs", tensor([1, 2]), tensor([1, 2])),
 *   compareGradient("probs", tensor([1, 2]), tensor([1, 2.00001])),
 * ];
 * console.log(formatTable(rows));
 * // name     | exact | approximate | maxdiff
 * // ---------+-------+-------------+--------
 * // logprobs | true  | true        | 0
 * // probs    | false | true        | 1.00e-5
 * ```
 */
export function formatTable(rows: readonly Comparison[]): string {
  const cells = rows.map((r) => [
    r.name,
    String(r.exact),
    String(r.approximate),
    Number.isNaN(r.maxdiff)
      ? `shape ${formatShape(r.shape)}, expected ${formatShape(r.expectedShape)}`
      : formatNumber(r.maxdiff),
  ]);
  const header = ["name", "exact", "approximate", "maxdiff"];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(line)].join("\n");
}

/**
 * A difference in a short form: 0, or three significant digits.
 *
 * @example
 * ```ts
 * formatNumber(0.00000191); // "1.91e-6"
 * ```
 */
export function formatNumber(x: number): string {
  if (x === 0 || Number.isNaN(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}

/**
 * The largest |a − b| over two arrays of the same length.
 *
 * @example
 * ```ts
 * maxAbsDiff([1, 2], [1, 2.5]); // 0.5
 * ```
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;
  }
  return m;
}

/**
 * Prints the table and returns whether every gradient was approximately equal.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const rows = [compareGradient("dlogits", tensor([0.1, 0.2]), tensor([0.1, 0.2]))];
 * const allClose = reportComparisons(rows); // prints the table; true
 * ```
 */
export function reportComparisons(rows: readonly Comparison[]): boolean {
  console.log(formatTable(rows));
  const failed = rows.filter((r) => !r.approximate);
  if (failed.length > 0) console.log(`\nNot approximately equal: ${failed.map((r) => r.name).join(", ")}`);
  return failed.length === 0;
}
