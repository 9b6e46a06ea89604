/**
 * A notebook cell's gradient as a module to type-check. Deno's Jupyter
 * kernel runs a cell without checking its types, so `bngain * dhpreact`
 * there is a number, not an error. An exercise notebook's cell hands its
 * gradient to the check as a function, `check("dbnraw", () => …)`, whose text
 * (`fn.toString()`) this module puts where the exercise's stub has the
 * gradient's `todo(…)` line: every name the cells above define is declared
 * there with its type, as in a learner's file, so type-checking that module
 * gives the cell's errors as `deno task exercise N` gives a file's. The
 * places of those errors are mapped back into the function's own text.
 *
 * No `Deno` API: the type check itself runs in lib/commands/exercise/.
 *
 * @example
 * ```ts
 * import { cellModule, placeInCell } from "./cell_source.ts";
 * const stub = 'import { todo } from "./checker.ts";\nexport function gradients() {\n  const dx = todo(x); // [n, 27]\n}\n';
 * const cell = cellModule(stub, "file:///w/chapters/exercises/03.ts", "dx", "() => a * b");
 * cell.code.split("\n")[2]; // "  const dx: Tensor = (() => a * b)(); // [n, 27]"
 * placeInCell(cell, 3, 30); // { line: 1, column: 7 }: the `a` of `a * b`
 * ```
 * @module
 */

import { instrument } from "./instrument.ts";

/** The module that holds a cell's function where its gradient's `todo(…)` line was. */
export interface CellModule {
  /** The module's text (its relative imports made absolute). */
  code: string;
  /** The function's lines, as the cell gave its text. */
  source: string[];
  /** The 1-based line of `code` where the function starts. */
  line: number;
  /** The 1-based column of `code` where the function's first character is. */
  column: number;
}

/**
 * The stub `stub` (at `stubUrl`) with the line `const NAME = todo(…);` of
 * gradient `name` replaced by `const NAME: Tensor = (SOURCE)();`, so that the
 * function's result must be a Tensor; a RangeError when the stub has no such line.
 *
 * @example
 * ```ts
 * const stub = "export function gradients() {\n  const dx = todo(x);\n}\n";
 * cellModule(stub, "file:///w/x.ts", "dx", "() => {\n  return a;\n}").source.length; // 3
 * ```
 */
export function cellModule(stub: string, stubUrl: string, name: string, source: string): CellModule {
  const lines = stub.split("\n");
  const at = lines.findIndex((l) => new RegExp(`^\\s*const ${name} = todo\\(`).test(l));
  if (at === -1) throw new RangeError(`The stub has no line \`const ${name} = todo(…)\``);
  const indent = lines[at].match(/^\s*/)![0];
  const comment = lines[at].match(/;(\s*\/\/.*)$/)?.[1] ?? "";
  const head = `${indent}const ${name}: Tensor = (`;
  lines[at] = `${head}${source})();${comment}`;
  const code = instrument(lines.join("\n"), stubUrl, [], "__cell").code;
  return { code, source: source.split("\n"), line: at + 1, column: head.length + 1 };
}

/**
 * Where a place of the module (`line`, `column`, 1-based) is in the cell's
 * function: its line and column there, or undefined when the place is outside
 * it. A place before the function on its line (the declared name, where
 * "number is not assignable to Tensor" points) is the function's start.
 *
 * @example
 * ```ts
 * const cell = cellModule("  const dx = todo(x);\n", "file:///w/x.ts", "dx", "() =>\n  a * b");
 * placeInCell(cell, 2, 3); // { line: 2, column: 3 }
 * placeInCell(cell, 1, 9); // { line: 1, column: 1 }: the name dx, before the function
 * ```
 */
export function placeInCell(
  cell: CellModule,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  const inCell = line - cell.line + 1;
  if (inCell < 1 || inCell > cell.source.length) return undefined;
  if (inCell > 1) return { line: inCell, column };
  return { line: 1, column: Math.max(1, column - cell.column + 1) };
}
