/**
 * The type check of an exercise notebook's cell, as `deno task exercise N`
 * type-checks a file. The cell's function text goes into the exercise's stub
 * (lib/exercise/cell_source.ts), and `deno run --check` runs that module,
 * given as a `data:` URL, with no permissions: the module only declares
 * `gradients`, so nothing of the learner's runs there. The errors come back
 * in the learner's terms (lib/exercise/translate.ts), placed in the cell's
 * function. Deno's Jupyter kernel may start processes, so a cell can do this
 * synchronously; where `deno` cannot be started, there is no type check and
 * the cell is judged by its value alone.
 *
 * @example
 * ```ts
 * import { typeCheckCell } from "./cell_check.ts";
 * import { specOf } from "./context.ts";
 * // Needs --allow-run=deno:
 * const errors = typeCheckCell(specOf(5), "dbnraw", "() => bngain * dhpreact");
 * errors?.[0].text; // "`*` does not multiply tensors: write bngain.mul(dhpreact) or mul(bngain, dhpreact)"
 * ```
 * @module
 */

import type { ExerciseSpec } from "../../exercise/checker.ts";
import { parseDenoErrors } from "../../exercise/errors.ts";
import { cellModule, placeInCell } from "../../exercise/cell_source.ts";
import { explainErrors } from "../../exercise/translate.ts";
import { fromFileUrl } from "../../paths.ts";

const ROOT = fromFileUrl(new URL("../../../", import.meta.url));

/** One type error of a cell's function, in the learner's terms. */
export interface CellError {
  /** What it means and what to write instead. */
  text: string;
  /** Its 1-based line and column in the function's text. */
  line: number;
  column: number;
  /** That line of the function. */
  sourceLine: string;
}

/** deno's stderr for type-checking (and, when it passes, running) `code` with no permissions; undefined when deno cannot be started. */
function denoCheck(code: string): string | undefined {
  const url = `data:application/typescript;base64,${btoa(String.fromCharCode(...new TextEncoder().encode(code)))}`;
  try {
    const { stderr } = new Deno.Command("deno", {
      args: ["run", "--check", "--quiet", "--no-prompt", url],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    return new TextDecoder().decode(stderr);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) return undefined;
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * The type errors of gradient `name`'s cell function (its text, `source`)
 * in exercise `spec`, translated, their causes only; [] when there are none,
 * undefined when `deno` cannot be run here. Names the stub does not declare
 * (a helper from another cell), used or assigned, are left to the run to judge.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * // Needs --allow-run=deno:
 * typeCheckCell(specOf(3), "dprobs", "() => probs.pow(-1).mul(dlogprobs)"); // []
 * ```
 */
export function typeCheckCell(spec: ExerciseSpec, name: string, source: string): CellError[] | undefined {
  const cell = cellModule(
    spec.stub,
    new URL(`../../../chapters/exercises/${spec.file}`, import.meta.url).href,
    name,
    source,
  );
  const stderr = denoCheck(cell.code);
  if (stderr === undefined) return undefined;
  const moduleLines = cell.code.split("\n");
  const errors = parseDenoErrors(stderr).type.filter((e) => e.url.startsWith("data:"));
  const said = explainErrors(
    errors.map((e) => ({
      code: e.code,
      message: e.message,
      sourceLine: moduleLines[e.line - 1] ?? "",
      line: e.line,
      column: e.column,
    })),
    moduleLines,
  );
  return said.filter(({ rule }) => rule !== "unknown name" && rule !== "assigned without declaring").flatMap(
    ({ error, text }) => {
      const at = placeInCell(cell, error.line!, error.column);
      return at ? [{ text, ...at, sourceLine: cell.source[at.line - 1] }] : [];
    },
  );
}
