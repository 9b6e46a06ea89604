/**
 * Exercise 9, the lecture's exercise 4: the whole backward pass of a
 * training step as one function, from the loss to every parameter. Its
 * gradients are those of exercises 4 to 8, in the order a training step
 * computes them (the fused cross-entropy of exercise 7 and the fused
 * batchnorm of exercise 8, as chapter 9's `plainGradients` runs them); each
 * keeps its hints and diagnoses from the exercise it comes from. The seven
 * parameter gradients are checked against the kernels' training step
 * (`lib/train/ts_step.ts`), the one `deno task train` is tested against; the
 * rest against TensorFlow.js, as in the other exercises.
 *
 * @example
 * ```ts
 * import { EXERCISES } from "./specs.ts";
 * EXERCISES[9].gradients.map((g) => g.name).at(-1); // "dC"
 * ```
 * @module
 */

import type { ExerciseInput, ExerciseSpec, GradientSpec } from "../../lib/exercise/checker.ts";
import { extractSolution } from "../../lib/exercise/checker.ts";
import type { Gradients } from "../../lib/check/reference.ts";
import { PARAM_NAMES } from "../../lib/model.ts";
import { Tensor } from "../../lib/tensor.ts";
import { TsStep } from "../../lib/train/ts_step.ts";

/** Where each gradient comes from: the exercise that asks for it, and what it is computed from here. */
const ORDER: { name: string; from: number; deps: string[] }[] = [
  { name: "dlogits", from: 7, deps: [] },
  { name: "dh", from: 4, deps: ["dlogits"] },
  { name: "dW2", from: 4, deps: ["dlogits"] },
  { name: "db2", from: 4, deps: ["dlogits"] },
  { name: "dhpreact", from: 4, deps: ["dh"] },
  { name: "dbngain", from: 5, deps: ["dhpreact"] },
  { name: "dbnbias", from: 5, deps: ["dhpreact"] },
  { name: "dhprebn", from: 8, deps: ["dhpreact"] },
  { name: "dembcat", from: 6, deps: ["dhprebn"] },
  { name: "dW1", from: 6, deps: ["dhprebn"] },
  { name: "db1", from: 6, deps: ["dhprebn"] },
  { name: "demb", from: 6, deps: ["dembcat"] },
  { name: "dC", from: 6, deps: ["demb"] },
];

/**
 * The gradients of one training step as the kernels compute them: a
 * {@linkcode TsStep} on the exercise's batch at learning rate 0 (so no
 * parameter moves), its float64 gradients rounded to float32 and named as
 * the reference names them (`W1`, not `dW1`).
 *
 * @example
 * ```ts
 * import { lectureForward } from "../02_forward.ts";
 * import type { ExerciseInput } from "../../lib/exercise/learner.ts";
 * const { params, batch, fwd } = lectureForward();
 * kernelGradients({ params, batch, fwd, n: 32 } as ExerciseInput).W1?.shape; // [30, 64]
 * ```
 */
export function kernelGradients({ params, batch }: ExerciseInput): Partial<Gradients> {
  const [n, B] = batch.Xb.shape;
  const [V, E] = params.C.shape;
  const step = new TsStep({ n, B, E, H: params.W1.shape[1], V });
  step.acquire(params);
  step.run({ Xb: batch.Xb.data, Yb: batch.Yb.data }, 0);
  const grads = step.gradients();
  return Object.fromEntries(
    PARAM_NAMES.map((name) => [name, new Tensor(Float32Array.from(grads[name]), [...params[name].shape])]),
  );
}

/**
 * The solution's source, assembled from the chapters' own lines: one
 * function, `within`, holding each gradient's statements from the function
 * of the chapter that solves it, in the order of a training step.
 */
function assembledSolution(exercises: Record<number, ExerciseSpec>, within: string): string {
  const statements = ORDER.flatMap(({ name, from }) => {
    const spec = exercises[from];
    const g = spec.gradients.find((x) => x.name === name)!;
    return extractSolution(spec.source, spec.solvedIn, g.solution ?? [name]);
  });
  return `export function ${within}() {\n${statements.map((s) => `  ${s.replaceAll("\n", "\n  ")}`).join("\n")}\n}\n`;
}

/**
 * Exercise 9's spec, built from the specs of exercises 4 to 8 and its stub.
 *
 * @example
 * ```ts
 * import { EXERCISES } from "./specs.ts";
 * EXERCISES[9].gradients.find((g) => g.name === "dhprebn")?.deps; // ["dhpreact"]
 * ```
 */
export function trainingExercise(exercises: Record<number, ExerciseSpec>, stub: string): ExerciseSpec {
  const gradients: GradientSpec[] = ORDER.map(({ name, from, deps }) => {
    const g = exercises[from]?.gradients.find((x) => x.name === name);
    if (!g) throw new RangeError(`Exercise ${from} has no gradient ${name} for exercise 9 to take`);
    return { ...g, deps };
  });
  const within = "trainingBackward";
  return {
    chapter: 9,
    title: "The whole backward pass, then training with it",
    file: "09_training.ts",
    stub,
    source: assembledSolution(exercises, within),
    solvedIn: within,
    solvedBy: "chapters 4 to 8, as chapter 9's plainGradients runs them",
    given: [],
    gradients,
    reference: kernelGradients,
    trains: true,
  };
}
