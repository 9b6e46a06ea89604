/**
 * Where a learner works in an exercise's file: the first gradient left to
 * write (its `todo(`), with the function it is in kept in sight, so that the
 * page's editor opens there and not on the file's doc comment.
 *
 * @example
 * ```ts
 * import { workPlace } from "./exercise_place.ts";
 * workPlace("export function gradients() {\n  const dx = todo(x);\n}\n"); // { cursor: 43, top: 0 }
 * ```
 * @module
 */

/**
 * How many lines of the function above the cursor {@linkcode workPlace} keeps in sight, at most.
 *
 * @example
 * ```ts
 * LINES_ABOVE; // 14
 * ```
 */
export const LINES_ABOVE = 14;

/**
 * Where the learner works in `text`: `cursor`, the offset of the first
 * `todo(` in code (not in a comment nor the import), else of the function
 * `gradients(`, else 0; and `top`, the offset of the line to show first:
 * the function's line when it is at most {@linkcode LINES_ABOVE} lines
 * above the cursor, else the line that many above it.
 *
 * @example
 * ```ts
 * const text = "// todo(x) in a comment\nexport function gradients() {\n  const dx = todo(x);\n}\n";
 * workPlace(text); // { cursor: 67, top: 24 }: the todo in the code, and the function's line
 * ```
 */
export function workPlace(text: string): { cursor: number; top: number } {
  const starts: number[] = [];
  const lines = text.split("\n");
  for (let i = 0, at = 0; i < lines.length; at += lines[i].length + 1, i++) starts.push(at);
  const code = (line: string) => line.replace(/\/\/.*$/, "");
  const todo = lines.findIndex((l) => !/^\s*(?:\*|\/\*|import\b|\})/.test(l) && /\btodo\(/.test(code(l)));
  const fn = lines.findIndex((l) => /^export function gradients\(/.test(l));
  const line = todo !== -1 ? todo : Math.max(fn, 0);
  const cursor = starts[line] + (todo !== -1 ? code(lines[todo]).search(/\btodo\(/) : 0);
  const top = fn !== -1 && fn <= line && line - fn <= LINES_ABOVE ? fn : Math.max(0, line - LINES_ABOVE);
  return { cursor, top: starts[top] };
}
