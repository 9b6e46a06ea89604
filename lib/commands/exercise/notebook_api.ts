/**
 * The API the cells of the exercise notebooks
 * (`chapters/notebooks/exercises/`) call: the exercise's input, the check
 * each gradient's cell runs, and the summary cell's table. A cell is judged
 * on its own, like a line of `deno task exercise N`: it hands the check its
 * gradient as a function, `() => …`, whose text is type-checked as a file's
 * is (cell_check.ts), so `bngain * dhpreact` gets the same message; then
 * {@linkcode checkOne} gives the verdict and the diagnosis, and a wrong or
 * unfinished gradient hands the cells below the correct value, so one
 * mistake never cascades. Exercise 9's notebook ends with the whole
 * backward pass as one function, which {@linkcode trainInNotebook} checks
 * and trains the network with.
 *
 * @example
 * ```ts
 * // The first cells of exercise 3's notebook:
 * import { exerciseInput, notebookChecker, notebookSummary } from "./notebook_api.ts";
 * import { todo } from "../../exercise/checker.ts";
 * const { fwd } = exerciseInput();
 * const check = notebookChecker(3);
 * const dlogprobs = check("dlogprobs", () => todo(fwd.logprobs)); // prints "dlogprobs: TODO" and what to do
 * console.log(notebookSummary(3)); // the table, dlogprobs TODO and the rest not reached
 * ```
 * @module
 */

import { type ExerciseInput, isDone, type Verdict } from "../../exercise/checker.ts";
import { clone, Tensor } from "../../tensor.ts";
import { wrap } from "../../report/print.ts";
import { formatVerdicts } from "../../exercise/verdicts.ts";
import { checkOne, exerciseInput as freshInput, specOf, upstreamFor } from "./context.ts";
import { typeCheckCell } from "./cell_check.ts";
import { editDistance } from "../../spelling.ts";
import { numberLiteralAdvice } from "../../exercise/literal.ts";

export { trainInNotebook } from "./notebook_training.ts";

/**
 * What every exercise receives, as `deno task exercise N` gives it: the
 * lecture's forward pass and the correct upstream gradients. A fresh copy
 * each call, not the one the checks trust, so a cell that edits it in
 * place cannot corrupt later checks.
 *
 * @example
 * ```ts
 * const { fwd, batch, n } = exerciseInput();
 * ```
 */
export function exerciseInput(): ExerciseInput {
  return freshInput();
}

/** One cell's check: the text under the cell, and the tensor the cells below it get. */
export interface CellCheck {
  /** The verdict, as `deno task exercise N` gives it for the same line. */
  verdict: Verdict;
  /** What the cell prints: {@linkcode checkOne}'s text, then what to do next. */
  text: string;
  /** The learner's tensor when it is right, else a copy of the correct one. */
  value: Tensor;
}

/**
 * What a cell's function came to: its value (and the gradients it used whose
 * cells have not run, lent their correct values), or why it was not judged
 * (a type error, an error it threw).
 */
type CellRun = { value: unknown; unrun?: string[] } | { failed: string; text: string };

/**
 * A line of a cell's function with a caret under `column`, below what the
 * error means. (The line is the function's text as the kernel hands it over,
 * transpiled, so its line numbers need not be the cell's.)
 */
function located(text: string, sourceLine: string, column: number): string {
  const caret = " ".repeat(Math.max(0, column - 1 - (sourceLine.length - sourceLine.trimStart().length))) + "^";
  return `${wrap(text)}\n    ${sourceLine.trim()}\n    ${caret}`;
}

/**
 * Runs a cell's function the way `deno task exercise N` runs a file: its
 * text type-checked first (see cell_check.ts), and run only when it has no
 * type error. The stub's own `() => todo(…)` is not type-checked.
 */
function runCellFunction(chapter: number, name: string, fn: () => unknown): CellRun {
  const source = fn.toString();
  if (!/^\(\)\s*=>\s*todo\([\w.]+\)$/.test(source.trim())) {
    const errors = typeCheckCell(specOf(chapter), name, source) ?? [];
    if (errors.length > 0) {
      const count = errors.length === 1 ? "a type error" : `${errors.length} type errors`;
      const each = errors.map((e) => located(e.text, e.sourceLine, e.column));
      return {
        failed: errors[0].text,
        text: `${name}: ${count}, so your function was not run:\n\n${each.join("\n\n")}`,
      };
    }
  }
  return runWithUpstream(chapter, name, fn);
}

/** The name a ReferenceError says is not defined, if it is one. */
function undefinedName(error: unknown): string | undefined {
  return error instanceof ReferenceError ? error.message.match(/^(\w+) is not defined$/)?.[1] : undefined;
}

/**
 * Runs a cell's function; where it uses a gradient of the exercise whose own
 * cell has not run (or failed: a syntax error such as `@` makes Deno's kernel
 * refuse a whole cell), it is run again with that gradient's correct value,
 * as `deno task exercise N` hands each line the correct upstream values, and
 * the cell says which cell to run first.
 */
function runWithUpstream(chapter: number, name: string, fn: () => unknown): CellRun {
  const upstream = upstreamFor(chapter);
  const lent: string[] = [];
  const global = globalThis as Record<string, unknown>;
  try {
    for (;;) {
      try {
        return { value: fn(), unrun: [...lent] };
      } catch (error) {
        const missing = undefinedName(error);
        if (!missing || missing === name || !(missing in upstream) || missing in global) {
          return threw(chapter, name, error);
        }
        Object.defineProperty(global, missing, { value: clone(upstream[missing]), configurable: true, writable: true });
        lent.push(missing);
      }
    }
  } finally {
    for (const missing of lent) delete global[missing];
  }
}

/** What a cell whose function threw `error` says. */
function threw(chapter: number, name: string, error: unknown): CellRun {
  const missing = undefinedName(error);
  const detail = missing ? notDefined(chapter, missing) : `your function threw: ${(error as Error).message}`;
  return { failed: detail, text: wrap(`${name}: wrong. ${detail}`) };
}

/**
 * What a cell says of the gradients `unrun` its function used whose cells
 * have not run: run them first; this one was checked with their correct values.
 *
 * @example
 * ```ts
 * unrunNote(["dprobs"]); // "dprobs's cell has not run (or failed): run it first. …"
 * ```
 */
export function unrunNote(unrun: string[]): string {
  const cells = unrun.length === 1 ? `${unrun[0]}'s cell has` : `the cells of ${unrun.join(" and ")} have`;
  const them = unrun.length === 1 ? "it" : "them";
  return wrap(
    `${cells} not run (or failed): run ${them} first. (A syntax error, such as \`a @ b\` for a.matmul(b), ` +
      `makes Deno's kernel refuse a whole cell and say only "Execution failed".) ` +
      `This cell was checked with the correct ${unrun.join(" and ")}:`,
  );
}

/** What to say of a name a cell's function used that no cell defined: a gradient of the exercise it is close to, or why. */
function notDefined(chapter: number, missing: string): string {
  const names = [...specOf(chapter).gradients.map((g) => g.name), ...specOf(chapter).given];
  const close = names.find((name) => name !== missing && editDistance(name, missing) <= 2);
  return close
    ? `${missing} is not defined: did you mean ${close}?`
    : `${missing} is not defined: is the cell that makes it below this one, not run yet, or stopped by an error (a syntax error such as @ stops a whole cell)?`;
}

/**
 * Why a value that is not a Tensor is wrong: a number literal (`() => 0`)
 * is said as the tensor it stands for, any other number as what an operator
 * on tensors makes.
 */
function notATensor(value: unknown, name: string, yours: unknown): string {
  const literal = typeof yours === "function" && typeof value === "number"
    ? numberLiteralAdvice(name, [`const ${name} = (${String(yours).trim()})();`])
    : undefined;
  if (literal) return literal;
  const what = value === null ? "null" : typeof value === "number" ? `a number (${value})` : typeof value;
  return typeof value === "number"
    ? `it is ${what}, not a Tensor: an operator on tensors (-x, a * b, a + b) makes a number in TypeScript. Write x.neg(), a.mul(b), a.add(b) where it is computed`
    : `it is ${what}, not a Tensor`;
}

/**
 * Checks gradient `name` of exercise `chapter` as a notebook cell computed
 * it (from correct upstream values, which the cells above handed on):
 * `yours` is the cell's function, `() => …`, type-checked and run as a file
 * is (see {@linkcode runCellFunction}), or the tensor itself.
 *
 * @example
 * ```ts
 * import { todo } from "../../exercise/checker.ts";
 * const { fwd } = exerciseInput();
 * const { text, value } = checkCell(3, "dlogprobs", () => todo(fwd.logprobs));
 * value.shape; // [32, 27]: the correct dlogprobs, for the cells below
 * text; // "dlogprobs: TODO\n\nReplace todo(…) with your dlogprobs and run this cell again. …"
 * ```
 */
export function checkCell(chapter: number, name: string, yours: unknown): CellCheck {
  const correct = upstreamFor(chapter)[name];
  const next = (what: string) =>
    wrap(`${what} The cells below get the correct ${name}. Stuck? deno task exercise ${chapter} --hint ${name}`);
  const run: CellRun = typeof yours === "function" ? runCellFunction(chapter, name, yours as () => unknown) : {
    value: yours,
  };
  if ("failed" in run) {
    const verdict: Verdict = { name, status: "wrong", detail: run.failed };
    return { verdict, text: `${run.text}\n\n${next(`Fix ${name} and run this cell again.`)}`, value: clone(correct) };
  }
  if (!(run.value instanceof Tensor)) {
    const detail = notATensor(run.value, name, yours);
    const verdict: Verdict = { name, status: "wrong", detail };
    return { verdict, text: `${wrap(`${name}: wrong. ${detail}`)}\n\n${next(`Fix ${name}.`)}`, value: clone(correct) };
  }
  const checked = checkOne(chapter, name, run.value);
  const { verdict } = checked;
  const text = run.unrun?.length ? `${unrunNote(run.unrun)}\n\n${checked.text}` : checked.text;
  if (isDone(verdict)) return { verdict, text: `${text}\n\n${name} is right.`, value: run.value };
  const what = verdict.status === "TODO"
    ? `Replace todo(…) with your ${name} and run this cell again.`
    : `Fix ${name} and run this cell again.`;
  // A copy: the correct tensor is the exercise context's own reference, which a cell must not be able to edit.
  return { verdict, text: `${text}\n\n${next(what)}`, value: clone(correct) };
}

/** The last verdict of each gradient, by exercise, for {@linkcode notebookSummary}. */
const verdicts = new Map<number, Map<string, Verdict>>();

/**
 * The check a notebook's gradient cells call: `let dprobs = check("dprobs", () => …);`
 * type-checks the function's text as a file's is checked, runs it, prints
 * the cell's verdict and returns the tensor the cells below should use
 * (yours when right, the correct one when wrong or TODO). A tensor instead
 * of a function is judged by its value alone.
 *
 * @example
 * ```ts
 * import { mul, oneHot, pow } from "../../tensor.ts";
 * const { fwd, batch, n } = exerciseInput();
 * const check = notebookChecker(3);
 * // Prints "dlogprobs: exact (maxdiff 0)", then what to do next.
 * const dlogprobs = check("dlogprobs", () => mul(oneHot(batch.Yb, 27), -1 / n));
 * // Prints "dprobs: approximately equal (maxdiff 2.38e-7)", then what to do next.
 * const dprobs = check("dprobs", mul(pow(fwd.probs, -1), dlogprobs));
 * ```
 */
export function notebookChecker(chapter: number): (name: string, yours: Tensor | (() => Tensor)) => Tensor {
  specOf(chapter); // throws now, when there is no such exercise, not at the first cell
  return (name, yours) => {
    const { verdict, text, value } = checkCell(chapter, name, yours);
    if (!verdicts.has(chapter)) verdicts.set(chapter, new Map());
    verdicts.get(chapter)!.set(name, verdict);
    console.log(text);
    return value;
  };
}

/**
 * The whole exercise as `deno task exercise N` prints it, from the last
 * check of each gradient's cell (a cell not run yet is "not reached").
 *
 * @example
 * ```ts
 * notebookSummary(7); // "gradient  status\ndlogits   not reached\n\n0 of 1 done. Next: dlogits (stuck? …)"
 * ```
 */
export function notebookSummary(chapter: number): string {
  const spec = specOf(chapter);
  const seen = verdicts.get(chapter) ?? new Map<string, Verdict>();
  return formatVerdicts(
    spec,
    spec.gradients.map((g): Verdict => seen.get(g.name) ?? { name: g.name, status: "unreached", detail: "" }),
  );
}
