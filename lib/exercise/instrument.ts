/**
 * Preparing a learner's file to be checked line by line. The sandbox runs
 * the learner's module in a separate `deno` process, from a `data:` URL, so
 * the file's text is rewritten first, line for line (line numbers stay those
 * of the learner's file, and every column that moves is mapped back):
 *
 * - relative imports become absolute, since the module no longer sits in the
 *   learner's folder;
 * - the last assignment of each gradient, `const dprobs = EXPR;` on line 7,
 *   becomes `const dprobs = HOOK.fix(HOOK.enter("dprobs", 7), () => (EXPR));`,
 *   so the hooks can record the learner's value and hand the lines below
 *   the correct one instead, also when the line throws. One mistake then
 *   does not cascade: every line is checked on correct inputs. `enter` runs
 *   before the expression: the hooks learn where the code is (to name the
 *   line of a loop that never ends) and that a gradient used here is
 *   finished, even in place. An expression that awaits stays as it is:
 *   `HOOK.fixValue(HOOK.enter("dprobs", 7), EXPR)`;
 * - the first assignment of a gradient assigned more than once,
 *   `let dcounts = EXPR;`, becomes `let dcounts = (HOOK.enter("dcounts", 5), EXPR);`.
 *
 * @example
 * ```ts
 * import { instrument } from "./instrument.ts";
 * const ready = instrument("const dprobs = mul(a, b);\n", "file:///x/yours/03.ts", ["dprobs"], "__h");
 * ready.code; // 'const dprobs = __h.fix(__h.enter("dprobs", 1), () => (mul(a, b)));\n'
 * ready.lines.dprobs; // 1
 * ```
 * @module
 */

/** A learner's source, rewritten to run in the sandbox with each gradient hooked. */
export interface Instrumented {
  /** The text to run: the learner's lines, rewritten in place. */
  code: string;
  /** The line (1-based) of each hooked gradient's last assignment. */
  lines: Record<string, number>;
  /** The learner's column (1-based) for a column of `code` on `line`. */
  column(line: number, column: number): number;
}

/** Which characters of `source` are code (not inside a string or a comment). */
function codeMask(source: string): Uint8Array {
  const mask = new Uint8Array(source.length);
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      i++;
      while (i < source.length && source[i] !== c) i += source[i] === "\\" ? 2 : 1;
      i++;
    } else {
      mask[i++] = 1;
    }
  }
  return mask;
}

// A line that starts a new statement, so the one before it ended without a `;`.
const STARTS_STATEMENT =
  /^\s*(?:const|let|var|return|if|for|while|do|switch|throw|try|export|function|class|\}|[\w$.\[\]]+\s*[-+*\/]?=(?![=>]))/;

/**
 * Where the expression of the statement starting at `from` ends: at its `;`,
 * or, when the line ends at depth 0 and the next line starts a statement,
 * after its last character of code (before a trailing comment); -1 when
 * the brackets do not balance.
 */
function statementEnd(source: string, mask: Uint8Array, from: number): number {
  let depth = 0;
  let lastCode = -1;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === "\n" && depth === 0 && lastCode >= from) {
      const next = source.slice(i + 1).match(/^(?:[ \t]*(?:\/\/[^\n]*)?\n)*([^\n]*)/)![1];
      if (next === "" || STARTS_STATEMENT.test(next)) return lastCode + 1;
    }
    if (!mask[i]) continue;
    if (!/\s/.test(c)) lastCode = i;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (--depth < 0) return -1;
    } else if (c === ";" && depth === 0) return i;
  }
  return -1;
}

interface Edit {
  /** Where in the original text. */
  at: number;
  /** How many original characters it replaces. */
  remove: number;
  /** What it puts there. */
  insert: string;
}

/** The line (1-based) of character `index` of `source`. */
const lineOf = (source: string, index: number) => source.slice(0, index).split("\n").length;

/** The edits that make the relative imports of the file at `fileUrl` absolute. */
function importEdits(source: string, mask: Uint8Array, fileUrl: string): Edit[] {
  const edits: Edit[] = [];
  const importPattern = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"'\n]*)\2/g;
  for (const m of source.matchAll(importPattern)) {
    if (!mask[m.index]) continue;
    const at = m.index + m[1].length + 1;
    edits.push({ at, remove: m[3].length, insert: new URL(m[3], fileUrl).href });
  }
  return edits;
}

/**
 * The edits that hook each gradient in `names` (see the module doc), and the
 * line of each hooked gradient's last assignment.
 */
function hookEdits(
  source: string,
  mask: Uint8Array,
  names: string[],
  hook: string,
): { edits: Edit[]; lines: Record<string, number> } {
  const edits: Edit[] = [];
  const lines: Record<string, number> = {};
  for (const name of names) {
    const assignment = new RegExp(
      `(^|[;{}]|\\n)[ \\t]*(?:(?:const|let|var)\\s+)?${name}\\s*(?::\\s*Tensor\\s*)?=(?![=>])`,
      "g",
    );
    const found = [...source.matchAll(assignment)].filter((m) => mask[m.index + m[0].length - 1]);
    // The expression of each assignment: where it starts and ends, and the line of the name.
    const spans = found.map((m) => {
      let start = m.index + m[0].length;
      while (/\s/.test(source[start] ?? "")) start++;
      const line = lineOf(source, m.index + m[0].search(new RegExp(`\\b${name}\\b`)));
      return { start, end: statementEnd(source, mask, start), line };
    });
    const last = spans.at(-1);
    if (!last || last.end === -1) continue;
    const enter = (line: number) => `${hook}.enter(${JSON.stringify(name)}, ${line})`;
    // The expression becomes a function the hook calls, so that a line that throws can be caught there; one that
    // awaits (an async gradients(), which is reported as such) cannot be, and is passed as its value.
    const expression = [...source.slice(last.start, last.end)].map((c, i) => mask[last.start + i] ? c : " ").join("");
    const awaits = /\b(?:await|yield)\b/.test(expression);
    edits.push({
      at: last.start,
      remove: 0,
      insert: awaits ? `${hook}.fixValue(${enter(last.line)}, ` : `${hook}.fix(${enter(last.line)}, () => (`,
    });
    edits.push({ at: last.end, remove: 0, insert: awaits ? ")" : "))" });
    lines[name] = last.line;
    const first = spans[0];
    if (first !== last && first.end !== -1) {
      edits.push({ at: first.start, remove: 0, insert: `(${enter(first.line)}, ` });
      edits.push({ at: first.end, remove: 0, insert: ")" });
    }
  }
  return { edits, lines };
}

/**
 * `source` with `edits` applied (sorted by place), and the map from a column
 * of the new text back to the learner's: the edits on each line are noted
 * with where they land in the new text.
 */
function applyEdits(source: string, edits: Edit[]): Pick<Instrumented, "code" | "column"> {
  const moved = new Map<number, { newStart: number; newEnd: number; origStart: number; delta: number }[]>();
  let code = "";
  let from = 0;
  for (const edit of edits) {
    code += source.slice(from, edit.at);
    const line = lineOf(source, edit.at);
    const lineStart = code.lastIndexOf("\n") + 1;
    const origLineStart = source.lastIndexOf("\n", edit.at - 1) + 1;
    const newStart = code.length - lineStart + 1;
    code += edit.insert;
    const list = moved.get(line) ?? [];
    list.push({
      newStart,
      newEnd: newStart + edit.insert.length,
      origStart: edit.at - origLineStart + 1,
      delta: edit.insert.length - edit.remove,
    });
    moved.set(line, list);
    from = edit.at + edit.remove;
  }
  code += source.slice(from);
  const column = (line: number, col: number): number => {
    let shift = 0;
    for (const m of moved.get(line) ?? []) {
      if (col >= m.newEnd) shift += m.delta;
      else if (col >= m.newStart) return m.origStart;
    }
    return col - shift;
  };
  return { code, column };
}

/**
 * Rewrites a learner's module (see the module doc). `fileUrl` is where the
 * file lives (to resolve its relative imports), `names` the gradients to
 * hook, `hook` the name the hooks' module (hooks.ts) is imported as.
 *
 * @example
 * ```ts
 * const text = 'import { mul } from "../../lib/tensor.ts";\nconst dprobs = mul(a, b);\n';
 * const ready = instrument(text, "file:///work/chapters/yours/03_cross_entropy.ts", ["dprobs"], "__exercise");
 * ready.code.split("\n")[0]; // 'import { mul } from "file:///work/lib/tensor.ts";'
 * ready.lines; // { dprobs: 2 }
 * ```
 */
export function instrument(source: string, fileUrl: string, names: string[], hook: string): Instrumented {
  const mask = codeMask(source);
  const hooks = hookEdits(source, mask, names, hook);
  const edits = [...importEdits(source, mask, fileUrl), ...hooks.edits].sort((a, b) => a.at - b.at);
  return { ...applyEdits(source, edits), lines: hooks.lines };
}
