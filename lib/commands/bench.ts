/**
 * `deno task bench`: one training step of the lecture's network (12,297
 * parameters, batches of 32), timed in one run on the same batches by every
 * implementation we have: the WebAssembly SIMD kernels (`lib/train/wasm/`),
 * their TypeScript twins (`lib/train/kernels.ts`), the plain tensor-module
 * step (chapter 9), TensorFlow.js autograd on its CPU backend, and, when a
 * Python with torch is found, PyTorch running the lecture's own loop body
 * (`data/pytorch/bench_step.py`), and, with `--native PATH`, a native program
 * that runs the same step and prints its time. It prints the median time of a step, the
 * arithmetic rate, and how many times faster the WebAssembly step is.
 *
 * `--sweep` times the step instead for 64 to 1024 hidden units and batches of
 * 32 to 512, to show how the cost grows.
 *
 * @example
 * ```ts
 * import { benchCommand } from "./bench.ts";
 * // `deno task bench --quick`, as main.ts runs it (a few seconds):
 * async function bench() {
 *   Deno.exitCode = await benchCommand(["--quick"]);
 * }
 * await benchCommand(["--help"]); // prints the flags, returns 0
 * ```
 * @module
 */

import { stripVTControlCharacters } from "node:util";
import { tf } from "../check/tf.ts";
import { choiceFlag, parseFlags, pathFlag, UsageError } from "../cli.ts";
import { type Batch, drawBatch, mapParams, PARAM_NAMES, parameterCount, type Params } from "../model.ts";
import { table } from "../report/print.ts";
import { medianMs } from "../timing.ts";
import { clone } from "../tensor.ts";
import { TorchGenerator } from "../random/torch.ts";
import { KERNEL_CHOICES, type KernelChoice } from "../train/step.ts";
import { Trainer } from "../train/trainer.ts";
import { loadTrainingData, type TrainingData } from "../train/training_data.ts";
import { plainGradients, sgdUpdate } from "../../chapters/09_training.ts";

const HELP = `Time one training step of the lecture's MLP, every implementation on the same batches.

Usage: deno task bench [flags]

Flags:
  --quick            a short run (for tests)
  --sweep            instead, ms/step and GFLOP/s for 64..1024 hidden units and batches of 32..512
  --kernels K        the kernels the sweep times: wasm or ts   (wasm)
  --python PATH      a Python with torch                      (/usr/bin/python3)
  --native PATH      also time a native peer of the step, each round: it is run as
                     PATH --steps 20 --runs R --noeval --data data/names.txt and prints median_ms=MS,
                     the median over R runs of 20 steps, as ours is timed (../shared/bench/native/mlp.c
                     does; its variant=NAME names it in the table)
  -h, --help         this text`;

/**
 * The floating-point operations of one training step, counted as the
 * kernels do them: the six matrix products (forward, and two in the backward
 * of each linear layer) at two per multiply-add (88 % of the count at the lecture's sizes),
 * plus the elementwise layers (about 41 per hidden activation for batchnorm,
 * tanh and their backward, 8 per logit, 2 per parameter for the update).
 *
 * @example
 * ```ts
 * stepFlops({ n: 32, B: 3, E: 10, H: 200, V: 27 }); // 2,482,706
 * ```
 */
export function stepFlops({ n, B, E, H, V }: { n: number; B: number; E: number; H: number; V: number }): number {
  const I = B * E;
  const matmuls = 3 * 2 * n * (I * H + H * V);
  const params = V * E + I * H + H + H * V + V + 2 * H;
  return matmuls + 41 * n * H + 8 * n * V + 2 * params;
}

/** The steps in one timed group of the WebAssembly step, and of a native peer's. */
const GROUP = 20;

/** The seed of the generator the bench draws its batches from (not the trainer's: its batches are its own). */
const BENCH_SEED = 12345;

/** Draws `count` batches of `n` from the training set as the lecture does. */
function drawBatches(data: TrainingData, n: number, count: number): Batch[] {
  const g = new TorchGenerator(BENCH_SEED);
  return Array.from({ length: count }, () => drawBatch(data.train, n, g));
}

/**
 * Times `step` over the batches for about `budgetMs`: the median time of a
 * step, measured over groups of `group` steps (so each timed span is long
 * enough for the clock), after a few groups of warm-up for the JIT.
 */
function timeSteps(batches: Batch[], step: (b: Batch) => void, budgetMs: number, group: number): number {
  let k = 0;
  const runGroup = () => {
    for (let i = 0; i < group; i++) step(batches[k++ % batches.length]);
  };
  return medianMs(runGroup, budgetMs) / group;
}

/** The lecture's training step in TensorFlow.js, with autograd and plain SGD. */
function tfStepper(params: Params, lr: number, blockSize: number): (b: Batch) => void {
  let current = PARAM_NAMES.map((name) => tf.keep(tf.tensor(params[name].data, [...params[name].shape])));
  const vocab = params.C.shape[0];
  return ({ Xb, Yb }) => {
    const n = Yb.data.length;
    const next = tf.tidy(() => {
      const xb = tf.tensor2d(Xb.data, [n, blockSize], "int32");
      const target = tf.oneHot(tf.tensor1d(Yb.data, "int32"), vocab).toFloat();
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

/** What data/pytorch/bench_step.py reports. */
interface TorchTimes {
  torch: string;
  threads: number;
  first_loss: number;
  loop_ms: number;
  index_add_ms: number;
}

const base64 = (bytes: Uint8Array) => {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
const bytesOf = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The job data/pytorch/bench_step.py reads on stdin: the parameters and batches to time, as JSON. */
function torchJob(params: Params, batches: Batch[], lr: number, budgetMs: number): string {
  return JSON.stringify({
    params: Object.fromEntries(
      PARAM_NAMES.map((k) => [k, { data: base64(bytesOf(params[k].data)), shape: params[k].shape }]),
    ),
    batches: batches.map(({ Xb, Yb }) => ({ X: base64(bytesOf(Xb.data)), Y: base64(bytesOf(Yb.data)) })),
    batchSize: batches[0].Xb.shape[0],
    blockSize: batches[0].Xb.shape[1],
    lr,
    budgetMs,
  });
}

/**
 * Runs the PyTorch timing script with `python` on a {@linkcode torchJob}.
 * Returns the times, or a one-line reason why there are none.
 */
async function torchTimes(python: string, job: string): Promise<TorchTimes | string> {
  if ((await Deno.permissions.query({ name: "run", command: python })).state !== "granted") {
    return `PyTorch: not timed, no permission to run ${python} (deno task bench has it).`;
  }
  const script = new URL("../../data/pytorch/bench_step.py", import.meta.url);
  let child;
  try {
    child = new Deno.Command(python, { args: [script.pathname], stdin: "piped", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (error) {
    return `PyTorch: not timed, ${python} could not be run (${(error as Error).message.split("\n")[0]}).`;
  }
  const writer = child.stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(job));
    await writer.close();
  } catch {
    // The program stopped without reading the job (a broken pipe): its exit code and stderr say why.
  }
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    const err = new TextDecoder().decode(stderr);
    const lines = stripVTControlCharacters(err).split("\n").map((l) => l.trim()).filter((l) => l !== "");
    const reason = /No module named '\w+'/.exec(err)?.[0] ?? lines.find((l) => /error/i.test(l)) ?? lines.at(-1);
    return `PyTorch: not timed, ${python} has no usable torch (${reason}); try --python PATH, or apt-get install -y python3-torch.`;
  }
  return JSON.parse(new TextDecoder().decode(stdout)) as TorchTimes;
}

/** "4.2× faster" / "1.3× slower", the WebAssembly step against another time. */
const against = (ms: number, wasm: number) =>
  ms >= wasm ? `${(ms / wasm).toFixed(1)}× faster` : `${(wasm / ms).toFixed(1)}× slower`;

/**
 * Runs the benchmark and prints its table. `--quick` shortens it (for tests),
 * `--sweep` times the growth with size instead.
 *
 * @example
 * ```ts
 * const code = await benchCommand(["--help"]); // prints the flags; 0
 * ```
 */
export async function benchCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    quick: { type: "boolean" },
    sweep: { type: "boolean" },
    kernels: { type: "string" },
    python: { type: "string" },
    native: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, "bench").values;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const kernels = choiceFlag(values, "kernels", KERNEL_CHOICES) ?? "wasm";
  const python = pathFlag(values, "python") ?? "/usr/bin/python3";
  const native = pathFlag(values, "native");
  const natives = native === undefined ? [] : [native];
  const quick = values.quick === true;
  const data = loadTrainingData(3);
  if (values.sweep) return sweep(data, kernels, quick);
  if (values.kernels !== undefined) {
    throw new UsageError("--kernels chooses the kernels of --sweep; the bench times both");
  }
  await compare(data, python, natives, quick);
  return 0;
}

/** The name of the WebAssembly step in the table, the one every other time is compared with. */
const WASM = "WebAssembly SIMD kernels (lib/train/wasm)";

/**
 * Our implementations of the lecture's step, starting from `wasm`'s
 * parameters: each a name and a function that times it on `batches` for
 * about `budget` ms and returns its ms/step.
 */
function implementations(
  wasm: Trainer,
  batches: Batch[],
  lr: number,
  budget: number,
): [string, () => number][] {
  const ts = new Trainer({ steps: 1 }, wasm.data, undefined, { kernels: "ts" });
  let plainParams = mapParams((name) => clone(wasm.params[name]));
  const tfStep = tfStepper(plainParams, lr, wasm.config.blockSize);
  const plainStep = ({ Xb, Yb }: Batch) => {
    const { grads } = plainGradients(plainParams, Xb, Yb);
    plainParams = sgdUpdate(plainParams, grads, lr);
  };
  const train = (trainer: Trainer) => ({ Xb, Yb }: Batch) => void trainer.trainOnBatch(Xb.data, Yb.data);
  return [
    [WASM, () => timeSteps(batches, train(wasm), budget, GROUP)],
    ["TypeScript kernels (lib/train/kernels.ts)", () => timeSteps(batches, train(ts), budget, 10)],
    ["tensor module (chapter 9)", () => timeSteps(batches, plainStep, budget, 2)],
    ["TensorFlow.js autograd (CPU)", () => timeSteps(batches, tfStep, budget, 2)],
  ];
}

/**
 * Prints the best ms/step of each implementation, its GFLOP/s for `flops`
 * a step, and how many times faster the WebAssembly step is; then PyTorch's
 * threads and first loss beside ours (or why it was not timed), and what a
 * training run of 200,000 steps would take.
 */
function printComparison(
  best: Map<string, number>,
  flops: number,
  torch: TorchTimes | string,
  firstLoss: number,
): void {
  const wasmMs = best.get(WASM) ?? NaN;
  console.log(table([
    ["implementation", "ms/step", "GFLOP/s", "WebAssembly is"],
    ...[...best].map(([name, ms]) => [
      name,
      ms.toFixed(3).padStart(7),
      (flops / ms / 1e6).toFixed(1).padStart(7),
      name === WASM ? "" : against(ms, wasmMs),
    ]),
  ]));
  console.log(
    typeof torch === "string"
      ? `\n${torch}`
      : `\nPyTorch ran on ${torch.threads} thread${torch.threads === 1 ? "" : "s"} (torch.get_num_threads()). ` +
        `The same start: the first step's loss is ${firstLoss.toFixed(5)} here and ${
          torch.first_loss.toFixed(5)
        } in PyTorch (the training run's 200-hidden-unit network on the bench's first batch, drawn with seed ` +
        `${BENCH_SEED}: not chapter 9's first batch, so not its first loss).`,
  );
  console.log(`200,000 steps would take ${(wasmMs * 200).toFixed(0)} s with the WebAssembly kernels.`);
}

/**
 * Runs a native peer of the step (`--native PATH`) on the lecture's names,
 * timed as ours is: `runs` runs of {@linkcode GROUP} steps each, of which it
 * prints the median (`median_ms=`). (One long run would be timed by the clock
 * from start to end, every moment another process had the core included,
 * where ours is the median of short groups of steps: on a shared machine the
 * two differed by 4×.) Returns its name in the table and its ms/step, or a
 * one-line reason why there is none.
 */
async function nativeTime(path: string, runs: number): Promise<{ name: string; ms: number } | string> {
  const args = ["--steps", String(GROUP), "--runs", String(runs), "--noeval", "--data", "data/names.txt"];
  let output;
  try {
    output = await new Deno.Command(path, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    return `native ${path}: not timed, it could not be run (${(error as Error).message.split("\n")[0]}).`;
  }
  const text = new TextDecoder().decode(output.stdout);
  const ms = Number(/median_ms=([0-9.]+)/.exec(text)?.[1]);
  if (!output.success || !(ms > 0)) {
    const why = output.success ? "printed no median_ms=" : `exit code ${output.code}`;
    return `native ${path}: not timed (${why}).`;
  }
  const variant = /variant=(\S+)/.exec(text)?.[1];
  return { name: `native C${variant ? ` ${variant}` : ""} (${path.split("/").at(-1)})`, ms };
}

/** The lecture's step timed by every implementation on the same batches, as one table. */
async function compare(data: TrainingData, python: string, natives: string[], quick: boolean): Promise<void> {
  // Three rounds, each timing every implementation in turn, and the best round of each: on a shared machine a burst
  // of someone else's work then slows one round of one implementation, not the whole comparison.
  const rounds = quick ? 1 : 3;
  const budget = quick ? 150 : 1000;
  const lr = 0.1;

  const wasm = new Trainer({ steps: 1 }, data);
  const { batchSize: n, blockSize: B, nEmbd: E, nHidden: H } = wasm.config;
  const flops = stepFlops({ n, B, E, H, V: data.vocab.size });
  const batches = drawBatches(data, n, 64);
  const job = torchJob(wasm.params, batches, lr, budget);
  const ours = implementations(wasm, batches, lr, budget);

  console.log(
    `One training step of the lecture's MLP (${parameterCount(wasm.params).toLocaleString("en-US")} parameters, ` +
      `batch of ${n}, ${(flops / 1e6).toFixed(2)} MFLOP) on the same batches: the median over ${
        quick ? "a short run" : "1 s, best of 3 rounds"
      } each.\n`,
  );
  const best = new Map<string, number>();
  const keep = (name: string, ms: number) => best.set(name, Math.min(best.get(name) ?? Infinity, ms));
  let torch: TorchTimes | string = "";
  const failed = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, time] of ours) keep(name, time());
    for (const path of natives.filter((path) => !failed.has(path))) {
      const native = await nativeTime(path, quick ? 16 : 64);
      if (typeof native === "string") failed.set(path, native);
      else keep(native.name, native.ms);
    }
    // A PyTorch that failed once (no torch, a bad path) fails again: it is not run again.
    if (round > 0 && typeof torch === "string") continue;
    torch = await torchTimes(python, job);
    if (typeof torch === "string") continue;
    keep(`PyTorch ${torch.torch}, lecture loop (dC by Python loop)`, torch.loop_ms);
    keep(`PyTorch ${torch.torch}, dC by index_add_`, torch.index_add_ms);
  }
  const firstLoss = new Trainer({ steps: 1 }, data).trainOnBatch(batches[0].Xb.data, batches[0].Yb.data);
  printComparison(best, flops, torch, firstLoss);
  for (const reason of failed.values()) console.log(reason);
}

/** ms/step and GFLOP/s for a grid of hidden sizes and batch sizes. */
function sweep(data: TrainingData, kernels: KernelChoice, quick: boolean): number {
  const hidden = quick ? [64, 128] : [64, 128, 256, 512, 1024];
  const sizes = quick ? [32, 64] : [32, 64, 128, 256, 512];
  const budget = quick ? 60 : 400;
  const V = data.vocab.size;
  console.log(
    `One training step with the ${
      kernels === "wasm" ? "WebAssembly SIMD" : "TypeScript"
    } kernels as the network and the batch grow (block 3, embedding 10, median over ${budget} ms each):\n`,
  );
  const ms: string[][] = [];
  const rate: string[][] = [];
  const total = hidden.length * sizes.length;
  const tty = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  for (const H of hidden) {
    const msRow = [`${H}`];
    const rateRow = [`${H}`];
    for (const n of sizes) {
      if (tty) {
        Deno.stderr.writeSync(encoder.encode(`\r\x1b[Ktiming ${ms.length * sizes.length + msRow.length}/${total}`));
      }
      const trainer = new Trainer({ steps: 1, nHidden: H, batchSize: n }, data, undefined, { kernels });
      const batches = drawBatches(data, n, 8);
      const t = timeSteps(batches, ({ Xb, Yb }) => void trainer.trainOnBatch(Xb.data, Yb.data), budget, 4);
      msRow.push(t.toFixed(3).padStart(7));
      rateRow.push((stepFlops({ n, B: 3, E: 10, H, V }) / t / 1e6).toFixed(1).padStart(7));
    }
    ms.push(msRow);
    rate.push(rateRow);
  }
  if (tty) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
  const header = ["n_hidden \\ batch", ...sizes.map(String)];
  console.log("ms/step:\n" + table([header, ...ms]));
  console.log("\nGFLOP/s:\n" + table([header, ...rate]));
  return 0;
}
