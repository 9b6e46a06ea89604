/**
 * An exercise's notebook, made from its stub (`chapters/exercises/NN_*.ts`):
 * the stub's doc, the forward pass it inverts, then one cell per gradient,
 * starting as the stub's `todo(…)` line wrapped in the check
 * (`let dprobs = check("dprobs", () => todo(probs));`): the check
 * type-checks the function's text and runs it, prints the verdict and
 * diagnosis `deno task exercise N` gives that line, and hands the cells below
 * the correct value when the learner's is wrong or unfinished.
 *
 * @example
 * ```ts
 * import { exerciseNotebook } from "./exercise.ts";
 * const text = [
 *   "/**",
 *   " * # Exercise 7. Yours",
 *   " *",
 *   " * Replace each `todo(...)` with your gradient; `deno task exercise 7 --watch` checks it every time you save.",
 *   " * @module",
 *   " *" + "/",
 *   'import { type ExerciseInput, todo } from "../../lib/exercise/checker.ts";',
 *   "export function gradients({ fwd }: ExerciseInput) {",
 *   "  const { logits } = fwd;",
 *   "  const dlogits = todo(logits); // [n, 27]",
 *   "  return { dlogits };",
 *   "}",
 * ].join("\n");
 * const check = { name: "notebookChecker", input: "exerciseInput", summary: "notebookSummary", module: "lib/api.ts" };
 * const notes = [{ name: "dlogits", forward: "loss = cross_entropy(logits, Yb)" }];
 * const nb = exerciseNotebook({ path: "chapters/exercises/07_x.ts", text }, notes, "chapters/notebooks/exercises", check);
 * nb.cells.some((c) => c.source.join("") === 'let dlogits = check("dlogits", () => todo(logits)); // [n, 27]'); // true
 * ```
 * @module
 */

import { code, markdown, type Notebook, notebook } from "./ipynb.ts";
import { chapterNumber, dedent, moveImport, parseModule, trimBlank } from "./source.ts";
import type { SourceFile } from "./chapter.ts";
import { basename } from "node:path";

/** What the notebook says above a gradient's cell. */
export interface GradientNote {
  /** The learner's variable, e.g. `dprobs`. */
  name: string;
  /** The forward line it inverts. */
  forward: string;
}

/** The functions the cells call to check themselves, and the module they come from (relative to the repository). */
export interface CheckFunction {
  /** The function that makes the check, called as `const check = name(chapter)`. */
  name: string;
  /** The function that gives the exercise's input, from the same module. */
  input: string;
  /** The function that gives the whole exercise's table, called as `summary(chapter)`. */
  summary: string;
  /** The module, e.g. `lib/commands/exercise/notebook_api.ts`. */
  module: string;
  /**
   * For an exercise that trains the network (9): the function, from the same
   * module, that checks the learner's whole gradients() and trains with it,
   * called as `train(chapter, gradients)`.
   */
  train?: string;
}

/**
 * The stub's doc with its paragraphs on checking in the terminal replaced by
 * how a notebook checks: under each cell.
 */
function intro(doc: string, chapter: number, path: string): string {
  const paragraphs = doc.split("\n\n");
  const from = paragraphs.findIndex((p) => p.startsWith("Replace each `todo(...)`"));
  const to = paragraphs.findIndex((p) => p.includes("every time you save."));
  if (from === -1 || to < from) {
    throw new SyntaxError(
      `${path}: its doc must say how to check (from "Replace each \`todo(...)\`" to "every time you save.")`,
    );
  }
  const here = `Replace each \`todo(...)\` inside \`check("…", () => …)\` with your gradient and run its cell: the ` +
    `check type-checks your function as \`deno task exercise ${chapter}\` type-checks a file (Deno's kernel does not), ` +
    `so \`bngain * dhpreact\` or a PyTorch habit gets the same message, with the line and a caret; then it prints ` +
    `under the cell the verdict that command gives for that line, and the likely mistake when it is wrong. A gradient ` +
    `that takes several statements writes them in braces, \`() => { const t = …; return …; }\`, so that they are ` +
    `checked too. Stuck ` +
    `on one? In a terminal, the hints come in steps: \`deno task exercise ${chapter} --hint NAME\` gives the forward ` +
    `line and the shapes, \`--hint NAME --level 2\` the local derivative, \`--hint NAME --level 3\` the structure of ` +
    `the answer with its pieces named, and only \`--solution NAME\` the chapter's own line. ` +
    `\`deno task exercise --api\` lists every tensor operation, and the lecture's PyTorch as you write it here.`;
  return [...paragraphs.slice(0, from), here, ...paragraphs.slice(to + 1)].join("\n\n");
}

/** The imports cell: the stub's imports, then the check's functions, each moved to `dir`. */
function importCell(imports: string[], path: string, dir: string, check: CheckFunction): string {
  const names = [check.input, check.name, check.summary, ...(check.train ? [check.train] : [])];
  return [
    ...imports.map((s) => moveImport(s, path, dir)),
    moveImport(`import { ${names.join(", ")} } from "./${check.module}";`, "x", dir),
  ].join("\n");
}

/**
 * The notebook of the exercise whose stub is `stub`, for the directory `dir`.
 *
 * @example
 * ```ts
 * const text = "/**\n * # Exercise 4\n *\n * Replace each `todo(...)`; checked every time you save.\n * @module\n *" + "/\n" +
 *   "export function gradients({ fwd }: ExerciseInput) {\n  const dh = todo(fwd.h); // [n, 64]\n  return { dh };\n}\n";
 * const check = { name: "notebookChecker", input: "exerciseInput", summary: "notebookSummary", module: "lib/api.ts" };
 * const notes = [{ name: "dh", forward: "logits = h @ W2 + b2" }];
 * const nb = exerciseNotebook({ path: "chapters/exercises/04_x.ts", text }, notes, "chapters/notebooks/exercises", check);
 * nb.cells.length > notes.length; // true
 * ```
 */
export function exerciseNotebook(stub: SourceFile, notes: GradientNote[], dir: string, check: CheckFunction): Notebook {
  const chapter = chapterNumber(stub.path);
  const { doc, imports, items } = parseModule(stub.text);
  const fn = items.find((i) => i.kind === "declaration" && i.name === "gradients");
  if (fn?.kind !== "declaration" || !fn.body || !fn.params) {
    throw new SyntaxError(`${stub.path} has no function gradients(input) to make a notebook of`);
  }
  const pattern = fn.params[0];
  const body = dedent(fn.body, 2);
  const firstTodo = body.findIndex((l) => /^const d\w+ = todo\(/.test(l));
  const returned = body.find((l) => l.startsWith("return {"));
  if (firstTodo === -1 || !returned) {
    throw new SyntaxError(`${stub.path}: gradients() must assign each gradient with todo(…) and return them`);
  }
  const cells = [
    markdown(
      `${intro(doc, chapter, stub.path)}\n\n## In this notebook\n\nRun the cells from the top. Each gradient is ` +
        `judged on its own, like a line of \`deno task exercise ${chapter}\`: when one is wrong or still TODO, the ` +
        `cells below it get the correct value, so one mistake does not hide the rest.\n\n*This notebook is made from ` +
        `\`${stub.path}\` by \`deno task notebooks\`. To keep your work, save a copy in this same folder (File → ` +
        `Save As, e.g. \`mine_${basename(stub.path).replace(/\.ts$/, ".ipynb")}\`): its imports are relative, so a ` +
        `copy in another folder fails with \`Module not found\`.*`,
    ),
    code(importCell(imports, stub.path, dir, check)),
    markdown("The lecture's first batch, its forward pass, and the correct gradient flowing in from above:"),
    code(
      [
        `const ${pattern} = ${check.input}();`,
        `const check = ${check.name}(${chapter});`,
        ...trimBlank(body.slice(0, firstTodo)),
      ].join("\n"),
    ),
  ];
  for (const line of body.slice(firstTodo)) {
    const match = line.match(/^const (d\w+) = (todo\(.*?\));(.*)$/);
    if (!match) continue;
    const [, name, placeholder, comment] = match;
    const note = notes.find((n) => n.name === name);
    if (!note) throw new RangeError(`${stub.path}: the exercise has no gradient ${name}`);
    cells.push(markdown(`### \`${name}\`\n\n${name} inverts \`${note.forward}\`.`));
    cells.push(code(`let ${name} = check("${name}", () => ${placeholder});${comment}`));
  }
  cells.push(
    markdown(
      `## All together\n\nThe whole exercise, as \`deno task exercise ${chapter}\` prints it, from the last run ` +
        `of each cell above:`,
    ),
    code(`console.log(${check.summary}(${chapter}));`),
    ...(check.train ? trainingCells(stub, chapter, check.train) : []),
  );
  return notebook(cells);
}

/**
 * The cells that train with the learner's backward pass: the stub's whole
 * gradients() to fill in (the lines from the cells above, as one function),
 * then the call that checks it and trains the network with it.
 */
function trainingCells(stub: SourceFile, chapter: number, train: string) {
  const start = stub.text.indexOf("export function gradients(");
  const end = stub.text.indexOf("\n}\n", start);
  if (start === -1 || end === -1) throw new SyntaxError(`${stub.path} has no function gradients(input) to train with`);
  return [
    markdown(
      `## Training with your backward pass\n\nThe lecture's exercise 4. Write the lines of the cells above into ` +
        `one function, \`gradients\` below (it starts as the stub does: replace each \`todo(…)\`), and run the cell ` +
        `after it. It checks your function on the lecture's batch, as \`deno task exercise ${chapter}\` does; once ` +
        `every gradient is right, it trains the lecture's 200-unit network with it (chapter 2's forward pass, your ` +
        `backward pass) beside the kernels' run from the same start on the same batches, calibrates batchnorm, ` +
        `gives the loss on the training and validation sets, and samples names from both networks. Write sizes as ` +
        `the tensors give them, never as numbers: the check has 64 hidden units, the training 200.`,
    ),
    code(stub.text.slice(start + "export ".length, end + 2)),
    code(`${train}(${chapter}, gradients);`),
  ];
}
