/**
 * A chapter as a web page needs it: the cells of its notebook (made by
 * `lib/notebook/chapter.ts` from the chapter's own source, so that the page,
 * the notebook and `deno task chapter N` never disagree), and the same cells
 * as one runnable module for a Web Worker.
 *
 * The notebook's cells run one after another in one scope, like a Jupyter
 * kernel's, which allows a later cell to declare a name again (the chapter's
 * `run()` does `const { params, batch, fwd } = …` once more). In one module
 * that is an error, so the runnable module declares top-level names with
 * `var`, calls `cell(k)` before cell k so that what it prints goes under
 * that cell, and `done()` at the end. Pictures go through the page's own `showPicture`
 * (`run/picture.ts`) instead of the notebook's.
 *
 * @example
 * ```ts
 * import { chapterCells } from "./cells.ts";
 * const text = "/**\n * # Chapter 1. T\n * @module\n *\/\n\nconst a = 1;\n";
 * chapterCells({ path: "chapters/01_t.ts", text }, "site/.cells").cells.length; // 2
 * ```
 * @module
 */

import { posix } from "node:path";
import { chapterNotebook, type SourceFile } from "../notebook/chapter.ts";
import { cellText } from "../notebook/ipynb.ts";
import { moveImport, outsideTemplates, parseModule } from "../notebook/source.ts";

/** A piece of a chapter page, in order. */
export type PageCell =
  | { kind: "prose"; markdown: string }
  | { kind: "imports"; code: string }
  | { kind: "code"; code: string; run: number };

/** A chapter ready for its page. */
export interface ChapterCells {
  /** The chapter's number, from its file name. */
  number: number;
  /** The title, from the module doc's `# Chapter N. Title`. */
  title: string;
  /** The module doc: the chapter's introduction (markdown). */
  doc: string;
  /** The path of the chapter, from the repository's root. */
  path: string;
  /** The page's pieces: the module doc, the imports, then prose and code in the notebook's order. */
  cells: PageCell[];
  /** The runnable module: imports, then every code cell with `cell(k)` before it, then `done()`. */
  module: string;
  /** How many code cells the module runs (the `run` of the last one, plus one). */
  runs: number;
  /** Which runs are the chapter's `run()`, whose output is what `deno task chapter N` prints. */
  chapterRuns: number[];
}

/**
 * Where the runnable module's `cell` and `done` come from, relative to the repository.
 *
 * @example
 * ```ts
 * RUNTIME_MODULE; // "lib/site/run/runtime.ts"
 * ```
 */
export const RUNTIME_MODULE = "lib/site/run/runtime.ts";
/**
 * The page's `showPicture`, which the runnable module imports instead of the notebook's.
 *
 * @example
 * ```ts
 * PICTURE_MODULE; // "lib/site/run/picture.ts"
 * ```
 */
export const PICTURE_MODULE = "lib/site/run/picture.ts";

/**
 * The cell's top-level `const` and `let` declarations as `var`, so that a
 * later cell may declare the same name again (lines inside template literals
 * are text and stay as they are).
 *
 * @example
 * ```ts
 * shareScope("const a = 1;\nlet b = `\nconst c`;"); // "var a = 1;\nvar b = `\nconst c`;"
 * ```
 */
export function shareScope(code: string): string {
  const lines = code.split("\n");
  const outside = outsideTemplates(lines);
  return lines.map((line, k) => outside[k] ? line.replace(/^(?:const|let) /, "var ") : line).join("\n");
}

/**
 * An import statement of the notebook's import cell, for the runnable module:
 * the notebook's `showPicture` and `colorWanted` replaced by the page's (the
 * same names, from {@linkcode PICTURE_MODULE}).
 *
 * @example
 * ```ts
 * pictureImport('import { colorWanted, showPicture } from "../../lib/notebook/picture.ts";', "site/.cells");
 * // 'import { colorWanted, showPicture } from "../../lib/site/run/picture.ts";'
 * ```
 */
export function pictureImport(statement: string, dir: string, root = ""): string {
  const names = statement.match(/^import (\{[^}]*\}) from "[^"]*\/lib\/notebook\/picture\.ts";?\s*$/)?.[1];
  if (names === undefined) return statement;
  return moveImport(`import ${names} from "./${PICTURE_MODULE}";`, posix.join(root, "x"), dir);
}

/** The title in a module doc that starts `# Chapter N. Title`. */
function titleOf(doc: string, path: string): string {
  const title = doc.match(/^# Chapter \d+\. (.+)$/m)?.[1];
  if (!title) throw new SyntaxError(`${path}: its module doc does not start with "# Chapter N. Title"`);
  return title;
}

/**
 * A chapter's page cells and runnable module, for a module written in the
 * directory `dir`: relative to the repository, like the chapter's path, or
 * absolute with `root` the repository's absolute path.
 *
 * @example
 * ```ts
 * const text = "/**\n * # Chapter 1. T\n * @module\n *\/\n\n// ## Prose\n\nconst a = 1;\n";
 * const { module } = chapterCells({ path: "chapters/01_t.ts", text }, "site/.cells");
 * module.includes("cell(0);\nvar a = 1;"); // true
 * ```
 */
export function chapterCells(chapter: SourceFile, dir: string, root = ""): ChapterCells {
  const { doc, imports } = parseModule(chapter.text);
  const number = Number(chapter.path.match(/(\d+)_[^/]*$/)?.[1]);
  const title = titleOf(doc, chapter.path);
  const [, importCell, ...rest] =
    chapterNotebook({ path: posix.join(root, chapter.path), text: chapter.text }, dir).cells;
  const cells: PageCell[] = [{ kind: "prose", markdown: doc }];
  if (imports.length > 0) cells.push({ kind: "imports", code: imports.join("\n") });
  const body: string[] = [
    `import { cell, done } from "${
      moveImport(`from "./${RUNTIME_MODULE}"`, posix.join(root, "x"), dir).slice(6, -1)
    }";`,
    ...cellText(importCell).split(/\n(?=import )/).map((s) => pictureImport(s, dir, root)),
  ];
  const chapterRuns: number[] = [];
  let runs = 0;
  let inRun = false;
  for (const c of rest) {
    const text = cellText(c);
    if (c.cell_type === "markdown") {
      if (text.startsWith("## Running the chapter")) inRun = true;
      cells.push({ kind: "prose", markdown: text });
      continue;
    }
    if (inRun) chapterRuns.push(runs);
    cells.push({ kind: "code", code: text, run: runs });
    body.push("", `cell(${runs});`, shareScope(text));
    runs++;
  }
  body.push("", "done();");
  return { number, title, doc, path: chapter.path, cells, module: body.join("\n") + "\n", runs, chapterRuns };
}
