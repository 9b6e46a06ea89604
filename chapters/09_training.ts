/**
 * # Chapter 9. Training, and sampling names
 *
 * Everything is in place for the lecture's exercise 4: train the network with
 * our own backward pass, no autograd anywhere. One training step is the
 * forward pass of chapter 2, the fused cross-entropy backward of chapter 7,
 * the output layer and tanh of chapter 4, the fused batchnorm backward of
 * chapter 8 and the first layer of chapter 6, followed by a small move of
 * every parameter against its gradient.
 *
 * We first write that step with the tensor module, readable line by line,
 * and check it against the fast kernels that the real training loop
 * (`lib/train/trainer.ts`) uses: WebAssembly, four float32 numbers at a time
 * (`lib/train/wasm/kernels.as.ts`, whose readable twin in TypeScript is
 * `lib/train/kernels.ts`). Then we train for a little while, calibrate
 * batchnorm, measure the loss and sample names.
 *
 * Run it with `deno task chapter 9`; the full 200,000-step run is
 * `deno task train`.
 *
 * @module
 */

import { add, clone, type IndexTensor, indexTensor, mul, type Tensor } from "../lib/tensor.ts";
import { mapParams, PARAM_NAMES, type Params } from "../lib/model.ts";
import { formatNumber, maxAbsDiff } from "../lib/check/compare.ts";
import { heading, say, table } from "../lib/report/print.ts";
import { lossChart } from "../lib/report/chart.ts";
import { showPicture } from "../lib/notebook/picture.ts";
import { lossCurveSvg } from "../lib/report/svg.ts";
import { LR_DECAY, Trainer } from "../lib/train/trainer.ts";
import { forward } from "./02_forward.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";
import { backpropFirstLayer } from "./06_first_layer.ts";
import { crossEntropyBackward } from "./07_fused_cross_entropy.ts";
import { batchnormBackward } from "./08_fused_batchnorm.ts";

/** This chapter's title. */
export const title = "Training, and sampling names";

/** How many steps the chapter trains: enough to see learning, in a few seconds. */
export const CHAPTER_STEPS = 10_000;

/** Gradients of the seven parameters. */
export type ParamGrads = Record<typeof PARAM_NAMES[number], Tensor>;

/**
 * One training step's gradients, written with the tensor module and the
 * chapters' backward passes.
 *
 * @example
 * ```ts
 * import { setup } from "./01_data_and_model.ts";
 * const { params, batch } = setup();
 * const { loss, grads } = plainGradients(params, batch.Xb, batch.Yb);
 * loss; // 3.3377…, as chapter 2's forward pass
 * ```
 */
export function plainGradients(params: Params, Xb: IndexTensor, Yb: IndexTensor): { loss: number; grads: ParamGrads } {
  // The forward pass, keeping what the backward pass needs.
  const fwd = forward(params, Xb, Yb);
  // Cross-entropy in one step (chapter 7).
  const dlogits = crossEntropyBackward(fwd.logits, Yb); // [n, 27]
  // The second layer and tanh (chapter 4).
  const { dW2, db2, dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  // Batchnorm in one step (chapter 8); its gain and bias as in chapter 5.
  const dbngain = fwd.bnraw.mul(dhpreact).sum(0, true); // [1, nHidden]
  const dbnbias = dhpreact.sum(0, true); // [1, nHidden]
  const dhprebn = batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain); // [n, nHidden]
  // The first layer and the embedding (chapter 6).
  const { dW1, db1, dC } = backpropFirstLayer(dhprebn, fwd, params, Xb);
  return { loss: fwd.loss, grads: { C: dC, W1: dW1, b1: db1, W2: dW2, b2: db2, bngain: dbngain, bnbias: dbnbias } };
}

/**
 * The update: every parameter takes a step of size `lr` against its gradient.
 * (The lecture: `for p, grad in zip(parameters, grads): p.data += -lr * grad`.)
 *
 * @example
 * ```ts
 * import { setup } from "./01_data_and_model.ts";
 * const { params, batch } = setup();
 * const { grads } = plainGradients(params, batch.Xb, batch.Yb);
 * const next = sgdUpdate(params, grads, 0.1); // one step of gradient descent
 * ```
 */
export function sgdUpdate(params: Params, grads: ParamGrads, lr: number): Params {
  return mapParams((name) => add(params[name], mul(-lr, grads[name])));
}

/** Prints this chapter; false if the kernels disagree with the plain step or training fails. */
export function run(): boolean {
  heading(9, title);
  say(`The lecture's training run: 10-dimensional embeddings, 200 hidden units (12,297 parameters), batches of 32
    drawn from the generator g that made the parameters, learning rate 0.1 and then 0.01 for the second half.`);

  // ## One step, two ways
  //
  // The trainer draws its first batch and takes a step with the fast kernels.
  // We keep a copy of the parameters from before the step, redo the step with
  // the tensor module on the same batch, and compare the results.
  const trainer = new Trainer({ steps: CHAPTER_STEPS, decayStep: CHAPTER_STEPS / 2 });
  const before = mapParams((name) => clone(trainer.params[name]));
  const fastLoss = trainer.trainStep();
  const { Xb, Yb } = trainer.lastBatch();
  const n = trainer.config.batchSize;
  const { loss, grads } = plainGradients(
    before,
    indexTensor(Xb, [n, trainer.config.blockSize]),
    indexTensor(Yb, [n]),
  );
  const after = sgdUpdate(before, grads, trainer.learningRate(0));
  say(`The first step both ways: the plain tensor-module version (chapters 2 to 8, float32) and the trainer's fast
    kernels (WebAssembly SIMD, float32, lib/train/wasm). Loss ${loss.toFixed(6)} against ${fastLoss.toFixed(6)}. It is
    not chapter 2's 3.3377 because this is another network on another batch: 200 hidden units where chapters 1 to 8
    have 64 (so every random parameter differs), and the first batch the trainer draws, not chapter 1's.`);
  const fastGrads = trainer.lastGradients();
  let ok = Math.abs(loss - fastLoss) < 1e-5;
  const rows: (string | number)[][] = [[
    "parameter",
    "largest |gradient|",
    "gradient diff",
    "parameter diff after the step",
    "agree",
  ]];
  // Two float32 computations agree when their gradients differ by rounding: a few parts in a million of the
  // gradient's size. b1's gradient is the exception. It is zero in exact arithmetic, because batchnorm subtracts the
  // batch mean and b1 shifts every row's mean by the same amount, so what both sides hold is rounding of a sum of
  // dhprebn. So b1 is compared at the size of W1's gradient, which is made of the same numbers.
  const largest = (g: ArrayLike<number>) => Math.max(...Array.from(g, Math.abs));
  for (const name of PARAM_NAMES) {
    const scale = largest(grads[name].data);
    const sizeOfTerms = name === "b1" ? largest(grads.W1.data) : scale;
    const gradDiff = maxAbsDiff(grads[name].data, fastGrads[name]);
    const paramDiff = maxAbsDiff(after[name].data, trainer.params[name].data);
    const agree = gradDiff <= 1e-5 * sizeOfTerms + 1e-8 && paramDiff <= 1e-6;
    ok &&= agree;
    rows.push([name, formatNumber(scale), formatNumber(gradDiff), formatNumber(paramDiff), agree ? "yes" : "NO"]);
  }
  console.log(table(rows) + "\n");
  say(`${ok ? "They agree to float32 rounding" : "They do not agree: a row marked NO differs by more than rounding"}.
    b1's gradient is zero in exact arithmetic (batchnorm removes whatever b1 adds), so both columns for it are rounding,
    and it is held to the size of W1's gradient instead of its own.`);

  // ## A short training run
  say(`Now ${CHAPTER_STEPS.toLocaleString("en-US")} steps (the full run is 200,000), with the learning rate dropping
    to ${+(0.1 * LR_DECAY).toPrecision(3)} halfway:`);
  const started = performance.now();
  while (trainer.step < CHAPTER_STEPS) {
    const stepLoss = trainer.trainStep();
    if (!Number.isFinite(stepLoss)) {
      console.log(`The loss became ${stepLoss} at step ${trainer.step}.`);
      return false;
    }
    if (trainer.step % 2000 === 0) {
      console.log(`  step ${String(trainer.step).padStart(6)}: loss ${stepLoss.toFixed(4)}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n  ${(1000 * seconds / (CHAPTER_STEPS - 1)).toFixed(3)} ms a step.\n`);
  const losses = trainer.lossLog10.subarray(0, trainer.step);
  // The chart and the picture average the same windows of steps: 50 points,
  // as many as fit across a terminal.
  const points = 50;
  showPicture(lossChart(losses, points), lossCurveSvg(losses, { maxPoints: points }));

  // ## Calibrating batchnorm, and the loss on data the network never saw
  //
  // During training, batchnorm normalises with each batch's own mean and
  // variance. To use the network on one example at a time we need fixed
  // statistics, so we run the first layer over the whole training set once
  // and keep the mean and variance of every hidden unit.
  trainer.calibrate();
  const train = trainer.evaluate(trainer.data.train);
  const val = trainer.evaluate(trainer.data.dev);
  ok &&= val < 2.4;
  say(`After calibrating batchnorm over all ${trainer.data.train.count.toLocaleString("en-US")} training examples, the
    loss over whole splits: train ${train.toFixed(4)}, val ${val.toFixed(4)}. The lecture, after 200,000 steps, reached
    train 2.0705 and val 2.1099; so does \`deno task train\`.`);

  // ## Sampling
  //
  // To make a name, start from the context "...", ask the network for the
  // distribution of the next character, draw one with torch.multinomial from
  // a generator seeded 2147483647 + 10 (as the lecture does), slide it into
  // the context, and repeat until the network draws ".".
  const names = trainer.sample(20);
  say("Twenty names from the network after this short run:");
  console.log(names.map((name) => `  ${name}`).join("\n") + "\n");
  say(`They are not the lecture's names yet (it trained 20 times longer), but they already look like names. Run
    \`deno task train\` for the full run, with progress, a checkpoint you can resume, and \`deno task sample\`.`);
  return ok;
}

if (import.meta.main && !run()) Deno.exitCode = 1;
