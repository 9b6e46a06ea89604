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
 *   `let dcounts = EXPR;`, becomes `let dcounts = (HOOK.enter("dcounts", 5), EXPR);`;
 * - a statement that assigns several gradients through a pattern,
 *   `const { dx: dh, db: db2 } = EXPR;` on line 9, becomes
 *   `const { dx: dh, db: db2 } = HOOK.fixEach(HOOK.enterEach([["dh", 9, ["dx"]], ["db2", 9, ["db"]]]), () => (EXPR));`:
 *   each gradient is hooked as if it had a line of its own.
 *
 * Where a statement ends is the parser's word (Babel's, in assignments.ts):
 * one that ended without a `;`, by automatic semicolon insertion, gets its
 * `;` written after the hook, so that the next line cannot continue the
 * wrapped expression where it did not continue the learner's. A file that
 * does not parse is left as it is (but for its imports): Deno reports its
 * error where the learner wrote it.
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

import { type Assignment, gradientAssignments, type Target } from "./assignments.ts";

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

/** The hook's text for a target: `["dh", 88, ["dx"]]`. */
const targetText = (t: Target) => JSON.stringify([t.name, t.line, t.path]).replaceAll(",", ", ");

/**
 * The edits of one assignment: `fix` holds the gradients whose last
 * assignment it is, `enter` those whose first (of several) it is.
 */
function assignmentEdits(a: Assignment, fix: Target[], enter: Target[], hook: string): Edit[] {
  const enterOne = (t: Target) => `${hook}.enter(${JSON.stringify(t.name)}, ${t.line})`;
  let open = "";
  let close = "";
  if (fix.length > 0 && !a.pattern) {
    open = a.awaits ? `${hook}.fixValue(${enterOne(fix[0])}, ` : `${hook}.fix(${enterOne(fix[0])}, () => (`;
    close = a.awaits ? ")" : "))";
  } else if (fix.length > 0) {
    const targets = `${hook}.enterEach([${fix.map(targetText).join(", ")}])`;
    open = a.awaits ? `${hook}.fixEachValue(${targets}, ` : `${hook}.fixEach(${targets}, () => (`;
    close = a.awaits ? ")" : "))";
  }
  if (enter.length > 0) {
    open = `(${enter.map(enterOne).join(", ")}, ${open}`;
    close += ")";
  }
  if (!open) return [];
  const edits = [{ at: a.start, remove: 0, insert: open }, { at: a.end, remove: 0, insert: close }];
  // The statement ended where automatic semicolon insertion put a `;`: written, since what follows the wrapped
  // expression may continue it where it did not continue the learner's.
  if (a.semicolon !== undefined) edits.push({ at: a.semicolon, remove: 0, insert: ";" });
  return edits;
}

/**
 * The edits that hook each gradient in `names` (see the module doc), and the
 * line of each hooked gradient's last assignment.
 */
function hookEdits(source: string, names: string[], hook: string): { edits: Edit[]; lines: Record<string, number> } {
  const assignments = gradientAssignments(source, names);
  const last = new Map<string, Assignment>();
  const first = new Map<string, Assignment>();
  for (const a of assignments) {
    for (const t of a.targets) {
      last.set(t.name, a);
      if (!first.has(t.name)) first.set(t.name, a);
    }
  }
  const lines: Record<string, number> = {};
  const edits = assignments.flatMap((a) => {
    const fix = a.targets.filter((t) => last.get(t.name) === a);
    const enter = a.targets.filter((t) => first.get(t.name) === a && last.get(t.name) !== a);
    for (const t of fix) lines[t.name] = t.line;
    return assignmentEdits(a, fix, enter, hook);
  });
  // Two declarations of one statement (`const dh = f(), dW2 = g()`) end at the same `;`: it is written once.
  const once = edits.filter((e, i) =>
    e.insert !== ";" || !edits.slice(0, i).some((o) => o.insert === ";" && o.at === e.at)
  );
  return { edits: once, lines };
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
  const hooks = hookEdits(source, names, hook);
  // At one place, ASI's `;` goes after the hooks that close there.
  const semicolonLast = (e: Edit) => Number(e.insert === ";");
  const edits = [...importEdits(source, codeMask(source), fileUrl), ...hooks.edits]
    .sort((a, b) => a.at - b.at || semicolonLast(a) - semicolonLast(b));
  return { ...applyEdits(source, edits), lines: hooks.lines };
}
