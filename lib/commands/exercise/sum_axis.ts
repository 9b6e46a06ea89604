/**
 * A sum over axis 1 without keepdim that makes a shape error: in exercise 8,
 * `dhpreact.sum(1)` is `[32]`, and `mul(n, dhpreact).sub(dhpreact.sum(1))`
 * throws "Cannot subtract [32, 64] and [32]". With `sum(1, true)` the line
 * runs and the check names the axis; thrown, the learner saw only the shapes.
 * This says the same for the thrown case: what the sum made, and the
 * exercise's own diagnosis of a sum over axis 1 (its known mistakes), or,
 * for an exercise without one, what each axis gives.
 *
 * @example
 * ```ts
 * import { sumAxisNote } from "./sum_axis.ts";
 * import { specOf } from "./context.ts";
 * sumAxisNote(
 *   "Cannot subtract [32, 64] and [32]: sizes 64 and 32 at axis 1 of the result neither match nor are 1",
 *   "  const inner = mul(n, dhpreact).sub(dhpreact.sum(1)); // [n, 64]",
 *   specOf(8),
 * ); // "dhpreact.sum(1) is [32]: … Σ dhpreact is a sum over axis 1; the batch statistics sum over …"
 * ```
 * @module
 */

import type { ExerciseSpec } from "../../exercise/checker.ts";
import { contextFor } from "./context.ts";

/** The identifiers of an expression, as a sorted key, operators and the tensor methods left out. */
function namesOf(expression: string): string {
  const skip = new Set(["mul", "sum", "true", "T"]);
  return [...new Set(expression.match(/[A-Za-z_$][\w$]*/g) ?? [])].filter((w) => !skip.has(w)).sort().join(" ");
}

/** The sums over axis 1 without keepdim in `statement` (`x.sum(1)`, `sum(x, 1)`), as written, with their operands. */
function sumsOverAxis1(statement: string): { written: string; operand: string }[] {
  const method = [...statement.matchAll(/([\w$.]+(?:\([^()]*\))?)\.sum\(\s*1\s*\)/g)];
  const call = [...statement.matchAll(/\bsum\(\s*((?:[^(),]|\([^()]*\))+),\s*1\s*\)/g)];
  return [...method, ...call].map((m) => ({ written: m[0], operand: m[1].trim() }));
}

/**
 * What to add to a thrown `message` whose line, `statement`, sums over axis 1
 * without keepdim and made a `[rows]` that met a `[rows, cols]`; undefined
 * when it is not that. `spec`'s (the exercise's, when known) known mistakes of a sum over axis 1 say
 * which axis the exercise needs.
 */
export function sumAxisNote(message: string, statement: string, spec?: ExerciseSpec): string | undefined {
  const shapes = message.match(
    /^Cannot \w+ \[(\d+), (\d+)\] (?:and|by) \[(\d+)\]|^Cannot \w+ \[(\d+)\] (?:and|by) \[(\d+), (\d+)\]/,
  );
  if (!shapes) return undefined;
  const [rows, cols, one] = shapes[1] ? [shapes[1], shapes[2], shapes[3]] : [shapes[5], shapes[6], shapes[4]];
  const sums = sumsOverAxis1(statement);
  if (one !== rows || sums.length === 0) return undefined;
  const made = `${sums.map((s) => s.written).join(" and ")} ${sums.length === 1 ? "is" : "are"} [${rows}]: ` +
    `a sum over axis 1 without keepdim, one number per row, which cannot meet [${rows}, ${cols}]`;
  const { input, ref } = spec ? contextFor(spec) : { input: undefined, ref: undefined };
  const labels = (spec?.gradients ?? []).flatMap((g) => (input && ref && g.mistakes?.(input, ref)) ?? []).map((m) =>
    m.label
  )
    .filter((label) => /is a sum over axis 1/.test(label));
  const named = sums.flatMap((s) =>
    labels.filter((label) => namesOf(label.match(/^Σ (.*?) is a sum/)?.[1] ?? "") === namesOf(s.operand))
  );
  if (named.length > 0) return `${made}. ${named.join(". ")}`.replace(/\s+/g, " ");
  return `${made}. Keep the axis and choose it: sum(0, true) is one number per column, [1, ${cols}]; ` +
    `sum(1, true) one per row, [${rows}, 1]`;
}
