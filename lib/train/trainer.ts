/**
 * Training the lecture's network with our own backward pass (exercise 4).
 *
 * A {@linkcode Trainer} holds the configuration, the data, the parameters,
 * the generator that draws the minibatches and the loss history, and drives
 * one {@linkcode TrainStep} per step: the lecture's loop body, draw a batch,
 * forward, backward in reverse order, move each parameter against its
 * gradient. Every buffer is allocated once, from the table of `sizes.ts`, so
 * a training step allocates nothing.
 *
 * Two steps can run it ({@linkcode Trainer.kernels}): by default the
 * WebAssembly SIMD kernels of `wasm/kernels.as.ts` (float32 throughout, one
 * call per step), or with `"ts"` their readable TypeScript twins in
 * `kernels.ts` (float64 arithmetic). Each keeps its own copy of the
 * parameters, and one owns them at a time: the trainer hands them to the step
 * that is to run (which copies them in), and takes them back (the step writes
 * them out) when another step is to run or when anyone reads
 * {@linkcode Trainer.params}. Calibration, evaluation and sampling
 * (`calibration.ts`, `evaluation.ts`, `sampling.ts`) use the TypeScript
 * kernels: they run once, not 200,000 times.
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

import type { Dataset } from "../data.ts";
import { checkRunConfig, LR_DECAY, type TrainConfig } from "./config.ts";
import { initParams, LECTURE_SEED, type Params } from "../model.ts";
import { TorchGenerator, type TorchGeneratorState } from "../random/torch.ts";
import { calibrate } from "./calibration.ts";
import { evaluate } from "./evaluation.ts";
import { type BatchnormStats, Inference } from "./inference.ts";
import { checkTemperature, sample, type SampleOptions } from "./sampling.ts";
import { allocate, bytesOf } from "./buffers.ts";
import { type StepDims, stepDims, trainerBuffers } from "./sizes.ts";
import {
  checkBatch,
  KERNEL_CHOICES,
  type KernelChoice,
  type ParamArrays,
  type StepBatch,
  type TrainStep,
} from "./step.ts";
import { checkSplits, loadTrainingData, type TrainingData } from "./training_data.ts";
import { TsStep } from "./ts_step.ts";
import { WasmStep } from "./wasm/step.ts";

// Chapter 9 (and its notebook) imports the decay with the trainer.
export { LR_DECAY } from "./config.ts";

/**
 * The state a checkpoint must carry besides the parameters.
 *
 * @example
 * ```ts
 * import { TorchGenerator } from "../random/torch.ts";
 * const generator = new TorchGenerator(1).getState();
 * const state: TrainerState = { step: 0, generator, lossLog10: new Float32Array(0), bnmean: null, bnvar: null };
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
   * allowed: the other step takes over the current parameters.
   */
  kernels: KernelChoice = "wasm";

  readonly #g: TorchGenerator;
  // The parameters; while a step owns them (#owner), its copy is the current one and these are stale.
  readonly #params: Params;
  #owner: TrainStep | null = null;
  // The steps made so far (each at its first use), and the one that took the last step.
  readonly #steps: Partial<Record<KernelChoice, TrainStep>> = {};
  #last: TrainStep | null = null;
  // The minibatch and the indices it was drawn with; inference's buffers, made at their first use.
  readonly #batch: Record<"Xb" | "Yb" | "ix", Int32Array>;
  #inferenceBuffers: Inference | null = null;

  /**
   * A fresh network initialised as in the lecture, or (with `restore`) one
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
    const checked = checkRunConfig(config, data, restore?.state.step);
    this.config = checked.config;
    const { blockSize, nEmbd, nHidden } = this.config;
    this.data = data ?? loadTrainingData(blockSize, checked.names);
    checkSplits(this.data);
    if (this.data.train.blockSize !== blockSize) {
      throw new RangeError(`The data has block size ${this.data.train.blockSize}, the config ${blockSize}`);
    }
    this.#g = new TorchGenerator(this.config.seed);
    const modelConfig = { vocabSize: this.data.vocab.size, nEmbd, nHidden, blockSize };
    this.#params = restore?.params ?? initParams(modelConfig, this.#g, this.config.globalSeed);
    const buffers = trainerBuffers(this.#dims(), this.config.steps);
    this.#batch = allocate(buffers.batch);
    this.lossLog10 = allocate(buffers.history).lossLog10;
    if (restore) this.#restore(restore.state);
  }

  /** Takes up a checkpoint's step, generator, loss history and batchnorm statistics. */
  #restore(state: TrainerState): void {
    this.step = state.step;
    this.#g.setState(state.generator);
    this.lossLog10.set(state.lossLog10.subarray(0, Math.min(state.step, this.config.steps)));
    this.bnmean = state.bnmean;
    this.bnvar = state.bnvar;
  }

  /** The sizes of the network and its batch. */
  #dims(): StepDims {
    return stepDims(this.config, this.data.vocab.size);
  }

  /**
   * The parameters, float32, in the lecture's shapes. Reading them takes
   * them back from the step that owns them, so they are always current when
   * read; the next training step hands them over again (hold no reference
   * to them across training steps).
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.trainStep();
   * trainer.params.W1.shape; // [30, 200], after one step
   * ```
   */
  get params(): Params {
    this.#reclaim();
    return this.#params;
  }

  /** Takes the parameters back from the step that owns them, if one does. */
  #reclaim(): void {
    this.#owner?.release(this.#params);
    this.#owner = null;
  }

  /** Hands the parameters to `step` (taking them back from another step first). */
  #handTo(step: TrainStep): void {
    if (this.#owner === step) return;
    this.#reclaim();
    step.acquire(this.#params);
    this.#owner = step;
  }

  /** The step of a kind, made at its first use. */
  #stepOf(kind: KernelChoice): TrainStep {
    return this.#steps[kind] ??= kind === "wasm" ? new WasmStep(this.#dims()) : new TsStep(this.#dims());
  }

  /**
   * The learning rate at a step: `lr`, then `lr · 0.1` from `decayStep` on.
   *
   * @example
   * ```ts
   * new Trainer({ steps: 10, decayStep: 5 }).learningRate(5); // 0.01, about
   * ```
   */
  learningRate(step = this.step): number {
    return step < this.config.decayStep ? this.config.lr : this.config.lr * LR_DECAY;
  }

  /**
   * A copy of the batch generator's state.
   *
   * @example
   * ```ts
   * new Trainer({ steps: 10 }).generatorState().seed; // "2147483647"
   * ```
   */
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
   * const trainer = new Trainer({ steps: 10 });
   * trainer.trainStep(); // about 3.8, the first batch
   * ```
   */
  trainStep(): number {
    const { blockSize: B, batchSize: n } = this.config;
    const { Xb, Yb, ix } = this.#batch;
    // The minibatch: ix = torch.randint(0, Xtr.shape[0], (n,), generator=g).
    const { X, Y, count } = this.data.train;
    this.#g.randintInto(ix, 0, count);
    for (let i = 0; i < n; i++) {
      const row = ix[i];
      for (let j = 0; j < B; j++) Xb[i * B + j] = X[row * B + j];
      Yb[i] = Y[row];
    }
    return this.#run();
  }

  /**
   * One step on a given batch (contexts `[n·B]`, targets `[n]`) instead of
   * a drawn one; the generator does not move. For benchmarks and tests.
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10, batchSize: 2 });
   * trainer.trainOnBatch(new Int32Array([0, 0, 0, 0, 0, 5]), new Int32Array([5, 13])); // "..." → e, "..e" → m
   * ```
   */
  trainOnBatch(Xb: Int32Array, Yb: Int32Array): number {
    checkBatch({ Xb, Yb }, this.#dims());
    this.#batch.Xb.set(Xb);
    this.#batch.Yb.set(Yb);
    return this.#run();
  }

  /** Forward, backward and update on the batch, by the step of the chosen kernels, which takes over the parameters. */
  #run(): number {
    if (!KERNEL_CHOICES.includes(this.kernels)) {
      throw new RangeError(`kernels must be "wasm" or "ts", got ${this.kernels}`);
    }
    const step = this.#stepOf(this.kernels);
    this.#handTo(step);
    const loss = step.run(this.#batch, this.learningRate());
    if (!Number.isFinite(loss)) return loss;
    this.#last = step;
    if (this.step < this.lossLog10.length) this.lossLog10[this.step] = Math.log10(loss);
    this.step++;
    this.bnmean = null;
    this.bnvar = null;
    return loss;
  }

  /**
   * The gradients of the last step, float64, by parameter name (for tests).
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.trainStep();
   * trainer.lastGradients().W1.length; // 6000
   * ```
   */
  lastGradients(): Readonly<ParamArrays> {
    return (this.#last ?? this.#stepOf("ts")).gradients();
  }

  /**
   * The minibatch of the last step: contexts `[n·B]` and targets `[n]` (for tests).
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.trainStep();
   * trainer.lastBatch().Yb.length; // 32
   * ```
   */
  lastBatch(): StepBatch {
    return { Xb: this.#batch.Xb, Yb: this.#batch.Yb };
  }

  /**
   * Runs the first layer over the whole training set and keeps the mean and
   * the Bessel-corrected variance of every hidden unit, for evaluation and
   * sampling (the lecture's "calibrate the batch norm at the end of training").
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.calibrate();
   * trainer.bnmean?.length; // 200
   * ```
   */
  calibrate(): void {
    if (this.data.vocabOnly) {
      throw new RangeError(
        `Cannot calibrate batchnorm without the training words (${this.data.source?.name ?? "none"} was not read)`,
      );
    }
    ({ bnmean: this.bnmean, bnvar: this.bnvar } = calibrate(this.#inference(), this.data.train));
  }

  /**
   * The mean loss over a whole dataset in inference mode (batchnorm with the
   * calibrated statistics, calibrating first if needed), as the lecture's `split_loss`.
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.evaluate(trainer.data.dev); // about 3.7 untrained; 2.11 after the full run
   * ```
   */
  evaluate(data: Dataset): number {
    return evaluate(this.#inference(), data, () => this.#calibrated());
  }

  /**
   * Samples names from the model, as the lecture does (see `sampling.ts`),
   * calibrating first if needed. A temperature below 1 sharpens the
   * distribution, above 1 flattens it. Names are cut at `maxLength`. `more`
   * asks for makemore's top-k, a prefix (token indices) and progress reports.
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.sample(20, 2147483647 + 10); // the lecture's 20 samples, here from an untrained network
   * ```
   */
  sample(
    count: number,
    seed = LECTURE_SEED + 10,
    temperature = 1,
    maxLength = 50,
    more: Pick<SampleOptions, "topK" | "prefix" | "onProgress"> = {},
  ): string[] {
    checkTemperature(temperature);
    const options = { count, seed, temperature, maxLength, ...more };
    return sample(this.#inference(), this.data.vocab.itos, () => this.#calibrated(), options);
  }

  /** Inference's buffers (made at the first use), with the current parameters. */
  #inference(): Inference {
    this.#inferenceBuffers ??= new Inference(this.#dims());
    this.#inferenceBuffers.load(this.params);
    return this.#inferenceBuffers;
  }

  /** Batchnorm's statistics over the training set, calibrating first if there are none. */
  #calibrated(): BatchnormStats {
    if (this.bnmean === null || this.bnvar === null) this.calibrate();
    return this as BatchnormStats;
  }

  /**
   * The bytes of every buffer allocated so far: the parameters, the batch,
   * the loss history, batchnorm's statistics, the data, the steps made and
   * inference's buffers. Once both steps and inference are made it is what
   * the budget of `config.ts` counted before anything was allocated.
   *
   * @example
   * ```ts
   * new Trainer({ steps: 10 }).bufferBytes(); // the parameters, the batch, the history and the data, so far
   * ```
   */
  bufferBytes(): number {
    const params = Object.values(this.#params).map((t) => t.data);
    const data = (["train", "dev", "test"] as const).flatMap((split) => [this.data[split].X, this.data[split].Y]);
    const own = bytesOf(params, this.#batch, [this.lossLog10, this.bnmean, this.bnvar], data);
    const steps = Object.values(this.#steps).reduce((sum, step) => sum + step.bytes, 0);
    return own + steps + (this.#inferenceBuffers?.bytes ?? 0);
  }

  /**
   * The state a checkpoint needs besides the parameters.
   *
   * @example
   * ```ts
   * const trainer = new Trainer({ steps: 10 });
   * trainer.trainStep();
   * trainer.state().lossLog10.length; // 1
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
