/**
 * A place in the learner's file as the learner reads it, in the terminal and
 * on the exercise pages alike: `file:line:col: message`, then the source line
 * and a caret under the column.
 *
 * @example
 * ```ts
 * import { locate } from "./caret.ts";
 * locate("03.ts", ["const b = a * c;"], 1, 15, "Cannot find name 'c'");
 * // "03.ts:1:15: Cannot find name 'c'\n    const b = a * c;\n                  ^"
 * ```
 * @module
 */

import { wrapParagraphs } from "./paragraphs.ts";

/**
 * The source line `line` of `lines`, trimmed and indented by four, and a
 * caret under `column` (1-based) on the next line.
 *
 * @example
 * ```ts
 * caret(["  x * y"], 1, 5); // "    x * y\n      ^"
 * ```
 */
export function caret(lines: string[], line: number, column: number): string {
  const source = lines[line - 1] ?? "";
  const indent = source.length - source.trimStart().length;
  return `    ${source.trim()}\n    ${" ".repeat(Math.max(0, column - 1 - indent))}^`;
}

/**
 * A located message: `shown:line:column: message` (wrapped), then the line
 * with a caret under the column.
 *
 * @example
 * ```ts
 * locate("03.ts", ["x * y"], 1, 3, "no").split("\n")[0]; // "03.ts:1:3: no"
 * ```
 */
export function locate(shown: string, lines: string[], line: number, column: number, message: string): string {
  return `${wrapParagraphs(`${shown}:${line}:${column}: ${message}`)}\n${caret(lines, line, column)}`;
}

/**
 * `text` with the source line and a caret under what first names a place
 * `shown:line:col`: under its entry when that is a verdict's detail
 * (`line 58, dh: …`, continued by indented lines), else under its
 * paragraph; `text` as it is when it names no place.
 *
 * @example
 * ```ts
 * withCaret("03.ts:1:3: it threw", "03.ts", ["x * y"]); // "03.ts:1:3: it threw\n    x * y\n      ^"
 * ```
 */
export function withCaret(text: string, shown: string, lines: string[]): string {
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const first = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(text);
  if (!first) return text;
  const lineStart = text.lastIndexOf("\n", first.index) + 1;
  const next = /^line \d+, /.test(text.slice(lineStart)) ? /\n(?! {4})/g : /\n\n/g;
  next.lastIndex = first.index;
  const end = next.exec(text)?.index ?? text.length;
  return `${text.slice(0, end)}\n${caret(lines, Number(first[1]), Number(first[2]))}${text.slice(end)}`;
}
