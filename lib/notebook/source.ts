/**
 * Reading a chapter's source as a notebook needs it: the module doc, the
 * imports, and the top-level items in order (comment blocks, declarations
 * with their JSDoc). It relies on what `deno fmt` guarantees about the
 * chapters: a top-level declaration starts at column 0 and a block one ends
 * with `}` at column 0.
 *
 * @example
 * ```ts
 * import { parseModule } from "./source.ts";
 * import chapterText from "../../chapters/03_cross_entropy.ts" with { type: "text" };
 * const { doc, imports, items } = parseModule(chapterText);
 * doc.startsWith("# Chapter 3."); // true
 * ```
 * @module
 */

import { posix } from "node:path";

/** A top-level piece of a module. */
export type Item =
  | { kind: "comment"; text: string }
  | { kind: "declaration"; name: string; text: string; body?: string[]; params?: string[] };

/** A module split into its doc, its import statements and its items. */
export interface ParsedModule {
  /** The module's JSDoc as markdown (without `@module`). */
  doc: string;
  /** The import statements, as written. */
  imports: string[];
  /** Everything else, in order. */
  items: Item[];
}

/**
 * The text of a JSDoc comment's lines, without the stars and without its `@example` sections.
 *
 * @example
 * ```ts
 * jsdocText(["/**", " * Text.", " *", " * @example", " * f();", " *\/"]); // "Text."
 * ```
 */
export function jsdocText(lines: string[]): string {
  const out: string[] = [];
  let inExample = false;
  for (const raw of lines) {
    const line = raw.replace(/^\s*\/\*\*\s?/, "").replace(/\s*\*\/\s*$/, "").replace(/^\s*\*( |$)/, "");
    if (/^@example/.test(line)) inExample = true;
    else if (/^@/.test(line)) inExample = false;
    if (!inExample && !/^@module/.test(line)) out.push(line);
  }
  return out.join("\n").trim();
}

/**
 * The chapter number in a chapter's or stub's file name (NaN when it has none).
 *
 * @example
 * ```ts
 * chapterNumber("chapters/exercises/07_fused_cross_entropy.ts"); // 7
 * ```
 */
export function chapterNumber(path: string): number {
  return Number(path.match(/(\d+)_[^/]*$/)?.[1]);
}

/**
 * The text of a block of `//` comments, as markdown.
 *
 * @example
 * ```ts
 * commentText(["// ## The data", "//", "// Names."]); // "## The data\n\nNames."
 * ```
 */
export function commentText(lines: string[]): string {
  return lines.map((l) => l.replace(/^\s*\/\/ ?/, "")).join("\n").trim();
}

/** Index of the line that ends the statement starting at `start`: a `}` at column 0 for a block, else a `;`. */
function statementEnd(lines: string[], start: number): number {
  if (/[{(]\s*$/.test(lines[start]) && !/;\s*(\/\/.*)?$/.test(lines[start])) {
    for (let i = start + 1; i < lines.length; i++) if (/^[})]/.test(lines[i])) return i;
    throw new SyntaxError(`The block starting at line ${start + 1} never ends with a "}" at column 0`);
  }
  for (let i = start; i < lines.length; i++) if (/;\s*(\/\/.*)?$/.test(lines[i])) return i;
  throw new SyntaxError(`The statement at line ${start + 1} never ends with ";"`);
}

/** The parameter names of a function's first line, e.g. `function f(a: T, b: U): V {` gives [a, b]. */
function paramNames(header: string): string[] | undefined {
  const m = header.match(/^(?:export )?function \w+\((.*)\)/);
  if (!m) return undefined;
  return m[1].split(/,(?![^<{]*[>}])/).map((p) => p.trim().split(":")[0].trim()).filter((p) => p !== "");
}

/**
 * Splits a module's text into its doc, imports and top-level items.
 *
 * @example
 * ```ts
 * parseModule("/** # T\n * @module\n *\/\n\nconst a = 1;\n").items[0].kind; // "declaration"
 * ```
 */
export function parseModule(text: string): ParsedModule {
  const lines = text.split("\n");
  let doc = "";
  const imports: string[] = [];
  const items: Item[] = [];
  let pendingDoc: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "" || line.startsWith("// deno-lint-ignore")) {
      i++;
    } else if (line.startsWith("/**")) {
      const end = lines.findIndex((l, k) => k >= i && l.includes("*/"));
      const block = lines.slice(i, end + 1);
      if (block.some((l) => /@module/.test(l))) doc = jsdocText(block);
      else pendingDoc = block;
      i = end + 1;
    } else if (line.startsWith("//")) {
      const start = i;
      while (i < lines.length && lines[i].startsWith("//")) i++;
      items.push({ kind: "comment", text: commentText(lines.slice(start, i)) });
    } else if (line.startsWith("import ")) {
      const end = statementEnd(lines, i);
      imports.push(lines.slice(i, end + 1).join("\n"));
      i = end + 1;
    } else if (line.startsWith("if (import.meta.main")) {
      i = statementEnd(lines, i) + 1;
    } else {
      const end = statementEnd(lines, i);
      const name = line.match(/^(?:export )?(?:async )?(?:function|interface|type|const|let|class) (\w+)/)?.[1] ?? "";
      const own = [...lines.slice(i, end + 1)];
      own[0] = own[0].replace(/^export /, "");
      const jsdoc = pendingDoc.length > 0 ? jsdocText(pendingDoc) : "";
      const docLines = jsdoc === ""
        ? []
        : jsdoc.includes("\n")
        ? ["/**", ...jsdoc.split("\n").map((l) => ` * ${l}`.trimEnd()), " */"]
        : [`/** ${jsdoc} */`];
      const params = paramNames(line);
      const body = params && end > i ? lines.slice(i + 1, end) : undefined;
      items.push({ kind: "declaration", name, text: [...docLines, ...own].join("\n"), body, params });
      pendingDoc = [];
      i = end + 1;
    }
  }
  return { doc, imports, items };
}

/**
 * An import statement moved from a module at `from` to code run in the
 * directory `to` (both relative to the repository): its relative
 * specifiers are rewritten, bare ones (`"asciichart"`) kept.
 *
 * @example
 * ```ts
 * moveImport('import { a } from "../lib/x.ts";', "chapters/03.ts", "chapters/notebooks");
 * // 'import { a } from "../../lib/x.ts";'
 * ```
 */
export function moveImport(statement: string, from: string, to: string): string {
  return statement.replace(/from "(\.{1,2}\/[^"]+)"/, (_, spec: string) => {
    const target = posix.join(posix.dirname(from), spec);
    let rel = posix.relative(to, target);
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return `from "${rel}"`;
  });
}

/**
 * Removes `by` spaces of indentation from each line that has them, leaving
 * the lines inside template literals as they are (their spaces are text).
 *
 * @example
 * ```ts
 * dedent(["  a;", "  b;"], 2); // ["a;", "b;"]
 * ```
 */
export function dedent(lines: string[], by: number): string[] {
  const outside = outsideTemplates(lines);
  const pad = " ".repeat(by);
  return lines.map((line, k) => outside[k] && line.startsWith(pad) ? line.slice(by) : line);
}

/**
 * Whether each line starts outside a template literal (so a blank line
 * there is a real gap between statements).
 *
 * @example
 * ```ts
 * outsideTemplates(["say(`a", "", "b`);"]); // [true, false, false]
 * ```
 */
export function outsideTemplates(lines: string[]): boolean[] {
  let inTemplate = false;
  return lines.map((line) => {
    const outside = !inTemplate;
    if (inTemplate || !line.trim().startsWith("//")) {
      const ticks = (line.replace(/\\`/g, "").match(/`/g) ?? []).length;
      if (ticks % 2 === 1) inTemplate = !inTemplate;
    }
    return outside;
  });
}

/**
 * The lines without blank ones at either end.
 *
 * @example
 * ```ts
 * trimBlank(["", "a;", ""]); // ["a;"]
 * ```
 */
export function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === "") a++;
  while (b > a && lines[b - 1].trim() === "") b--;
  return lines.slice(a, b);
}
