/**
 * Training the lecture's network with our own backward pass (exercise 4).
 *
 * A {@linkcode Trainer} owns the parameters, their gradients, every
 * activation buffer and the generator that draws the minibatches; all are
 * allocated once, so a training step allocates nothing. One step is the
 * lecture's loop body: draw a batch, run the kernels of `kernels.ts` forward,
 * then backward in reverse order, then move each parameter against its
 * gradient.
 *
 * Two sets of kernels can run the step ({@linkcode Trainer.kernels}): by
 * default the WebAssembly SIMD kernels of `wasm/kernels.as.ts` (float32
 * throughout, one call per step), or with `"ts"` their readable TypeScript
 * twins in `kernels.ts` (float64 arithmetic). Evaluation and sampling always
 * use the TypeScript kernels: they run once, not 200,000 times.
 *
 * The parameters are kept in float32, the lecture's dtype, and updated in
 * float32. A checkpoint therefore holds the exact state, and a run resumed
 * from one continues bit for bit on the same machine with the same kernels.
 *
 * @example
 * ```ts
 * import { Trainer } from "./trainer.ts";
 * const trainer = new Trainer({ steps: 1000 });
 * while (trainer.step < trainer.config.steps) trainer.trainStep();
 * trainer.calibrate();
 * trainer.sample(5); // five names
 * ```
 * @module
 */

import { type Dataset, loadNames } from "../data.ts";
import {
  checkResumedSteps,
  type DataSize,
  DEFAULT_CONFIG,
  LR_DECAY,
  type TrainConfig,
  validateConfig,
} from "./config.ts";
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
import { initParams, LECTURE_SEED, PARAM_NAMES, type Params } from "../model.ts";
import { TorchGenerator, type TorchGeneratorState } from "../random/torch.ts";
import { calibrate } from "./calibration.ts";
import { evaluate } from "./evaluation.ts";
import { type BatchnormStats, Inference } from "./inference.ts";
import { checkTemperature, sample } from "./sampling.ts";
import { checkSplits, dataSize, loadTrainingData, type TrainingData, wordsSize } from "./training_data.ts";
import { WasmStep } from "./wasm/step.ts";

/**
 * The state a checkpoint must carry besides the parameters.
 *
 * @example
 * ```ts
 * const state: TrainerState = { step: 0, generator: g.getState(), lossLog10: new Float32Array(0), bnmean: null, bnvar: null };
 * new Trainer({}, data, { params, state });
 * ```
 */
export interface TrainerState {
  /** Steps taken. */
  step: number;
  /** The batch generator's state. */
  generator: TorchGeneratorState;
  /** log10 of each step's loss so far, for the chart. */
  lossLog10: Float32Array;
  /** Batchnorm statistics over the training set, once calibrated. */
  bnmean: Float32Array | null;
  /** The Bessel-corrected variance over the training set, once calibrated. */
  bnvar: Float32Array | null;
}

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

/** One float64 array per parameter. */
type ParamArrays = Record<typeof PARAM_NAMES[number], Float64Array>;

/**
 * The lecture's network and its training loop.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ steps: 100 });
 * while (trainer.step < 100) trainer.trainStep();
 * ```
 */
export class Trainer {
  /** The run's configuration. */
  readonly config: TrainConfig;
  /** The data, shared by runs with the same block size. */
  readonly data: TrainingData;
  /** The parameters, float32, in the lecture's shapes. */
  readonly params: Params;
  /** Steps taken so far. */
  step = 0;
  /** log10 of the loss of each step taken, as the lecture's `lossi`. */
  lossLog10: Float32Array;
  /** Batchnorm mean over the training set (after {@linkcode Trainer.calibrate}). */
  bnmean: Float32Array | null = null;
  /** Batchnorm variance over the training set (after {@linkcode Trainer.calibrate}). */
  bnvar: Float32Array | null = null;
  /**
   * The kernels of the next training step. Switching between steps is
   * allowed: the other kernels take up the current parameters.
   */
  kernels: KernelChoice = "wasm";

  readonly #g: TorchGenerator;
  #inferenceBuffers: Inference | null = null;
  // The WebAssembly step (made at its first use), and whether its parameters,
  // or the float64 copies below, are behind this.params.
  #wasm: WasmStep | null = null;
  #wasmBehind = true;
  #float64Behind = false;
  #lastKernels: KernelChoice | null = null;
  // float64 copies of the parameters, and their gradients.
  readonly #p: ParamArrays;
  readonly #d: ParamArrays;
  // The minibatch and every activation, with the gradients of the activations.
  readonly #Xb: Int32Array;
  readonly #Yb: Int32Array;
  readonly #ix: Int32Array;
  readonly #embcat: Float64Array;
  readonly #hprebn: Float64Array;
  readonly #bnraw: Float64Array;
  readonly #varInv: Float64Array;
  readonly #mean: Float64Array;
  readonly #variance: Float64Array;
  readonly #hpreact: Float64Array;
  readonly #h: Float64Array;
  readonly #logits: Float64Array;
  readonly #probs: Float64Array;
  readonly #dembcat: Float64Array;
  readonly #dhprebn: Float64Array;
  readonly #dhpreact: Float64Array;
  readonly #dh: Float64Array;
  readonly #dlogits: Float64Array;
  readonly #scratch: Float64Array;
  readonly #transposed: Float64Array;

  /**
   * A fresh network initialised as in the lecture, or (with `state`) one
   * restored from a checkpoint.
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 5000 }, undefined, undefined, { kernels: "ts" });
   * ```
   */
  constructor(
    config: Partial<TrainConfig> = {},
    data?: TrainingData,
    restore?: { params: Params; state: TrainerState },
    options: { kernels?: KernelChoice } = {},
  ) {
    this.kernels = options.kernels ?? "wasm";
    const checked = Trainer.#checkConfig(config, data, restore?.state.step);
    this.config = checked.config;
    const { blockSize, nEmbd, nHidden, batchSize: n } = this.config;
    this.data = data ?? loadTrainingData(blockSize, checked.names);
    checkSplits(this.data);
    if (this.data.train.blockSize !== blockSize) {
      throw new RangeError(`The data has block size ${this.data.train.blockSize}, the config ${blockSize}`);
    }
    const V = this.data.vocab.size;
    this.#g = new TorchGenerator(this.config.seed);
    const modelConfig = { vocabSize: V, nEmbd, nHidden, blockSize };
    this.params = restore?.params ?? initParams(modelConfig, this.#g, this.config.globalSeed);
    this.lossLog10 = new Float32Array(this.config.steps);
    if (restore) {
      const { state } = restore;
      this.step = state.step;
      this.#g.setState(state.generator);
      this.lossLog10.set(state.lossLog10.subarray(0, Math.min(state.step, this.config.steps)));
      this.bnmean = state.bnmean;
      this.bnvar = state.bnvar;
    }
    this.#p = Object.fromEntries(PARAM_NAMES.map((k) => [k, Float64Array.from(this.params[k].data)])) as ParamArrays;
    this.#d = Object.fromEntries(PARAM_NAMES.map((k) => [k, new Float64Array(this.params[k].size)])) as ParamArrays;
    const I = blockSize * nEmbd;
    this.#Xb = new Int32Array(n * blockSize);
    this.#Yb = new Int32Array(n);
    this.#ix = new Int32Array(n);
    this.#embcat = new Float64Array(n * I);
    this.#hprebn = new Float64Array(n * nHidden);
    this.#bnraw = new Float64Array(n * nHidden);
    this.#varInv = new Float64Array(nHidden);
    this.#mean = new Float64Array(nHidden);
    this.#variance = new Float64Array(nHidden);
    this.#hpreact = new Float64Array(n * nHidden);
    this.#h = new Float64Array(n * nHidden);
    this.#logits = new Float64Array(n * V);
    this.#probs = new Float64Array(n * V);
    this.#dembcat = new Float64Array(n * I);
    this.#dhprebn = new Float64Array(n * nHidden);
    this.#dhpreact = new Float64Array(n * nHidden);
    this.#dh = new Float64Array(n * nHidden);
    this.#dlogits = new Float64Array(n * V);
    this.#scratch = new Float64Array(2 * nHidden);
    this.#transposed = new Float64Array(Math.max(I * nHidden, nHidden * V));
  }

  /**
   * The whole configuration, checked before anything is allocated: each
   * field, the buffers it needs for `data` (or for names.txt, whose words it
   * returns so that the file is read once), and a restored step within its
   * steps.
   */
  static #checkConfig(
    config: Partial<TrainConfig>,
    data: TrainingData | undefined,
    restoredStep: number | undefined,
  ): { config: TrainConfig; names?: string[] } {
    const names = data ? undefined : loadNames();
    const size: DataSize = data ? dataSize(data) : wordsSize(names ?? []);
    const checked = validateConfig({ ...DEFAULT_CONFIG, ...config }, size);
    if (restoredStep !== undefined) checkResumedSteps(checked, restoredStep);
    return { config: checked, names };
  }

  /** The learning rate at a step: `lr`, then `lr · 0.1` from `decayStep` on. */
  learningRate(step = this.step): number {
    return step < this.config.decayStep ? this.config.lr : this.config.lr * LR_DECAY;
  }

  /** A copy of the batch generator's state. */
  generatorState(): TorchGeneratorState {
    return this.#g.getState();
  }

  /**
   * One step of training: a minibatch, forward, backward, update. Returns the
   * loss of the batch. If the loss is not finite, nothing is updated and NaN
   * or ±Infinity is returned: the caller stops.
   *
   * @example
   * ```ts
   * const loss = trainer.trainStep();
   * ```
   */
  trainStep(): number {
    const { blockSize: B, batchSize: n } = this.config;
    // The minibatch: ix = torch.randint(0, Xtr.shape[0], (n,), generator=g).
    const { X, Y, count } = this.data.train;
    this.#g.randintInto(this.#ix, 0, count);
    for (let i = 0; i < n; i++) {
      const row = this.#ix[i];
      for (let j = 0; j < B; j++) this.#Xb[i * B + j] = X[row * B + j];
      this.#Yb[i] = Y[row];
    }
    return this.#step();
  }

  /**
   * One step on a given batch (contexts `[n·B]`, targets `[n]`) instead of
   * a drawn one; the generator does not move. For benchmarks and tests.
   *
   * @example
   * ```ts
   * trainer.trainOnBatch(Xb, Yb);
   * ```
   */
  trainOnBatch(Xb: Int32Array, Yb: Int32Array): number {
    if (Xb.length !== this.#Xb.length || Yb.length !== this.#Yb.length) {
      throw new TypeError(
        `Cannot train on a batch of ${Yb.length} examples: this trainer's batch size is ${this.#Yb.length}`,
      );
    }
    // An index outside the vocabulary would read (and the WebAssembly backward write) outside C.
    const V = this.data.vocab.size;
    const bad = Xb.find((x) => !(x >= 0 && x < V)) ?? Yb.find((y) => !(y >= 0 && y < V));
    if (bad !== undefined) {
      throw new RangeError(`Cannot train on a batch with character index ${bad}: the vocabulary has ${V} characters`);
    }
    this.#Xb.set(Xb);
    this.#Yb.set(Yb);
    return this.#step();
  }

  /** Forward, backward and update on the batch in #Xb and #Yb, with the chosen kernels. */
  #step(): number {
    if (!KERNEL_CHOICES.includes(this.kernels)) {
      throw new RangeError(`kernels must be "wasm" or "ts", got ${this.kernels}`);
    }
    const loss = this.kernels === "wasm" ? this.#wasmStep() : this.#tsStep();
    if (!Number.isFinite(loss)) return loss;
    this.#lastKernels = this.kernels;
    if (this.step < this.lossLog10.length) this.lossLog10[this.step] = Math.log10(loss);
    this.step++;
    this.bnmean = null;
    this.bnvar = null;
    return loss;
  }

  /** The step in WebAssembly: the batch in, one call, the updated parameters out. */
  #wasmStep(): number {
    const { blockSize: B, nEmbd: E, nHidden: H, batchSize: n } = this.config;
    this.#wasm ??= new WasmStep({ n, B, E, H, V: this.data.vocab.size });
    const w = this.#wasm;
    if (this.#wasmBehind) {
      for (const name of PARAM_NAMES) w.params[name].set(this.params[name].data);
      this.#wasmBehind = false;
    }
    w.Xb.set(this.#Xb);
    w.Yb.set(this.#Yb);
    const loss = w.step(this.learningRate());
    if (!Number.isFinite(loss)) return loss;
    for (const name of PARAM_NAMES) this.params[name].data.set(w.params[name]);
    this.#float64Behind = true;
    return loss;
  }

  /** The float64 copies of the parameters, brought up to date if the WebAssembly step moved them. */
  #float64(): ParamArrays {
    if (this.#float64Behind) {
      for (const name of PARAM_NAMES) this.#p[name].set(this.params[name].data);
      this.#float64Behind = false;
    }
    return this.#p;
  }

  /** The step with the TypeScript kernels of kernels.ts. */
  #tsStep(): number {
    const { blockSize: B, nEmbd: E, nHidden: H, batchSize: n } = this.config;
    const V = this.data.vocab.size;
    const I = B * E;
    const p = this.#float64();
    const d = this.#d;

    // Forward.
    embeddingForward(this.#embcat, this.#Xb, p.C, n, B, E);
    linearForward(this.#hprebn, this.#embcat, p.W1, p.b1, n, I, H);
    batchnormForward(
      this.#hpreact,
      this.#bnraw,
      this.#varInv,
      this.#mean,
      this.#variance,
      this.#hprebn,
      p.bngain,
      p.bnbias,
      n,
      H,
    );
    tanhForward(this.#h, this.#hpreact, n * H);
    linearForward(this.#logits, this.#h, p.W2, p.b2, n, H, V);
    const loss = crossEntropyForward(this.#probs, this.#logits, this.#Yb, n, V);
    if (!Number.isFinite(loss)) return loss;

    // Backward, in reverse order, into zeroed gradients.
    for (const name of PARAM_NAMES) d[name].fill(0);
    this.#dlogits.fill(0);
    this.#dh.fill(0);
    this.#dhpreact.fill(0);
    this.#dhprebn.fill(0);
    this.#dembcat.fill(0);
    crossEntropyBackward(this.#dlogits, this.#probs, this.#Yb, n, V);
    linearBackward(this.#dh, d.W2, d.b2, this.#dlogits, this.#h, p.W2, this.#transposed, n, H, V);
    tanhBackward(this.#dhpreact, this.#dh, this.#h, n * H);
    batchnormBackward(
      this.#dhprebn,
      d.bngain,
      d.bnbias,
      this.#dhpreact,
      this.#bnraw,
      this.#varInv,
      p.bngain,
      this.#scratch,
      n,
      H,
    );
    linearBackward(this.#dembcat, d.W1, d.b1, this.#dhprebn, this.#embcat, p.W1, this.#transposed, n, I, H);
    embeddingBackward(d.C, this.#dembcat, this.#Xb, n, B, E);

    // Update: p -= lr · dp, in float32 as in the lecture, then refresh the float64 copy.
    const lr = this.learningRate();
    for (const name of PARAM_NAMES) {
      const p32 = this.params[name].data;
      const p64 = p[name];
      const grad = d[name];
      for (let i = 0; i < p32.length; i++) {
        p32[i] -= lr * grad[i];
        p64[i] = p32[i];
      }
    }
    this.#wasmBehind = true;
    return loss;
  }

  /**
   * The gradients of the last step, float64, by parameter name (for tests).
   *
   * @example
   * ```ts
   * trainer.lastGradients().W1.length; // 6000
   * ```
   */
  lastGradients(): Readonly<ParamArrays> {
    if (this.#lastKernels === "wasm" && this.#wasm !== null) {
      const grads = this.#wasm.grads;
      return Object.fromEntries(PARAM_NAMES.map((k) => [k, Float64Array.from(grads[k])])) as ParamArrays;
    }
    return this.#d;
  }

  /** The minibatch of the last step: contexts `[n·B]` and targets `[n]` (for tests). */
  lastBatch(): { Xb: Int32Array; Yb: Int32Array } {
    return { Xb: this.#Xb, Yb: this.#Yb };
  }

  /**
   * Runs the first layer over the whole training set and keeps the mean and
   * the Bessel-corrected variance of every hidden unit, for evaluation and
   * sampling (the lecture's "calibrate the batch norm at the end of training").
   *
   * @example
   * ```ts
   * trainer.calibrate();
   * ```
   */
  calibrate(): void {
    ({ bnmean: this.bnmean, bnvar: this.bnvar } = calibrate(this.#inference(), this.data.train));
  }

  /**
   * The mean loss over a whole dataset in inference mode (batchnorm with the
   * calibrated statistics, calibrating first if needed), as the lecture's `split_loss`.
   *
   * @example
   * ```ts
   * trainer.evaluate(trainer.data.dev); // about 2.11 after the full run
   * ```
   */
  evaluate(data: Dataset): number {
    return evaluate(this.#inference(), data, () => this.#calibrated());
  }

  /**
   * Samples names from the model, as the lecture does (see `sampling.ts`),
   * calibrating first if needed. A temperature below 1 sharpens the
   * distribution, above 1 flattens it. Names are cut at `maxLength`.
   *
   * @example
   * ```ts
   * trainer.sample(20, 2147483647 + 10); // the lecture's 20 samples
   * ```
   */
  sample(count: number, seed = LECTURE_SEED + 10, temperature = 1, maxLength = 50): string[] {
    checkTemperature(temperature);
    const options = { count, seed, temperature, maxLength };
    return sample(this.#inference(), this.data.vocab.itos, () => this.#calibrated(), options);
  }

  /** Inference's buffers (made at the first use), with the current parameters. */
  #inference(): Inference {
    const { blockSize: B, nEmbd: E, nHidden: H, batchSize: n } = this.config;
    this.#inferenceBuffers ??= new Inference({ n, B, E, H, V: this.data.vocab.size });
    this.#inferenceBuffers.load(this.params);
    return this.#inferenceBuffers;
  }

  /** Batchnorm's statistics over the training set, calibrating first if there are none. */
  #calibrated(): BatchnormStats {
    if (this.bnmean === null || this.bnvar === null) this.calibrate();
    return this as BatchnormStats;
  }

  /**
   * The state a checkpoint needs besides the parameters.
   *
   * @example
   * ```ts
   * const state = trainer.state();
   * ```
   */
  state(): TrainerState {
    return {
      step: this.step,
      generator: this.#g.getState(),
      lossLog10: this.lossLog10.slice(0, Math.min(this.step, this.lossLog10.length)),
      bnmean: this.bnmean,
      bnvar: this.bnvar,
    };
  }
}
