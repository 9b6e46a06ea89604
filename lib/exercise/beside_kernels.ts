/**
 * Exercise 9's training with the learner's gradients beside the kernels'
 * run, in the terminal (lib/commands/exercise/training.ts) and on the
 * exercise page (lib/site/browser/exercise_train.ts) alike. The kernels'
 * trainer runs first ({@linkcode kernelsRunSteps}: the learning rate
 * dropping halfway) and lends its starting parameters and its batches
 * ({@linkcode learnerHeader}); the learner's run trains from the same start
 * on the same batches; the parameters it sends back are read as numbers of
 * the network's shapes ({@linkcode paramsOf}) and made a network beside the
 * kernels' ({@linkcode trained}), to calibrate, evaluate and sample.
 *
 * @example
 * ```ts
 * import { kernelsRun, learnerHeader } from "./beside_kernels.ts";
 * const kernels = kernelsRun(2);
 * learnerHeader(kernels, "program", 1).steps; // 2
 * ```
 * @module
 */

import { mapParams, PARAM_NAMES, type Params } from "../model.ts";
import { clone, type IndexTensor, indexTensor, Tensor } from "../tensor.ts";
import { LR_DECAY, Trainer } from "../train/trainer.ts";
import type { TrainEnd, TrainHeader } from "./training_wire.ts";
import { floatsOf, pack } from "./wire.ts";

/** The kernels' run: its trainer after its steps, where it started, its batches and its losses. */
export interface KernelsRun {
  trainer: Trainer;
  start: Params;
  /** Every batch's contexts, `[steps · n, blockSize]`, and targets, `[steps · n]`. */
  Xb: IndexTensor;
  Yb: IndexTensor;
  /** The loss of each step (NaN for a step not yet taken). */
  losses: Float64Array;
}

/**
 * The kernels' run of `steps` steps, a step at a time: it yields after each
 * step (the steps taken, and the losses so far, NaN for the steps not yet
 * taken), so a page can let its messages in, and returns the whole run.
 *
 * @example
 * ```ts
 * const run = kernelsRunSteps(3);
 * run.next().value; // { step: 1, losses: Float64Array [3.8…, NaN, NaN] }
 * ```
 */
export function* kernelsRunSteps(steps: number): Generator<{ step: number; losses: Float64Array }, KernelsRun> {
  const trainer = new Trainer({ steps, decayStep: Math.floor(steps / 2) });
  const start = mapParams((name) => clone(trainer.params[name]));
  const { batchSize: n, blockSize: B } = trainer.config;
  const Xb = new Int32Array(steps * n * B); // [steps · n, B]
  const Yb = new Int32Array(steps * n); // [steps · n]
  const losses = new Float64Array(steps).fill(NaN); // [steps]
  for (let step = 0; step < steps; step++) {
    losses[step] = trainer.trainStep();
    const batch = trainer.lastBatch();
    Xb.set(batch.Xb, step * n * B);
    Yb.set(batch.Yb, step * n);
    yield { step: step + 1, losses };
  }
  return { trainer, start, Xb: indexTensor(Xb, [steps * n, B]), Yb: indexTensor(Yb, [steps * n]), losses };
}

/**
 * The kernels' run of `steps` steps, all at once.
 *
 * @example
 * ```ts
 * const { Xb, losses } = kernelsRun(10);
 * Xb.shape; // [320, 3]: ten batches of 32 contexts
 * losses[0]; // about 3.8, the first batch
 * ```
 */
export function kernelsRun(steps: number): KernelsRun {
  const run = kernelsRunSteps(steps);
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
  }
}

/**
 * What the learner's run is given, but the forward pass: the learner's
 * `program` (rewritten as for the check), the kernels' start and batches,
 * their schedule, and a progress report every `every` steps.
 *
 * @example
 * ```ts
 * const header = learnerHeader(kernelsRun(1), "program", 500);
 * [header.n, header.lr, header.every]; // [32, 0.1, 500]
 * ```
 */
export function learnerHeader(kernels: KernelsRun, program: string, every: number): Omit<TrainHeader, "forward"> {
  const { config } = kernels.trainer;
  return {
    program,
    params: pack(kernels.start),
    Xb: pack(kernels.Xb),
    Yb: pack(kernels.Yb),
    n: config.batchSize,
    steps: kernels.losses.length,
    lr: config.lr,
    decayStep: config.decayStep,
    decay: LR_DECAY,
    every,
  };
}

/**
 * The trained parameters of an end, as tensors of the network's shapes
 * (`like`'s); undefined when any is missing, of another shape, or not
 * finite, or when there are others.
 *
 * @example
 * ```ts
 * import { toBase64 } from "./wire.ts";
 * const { start } = kernelsRun(1);
 * const params = Object.fromEntries(Object.entries(start).map(([k, t]) => [k, { shape: t.shape, f32: toBase64(t.data) }]));
 * paramsOf({ ended: "trained", params }, start)?.W1.shape; // [30, 200]
 * paramsOf({ ended: "trained", params: { ...params, W1: params.C } }, start); // undefined
 * ```
 */
export function paramsOf(end: TrainEnd & { ended: "trained" }, like: Params): Params | undefined {
  try {
    const params = mapParams((name) => {
      const p = Object.hasOwn(end.params, name) ? end.params[name] : undefined;
      if (!p || p.shape.join() !== like[name].shape.join()) throw new RangeError(`${name} is missing or off`);
      const t = new Tensor(floatsOf(p.f32, like[name].data.length), [...like[name].shape]);
      if (!t.data.every(Number.isFinite)) throw new RangeError(`${name} is not finite`);
      return t;
    });
    return Object.keys(end.params).length === PARAM_NAMES.length ? params : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kernels' network and its losses, and the network trained with the
 * learner's gradients, when its parameters came back whole (`params`): a
 * trainer that holds them after the kernels' run's steps, with the
 * learner's `losses`, to calibrate, evaluate and sample.
 *
 * @example
 * ```ts
 * const kernels = kernelsRun(2);
 * trained(kernels, kernels.start, new Float64Array([3.3, 3.2])).yours?.step; // 2
 * ```
 */
export function trained(kernels: KernelsRun, params: Params | undefined, losses: Float64Array) {
  const { trainer } = kernels;
  const yours = params && new Trainer(trainer.config, trainer.data, {
    params,
    state: {
      step: trainer.step,
      generator: trainer.generatorState(),
      lossLog10: Float32Array.from(losses, Math.log10),
      bnmean: null,
      bnvar: null,
    },
  });
  return { yours, kernels: trainer, kernelLosses: kernels.losses };
}
