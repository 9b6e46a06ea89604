/**
 * Exercise 9's training in a runner that holds no reference gradient and
 * decides nothing: the terminal's training process
 * (lib/commands/exercise/train_runtime.ts) and an exercise page's training
 * worker (lib/site/browser/exercise_train_run.ts) alike. It loads the
 * learner's module, and trains with its gradients() on the header's start
 * and batches (lib/exercise/training_loop.ts); how it ended is what the
 * checker reads. How the module is loaded, and how the progress and the end
 * travel, is the runner's own.
 *
 * @example
 * ```ts
 * import { trainLoaded } from "./train_runner.ts";
 * import type { TrainHeader } from "./training_wire.ts";
 * const header = {} as Omit<TrainHeader, "forward">;
 * const end = await trainLoaded(header, () => { throw new Error("no forward"); }, () => Promise.resolve({}), () => {});
 * end.ended === "stopped" && end.why; // "your file does not export a function gradients(input)"
 * ```
 * @module
 */

import type { Params } from "../model.ts";
import type { IndexTensor } from "../tensor.ts";
import { describeThrown } from "./hooks.ts";
import { type Backward, type ForwardPass, type TrainingLoop, trainWith } from "./training_loop.ts";
import type { TrainEnd, TrainHeader } from "./training_wire.ts";
import { unpack } from "./wire.ts";

/**
 * Loads the learner's module with `load` and trains with its gradients() as
 * `header` says, with `forward` (chapter 2's forward pass), handing the
 * losses to `onProgress` as they come; how it ended. A module that throws
 * as it loads, or exports no gradients(), stops it at step 0.
 *
 * @example
 * ```ts
 * import type { TrainHeader } from "./training_wire.ts";
 * const header = {} as Omit<TrainHeader, "forward">;
 * const end = await trainLoaded(header, () => { throw new Error("unused"); }, () => Promise.reject(new Error("boom")), () => {});
 * end.ended === "stopped" && [end.why, end.threw?.text]; // ["your file threw as it was loaded", "boom"]
 * ```
 */
export async function trainLoaded(
  header: Omit<TrainHeader, "forward">,
  forward: ForwardPass,
  load: () => Promise<Record<string, unknown>>,
  onProgress: (step: number, losses: number[]) => void,
): Promise<TrainEnd> {
  let backward: unknown;
  try {
    backward = (await load()).__gradients;
  } catch (error) {
    return { ended: "stopped", step: 0, why: "your file threw as it was loaded", threw: describeThrown(error) };
  }
  if (typeof backward !== "function") {
    return { ended: "stopped", step: 0, why: "your file does not export a function gradients(input)" };
  }
  const { n, steps, lr, decayStep, decay, every } = header;
  const run: TrainingLoop = {
    params: unpack(header.params) as Params,
    X: unpack(header.Xb) as IndexTensor,
    Y: unpack(header.Yb) as IndexTensor,
    ...{ n, steps, lr, decayStep, decay, every },
    forward,
    onProgress,
  };
  return trainWith(run, backward as Backward);
}
