/**
 * Exercise 9 in a notebook: the learner's whole backward pass, written as
 * one function in a cell, checked on the lecture's batch as
 * `deno task exercise 9` checks it, then, once every gradient is right, the
 * lecture's network trained with it beside the kernels, calibrated,
 * evaluated and sampled, all printed under the cell. A notebook runs the
 * learner's code in the learner's own kernel, so the training runs here,
 * in-process, with the same loop the terminal's sandbox runs
 * (lib/exercise/training_loop.ts).
 *
 * @example
 * ```ts
 * import { trainInNotebook } from "./notebook_training.ts";
 * import * as stub from "../../../chapters/exercises/09_training.ts";
 * trainInNotebook(9, stub.gradients); // the stub's gradients are TODO: the table, and nothing is trained
 * ```
 * @module
 */

import { type ExerciseInput, isDone, type Verdict } from "../../exercise/checker.ts";
import { formatVerdicts } from "../../exercise/verdicts.ts";
import { type Backward, trainWith } from "../../exercise/training_loop.ts";
import type { Tensor } from "../../tensor.ts";
import { mapParams } from "../../model.ts";
import { clone } from "../../tensor.ts";
import { wrap } from "../../report/print.ts";
import { LR_DECAY } from "../../train/trainer.ts";
import { forward } from "../../../chapters/02_forward.ts";
import { checkLearner, specOf } from "./context.ts";
import { LIMITS } from "./sandbox.ts";
import { kernelsRun, trained } from "./training.ts";
import { printProgress, reportTraining } from "./training_report.ts";

/** The verdicts on `gradients` for exercise `chapter`, or what it threw. */
function verdictsOf(chapter: number, gradients: Backward): Verdict[] | string {
  try {
    const learner = { gradients: gradients as (input: ExerciseInput) => Record<string, Tensor | undefined> };
    return checkLearner(specOf(chapter), learner);
  } catch (error) {
    return `Your gradients() threw: ${(error as Error)?.message ?? String(error)}`;
  }
}

/**
 * Said when every gradient is still a todo: the usual reason, after the
 * learner wrote them, is a function cell the kernel refused.
 */
const NOT_RUN = " Every gradient is still the stub's todo: if you have written them, your gradients() cell has " +
  "not run since. Deno's kernel refuses a whole cell that does not parse (a `a @ b` for a.matmul(b), a Python " +
  'line) and says only "Execution failed", so this cell still sees the stub\'s function: fix that cell, run it, ' +
  "then this one.";

/**
 * Checks the learner's `gradients` for exercise `chapter` (9) and prints
 * the table; once every gradient is right, trains the lecture's network
 * with it for `steps` steps beside the kernels' run and prints the curves,
 * the losses and names sampled from both networks. Returns nothing (a
 * notebook cell would show it), all is printed.
 *
 * @example
 * ```ts
 * import * as stub from "../../../chapters/exercises/09_training.ts";
 * trainInNotebook(9, stub.gradients, 100); // prints the table: 0 of 13 done
 * ```
 */
export function trainInNotebook(chapter: number, gradients: Backward, steps = LIMITS.trainSteps): void {
  const spec = specOf(chapter);
  if (!spec.trains) throw new RangeError(`Exercise ${chapter} does not train a network: exercise 9 does`);
  const verdicts = verdictsOf(chapter, gradients);
  console.log(typeof verdicts === "string" ? wrap(verdicts) : formatVerdicts(spec, verdicts));
  if (typeof verdicts === "string" || !verdicts.every(isDone)) {
    console.log(
      wrap(
        `\nTraining starts once every gradient is right: fix your function, then run this cell again.${
          typeof verdicts !== "string" && verdicts.every((v) => v.status === "TODO") ? NOT_RUN : ""
        }`,
      ),
    );
    return;
  }
  console.log(`\nNow the lecture's exercise 4: training with your backward pass.\n`);
  const kernels = kernelsRun(steps);
  const { config } = kernels.trainer;
  const params = mapParams((name) => clone(kernels.start[name]));
  const losses = new Float64Array(steps).fill(NaN);
  const started = performance.now();
  const end = trainWith({
    params,
    X: kernels.Xb,
    Y: kernels.Yb,
    n: config.batchSize,
    steps,
    lr: config.lr,
    decayStep: config.decayStep,
    decay: LR_DECAY,
    every: 500,
    forward,
    onProgress: (step, some) => {
      losses.set(some, step - some.length);
      printProgress(step, steps, losses, kernels.losses, performance.now() - started);
    },
  }, gradients);
  const ms = performance.now() - started;
  const yours = trained(kernels, end.ended === "trained" ? params : undefined, losses);
  reportTraining({ end, losses, ms, ...yours, shown: "your function", place: () => undefined, limits: LIMITS });
}
