/**
 * TypeScript source read roughly, without a parser: its code with the
 * comments and the text of strings blanked out, the modules it imports, and
 * its functions with their lengths. Enough for the tests that hold the tree
 * to the guide's rules (lib/browser_clean_fs_test.ts,
 * lib/function_length_fs_test.ts), and fast: no dependency, one pass.
 *
 * @example
 * ```ts
 * import { codeOnly } from "./source_code.ts";
 * codeOnly('f("Deno"); // Deno'); // 'f("    ");        '
 * ```
 * @module
 */

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "void",
  "throw",
  "delete",
  "new",
  "yield",
  "await",
  "instanceof",
]);

/** Blanks `text[from, to)` in `out`, keeping line breaks, so that offsets and line numbers stay. */
function blank(out: string[], from: number, to: number): void {
  for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
}

/** The offset of the `/` that closes the regular expression literal opened at `start`, or -1 if it is none. */
function regexEnd(text: string, start: number): number {
  let inClass = false;
  for (let j = start + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\n") return -1;
    if (c === "\\") j++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) return j;
  }
  return -1;
}

/** Whether a `/` at `i` of code starts a regular expression, judged by the code before it. */
function startsRegex(code: string[], i: number): boolean {
  let k = i - 1;
  while (k >= 0 && /\s/.test(code[k])) k--;
  if (k < 0) return true;
  if ("(,=:[!&|?{};+-*%<>~^".includes(code[k])) return true;
  let word = "";
  while (k >= 0 && /[\w$]/.test(code[k])) word = code[k--] + word;
  return BEFORE_REGEX.has(word);
}

/**
 * The source with comments, the text of string and template literals and
 * the bodies of regular expressions replaced by spaces: the same length and
 * the same lines, so an offset or a line number in it is one in the source.
 * The code inside a template's `${…}` is kept.
 *
 * @example
 * ```ts
 * codeOnly("const a = `x${b}y`; /* c *\/"); // "const a = ` ${b} `;        "
 * ```
 */
export function codeOnly(text: string): string {
  const out = text.split("");
  // For each template literal we are inside the `${…}` of, the brace depth at which it closes.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  /** Reads template text from `i` up to its end or its next `${`, blanking it. */
  const templateText = () => {
    const start = i;
    while (i < text.length && text[i] !== "`" && !(text[i] === "$" && text[i + 1] === "{")) {
      i += text[i] === "\\" ? 2 : 1;
    }
    blank(out, start, Math.min(i, text.length));
    if (text[i] === "`") i++;
    else if (i < text.length) {
      templates.push(depth++);
      i += 2;
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      blank(out, i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      blank(out, i, end < 0 ? text.length : end + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      blank(out, i + 1, Math.min(j, text.length));
      i = j + 1;
    } else if (c === "`") {
      i++;
      templateText();
    } else if (c === "/" && startsRegex(out, i) && regexEnd(text, i) > 0) {
      const close = regexEnd(text, i);
      blank(out, i + 1, close);
      i = close + 1; // its flags read as code: letters
    } else {
      if (c === "{") depth++;
      if (c === "}") {
        depth--;
        if (templates.length > 0 && templates.at(-1) === depth) {
          templates.pop();
          i++;
          templateText();
          continue;
        }
      }
      i++;
    }
  }
  return out.join("");
}

/** The line (1-based) of each offset of a text. */
function lineOf(text: string): (offset: number) => number {
  const starts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === "\n") starts.push(k + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** One module specifier a source imports, and the line it is on. */
export interface ImportSpecifier {
  specifier: string;
  line: number;
}

/**
 * Every module a source imports or re-exports: static imports (type-only
 * ones too), `export … from`, side-effect imports and `import("…")` with a
 * literal; not the examples in its comments.
 *
 * @example
 * ```ts
 * importSpecifiers('import { a } from "./a.ts";\n// import "./b.ts";\nawait import("c");')
 *   .map((s) => s.specifier); // ["./a.ts", "c"]
 * ```
 */
export function importSpecifiers(text: string): ImportSpecifier[] {
  const code = codeOnly(text);
  const line = lineOf(text);
  const found: ImportSpecifier[] = [];
  for (const m of code.matchAll(/\b(?:from|import)\s*(\(\s*)?(["'])/g)) {
    const isFrom = m[0].startsWith("from");
    if (isFrom && m[1]) continue; // Array.from("…") is a call, not an import
    const open = m.index! + m[0].length - 1;
    const close = text.indexOf(m[2], open + 1);
    found.push({ specifier: text.slice(open + 1, close), line: line(open) });
  }
  return found;
}

/** The offset of the bracket that closes the one at `open` in code, or -1. */
function closing(code: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}" };
  const stack: string[] = [];
  for (let k = open; k < code.length; k++) {
    const c = code[k];
    if (c in pairs) stack.push(pairs[c]);
    else if (c === ")" || c === "]" || c === "}") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/** The offset of the bracket that opens the one that closes at `close` in code, or -1. */
function opening(code: string, close: number): number {
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  const stack: string[] = [];
  for (let k = close; k >= 0; k--) {
    const c = code[k];
    if (c in pairs) stack.push(pairs[c]);
    else if (c === "(" || c === "[" || c === "{") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/**
 * The offset of the `{` that opens a function's body, given the offset just
 * after its parameter list's `)`: right there, or after a return type
 * (`): { a: T } {`, `): Promise<X> {`). -1 when a `;`, `,`, `=` or an
 * unmatched bracket comes first: a signature without a body, or a call.
 */
function bodyStart(code: string, from: number): number {
  let k = from;
  while (/\s/.test(code[k] ?? "")) k++;
  if (code[k] === "{") return k;
  if (code[k] !== ":") return -1;
  let angle = 0;
  let afterType = false; // whether the last thing read ends a type, so a `{` now opens the body
  for (k++; k < code.length; k++) {
    const c = code[k];
    if (/\s/.test(c)) continue;
    if (c === "=" && code[k + 1] === ">") {
      k++;
      afterType = false;
    } else if (c === "<") {
      angle++;
      afterType = false;
    } else if (c === ">") {
      angle--;
      afterType = true;
    } else if (c === "{" && afterType && angle === 0) return k;
    else if (c === "(" || c === "[" || c === "{") {
      k = closing(code, k);
      if (k < 0) return -1;
      afterType = true;
    } else if (";,=)]}".includes(c)) return -1;
    else afterType = /[\w$'"`?]/.test(c);
  }
  return -1;
}

/** A function in a source: its name, the line it starts on and how many lines it spans. */
export interface FunctionSpan {
  name: string;
  line: number;
  lines: number;
}

/** Names that a `name(…) {` at the start of a line can have without being a method. */
const NOT_METHODS = new Set(["if", "for", "while", "switch", "catch", "with", "return", "function", "await", "new"]);

/**
 * Every function, method and arrow function with a block body, nested ones
 * too, with its length from the line it starts on (its `function`, its
 * name, or its parameters) to the line of its closing `}`, both counted.
 * A callback has the name of what it is passed to (`Deno.test callback`).
 *
 * @example
 * ```ts
 * functionSpans("function f() {\n  return [1].map((x) => {\n    return x;\n  });\n}\n");
 * // [{ name: "f", line: 1, lines: 5 }, { name: "map callback", line: 2, lines: 3 }]
 * ```
 */
export function functionSpans(text: string): FunctionSpan[] {
  const code = codeOnly(text);
  const line = lineOf(code);
  const spans: (FunctionSpan & { at: number })[] = [];
  const add = (name: string, start: number, body: number) => {
    const end = body < 0 ? -1 : closing(code, body);
    if (end >= 0) spans.push({ name, line: line(start), lines: line(end) - line(start) + 1, at: start });
  };
  // function f(…) {, function* g(…) {, and function expressions (named by what they are assigned to).
  for (const m of code.matchAll(/\bfunction\b\s*\*?\s*([\w$]*)\s*(?:<[^(]*>)?\s*\(/g)) {
    const close = closing(code, m.index! + m[0].length - 1);
    const name = m[1] || assignedName(code, m.index!) || "function";
    if (close >= 0) add(name, m.index!, bodyStart(code, close + 1));
  }
  // Methods: name(…) { at the start of a line, after modifiers.
  const modifiers = "(?:(?:static|async|get|set|public|private|protected|override|readonly)\\s+)*";
  for (const m of code.matchAll(new RegExp(`^[ \\t]*${modifiers}\\*?(#?[\\w$]+)\\s*(?:<[^(\\n]*>)?\\s*\\(`, "gm"))) {
    if (NOT_METHODS.has(m[1])) continue;
    const open = m.index! + m[0].length - 1;
    const close = closing(code, open);
    if (close >= 0) add(m[1], m.index! + m[0].length - m[0].trimStart().length, bodyStart(code, close + 1));
  }
  // Arrow functions with a block body.
  for (const m of code.matchAll(/=>\s*\{/g)) {
    const start = arrowStart(code, m.index!);
    add(arrowName(code, start), start, m.index! + m[0].length - 1);
  }
  return spans.sort((a, b) => a.at - b.at).map(({ name, line, lines }) => ({ name, line, lines }));
}

/** Where the parameters of the arrow function whose `=>` is at `arrow` start. */
function arrowStart(code: string, arrow: number): number {
  let k = arrow - 1;
  while (k >= 0 && /\s/.test(code[k])) k--;
  if (code[k] === ")") {
    const open = opening(code, k);
    if (open < 0) return arrow;
    k = open;
    const before = code.slice(0, k).match(/async\s*$/); // async (x) => {
    return before ? k - before[0].length : k;
  }
  while (k > 0 && /[\w$]/.test(code[k - 1])) k--; // x => {
  return k;
}

/** The name an arrow function starting at `start` gets: what it is assigned to, or what it is passed to. */
function arrowName(code: string, start: number): string {
  const assigned = assignedName(code, start);
  if (assigned) return assigned;
  const lineStart = code.lastIndexOf("\n", start - 1) + 1;
  const before = code.slice(lineStart, start);
  const call = before.match(/([\w$.]+)\s*\([^()]*$/); // f(a, (x) => {
  return call ? `${call[1].replace(/^\./, "")} callback` : "arrow function";
}

/** The name a function expression starting at `start` is assigned to (`const f = `, `f: `), or "". */
function assignedName(code: string, start: number): string {
  const lineStart = code.lastIndexOf("\n", start - 1) + 1;
  const before = code.slice(lineStart, start);
  return before.match(/([#\w$]+)\s*(?::[^=]*)?[=:]\s*(?:async\s*)?$/)?.[1] ?? "";
}
