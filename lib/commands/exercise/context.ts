/**
 * The exercise context that `deno task exercise N` (the checker, outside the
 * learner's sandbox, which sends the sandbox only the input) and the
 * notebook cells share: what every exercise receives (the lecture's forward
 * pass and the correct upstream gradients),
 * TensorFlow.js's gradients of it, computed once, the exercises by chapter,
 * and the check of one gradient or of a whole learner's module in-process.
 *
 * @example
 * ```ts
 * import { checkOne, exerciseInput } from "./context.ts";
 * import { oneHot } from "../../tensor.ts";
 * const { batch } = exerciseInput();
 * checkOne(3, "dlogprobs", oneHot(batch.Yb, 27)).verdict.status; // "wrong" (the −1/n is missing)
 * ```
 * @module
 */

import {
  checkExercise,
  checkGradient,
  correctGradients,
  type ExerciseContext,
  type ExerciseInput,
  type ExerciseSpec,
  type Verdict,
} from "../../exercise/checker.ts";
import { verdictText } from "../../exercise/verdicts.ts";
import { type ExerciseNames, fileFit, fitLine } from "../../exercise/file_fit.ts";
import { referenceGradients } from "../../check/reference.ts";
import type { Tensor } from "../../tensor.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { lectureForward } from "../../../chapters/02_forward.ts";
import { backpropCrossEntropy } from "../../../chapters/03_cross_entropy.ts";
import { backpropOutputLayer } from "../../../chapters/04_output_layer.ts";
import { backpropBatchnorm } from "../../../chapters/05_batchnorm.ts";

/** A learner's module: a function from the forward context to named gradients. */
export interface LearnerModule {
  gradients(input: ExerciseInput): Record<string, Tensor | undefined>;
}

/**
 * What every exercise receives: the lecture's forward pass, and the correct
 * upstream gradients from the solved chapters. A fresh copy each call.
 *
 * @example
 * ```ts
 * const input = exerciseInput();
 * input.dlogits.shape; // [32, 27]
 * ```
 */
export function exerciseInput(): ExerciseInput {
  const { params, batch, fwd } = lectureForward();
  const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
  const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  const { dhprebn } = backpropBatchnorm(dhpreact, fwd, params);
  return { fwd, params, batch, n: batch.Xb.shape[0], dlogits, dhpreact, dhprebn };
}

let cachedContext: ExerciseContext | undefined;
/**
 * The lecture's forward pass and TensorFlow.js's gradients of it, computed
 * once: what the checks trust (a learner's code gets its own
 * {@linkcode exerciseInput}, so nothing it does can alter this).
 *
 * @example
 * ```ts
 * exerciseContext().ref.probs.shape; // [32, 27]
 * ```
 */
export function exerciseContext(): ExerciseContext {
  if (!cachedContext) {
    const input = exerciseInput();
    cachedContext = { input, ref: referenceGradients(input.params, input.batch.Xb, input.batch.Yb).grads };
  }
  return cachedContext;
}

const referenced = new Map<number, ExerciseContext>();
/**
 * What exercise `spec` is checked against: {@linkcode exerciseContext},
 * with the gradients the spec takes from elsewhere instead of TensorFlow.js
 * (exercise 9's parameter gradients, from the kernels' training step), each
 * computed once.
 *
 * @example
 * ```ts
 * contextFor(specOf(9)).ref.W1.shape; // [30, 64], from the kernels' step
 * ```
 */
export function contextFor(spec: ExerciseSpec): ExerciseContext {
  const base = exerciseContext();
  if (!spec.reference) return base;
  let context = referenced.get(spec.chapter);
  if (!context) {
    context = { input: base.input, ref: { ...base.ref, ...spec.reference(exerciseInput()) } };
    referenced.set(spec.chapter, context);
  }
  return context;
}

/**
 * The spec of exercise `chapter`; a RangeError naming the exercises when there is no such exercise.
 *
 * @example
 * ```ts
 * specOf(3).gradients[0].name; // "dlogprobs"
 * ```
 */
export function specOf(chapter: number): ExerciseSpec {
  const spec = EXERCISES[chapter];
  if (!spec) throw new RangeError(`There is no exercise ${chapter}: exercises are chapters 3 to 9`);
  return spec;
}

/**
 * The correct value of every gradient of exercise `chapter`, and of the
 * upstream gradients it starts from, by the learner's names: what a notebook
 * cell gets as its upstream values.
 *
 * @example
 * ```ts
 * upstreamFor(5).dhpreact.shape; // [32, 64]
 * ```
 */
export function upstreamFor(chapter: number): Record<string, Tensor> {
  return correctGradients(specOf(chapter), contextFor(specOf(chapter)));
}

/**
 * Checks one gradient in-process, as `deno task exercise N` checks its line:
 * the learner's tensor for gradient `name` of exercise `chapter`, computed
 * from the correct upstream values (see {@linkcode upstreamFor}), against
 * TensorFlow.js's. Returns the verdict and the text to show (a line with the
 * verdict, and the diagnosis or note). For a notebook cell.
 *
 * @example
 * ```ts
 * import { mul, pow } from "../../tensor.ts";
 * const { dlogprobs } = upstreamFor(3); // the correct upstream gradient
 * const { text } = checkOne(3, "dprobs", mul(pow(exerciseInput().fwd.probs, -1), dlogprobs));
 * text; // "dprobs: approximately equal (maxdiff 2.38e-7)"
 * ```
 */
export function checkOne(chapter: number, name: string, value: Tensor): { verdict: Verdict; text: string } {
  const verdict = checkGradient(specOf(chapter), name, value, contextFor(specOf(chapter)));
  return { verdict, text: verdictText(verdict) };
}

/**
 * Checks a learner's module in-process (no sandbox, no hooks: a gradient
 * computed from a wrong one waits on it) against TensorFlow.js's gradients.
 *
 * @example
 * ```ts
 * import * as stub from "../../../chapters/exercises/03_cross_entropy.ts";
 * checkLearner(specOf(3), stub).map((v) => v.status); // ["TODO", "TODO", …]
 * ```
 */
export function checkLearner(spec: ExerciseSpec, learner: LearnerModule): Verdict[] {
  // The learner gets a fresh input, so nothing it does can alter what the checks trust.
  const { input, ref } = contextFor(spec);
  return checkExercise(spec, learner.gradients(exerciseInput()), input, ref);
}

/** Every exercise's number, title, file and gradients: what the check of a file's fit needs. */
const exerciseNames = (): ExerciseNames[] =>
  Object.values(EXERCISES).map((s) => ({
    chapter: s.chapter,
    title: s.title,
    file: s.file,
    names: s.gradients.map((g) => g.name),
  }));

/**
 * The one line `deno task exercise N` prints before it checks a file that
 * looks like another exercise's (exercise 5's saved as exercise 8's, say):
 * the line an exercise page gives such a file when it is opened, from
 * `lib/exercise/file_fit.ts`; null when the file is this exercise's. The
 * file is still checked, as the page checks it.
 *
 * @example
 * ```ts
 * otherExerciseLine(specOf(8), specOf(8).stub, "08_fused_batchnorm.ts"); // null
 * otherExerciseLine(specOf(8), specOf(5).stub, "08_fused_batchnorm.ts")?.startsWith(
 *   "08_fused_batchnorm.ts is checked as exercise 8, but it seems to be exercise 5's file",
 * ); // true
 * ```
 */
export function otherExerciseLine(spec: ExerciseSpec, text: string, shown: string): string | null {
  const fit = fileFit(text, spec.chapter, exerciseNames());
  const off = fit.seemsFor ? fitLine(fit, spec.chapter) : null;
  return off === null ? null : `${shown} is checked as exercise ${spec.chapter}, but ${off}.`;
}
