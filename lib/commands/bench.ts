/**
 * `deno task bench`: one training step of the lecture's network (12,297
 * parameters, batches of 32), timed three ways on the same batches in the
 * same run: our fast kernels (`lib/train/kernels.ts` through `lib/train/trainer.ts`),
 * our plain tensor-module step (chapter 9), and TensorFlow.js autograd on its
 * CPU backend. It prints the median time of a step and the ratios.
 *
 * @example
 * ```ts
 * import { benchCommand } from "./bench.ts";
 * benchCommand([]);
 * ```
 * @module
 */

import { tf } from "../check/tf.ts";
import { UsageError } from "../cli.ts";
import { mapParams, PARAM_NAMES, parameterCount, type Params } from "../model.ts";
import { table } from "../report/print.ts";
import { medianMs } from "../timing.ts";
import { clone, indexTensor } from "../tensor.ts";
import { TorchGenerator } from "../random/torch.ts";
import { Trainer } from "../train/trainer.ts";
import { plainGradients, sgdUpdate } from "../../chapters/09_training.ts";

/** A batch: contexts `[n·B]` and targets `[n]`. */
interface RawBatch {
  Xb: Int32Array;
  Yb: Int32Array;
}

/**
 * Times `step` over the batches for about `budgetMs`: the median time of a
 * step, measured over groups of `group` steps (so each timed span is long
 * enough for the clock), after a few groups of warm-up for the JIT.
 */
function timeSteps(batches: RawBatch[], step: (b: RawBatch) => void, budgetMs: number, group: number): number {
  let k = 0;
  const runGroup = () => {
    for (let i = 0; i < group; i++) step(batches[k++ % batches.length]);
  };
  return medianMs(runGroup, budgetMs) / group;
}

/** The lecture's training step in TensorFlow.js, with autograd and plain SGD. */
function tfStepper(params: Params, lr: number, blockSize: number): (b: RawBatch) => void {
  let current = PARAM_NAMES.map((name) => tf.keep(tf.tensor(params[name].data, [...params[name].shape])));
  const vocab = params.C.shape[0];
  return ({ Xb, Yb }) => {
    const n = Yb.length;
    const next = tf.tidy(() => {
      const xb = tf.tensor2d(Xb, [n, blockSize], "int32");
      const target = tf.oneHot(tf.tensor1d(Yb, "int32"), vocab).toFloat();
      const loss = (
        C: tf.Tensor,
        W1: tf.Tensor,
        b1: tf.Tensor,
        W2: tf.Tensor,
        b2: tf.Tensor,
        bngain: tf.Tensor,
        bnbias: tf.Tensor,
      ) => {
        const embcat = tf.reshape(tf.gather(C, xb), [n, -1]);
        const hprebn = tf.add(tf.matMul(embcat, W1), b1);
        const bndiff = tf.sub(hprebn, tf.mean(hprebn, 0, true));
        const bnvar = tf.mul(1 / (n - 1), tf.sum(tf.square(bndiff), 0, true));
        const bnraw = tf.mul(bndiff, tf.rsqrt(tf.add(bnvar, 1e-5)));
        const h = tf.tanh(tf.add(tf.mul(bngain, bnraw), bnbias));
        const logits = tf.add(tf.matMul(h, W2), b2);
        return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1))) as tf.Scalar;
      };
      const grads = tf.grads((...p: tf.Tensor[]) => loss(p[0], p[1], p[2], p[3], p[4], p[5], p[6]))(current);
      return current.map((p, i) => tf.keep(tf.sub(p, tf.mul(grads[i], lr))));
    });
    for (const t of current) t.dispose();
    current = next;
  };
}

/**
 * Runs the benchmark and prints its table. `--quick` shortens it (for tests).
 *
 * @example
 * ```ts
 * benchCommand(["--quick"]);
 * ```
 */
export function benchCommand(args: string[]): number {
  const quick = args.includes("--quick");
  const unknown = args.filter((a) => a !== "--quick");
  if (unknown.length > 0) throw new UsageError(`bench takes no arguments but --quick, got ${unknown.join(" ")}`);
  const budget = quick ? 150 : 3000;

  const trainer = new Trainer({ steps: 1 });
  const { batchSize: n, blockSize: B } = trainer.config;
  const { X, Y, count } = trainer.data.train;
  // The same 64 batches for all three, drawn as the lecture draws them.
  const g = new TorchGenerator(12345);
  const batches: RawBatch[] = Array.from({ length: 64 }, () => {
    const ix = g.randint(0, count, n);
    return {
      Xb: Int32Array.from(ix.flatMap((row) => Array.from(X.subarray(row * B, (row + 1) * B)))),
      Yb: Int32Array.from(ix, (row) => Y[row]),
    };
  });
  const lr = 0.1;
  const initial = mapParams((name) => clone(trainer.params[name]));
  let plainParams = initial;
  const tfStep = tfStepper(initial, lr, B);

  console.log(
    `One training step of the lecture's MLP (${
      parameterCount(trainer.params).toLocaleString("en-US")
    } parameters, batch of ${n}), median over ${quick ? "a short" : "a 3-second"} run each, on the same batches:\n`,
  );
  const fast = timeSteps(batches, ({ Xb, Yb }) => void trainer.trainOnBatch(Xb, Yb), budget, 20);
  const plain = timeSteps(
    batches,
    ({ Xb, Yb }) => {
      const { grads } = plainGradients(plainParams, indexTensor(Xb, [n, B]), indexTensor(Yb, [n]));
      plainParams = sgdUpdate(plainParams, grads, lr);
    },
    budget,
    2,
  );
  const autograd = timeSteps(batches, tfStep, budget, 2);
  console.log(table([
    ["implementation", "ms/step", "vs fast kernels"],
    ["fast kernels (lib/train/kernels.ts)", fast.toFixed(3), "1.0×"],
    ["tensor module (chapter 9)", plain.toFixed(3), `${(plain / fast).toFixed(1)}× slower`],
    ["TensorFlow.js autograd (CPU)", autograd.toFixed(3), `${(autograd / fast).toFixed(1)}× slower`],
  ]));
  console.log(`\n200,000 steps would take ${(fast * 200).toFixed(0)} s with the fast kernels.`);
  return 0;
}
