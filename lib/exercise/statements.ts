/**
 * The statement of a line that an error is in. A line pasted from the
 * lecture may hold several statements (`dlogits = F.softmax(logits, 1);
 * dlogits[range(n), Yb] -= 1; dlogits /= n`); each error is about the one
 * its column is in, and translate.ts reads that one alone. The other
 * statements are blanked, not cut, so that every column still means the
 * same place.
 *
 * No `Deno` API: a browser page can use it too.
 *
 * @example
 * ```ts
 * import { statementOf } from "./statements.ts";
 * statementOf("a = 1; b -= 2;", 8); // "       b -= 2;"
 * ```
 * @module
 */

/** Where one statement of a line starts and ends, as 0-based indices (`end` after its `;`, if any). */
export interface Span {
  start: number;
  end: number;
}

/**
 * The statements of `line`, split at each `;` outside brackets, strings
 * and a trailing `//` comment (which goes with the last statement).
 *
 * @example
 * ```ts
 * statementSpans("f(a; b); c").map((s) => [s.start, s.end]); // [[0, 8], [8, 10]]
 * statementSpans("a; // b;").map((s) => [s.start, s.end]); // [[0, 8]]
 * ```
 */
export function statementSpans(line: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  let depth = 0;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === "/" && line[i + 1] === "/") break;
    else if ("'\"`".includes(c)) quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth = Math.max(0, depth - 1);
    else if (c === ";" && depth === 0) {
      spans.push({ start, end: i + 1 });
      start = i + 1;
    }
  }
  // What follows the last `;` is a statement, unless it is only a comment, which goes with the one before.
  if (spans.length > 0 && /^\s*(?:\/\/.*)?$/.test(line.slice(start))) spans[spans.length - 1].end = line.length;
  else spans.push({ start, end: line.length });
  return spans;
}

/**
 * The statement of `line` that `column` (1-based) is in: the statement whose
 * text holds it, or the last one that starts before it.
 *
 * @example
 * ```ts
 * statementAt("a = 1; b = 2;", 8); // { start: 6, end: 13 }
 * ```
 */
export function statementAt(line: string, column: number): Span {
  const spans = statementSpans(line);
  return spans.find((s) => column - 1 < s.end) ?? spans[spans.length - 1];
}

/**
 * `line` with every statement but the one at `column` blanked: the
 * statement alone, at its own columns.
 *
 * @example
 * ```ts
 * statementOf("x /= n; y -= 1; // why", 9); // "        y -= 1; // why"
 * ```
 */
export function statementOf(line: string, column: number): string {
  const { start, end } = statementAt(line, column);
  return " ".repeat(start) + line.slice(start, end) + " ".repeat(line.length - end);
}
