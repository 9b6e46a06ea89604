/**
 * Exercise 9's training loop, the lecture's loop body with the learner's
 * backward pass: for each batch, chapter 2's forward pass, the learner's
 * gradients(), and `p −= lr · dp` on every parameter, rounded to float32 as
 * the parameters are kept. It runs in the training process
 * (lib/commands/exercise/train_runtime.ts), and in a notebook, where the
 * learner's code runs in the learner's own kernel anyway. It holds no
 * reference gradient and decides nothing.
 *
 * @example
 * ```ts
 * import { trainWith } from "./training_loop.ts";
 * // trainWith(run, gradients): see its example.
 * ```
 * @module
 */

import { describeThrown } from "./hooks.ts";
import type { ExerciseInput } from "./learner.ts";
import type { TrainEnd } from "./training_wire.ts";
import { toBase64 } from "./wire.ts";
import { type IndexTensor, Tensor } from "../tensor.ts";
import type { Forward, Params } from "../model.ts";

/** What exercise 9 does not give: its backward pass starts from the loss. */
const WITHHELD = ["dlogits", "dhpreact", "dhprebn"];

/** What the learner's gradients() receives at a step: the forward pass, the parameters, the batch. */
function inputOf(fwd: Forward, params: Params, Xb: IndexTensor, Yb: IndexTensor, n: number): ExerciseInput {
  const input = { fwd, params, batch: { ix: [], Xb, Yb }, n } as unknown as ExerciseInput;
  for (const name of WITHHELD) {
    Object.defineProperty(input, name, {
      get() {
        throw new Error(`exercise 9 does not give input.${name}: it starts from the loss`);
      },
    });
  }
  return input;
}

/** Why the gradients returned cannot update the parameters (a missing one, another shape), or "". */
function unusable(grads: unknown, params: Params): string {
  if (typeof grads !== "object" || grads === null) return "gradients() returned no object";
  if (typeof (grads as { then?: unknown }).then === "function") return "gradients() returned a Promise";
  for (const [name, p] of Object.entries(params) as [string, Tensor][]) {
    const g = (grads as Record<string, unknown>)[`d${name}`];
    if (!(g instanceof Tensor)) return `gradients() returned no Tensor d${name}`;
    if (g.shape.join() !== p.shape.join() || !(g.data instanceof Float32Array) || g.data.length !== p.data.length) {
      return `d${name} has shape [${g.shape.join(", ")}], but ${name} is [${
        p.shape.join(", ")
      }] in this network: take sizes from the tensors, not as numbers`;
    }
  }
  return "";
}

/** p −= lr · dp for every parameter, in place (a Float32Array rounds each result to float32). */
function update(params: Params, grads: Record<string, Tensor>, lr: number): void {
  for (const [name, p] of Object.entries(params) as [string, Tensor][]) {
    const g = grads[`d${name}`].data;
    const data = p.data;
    for (let i = 0; i < data.length; i++) data[i] -= lr * g[i];
  }
}

/**
 * A learner's backward pass: gradients(input) of exercise 9.
 *
 * @example
 * ```ts
 * const none: Backward = () => ({});
 * ```
 */
export type Backward = (input: ExerciseInput) => unknown;

/**
 * Chapter 2's forward pass, as the loop calls it.
 *
 * @example
 * ```ts
 * const f: ForwardPass | undefined = undefined;
 * ```
 */
export type ForwardPass = (params: Params, Xb: IndexTensor, Yb: IndexTensor) => Forward;

/** What the loop trains: the parameters, every batch, the schedule, the forward pass, and where progress goes. */
export interface TrainingLoop {
  /** The parameters, updated in place. */
  params: Params;
  /** Every batch's contexts, `[steps · n, blockSize]`, and targets, `[steps · n]`. */
  X: IndexTensor;
  Y: IndexTensor;
  /** The batch size and the number of steps. */
  n: number;
  steps: number;
  /** The learning rate, the step from which it is multiplied by `decay`, and that factor. */
  lr: number;
  decayStep: number;
  decay: number;
  /** How often `onProgress` gets the losses of the steps since its last call. */
  every: number;
  forward: ForwardPass;
  onProgress: (step: number, losses: number[]) => void;
}

/**
 * The training loop: a step on every batch of `run`, each the forward pass,
 * the learner's `backward` and `p −= lr · dp`, with the losses handed to
 * `run.onProgress` every `run.every` steps; how it ended, with the trained
 * parameters (its `params`, updated in place) or why it stopped.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * import type { Forward, Params } from "../model.ts";
 * // One parameter, b2 = [1], and a loss of b2²: two steps at lr 0.5 take it to 0.
 * const params = { b2: tensor([1]) } as unknown as Params;
 * const run: TrainingLoop = {
 *   params, X: { data: new Int32Array(2), shape: [2, 1] }, Y: { data: new Int32Array(2), shape: [2] },
 *   n: 1, steps: 2, lr: 0.5, decayStep: 2, decay: 0.1, every: 1,
 *   forward: (p) => ({ loss: p.b2.data[0] ** 2 }) as unknown as Forward,
 *   onProgress: () => {},
 * };
 * trainWith(run, ({ params }) => ({ db2: params.b2.mul(2) })).ended; // "trained"
 * params.b2.data[0]; // 0
 * ```
 */
export function trainWith(run: TrainingLoop, backward: Backward): TrainEnd {
  const { params, X, Y, n, steps, forward } = run;
  const B = X.shape[1];
  let losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const Xb = { data: X.data.subarray(step * n * B, (step + 1) * n * B), shape: [n, B] };
    const Yb = { data: Y.data.subarray(step * n, (step + 1) * n), shape: [n] };
    const fwd = forward(params, Xb, Yb);
    if (!Number.isFinite(fwd.loss)) return { ended: "stopped", step: step + 1, why: `the loss became ${fwd.loss}` };
    let grads: unknown;
    try {
      grads = backward(inputOf(fwd, params, Xb, Yb, n));
    } catch (error) {
      return { ended: "stopped", step: step + 1, why: "your gradients() threw", threw: describeThrown(error) };
    }
    const why = unusable(grads, params);
    if (why) return { ended: "stopped", step: step + 1, why };
    update(params, grads as Record<string, Tensor>, step < run.decayStep ? run.lr : run.lr * run.decay);
    losses.push(fwd.loss);
    if ((step + 1) % run.every === 0 || step + 1 === steps) {
      run.onProgress(step + 1, losses);
      losses = [];
    }
  }
  const packed = Object.entries(params).map((
    [k, t]: [string, Tensor],
  ) => [k, { shape: t.shape, f32: toBase64(t.data) }]);
  return { ended: "trained", params: Object.fromEntries(packed) };
}
