/**
 * A chapter's notebook, made from the chapter's own source so that the two
 * never disagree. The module doc and the `//` prose become markdown cells;
 * the declarations become code cells. A function whose body is divided by
 * `// ###` headings (the backward passes of chapters 3 to 6, the forward pass
 * of chapter 2) is laid out like the lecture's cells: the batch and the
 * forward pass first, then each heading's prose and its few lines of code in
 * a cell of their own, ending with the row of the lecture's table for every
 * gradient that cell finishes. The chapter's `run()` comes last, one cell per
 * paragraph: what `deno task chapter N` prints.
 *
 * @example
 * ```ts
 * import { chapterNotebook } from "./chapter.ts";
 * import text from "../../chapters/03_cross_entropy.ts" with { type: "text" };
 * const nb = chapterNotebook({ path: "chapters/03_cross_entropy.ts", text }, "chapters/notebooks");
 * ```
 * @module
 */

import { GRADIENT_NAMES } from "../check/reference.ts";
import { type Cell, code, markdown, type Notebook, notebook } from "./ipynb.ts";
import {
  chapterNumber,
  commentText,
  dedent,
  type Item,
  moveImport,
  outsideTemplates,
  parseModule,
  trimBlank,
} from "./source.ts";

/** A source file: its path from the repository's root, and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

/** How a notebook cell gets each argument a lesson function can take. */
const GIVEN: Record<string, { line: string; needs: string[] }> = {
  params: { line: "", needs: [] },
  Xb: { line: "", needs: [] },
  Yb: { line: "", needs: [] },
  fwd: { line: "", needs: [] },
  dlogits: { line: "const { dlogits } = backpropCrossEntropy(fwd, Yb); // [n, 27]", needs: [] },
  dhpreact: { line: "const { dhpreact } = backpropOutputLayer(dlogits, fwd, params); // [n, 64]", needs: ["dlogits"] },
  dhprebn: { line: "const { dhprebn } = backpropBatchnorm(dhpreact, fwd, params); // [n, 64]", needs: ["dhpreact"] },
};

/** Where the functions the setup cell calls live. */
const PROVIDERS: Record<string, string> = {
  setup: "chapters/01_data_and_model.ts",
  lectureForward: "chapters/02_forward.ts",
  backpropCrossEntropy: "chapters/03_cross_entropy.ts",
  backpropOutputLayer: "chapters/04_output_layer.ts",
  backpropBatchnorm: "chapters/05_batchnorm.ts",
  referenceGradients: "lib/check/reference.ts",
  checkStage: "lib/check/stage.ts",
};

/** A function whose body the notebook spreads over cells. */
interface Unrolled {
  name: string;
  params: string[];
  body: string[];
  /** The object literal of its `return` statement, e.g. `{ dh, dW2, db2, dhpreact }`. */
  returns: string;
}

/** The function's body, dedented, and its returned object; undefined unless it has `// ###` sections. */
function unrollable(item: Item): Unrolled | undefined {
  if (item.kind !== "declaration" || !item.body || !item.params || item.name === "run") return undefined;
  if (!item.body.some((l) => l.startsWith("  // ### "))) return undefined;
  if (!item.params.every((p) => p in GIVEN)) return undefined;
  const body = dedent(item.body, 2);
  const at = body.findIndex((l) => l.startsWith("return {"));
  if (at === -1) return undefined;
  const returns = body.slice(at).join(" ").replace(/^return /, "").replace(/;\s*$/, "").replace(/\s+/g, " ");
  return { name: item.name, params: item.params, body: body.slice(0, at), returns };
}

/** The gradients a cell's code assigns at column 0 (`const dx = …`, `dx = …`), in order. */
function assigned(codeLines: string[]): string[] {
  return codeLines.flatMap((l) => l.match(/^(?:const |let )?(d[A-Za-z0-9]+) = /)?.[1] ?? []);
}

/** The lecture's name for the tensor whose gradient is `dname`, if it is one of the table's 26. */
function tableName(dname: string): string | undefined {
  const name = dname.slice(1);
  return (GRADIENT_NAMES as readonly string[]).includes(name) ? name : undefined;
}

/** A `// ###` section of an unrolled function: its heading's prose and its code. */
interface Section {
  prose: string[];
  code: string[];
}

/** The body split at its `// ###` headings; the first section holds what comes before the first heading. */
function sectionsOf(body: string[]): Section[] {
  const sections: Section[] = [{ prose: [], code: [] }];
  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (line.startsWith("// ### ")) {
      const prose: string[] = [];
      while (i < body.length && body[i].startsWith("//")) prose.push(body[i++]);
      sections.push({ prose, code: [] });
      i--;
    } else {
      sections.at(-1)!.code.push(line);
    }
  }
  return sections;
}

/**
 * The two cells an unrolled function's cells start with: a markdown cell that
 * says what they need, and a code cell that makes it (the lecture's first
 * batch, its forward pass, the gradient flowing in, the reference gradients
 * when `checked`); and the functions that code calls.
 */
function setupCells(fn: Unrolled, checked: boolean): { cells: Cell[]; calls: string[] } {
  const needed = new Set<string>();
  const need = (p: string) => {
    needed.add(p);
    GIVEN[p].needs.forEach(need);
  };
  fn.params.forEach(need);
  const upstream = Object.keys(GIVEN).filter((p) => needed.has(p) && GIVEN[p].line !== "");
  const withFwd = needed.has("fwd") || upstream.length > 0;
  const setup = [
    withFwd
      ? "const { params, batch, fwd } = lectureForward(); // chapter 2's forward pass of the lecture's first batch"
      : "const { params, batch } = setup(); // chapter 1's parameters and first batch",
    "const { Xb, Yb } = batch; // [32, 3], [32]",
    ...(checked
      ? ["const ref = referenceGradients(params, Xb, Yb); // TensorFlow.js's autograd, to check against"]
      : []),
    ...upstream.map((p) => GIVEN[p].line),
  ];
  const calls = [withFwd ? "lectureForward" : "setup", ...(checked ? ["referenceGradients", "checkStage"] : [])];
  calls.push(...upstream.map((p) => GIVEN[p].line.match(/= (\w+)\(/)![1]));
  const intro = markdown(
    `The cells below are the body of \`${fn.name}\`, one step at a time. They need what it receives (${
      fn.params.map((p) => `\`${p}\``).join(", ")
    }): the lecture's first batch${withFwd ? " and its forward pass" : ""}${
      upstream.length > 0 ? ", and the gradient flowing in from the chapter before" : ""
    }.`,
  );
  return { cells: [intro, code(setup.join("\n"))], calls };
}

/** The cells of an unrolled lesson function: the setup, then a markdown and a code cell per `###` section. */
function unrolledCells(fn: Unrolled): { cells: Cell[]; calls: string[] } {
  const sections = sectionsOf(fn.body);
  // Each gradient's row goes under the cell that assigns it last.
  const lastCell = new Map<string, number>();
  sections.forEach((s, k) => assigned(s.code).forEach((d) => lastCell.set(d, k)));
  const rows = (k: number) =>
    [...lastCell].filter(([d, at]) => at === k && tableName(d)).map(([d]) => `${tableName(d)}: ${d}`);
  const anyRows = [...lastCell.keys()].some((d) => tableName(d));
  const { cells, calls } = setupCells(fn, anyRows);
  sections.forEach((s, k) => {
    if (s.prose.length > 0) cells.push(markdown(commentText(s.prose)));
    const lines = trimBlank(s.code);
    const r = rows(k);
    if (r.length > 0) {
      lines.push("", `void checkStage({ ${r.join(", ")} }, ref); // this step's row of the lecture's table`);
    }
    // A function with no gradients to check (the forward pass) shows what its last step computed.
    const last = lines.findLast((l) => /^const \w+ = /.test(l))?.match(/^const (\w+)/)?.[1];
    if (!anyRows && k === sections.length - 1 && last) lines.push("", `console.log("${last} =", ${last});`);
    if (lines.length > 0) cells.push(code(lines.join("\n")));
  });
  return { cells, calls };
}

/**
 * The body of `run()` as cells: a `// ##` comment becomes markdown, a blank
 * line between statements starts a new cell, `heading(…)` is left out (the
 * notebook's title says it), a call of an unrolled function uses the cells'
 * own results, and a `return` of a failed check throws, so that a notebook
 * whose checks fail stops with an error.
 */
function runCells(body: string[], chapter: number, unrolled: Unrolled[]): Cell[] {
  const lines = dedent(body, 2);
  const outside = outsideTemplates(lines);
  const cells: Cell[] = [];
  let current: string[] = [];
  const flush = () => {
    const text = trimBlank(current);
    if (text.length > 0) cells.push(code(text.join("\n")));
    current = [];
  };
  const failed = `throw new Error("A check of chapter ${chapter} failed: see the output above.")`;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (!outside[i]) {
      current.push(line);
    } else if (line.startsWith("// ## ")) {
      flush();
      const prose: string[] = [];
      while (i < lines.length && lines[i].startsWith("//")) prose.push(lines[i++]);
      i--;
      cells.push(markdown(commentText(prose)));
    } else if (line.trim() === "" && /^\S/.test(lines[i + 1] ?? "")) {
      flush();
    } else if (/^heading\(/.test(line)) {
      continue;
    } else {
      for (const fn of unrolled) {
        line = line.replace(new RegExp(`^const (\\w+) = ${fn.name}\\(.*\\);`), `const $1 = ${fn.returns};`);
      }
      line = line.replace(/\breturn false;/, `${failed};`);
      const ret = line.match(/^(\s*)return (.*);$/);
      if (ret) {
        if (ret[2] === "true") continue;
        const cond = /^\w+$/.test(ret[2]) ? `!${ret[2]}` : `!(${ret[2]})`;
        line = `${ret[1]}if (${cond}) ${failed};`;
      }
      current.push(line);
    }
  }
  flush();
  return cells;
}

/** Whether `name` is imported by one of the statements. */
function imported(imports: string[], name: string): boolean {
  return imports.some((s) => new RegExp(`[{,\\s]${name}[,}\\s]`).test(s));
}

/**
 * The notebook of a chapter, for the directory `dir` (relative to the
 * repository, like the chapter's path).
 *
 * @example
 * ```ts
 * import text from "../../chapters/07_fused_cross_entropy.ts" with { type: "text" };
 * const nb = chapterNotebook({ path: "chapters/07_fused_cross_entropy.ts", text }, "chapters/notebooks");
 * nb.cells[0].cell_type; // "markdown"
 * ```
 */
export function chapterNotebook(chapter: SourceFile, dir: string): Notebook {
  const number = chapterNumber(chapter.path);
  const { doc, imports, items } = parseModule(chapter.text);
  const unrolled = items.map(unrollable).filter((u): u is Unrolled => u !== undefined);
  const cells: Cell[] = [];
  const extraImports: string[] = [];
  const file = chapter.path.split("/").at(-1);
  cells.push(markdown(
    `${doc}\n\n*This notebook is made from [\`${chapter.path}\`](${
      moveImport(`from "./${file}"`, chapter.path, dir).slice(6, -1)
    }) by \`deno task notebooks\`: to change it, change the chapter. Run the cells from the top; edit one and run it again to see what changes.*`,
  ));
  const importCell = cells.push(code("")) - 1;
  let run: Item | undefined;
  for (const item of items) {
    if (item.kind === "comment") {
      cells.push(markdown(item.text));
      continue;
    }
    if (item.name === "title") continue;
    if (item.name === "run") {
      run = item;
      continue;
    }
    const fn = unrolled.find((u) => u.name === item.name);
    if (!fn) {
      cells.push(code(item.text));
      continue;
    }
    const { cells: own, calls } = unrolledCells(fn);
    cells.push(...own);
    // The rest of the chapter calls the function itself: it comes from the chapter's module.
    extraImports.push(moveImport(`import { ${fn.name} } from "./${file}";`, chapter.path, dir));
    for (const call of calls) {
      if (imported([...imports, ...extraImports], call)) continue;
      extraImports.push(moveImport(`import { ${call} } from "./${PROVIDERS[call]}";`, "x", dir));
    }
  }
  if (run?.kind === "declaration" && run.body) {
    cells.push(
      markdown(`## Running the chapter\n\nWhat \`deno task chapter ${number}\` prints, a paragraph at a time.`),
    );
    cells.push(...runCells(run.body, number, unrolled));
  }
  cells[importCell] = code([...imports.map((s) => moveImport(s, chapter.path, dir)), ...extraImports].join("\n"));
  return notebook(cells);
}
