/**
 * The lines of a learner's file that are the lecture's Python, found by
 * reading every line. Deno's parser stops at the first line it cannot read,
 * so a file with several pasted lines would get one error a run; these
 * functions find all of them at once: a `#` comment, an `@`, a `for … in …:`
 * loop, a unary minus before `**`, and (since the type checker never ran) a
 * name assigned that the file never declares. translate.ts says what to
 * write instead of each.
 *
 * No `Deno` API: a browser page can use it too.
 *
 * @example
 * ```ts
 * import { pythonLines } from "./python_lines.ts";
 * pythonLines(["  dh = dlogits @ W2.T  # 2nd layer"]).map((e) => e.column); // [3, 16, 24]
 * ```
 * @module
 */

/** One line the parser would reject, as an error the translations read. */
export interface PythonLine {
  /** "" for what the parser rejects, TS2304 for a name assigned undeclared. */
  code: string;
  /** The message the parser or the checker would give. */
  message: string;
  /** The line, as written. */
  sourceLine: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/** The message of an error placed at a Python comment's `#`. */
export const PYTHON_COMMENT = "A Python comment.";

/**
 * `line` with the contents of its strings and its `//` comment blanked
 * (spaces, so that columns stay), to look for code in it.
 *
 * @example
 * ```ts
 * codeOf('  log("a # b"); // c @ d'); // '  log("     ");         '
 * ```
 */
export function codeOf(line: string): string {
  let out = "";
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      out += c === quote ? c : " ";
      if (c === "\\") out += line[++i] === undefined ? "" : " ";
      else if (c === quote) quote = "";
    } else if (c === "/" && line[i + 1] === "/") return out + " ".repeat(line.length - i);
    else {
      if (`"'\``.includes(c)) quote = c;
      out += c;
    }
  }
  return out;
}

/**
 * Where a Python comment starts on `line` (0-based), or undefined: a `#`
 * outside strings and `//` comments, after a space or at the start, and not
 * a private field (`#kinds = …`, `this.#x`).
 *
 * @example
 * ```ts
 * pythonCommentAt("  dh = dlogits @ W2.T  # 2nd layer backprop"); // 23
 * pythonCommentAt("  #kinds = new Map();"); // undefined
 * ```
 */
export function pythonCommentAt(line: string): number | undefined {
  const code = codeOf(line);
  // Not a shebang (`#!`), nor a private field (`#kinds = …`).
  const m = code.match(/(?:^|\s)#(?!!|[\w$]+\s*[=;(:!?])/);
  return m ? m.index! + m[0].length - 1 : undefined;
}

/**
 * `line` with its Python comment blanked, columns kept.
 *
 * @example
 * ```ts
 * withoutComment("x = 1  # one"); // "x = 1       "
 * ```
 */
export function withoutComment(line: string): string {
  const at = pythonCommentAt(line);
  return at === undefined ? line : line.slice(0, at) + " ".repeat(line.length - at);
}

/** The names `lines` declare: const, let, var (destructured too), functions and their parameters, imports. */
function declaredNames(lines: readonly string[]): Set<string> {
  const names = new Set<string>();
  const words = (text: string) => text.match(/[A-Za-z_$][\w$]*/g) ?? [];
  for (const line of lines.map(codeOf)) {
    for (const m of line.matchAll(/\b(?:const|let|var)\s+([\w$]+)/g)) names.add(m[1]);
    for (const m of line.matchAll(/\b(?:const|let|var)\s*([{[][^=]*)=/g)) words(m[1]).forEach((w) => names.add(w));
    for (const m of line.matchAll(/\bfunction\s*([\w$]*)\s*\(([^)]*)\)/g)) {
      [m[1], ...words(m[2])].forEach((w) => names.add(w));
    }
    for (const m of line.matchAll(/\bimport\s*(?:type\s*)?\{([^}]*)\}/g)) words(m[1]).forEach((w) => names.add(w));
  }
  return names;
}

/** A unary minus right before `**`: `-counts_sum**-2`, at the minus. */
const MINUS_POWER = /(?:^|[(=,*/+:?[])\s*(-)\s*[\w$.]+(?:\([^()]*\))?\s*\*\*/;

/** What the parser rejects on one line of code (strings and comments blanked): each as column and message. */
function rejected(code: string, declared: Set<string>): { code: string; message: string; column: number }[] {
  const found: { code: string; message: string; column: number }[] = [];
  const hash = pythonCommentAt(code);
  const text = hash === undefined ? code : code.slice(0, hash);
  const loop = text.match(/^\s*for\s+([\w$]+)[\w$,\s]*\s+in\s/);
  if (loop) found.push({ code: "", message: `Expected '(', got '${loop[1]}'`, column: loop[0].indexOf("for") + 1 });
  const assigned = text.match(/^(\s*)([A-Za-z_$][\w$]*)\s*(?:\*\*|[-+*/])?=(?![=>])/);
  if (!loop && assigned && !declared.has(assigned[2])) {
    found.push({ code: "TS2304", message: `Cannot find name '${assigned[2]}'.`, column: assigned[1].length + 1 });
  }
  for (const m of text.matchAll(/[\w$)\]]\s*(@)\s*[\w$(]/g)) {
    found.push({ code: "", message: "Unexpected token `@`.", column: m.index! + m[0].indexOf("@") + 1 });
  }
  const minus = text.match(MINUS_POWER);
  if (minus) {
    found.push({
      code: "",
      message: "Unary operator used immediately before exponentiation expression.",
      column: minus.index! + minus[0].indexOf("-") + 1,
    });
  }
  if (hash !== undefined) found.push({ code: "", message: PYTHON_COMMENT, column: hash + 1 });
  return found.sort((a, b) => a.column - b.column);
}

/**
 * Every line of `lines` that is the lecture's Python the parser rejects, or
 * a name assigned that the file never declares, as errors in order of line
 * and column. Lines of comments (`//`, `*`) are skipped.
 *
 * @example
 * ```ts
 * const found = pythonLines(["  const h = x;", "  dh = h @ W2.T", "  for k in range(n):"]);
 * found.map((e) => `${e.line}:${e.column} ${e.message}`);
 * // ["2:3 Cannot find name 'dh'.", "2:10 Unexpected token `@`.", "3:3 Expected '(', got 'k'"]
 * ```
 */
export function pythonLines(lines: readonly string[]): PythonLine[] {
  const declared = declaredNames(lines);
  return lines.flatMap((sourceLine, i) =>
    /^\s*(?:\/\/|\/?\*)/.test(sourceLine)
      ? []
      : rejected(codeOf(sourceLine), declared).map((e) => ({ ...e, sourceLine, line: i + 1 }))
  );
}
