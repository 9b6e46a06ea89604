/**
 * The learner's file as a check runs it, in the terminal's sandbox and in an
 * exercise page's worker alike: its gradients hooked
 * (lib/exercise/instrument.ts), its imports absolute, and two lines after
 * the learner's own that import the hooks and export gradients() for the
 * runner; and where a place in that program is in the learner's file.
 *
 * @example
 * ```ts
 * import { placeIn, prepareProgram } from "./prepared.ts";
 * const text = "const dprobs = f(x);\nexport function gradients() {}\n";
 * const prepared = prepareProgram(["dprobs"], "file:///x/03.ts", text, "file:///x/hooks.ts");
 * placeIn(prepared, "03.ts")({ line: 1, column: 16 }); // "03.ts:1:16"
 * ```
 * @module
 */

import { instrument, type Instrumented } from "./instrument.ts";
import type { Place } from "./judge.ts";

/** The learner's file as it runs: the rewritten text, and how to map places back. */
export interface Prepared extends Instrumented {
  /** The last line of the learner's own text (the lines after it are the checker's). */
  lastLine: number;
}

/**
 * The learner's `text`, read as the module at `url`, rewritten to run: the
 * gradients `names` hooked, its imports absolute, and two lines that import
 * the hooks (from `hooks`) and export gradients() as `__gradients`.
 *
 * @example
 * ```ts
 * const ready = prepareProgram(["dprobs"], "file:///x/03.ts", "export function gradients() {}\n", "file:///h.ts");
 * ready.code.includes("export const __gradients = "); // true
 * ready.lastLine; // 2
 * ```
 */
export function prepareProgram(names: string[], url: string, text: string, hooks: string): Prepared {
  const ready = instrument(text, url, names, "__exercise");
  const lastLine = text.split("\n").length;
  const code = `${ready.code}\nimport * as __exercise from "${hooks}";\n` +
    `export const __gradients = typeof gradients === "undefined" ? undefined : gradients;\n`;
  return { ...ready, code, lastLine };
}

/**
 * Where a place in the program is in the learner's file, named `shown`:
 * `shown:line:col`, or undefined for the lines the checker added.
 *
 * @example
 * ```ts
 * const prepared = { code: "", lines: {}, column: (_: number, c: number) => c, lastLine: 2 };
 * placeIn(prepared, "03.ts")({ line: 2, column: 5 }); // "03.ts:2:5"
 * placeIn(prepared, "03.ts")({ line: 3, column: 1 }); // undefined
 * ```
 */
export function placeIn(prepared: Pick<Prepared, "lastLine" | "column">, shown: string): Place {
  return (at) =>
    at.line <= prepared.lastLine ? `${shown}:${at.line}:${prepared.column(at.line, at.column)}` : undefined;
}
