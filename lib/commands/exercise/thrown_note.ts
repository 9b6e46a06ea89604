/**
 * A note below a shape error the learner's line threw, where the shapes
 * alone leave the cause to guess: a sum over axis 1 without keepdim
 * ({@linkcode sumAxisNote}) or a product whose inner sizes do not match
 * ({@linkcode matmulNote}).
 *
 * @example
 * ```ts
 * import { withThrownNote } from "./thrown_note.ts";
 * withThrownNote("All 1 gradients are right.", "08.ts", []); // "All 1 gradients are right."
 * ```
 * @module
 */

import type { ExerciseSpec } from "../../exercise/checker.ts";
import { wrap } from "../../report/print.ts";
import { matmulNote } from "./matmul_note.ts";
import { sumAxisNote } from "./sum_axis.ts";

/**
 * `text` (what the check printed) with {@linkcode sumAxisNote} (or
 * {@linkcode matmulNote}, for a product whose inner sizes do not match) below the
 * source line and caret of an error thrown at `shown:line:col` in the
 * learner's file (`lines`); `text` as it is otherwise.
 *
 * @example
 * ```ts
 * withThrownNote("All 1 gradients are right.", "08.ts", []); // "All 1 gradients are right."
 * ```
 */
export function withThrownNote(text: string, shown: string, lines: string[], spec?: ExerciseSpec): string {
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const at = new RegExp(`threw at ${escaped}:(\\d+):\\d+: ([\\s\\S]*?)\n( {4}.*\n {4} *\\^)`).exec(text);
  if (!at) return text;
  const [message, statement] = [at[2].replace(/\s+/g, " "), lines[Number(at[1]) - 1] ?? ""];
  const note = sumAxisNote(message, statement, spec) ?? matmulNote(message, statement);
  if (!note) return text;
  const end = at.index + at[0].length;
  return `${text.slice(0, end)}\n\n${wrap(note)}${text.slice(end)}`;
}
