/**
 * One training step, whichever kernels run it: the interface the trainer
 * drives, with the TypeScript step (`ts_step.ts`) and the WebAssembly step
 * (`wasm/step.ts`) behind it.
 *
 * A step keeps its own copy of the parameters, in its own precision and
 * memory, and only one copy is current at a time. Ownership is handed over
 * explicitly: {@linkcode TrainStep.acquire} copies the parameters in, and from
 * then on the step's copy is the current one and the caller's is stale;
 * {@linkcode TrainStep.release} writes them back, and the caller's copy is
 * current again. The trainer holds the one step that owns them, if any.
 *
 * @example
 * ```ts
 * import type { TrainStep } from "./step.ts";
 * import { TsStep } from "./ts_step.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 *
 * const params = initParams({ vocabSize: 5, nEmbd: 2, nHidden: 8, blockSize: 3 }, new TorchGenerator(1));
 * const step: TrainStep = new TsStep({ n: 4, B: 3, E: 2, H: 8, V: 5 });
 * step.acquire(params); // the step owns the parameters
 * const batch = { Xb: new Int32Array([1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2]), Yb: new Int32Array([1, 2, 3, 4]) };
 * step.run(batch, 0.1);
 * step.release(params); // params hold the updated values again
 * ```
 * @module
 */

import type { PARAM_NAMES, Params } from "../model.ts";
import type { StepDims } from "./sizes.ts";

/**
 * A choice of implementation for the training step (the `--kernels` flag):
 * the WebAssembly SIMD kernels (the default) or the TypeScript ones.
 *
 * @example
 * ```ts
 * const kernels: KernelChoice = "ts";
 * ```
 */
export type KernelChoice = "wasm" | "ts";

/**
 * Every {@linkcode KernelChoice}, for flags and messages.
 *
 * @example
 * ```ts
 * KERNEL_CHOICES.join(" or "); // "wasm or ts"
 * ```
 */
export const KERNEL_CHOICES: readonly KernelChoice[] = ["wasm", "ts"];

/**
 * One float64 array per parameter, by name.
 *
 * @example
 * ```ts
 * const zeros = { C: new Float64Array(270) } as Partial<ParamArrays>;
 * ```
 */
export type ParamArrays = Record<typeof PARAM_NAMES[number], Float64Array>;

/**
 * A minibatch: the contexts `[n·B]` and the targets `[n]`, character indices.
 *
 * @example
 * ```ts
 * const batch: StepBatch = { Xb: new Int32Array(32 * 3), Yb: new Int32Array(32) };
 * ```
 */
export interface StepBatch {
  Xb: Int32Array;
  Yb: Int32Array;
}

/**
 * Checks a batch given from outside against the step's sizes: `n·B`
 * contexts and `n` targets, every one a character of the vocabulary (an
 * index outside it would read, and the WebAssembly backward write, outside C).
 *
 * @example
 * ```ts
 * const dims = { n: 1, B: 3, E: 10, H: 200, V: 27 };
 * checkBatch({ Xb: new Int32Array([0, 0, 0]), Yb: new Int32Array([5]) }, dims); // "..." → e: fine
 * try {
 *   checkBatch({ Xb: new Int32Array([0, 0, 0]), Yb: new Int32Array([27]) }, dims);
 * } catch (error) {
 *   (error as RangeError).message; // "Cannot train on a batch with character index 27: the vocabulary has 27 characters"
 * }
 * ```
 */
export function checkBatch({ Xb, Yb }: StepBatch, { n, B, V }: StepDims): void {
  if (Xb.length !== n * B || Yb.length !== n) {
    throw new TypeError(`Cannot train on a batch of ${Yb.length} examples: this trainer's batch size is ${n}`);
  }
  const bad = Xb.find((x) => !(x >= 0 && x < V)) ?? Yb.find((y) => !(y >= 0 && y < V));
  if (bad !== undefined) {
    throw new RangeError(`Cannot train on a batch with character index ${bad}: the vocabulary has ${V} characters`);
  }
}

/**
 * A training step: forward, backward and `p −= lr · dp` on a batch, over a
 * copy of the parameters that it owns between {@linkcode TrainStep.acquire}
 * and {@linkcode TrainStep.release}.
 *
 * @example
 * ```ts
 * import { WasmStep } from "./wasm/step.ts";
 * const step: TrainStep = new WasmStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * step.kind; // "wasm"
 * ```
 */
export interface TrainStep {
  /** Which kernels it runs. */
  readonly kind: KernelChoice;
  /** The bytes of its buffers. */
  readonly bytes: number;
  /** Takes over the parameters: copies `params` in. Until {@linkcode TrainStep.release}, this copy is the current one. */
  acquire(params: Params): void;
  /** Hands the parameters back: writes its copy into `params`, which are current again. */
  release(params: Params): void;
  /**
   * One step on `batch` at learning rate `lr`. Returns the loss; when it is
   * not finite, the parameters are left as they were.
   */
  run(batch: StepBatch, lr: number): number;
  /** The gradients of its last step, float64 by parameter name. */
  gradients(): Readonly<ParamArrays>;
}
