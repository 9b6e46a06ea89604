/**
 * What the exercise notebooks call: the exercise's input, and the check that
 * runs under each gradient's cell. Every notebook check goes through
 * {@linkcode notebookVerdict}, built on the same checker and formatting as
 * `deno task exercise N`, so the two never give different verdicts.
 *
 * @example
 * ```ts
 * import { checkInNotebook, exerciseInput } from "./notebook_check.ts";
 * const { fwd, batch, n } = exerciseInput();
 * checkInNotebook(3, { dlogprobs }, "dlogprobs");
 * ```
 * @module
 */

import { checkExercise, type ExerciseInput, isDone, verdictText } from "../exercise/checker.ts";
import type { Tensor } from "../tensor.ts";
import { wrap } from "../report/print.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { exerciseContext, formatVerdicts } from "./exercise.ts";

/**
 * What every exercise receives, as `deno task exercise N` gives it: the
 * lecture's forward pass and the correct upstream gradients.
 *
 * @example
 * ```ts
 * const { fwd, batch, n } = exerciseInput();
 * ```
 */
export function exerciseInput(): ExerciseInput {
  return exerciseContext().input;
}

/**
 * The verdict on a learner's gradients of exercise `chapter`, from the
 * checker of `deno task exercise N`: with `only`, that one gradient's verdict
 * and diagnosis; without, the whole exercise's table and what to do next.
 * `yours` holds the gradients computed so far, which the checker needs to
 * tell a wrong gradient from one computed from a wrong input (waiting).
 *
 * @example
 * ```ts
 * notebookVerdict(3, { dlogprobs: todo(logprobs) }, "dlogprobs"); // "dlogprobs: TODO\n\nReplace todo(…) …"
 * ```
 */
export function notebookVerdict(chapter: number, yours: Record<string, Tensor | undefined>, only?: string): string {
  const spec = EXERCISES[chapter];
  if (!spec) throw new RangeError(`There is no exercise ${chapter}: exercises are chapters 3 to 8`);
  const { input, ref } = exerciseContext();
  const verdicts = checkExercise(spec, yours, input, ref);
  if (only === undefined) return formatVerdicts(spec, verdicts);
  const verdict = verdicts.find((v) => v.name === only);
  if (!verdict) {
    throw new RangeError(
      `Exercise ${chapter} has no gradient ${only}: its gradients are ${spec.gradients.map((g) => g.name).join(", ")}`,
    );
  }
  const next = verdict.status === "TODO"
    ? `Replace todo(…) with your ${only} and run this cell again.`
    : isDone(verdict)
    ? `${only} is right.`
    : `Fix ${verdict.status === "waiting" ? "the gradient it waits on" : only} and run the cells again.`;
  const stuck = isDone(verdict) ? "" : ` Stuck? deno task exercise ${chapter} --hint ${only}`;
  return `${verdictText(verdict)}\n\n${wrap(next + stuck)}`;
}

/**
 * Prints {@linkcode notebookVerdict} under the cell that calls it.
 *
 * @example
 * ```ts
 * checkInNotebook(3, { dlogprobs, dprobs }, "dprobs");
 * ```
 */
export function checkInNotebook(chapter: number, yours: Record<string, Tensor | undefined>, only?: string): void {
  console.log(notebookVerdict(chapter, yours, only));
}
