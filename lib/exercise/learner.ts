/**
 * What a learner's exercise file may import besides lib/tensor.ts: the
 * `todo` placeholder and the type of what `gradients` receives. Nothing
 * else: the sandbox that runs a learner's file (lib/commands/exercise/)
 * refuses every other import, so this module and everything it imports
 * hold no correct gradient, no reference and no solution.
 *
 * @example
 * ```ts
 * import { type ExerciseInput, todo } from "./learner.ts";
 * import type { Tensor } from "../tensor.ts";
 * export function gradients({ fwd }: ExerciseInput): Record<string, Tensor> {
 *   const dlogprobs = todo(fwd.logprobs); // replace with your gradient
 *   return { dlogprobs };
 * }
 * ```
 * @module
 */

import type { Batch, Forward, Params } from "../model.ts";
import { type Tensor, zeros } from "../tensor.ts";

const todos = new WeakSet<Tensor>();

/**
 * A placeholder for a gradient you have not written yet: zeros with the
 * shape of `like` (the tensor whose gradient it is), so the rest of your code
 * still runs. The checker reports it as TODO.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const logprobs = tensor([[-1.2, -0.4], [-0.1, -2.3]]);
 * const dlogprobs = todo(logprobs); // replace with your gradient
 * dlogprobs.toNested(); // [[0, 0], [0, 0]]
 * ```
 */
export function todo(like: Tensor): Tensor {
  const t = zeros(like.shape);
  todos.add(t);
  return t;
}

/**
 * Whether a tensor is an untouched {@linkcode todo}.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * isTodo(todo(tensor([0.2, 0.8]))); // true
 * isTodo(tensor([0, 0])); // false: zeros, but written by you
 * ```
 */
export function isTodo(t: Tensor): boolean {
  return todos.has(t);
}

/**
 * What a learner's `gradients` function receives. An exercise gets only the
 * upstream gradients it starts from: reading another (exercise 3's
 * `dlogits`, which it computes itself) throws, saying so.
 *
 * @example
 * ```ts
 * function shapes({ fwd, n }: ExerciseInput): string {
 *   return `${n} rows, probs ${fwd.probs.shape.join("×")}`;
 * }
 * ```
 */
export interface ExerciseInput {
  /** Every intermediate of chapter 2's forward pass on the lecture's first batch. */
  fwd: Forward;
  /** The lecture's parameters. */
  params: Params;
  /** The batch: `Xb` `[n, 3]`, `Yb` `[n]`. */
  batch: Batch;
  /** The batch size, 32. */
  n: number;
  /** The correct upstream gradient where an exercise starts below the loss (exercise 4). */
  dlogits: Tensor;
  /** The correct gradient of hpreact, for exercises 5 and 8. */
  dhpreact: Tensor;
  /** The correct gradient of hprebn, for exercise 6. */
  dhprebn: Tensor;
}

/**
 * The correct upstream gradients an exercise may receive in its input.
 *
 * @example
 * ```ts
 * const given: GivenGradient[] = ["dhpreact"]; // exercise 5's
 * ```
 */
export type GivenGradient = "dlogits" | "dhpreact" | "dhprebn";
