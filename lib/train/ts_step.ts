/**
 * The training step with the TypeScript kernels of `kernels.ts`: the
 * lecture's loop body in float64 arithmetic, over buffers allocated once from
 * the table of `sizes.ts`, so a step allocates nothing.
 *
 * Its copy of the parameters is float64, but holds float32 numbers: the
 * update `p −= lr · dp` is rounded to float32, the lecture's dtype, as the
 * parameters are stored; handing them back is therefore exact.
 *
 * @example
 * ```ts
 * import { TsStep } from "./ts_step.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 *
 * const params = initParams({ vocabSize: 27, nEmbd: 10, nHidden: 200, blockSize: 3 }, new TorchGenerator(1));
 * const step = new TsStep({ n: 2, B: 3, E: 10, H: 200, V: 27 });
 * step.acquire(params);
 * step.run({ Xb: new Int32Array([0, 0, 5, 0, 5, 13]), Yb: new Int32Array([13, 13]) }, 0.1); // about 3.9
 * step.release(params);
 * ```
 * @module
 */

import {
  batchnormBackward,
  batchnormForward,
  crossEntropyBackward,
  crossEntropyForward,
  embeddingBackward,
  embeddingForward,
  linearBackward,
  linearForward,
  tanhBackward,
  tanhForward,
} from "./kernels.ts";
import { PARAM_NAMES, type Params } from "../model.ts";
import { allocate, bytesOf } from "./buffers.ts";
import { type StepDims, tsStepBuffers } from "./sizes.ts";
import type { ParamArrays, StepBatch, TrainStep } from "./step.ts";

/**
 * A {@linkcode TrainStep} with the TypeScript kernels, float64.
 *
 * @example
 * ```ts
 * const step = new TsStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * step.gradients().W1.length; // 6000
 * ```
 */
export class TsStep implements TrainStep {
  readonly kind = "ts";
  /** The bytes of its buffers, as allocated. */
  readonly bytes: number;
  readonly #dims: StepDims;
  // The parameters and their gradients; a batch's activations and theirs; room for Wᵀ and batchnorm's sums.
  readonly #p: ParamArrays;
  readonly #d: ParamArrays;
  readonly #a;
  readonly #da;
  readonly #work;

  /** A step for batches of `n` examples of the network `B, E, H, V`, its buffers allocated from the table. */
  constructor(dims: StepDims) {
    this.#dims = { ...dims };
    const buffers = tsStepBuffers(dims);
    this.#p = allocate(buffers.params);
    this.#d = allocate(buffers.grads);
    this.#a = allocate(buffers.activations);
    this.#da = allocate(buffers.dactivations);
    this.#work = allocate(buffers.work);
    this.bytes = bytesOf(this.#p, this.#d, this.#a, this.#da, this.#work);
  }

  /** Copies the float32 parameters in (exactly: float64 holds every float32). */
  acquire(params: Params): void {
    for (const name of PARAM_NAMES) this.#p[name].set(params[name].data);
  }

  /** Writes the parameters back (exactly: they are float32 numbers). */
  release(params: Params): void {
    for (const name of PARAM_NAMES) params[name].data.set(this.#p[name]);
  }

  /** Forward, backward, update; a loss that is not finite stops before the backward. */
  run(batch: StepBatch, lr: number): number {
    const loss = this.#forward(batch);
    if (!Number.isFinite(loss)) return loss;
    this.#backward(batch);
    this.#update(lr);
    return loss;
  }

  /** The gradients of the last step (the arrays themselves, overwritten by the next). */
  gradients(): Readonly<ParamArrays> {
    return this.#d;
  }

  /** The forward pass, caching what the backward needs; returns the loss. */
  #forward({ Xb, Yb }: StepBatch): number {
    const { n, B, E, H, V } = this.#dims;
    const I = B * E;
    const p = this.#p;
    const a = this.#a;
    embeddingForward(a.embcat, Xb, p.C, n, B, E);
    linearForward(a.hprebn, a.embcat, p.W1, p.b1, n, I, H);
    batchnormForward(a.hpreact, a.bnraw, a.varInv, a.mean, a.variance, a.hprebn, p.bngain, p.bnbias, n, H);
    tanhForward(a.h, a.hpreact, n * H);
    linearForward(a.logits, a.h, p.W2, p.b2, n, H, V);
    return crossEntropyForward(a.probs, a.logits, Yb, n, V);
  }

  /** The backward pass, in reverse order, into zeroed gradients. */
  #backward({ Xb, Yb }: StepBatch): void {
    const { n, B, E, H, V } = this.#dims;
    const I = B * E;
    const [p, d, a, da, { transposed, scratch }] = [this.#p, this.#d, this.#a, this.#da, this.#work];
    for (const name of PARAM_NAMES) d[name].fill(0);
    da.dlogits.fill(0);
    da.dh.fill(0);
    da.dhpreact.fill(0);
    da.dhprebn.fill(0);
    da.dembcat.fill(0);
    crossEntropyBackward(da.dlogits, a.probs, Yb, n, V);
    linearBackward(da.dh, d.W2, d.b2, da.dlogits, a.h, p.W2, transposed, n, H, V);
    tanhBackward(da.dhpreact, da.dh, a.h, n * H);
    batchnormBackward(da.dhprebn, d.bngain, d.bnbias, da.dhpreact, a.bnraw, a.varInv, p.bngain, scratch, n, H);
    linearBackward(da.dembcat, d.W1, d.b1, da.dhprebn, a.embcat, p.W1, transposed, n, I, H);
    embeddingBackward(d.C, da.dembcat, Xb, n, B, E);
  }

  /** p −= lr · dp, rounded to float32 as the lecture's float32 parameters are. */
  #update(lr: number): void {
    for (const name of PARAM_NAMES) {
      const p = this.#p[name];
      const grad = this.#d[name];
      for (let i = 0; i < p.length; i++) p[i] = Math.fround(p[i] - lr * grad[i]);
    }
  }
}
