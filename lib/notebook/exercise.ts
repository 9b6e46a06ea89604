/**
 * An exercise's notebook, made from its stub (`chapters/exercises/NN_*.ts`):
 * the stub's doc, the forward pass it inverts, then one cell per gradient,
 * starting as the stub's `todo(…)` line, that checks itself when run and
 * prints the same verdict and diagnosis as `deno task exercise N`.
 *
 * @example
 * ```ts
 * import { exerciseNotebook } from "./exercise.ts";
 * const nb = exerciseNotebook(stub, [{ name: "dlogprobs", forward: "loss = …" }], "chapters/notebooks/exercises", check);
 * ```
 * @module
 */

import { code, markdown, type Notebook, notebook } from "./ipynb.ts";
import { dedent, moveImport, parseModule, trimBlank } from "./source.ts";
import type { SourceFile } from "./chapter.ts";

/** What the notebook says above a gradient's cell. */
export interface GradientNote {
  /** The learner's variable, e.g. `dprobs`. */
  name: string;
  /** The forward line it inverts. */
  forward: string;
}

/** The function the cells call to check themselves, and the module it comes from (relative to the repository). */
export interface CheckFunction {
  /** Its name; it is called as `name(chapter, { gradients… }, only?)`. */
  name: string;
  /** The function that gives the exercise's input, from the same module. */
  input: string;
  /** The module, e.g. `lib/commands/notebook_check.ts`. */
  module: string;
}

/**
 * The notebook of the exercise whose stub is `stub`, for the directory `dir`.
 *
 * @example
 * ```ts
 * const nb = exerciseNotebook(stub, notes, "chapters/notebooks/exercises", check);
 * nb.cells.length > notes.length; // true
 * ```
 */
export function exerciseNotebook(stub: SourceFile, notes: GradientNote[], dir: string, check: CheckFunction): Notebook {
  const chapter = Number(stub.path.match(/(\d+)_[^/]*$/)?.[1]);
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
      `${doc}\n\n## In this notebook\n\nRun the cells from the top. Under each gradient's cell is its verdict, the one ` +
        `\`deno task exercise ${chapter}\` gives: replace the \`todo(…)\` with your gradient and run the cell again. ` +
        `Hints stay in the terminal: \`deno task exercise ${chapter} --hint NAME\`.\n\n*This notebook is made from ` +
        `\`${stub.path}\` by \`deno task notebooks\`; your edits here are yours (save a copy under another name ` +
        `to keep them from \`git checkout\`).*`,
    ),
    code(
      [
        ...imports.map((s) => moveImport(s, stub.path, dir)),
        moveImport(`import { ${check.input}, ${check.name} } from "./${check.module}";`, "x", dir),
      ].join("\n"),
    ),
    markdown("The lecture's first batch, its forward pass, and the correct gradient flowing in from above:"),
    code([`const ${pattern} = ${check.input}();`, ...trimBlank(body.slice(0, firstTodo))].join("\n")),
  ];
  const done: string[] = [];
  for (const line of body.slice(firstTodo)) {
    const name = line.match(/^const (d\w+) = todo\(/)?.[1];
    if (!name) continue;
    done.push(name);
    const note = notes.find((n) => n.name === name);
    if (!note) throw new RangeError(`${stub.path}: the exercise has no gradient ${name}`);
    cells.push(markdown(`### \`${name}\`\n\n${name} inverts \`${note.forward}\`.`));
    cells.push(code(`${line}\n\n${check.name}(${chapter}, { ${done.join(", ")} }, "${name}");`));
  }
  cells.push(
    markdown(`## All together\n\nThe whole exercise, as \`deno task exercise ${chapter}\` prints it:`),
    code(`${check.name}(${chapter}, ${returned.replace(/^return /, "").replace(/;$/, "")});`),
  );
  return notebook(cells);
}
