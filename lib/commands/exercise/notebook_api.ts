/**
 * The API the cells of the exercise notebooks
 * (`chapters/notebooks/exercises/`) call: the exercise's input, the check
 * each gradient's cell runs, and the summary cell's table. A cell is judged on its own, like a line of
 * `deno task exercise N`: {@linkcode checkOne} gives the verdict and the
 * diagnosis, and a wrong or unfinished gradient hands the cells below the
 * correct value, so one mistake never cascades.
 *
 * @example
 * ```ts
 * // The first cells of exercise 3's notebook:
 * import { exerciseInput, notebookChecker, notebookSummary } from "./notebook_api.ts";
 * import { todo } from "../../exercise/checker.ts";
 * const { fwd } = exerciseInput();
 * const check = notebookChecker(3);
 * const dlogprobs = check("dlogprobs", todo(fwd.logprobs)); // prints "dlogprobs: TODO" and what to do
 * console.log(notebookSummary(3)); // the table, dlogprobs TODO and the rest not reached
 * ```
 * @module
 */

import { type ExerciseInput, isDone, type Verdict } from "../../exercise/checker.ts";
import { clone, Tensor } from "../../tensor.ts";
import { wrap } from "../../report/print.ts";
import { formatVerdicts } from "../../exercise/verdicts.ts";
import { checkOne, exerciseInput as freshInput, specOf, upstreamFor } from "./context.ts";

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
 * Checks gradient `name` of exercise `chapter` as a notebook cell computed
 * it (from correct upstream values, which the cells above handed on).
 *
 * @example
 * ```ts
 * import { todo } from "../../exercise/checker.ts";
 * const { fwd } = exerciseInput();
 * const { text, value } = checkCell(3, "dlogprobs", todo(fwd.logprobs));
 * value.shape; // [32, 27]: the correct dlogprobs, for the cells below
 * text; // "dlogprobs: TODO\n\nReplace todo(…) with your dlogprobs and run this cell again. …"
 * ```
 */
export function checkCell(chapter: number, name: string, yours: unknown): CellCheck {
  const correct = upstreamFor(chapter)[name];
  const stuck = ` Stuck? deno task exercise ${chapter} --hint ${name}`;
  const handOn = ` The cells below get the correct ${name}.`;
  if (!(yours instanceof Tensor)) {
    const detail = `it is ${yours === null ? "null" : typeof yours}, not a Tensor`;
    const verdict: Verdict = { name, status: "wrong", detail };
    return {
      verdict,
      text: `${name}: wrong. ${detail}\n\n${wrap(`Fix ${name}.${handOn}${stuck}`)}`,
      value: clone(correct),
    };
  }
  const { verdict, text } = checkOne(chapter, name, yours);
  if (isDone(verdict)) return { verdict, text: `${text}\n\n${name} is right.`, value: yours };
  const next = verdict.status === "TODO"
    ? `Replace todo(…) with your ${name} and run this cell again.`
    : `Fix ${name} and run this cell again.`;
  // A copy: the correct tensor is the exercise context's own reference, which a cell must not be able to edit.
  return { verdict, text: `${text}\n\n${wrap(next + handOn + stuck)}`, value: clone(correct) };
}

/** The last verdict of each gradient, by exercise, for {@linkcode notebookSummary}. */
const verdicts = new Map<number, Map<string, Verdict>>();

/**
 * The check a notebook's gradient cells call: `let dprobs = check("dprobs", …);`
 * prints the cell's verdict and returns the tensor the cells below should use
 * (yours when right, the correct one when wrong or TODO).
 *
 * @example
 * ```ts
 * import { mul, oneHot, pow } from "../../tensor.ts";
 * const { fwd, batch, n } = exerciseInput();
 * const check = notebookChecker(3);
 * const dlogprobs = check("dlogprobs", mul(oneHot(batch.Yb, 27), -1 / n)); // prints "dlogprobs: exact" …
 * const dprobs = check("dprobs", mul(pow(fwd.probs, -1), dlogprobs)); // prints "dprobs: approximately equal" …
 * ```
 */
export function notebookChecker(chapter: number): (name: string, yours: Tensor) => Tensor {
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
