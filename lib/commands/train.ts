/**
 * `deno task train` and `deno task sample`: the command-line front of
 * {@linkcode Trainer}, with flags, progress, a loss chart, checkpoints and
 * Ctrl-C handling.
 *
 * @example
 * ```ts
 * import { trainCommand } from "./train.ts";
 * // As main.ts runs `deno task train --steps 5000`:
 * async function train() {
 *   Deno.exitCode = await trainCommand(["--steps", "5000"]);
 * }
 * ```
 * @module
 */

import { saveLossCurve } from "./loss_curve.ts";
import { resolve } from "node:path";
import process from "node:process";
import { CheckpointError, checkWritable, loadCheckpoint, saveCheckpoint, whatIsAt } from "../train/checkpoint.ts";
import {
  choiceFlag,
  limitedFlag,
  parseFlags,
  pathFlag,
  positiveFlag,
  StopError,
  UsageError,
  wholeFlag,
} from "../cli.ts";
import { lockCheckpoint, LockError, removeStaleTemporaries } from "../train/lock.ts";
import { latestRun, nextFreeRun } from "../train/runs.ts";
import { parameterCount } from "../model.ts";
import { lossChart } from "../report/chart.ts";
import { table } from "../report/print.ts";
import { duration } from "../timing.ts";
import {
  ConfigError,
  DEFAULT_CONFIG,
  formatBytes,
  LR_DECAY,
  MAX_BUFFER_BYTES,
  type TrainConfig,
} from "../train/config.ts";
import { KERNEL_CHOICES, type KernelChoice } from "../train/step.ts";
import { Trainer } from "../train/trainer.ts";
import type { TrainingData } from "../train/training_data.ts";
import { checkpointHeader, dataForResume, dataForRun, trainingSetOf } from "./words.ts";
import { checkSamplesOut, knownTraining, printSamples, type SampleRequest } from "./samples.ts";

/**
 * Where checkpoints go unless `--out` says otherwise.
 *
 * @example
 * ```ts
 * import { latestRun } from "../train/runs.ts";
 * // What `deno task sample` reads (it needs --allow-read):
 * async function newest() {
 *   return await latestRun(DEFAULT_CHECKPOINT); // "checkpoints/mlp.safetensors", or the newest mlp-N
 * }
 * ```
 */
export const DEFAULT_CHECKPOINT = "checkpoints/mlp.safetensors";

/** How often a run saves unless `--save-every` says otherwise: every minute. */
const DEFAULT_SAVE_EVERY = "1m";

/** The most names one command samples. */
const MAX_SAMPLES = 1_000_000;

/** The signals that save and stop a run, with their exit codes (128 + the signal's number). */
const STOP_SIGNALS: Partial<Record<Deno.Signal, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The flag a user types for each configuration field. */
const FLAG: Record<keyof TrainConfig, string> = {
  blockSize: "--block-size",
  nEmbd: "--embd",
  nHidden: "--hidden",
  batchSize: "--batch-size",
  steps: "--steps",
  lr: "--lr",
  decayStep: "--decay-step",
  seed: "--seed",
  globalSeed: "--global-seed",
};

/**
 * The lecture samples with a generator seeded 2147483647 + 10.
 *
 * @example
 * ```ts
 * DEFAULT_SAMPLE_SEED; // 2147483657
 * ```
 */
export const DEFAULT_SAMPLE_SEED = DEFAULT_CONFIG.seed + 10;

const TRAIN_HELP = `Train the lecture's MLP with the hand-written backward pass, then sample names.

Usage: deno task train [flags]

Flags (defaults are the lecture's):
  --data PATH        a UTF-8 text file of words, one a line  (data/names.txt; on --resume, the checkpoint's)
  --steps N          training steps in all                   (${DEFAULT_CONFIG.steps}; on --resume, the checkpoint's)
  --hidden N         hidden units                            (${DEFAULT_CONFIG.nHidden})
  --embd N           embedding size                          (${DEFAULT_CONFIG.nEmbd})
  --block-size N     characters of context                   (${DEFAULT_CONFIG.blockSize})
  --batch-size N     examples per step, at least 2           (${DEFAULT_CONFIG.batchSize})
  --lr X             learning rate                           (${DEFAULT_CONFIG.lr}; on --resume, the checkpoint's)
  --decay-step N     step from which the rate is lr × ${LR_DECAY}    (half of --steps; on --resume, the checkpoint's)
  --seed N           seed of the generator g                 (${DEFAULT_CONFIG.seed})
  --global-seed N    seed of the global generator (bngain, bnbias)  (${DEFAULT_CONFIG.globalSeed})
  --samples N        names to sample at the end              (20)
  --temperature X    sampling temperature                    (1)
  --sample-seed N    seed of the sampling generator          (${DEFAULT_SAMPLE_SEED})
  --top-k K          sample from the K likeliest tokens only (all)
  --prefix TEXT      every sampled name starts with TEXT
  --samples-out PATH write the samples there, one a line (never over a file without --force)
  --out PATH         checkpoint to write                     (${DEFAULT_CHECKPOINT}; mlp-2… when taken)
  --resume PATH      continue a checkpoint up to --steps, counting the steps it has done
  --kernels K        kernels: wasm (SIMD) or ts (TypeScript) (wasm)
  --save-every N|Xm  save every N steps or X min (0: never)  (${DEFAULT_SAVE_EVERY})
  --force            start afresh over an existing checkpoint at --out (or the default's),
                     and let --samples-out replace a file
  -h, --help         this text

A resumed run keeps the checkpoint's network and seeds, and its learning rate schedule:
its --lr and its decay step (not half of a new --steps), unless --lr or --decay-step is
given, so that it ends bit for bit where one uninterrupted run of that schedule would.
A checkpoint that has done its --steps is left as it is. Without --out, a new run never
replaces an earlier one: it saves to checkpoints/mlp-2.safetensors, mlp-3…, whichever is free.

Ctrl-C, SIGTERM and SIGHUP save a checkpoint and stop (exit codes 130, 143, 129);
--resume continues exactly where it stopped. A loss that becomes NaN, infinite or
10 times its first value stops the run with exit code 1, keeping the last good checkpoint.
Buffers are limited to ${formatBytes(MAX_BUFFER_BYTES)}, --samples to ${MAX_SAMPLES.toLocaleString("en-US")}.`;

const SAMPLE_HELP = `Sample names from a trained checkpoint.

Usage: deno task sample [flags]

Flags:
  --checkpoint PATH  the checkpoint to read                  (the newest of ${DEFAULT_CHECKPOINT}, mlp-2…)
  --samples N        how many names                          (20)
  --temperature X    below 1 sharper, above 1 wilder         (1)
  --seed N           seed of the sampling generator          (${DEFAULT_SAMPLE_SEED})
  --top-k K          draw from the K likeliest tokens only   (all)
  --prefix TEXT      every name starts with TEXT
  --samples-out PATH write the names there, one a line
  --force            let --samples-out replace an existing file
  -h, --help         this text

Names are marked "in the training set" or "new" when the checkpoint's words are
known: the lecture's names, or the file it records, still there with the same SHA-256.`;

/** `--save-every`: a number of steps ("5000"), of minutes ("2m"), or "0" for never. */
function saveEveryFlag(raw: string): { steps: number } | { ms: number } | null {
  const text = raw.replaceAll("_", "");
  if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
    return Number(text) === 0 ? null : { steps: Number(text) };
  }
  const minutes = text.match(/^(\d+(?:\.\d+)?|\.\d+)m$/);
  if (minutes && Number(minutes[1]) > 0) return { ms: Number(minutes[1]) * 60_000 };
  throw new UsageError(
    `--save-every must be a number of steps (5000), of minutes (2m), or 0 for never, got ${JSON.stringify(raw)}`,
  );
}

/**
 * A rate or other number as people write it: 0.01, not 0.010000000000000002.
 *
 * @example
 * ```ts
 * formatRate(0.1 * 0.1); // "0.01"
 * ```
 */
export function formatRate(x: number): string {
  return String(+x.toPrecision(12));
}

const encoder = new TextEncoder();
function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** `--top-k`, `--prefix`, `--samples-out` and `--force`, as both commands take them. */
function samplingExtras(values: Record<string, unknown>): Pick<SampleRequest, "topK" | "prefix" | "out" | "force"> {
  return given({
    topK: wholeFlag(values, "top-k", 1),
    prefix: typeof values.prefix === "string" ? values.prefix : undefined,
    out: pathFlag(values, "samples-out"),
    force: values.force === true,
  }) as Pick<SampleRequest, "topK" | "prefix" | "out" | "force">;
}

/** What the train command's flags ask for. */
interface TrainOptions {
  /** `--data`: the words file, or undefined for the lecture's names (or, on --resume, the checkpoint's file). */
  data?: string;
  /** Fields that fix the network and its seeds; a resumed run must match them. */
  shape: Partial<TrainConfig>;
  /** Fields a resumed run may change. */
  schedule: Partial<Pick<TrainConfig, "steps" | "lr" | "decayStep">>;
  /** What to sample at the end (`--samples`, `--temperature`, `--sample-seed`, `--top-k`, `--prefix`, `--samples-out`). */
  sampling: SampleRequest;
  resume?: string;
  out: string;
  /** No --out and no --resume: the run goes to the first free checkpoints/mlp-N.safetensors. */
  defaultOut: boolean;
  force: boolean;
  saveEvery: { steps: number } | { ms: number } | null;
  kernels: KernelChoice;
}

/** Only the fields that were given. */
function given<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Parses and checks the train command's flags; null for `--help`. */
function parseTrainFlags(args: string[]): TrainOptions | null {
  const text = { type: "string" } as const;
  const values = parseFlags(args, {
    data: text,
    steps: text,
    hidden: text,
    embd: text,
    "block-size": text,
    "batch-size": text,
    lr: text,
    "decay-step": text,
    seed: text,
    "global-seed": text,
    samples: text,
    temperature: text,
    "sample-seed": text,
    "top-k": text,
    prefix: text,
    "samples-out": text,
    out: text,
    resume: text,
    "save-every": text,
    kernels: text,
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, "train").values;
  if (values.help) return null;
  const resume = pathFlag(values, "resume");
  return {
    data: pathFlag(values, "data"),
    shape: given({
      nHidden: wholeFlag(values, "hidden", 1),
      nEmbd: wholeFlag(values, "embd", 1),
      blockSize: wholeFlag(values, "block-size", 1),
      batchSize: wholeFlag(values, "batch-size", 2),
      seed: wholeFlag(values, "seed", 0),
      globalSeed: wholeFlag(values, "global-seed", 0),
    }),
    schedule: given({
      steps: wholeFlag(values, "steps", 0),
      lr: positiveFlag(values, "lr"),
      decayStep: wholeFlag(values, "decay-step", 0),
    }),
    sampling: {
      samples: limitedFlag(values, "samples", 0, MAX_SAMPLES) ?? 20,
      temperature: positiveFlag(values, "temperature") ?? 1,
      seed: wholeFlag(values, "sample-seed", 0) ?? DEFAULT_SAMPLE_SEED,
      ...samplingExtras(values),
    },
    resume,
    out: pathFlag(values, "out") ?? resume ?? DEFAULT_CHECKPOINT,
    defaultOut: values.out === undefined && resume === undefined,
    force: values.force === true,
    saveEvery: saveEveryFlag(String(values["save-every"] ?? DEFAULT_SAVE_EVERY)),
    kernels: choiceFlag(values, "kernels", KERNEL_CHOICES) ?? "wasm",
  };
}

/** A configuration or checkpoint problem as the one line a user reads, with the flags they type. */
function asUsageError(error: unknown): unknown {
  if (error instanceof ConfigError) return new UsageError(error.describe((field) => FLAG[field]));
  if (error instanceof CheckpointError || error instanceof RangeError) return new UsageError(error.message);
  return error;
}

/**
 * A fresh trainer from the flags (and `--data`'s words, read and checked
 * before anything is allocated); a flag out of range or bad data throws the
 * one line a user reads.
 */
async function startFresh(o: TrainOptions): Promise<Trainer> {
  try {
    const config = { ...o.shape, ...o.schedule };
    config.decayStep ??= Math.floor((config.steps ?? DEFAULT_CONFIG.steps) / 2);
    const data = o.data === undefined ? undefined : await dataForRun(o.data, config);
    return new Trainer(config, data);
  } catch (error) {
    throw asUsageError(error);
  }
}

/** The trainer of `--resume` (`path`), whose network and seeds must match the flags given. */
async function resumeRun(o: TrainOptions, path: string): Promise<Trainer> {
  try {
    // The header first (a bad one is its own error, from loadCheckpoint), to know which words to read.
    const header = await checkpointHeader(path, o.schedule).catch(() => null);
    const data = header ? await dataForResume(o.data, header.source, header.config.blockSize) : undefined;
    const trainer = await loadCheckpoint(path, data, o.schedule);
    for (const [key, value] of Object.entries(o.shape) as [keyof TrainConfig, number][]) {
      if (trainer.config[key] !== value) {
        throw new UsageError(
          `${FLAG[key]} ${value} does not match the checkpoint's ${
            trainer.config[key]
          }: a resumed run keeps its network and seeds`,
        );
      }
    }
    return trainer;
  } catch (error) {
    throw asUsageError(error);
  }
}

/** What {@linkcode claimOut} found: the lock to release, and what `--out` held. */
interface Claim {
  release: () => Promise<void>;
  /** Whether `--out` is the checkpoint being resumed. */
  continuing: boolean;
  /** Whether `--out` held a checkpoint before the run. */
  existed: boolean;
}

/**
 * Makes sure `--out` may be written, then locks it: never a user's file, an
 * existing checkpoint only when resuming it or with `--force`, and never
 * while another run writes it. Removes the temporary files of dead runs.
 * Called before `--resume` is read, so that no other run can save a newer
 * state there between this run's read and its writes.
 */
async function claimOut(o: TrainOptions): Promise<Claim> {
  let release = () => Promise.resolve();
  if (o.defaultOut && !o.force) {
    // `deno task train` run again keeps the earlier run and numbers the new one.
    const free = await nextFreeRun(o.out);
    if (free !== o.out) {
      console.log(`${o.out} holds an earlier run, which is kept: this run saves to ${free}.`);
      o.out = free;
    }
  }
  try {
    // Find out now, not after two minutes of training, whether the checkpoint can be written.
    await checkWritable(o.out);
    release = await lockCheckpoint(o.out);
    const there = await whatIsAt(o.out);
    if (there === "other") {
      throw new UsageError(
        `refusing to overwrite ${o.out}: it is not a checkpoint of this project; choose another --out`,
      );
    }
    const continuing = o.resume !== undefined && resolve(o.resume) === resolve(o.out);
    if (there === "checkpoint" && !continuing && !o.force) {
      throw new UsageError(
        `${o.out} already holds a checkpoint; continue it with --resume ${o.out}, or start over with --force`,
      );
    }
    for (const name of await removeStaleTemporaries(o.out)) console.log(`Removed ${name}, left by an earlier run.`);
    return { release, continuing, existed: there === "checkpoint" };
  } catch (error) {
    await release();
    // A lock that could not be written (a full disk) stops the run before it starts: exit code 1, as a failed save.
    if (error instanceof LockError) throw new StopError(error.message);
    throw asUsageError(error);
  }
}

/** What `--out` holds that this run must not lose: the step of its last good save, if any. */
interface Kept {
  out: string;
  /** The step `out` holds from this run (or the run it resumed), or null if this run has saved nothing there. */
  step: number | null;
  /** Whether `out` held a checkpoint before the run (with `--force`). */
  existed: boolean;
}

/** The true end of a stop message: what `--out` holds now. */
function keptText(kept: Kept): string {
  if (kept.step !== null) return `${kept.out} keeps its last good state, step ${count(kept.step)}.`;
  if (kept.existed) return `This run saved nothing; ${kept.out} is as it was before.`;
  return "No checkpoint was saved.";
}

/** Why a run ended. */
type Stop =
  | { kind: "done" }
  | { kind: "signal"; signal: Deno.Signal }
  | { kind: "failed"; message: string };

/** A divergence: the one line naming the step, the learning rate and what to try. */
function diverged(trainer: Trainer, what: string, kept: Kept, step = trainer.step): Stop {
  const { lr } = trainer.config;
  return {
    kind: "failed",
    message: `training diverged at step ${count(step)} (learning rate ${
      formatRate(trainer.learningRate(step - 1))
    }): ${what}. Try a lower --lr than ${formatRate(lr)}, such as ${formatRate(+(lr / 10).toPrecision(3))}. ${
      keptText(kept)
    }`,
  };
}

/** Saves `--out` if the parameters are finite; a divergence or a write that fails is a stop. */
async function saveOrStop(trainer: Trainer, kept: Kept): Promise<Stop | null> {
  try {
    await saveCheckpoint(kept.out, trainer);
  } catch (error) {
    // Parameters that are not finite are refused before anything is written: the run diverged.
    const bad = error instanceof CheckpointError ? error.badValue : null;
    if (bad) return diverged(trainer, `${bad.replace(" is ", " became ")}`, kept);
    const reason = (error as Error).message.split("\n")[0];
    return {
      kind: "failed",
      message: `cannot save ${kept.out} at step ${count(trainer.step)}: ${reason}. ${keptText(kept)}`,
    };
  }
  kept.step = trainer.step;
  return null;
}

/** The progress line a terminal shows, redrawn in place. */
function drawProgress(trainer: Trainer, loss: number, rate: number): void {
  const { steps } = trainer.config;
  const eta = (steps - trainer.step) / rate;
  Deno.stdout.writeSync(encoder.encode(
    `\r\x1b[Kstep ${count(trainer.step)}/${count(steps)}  loss ${loss.toFixed(4)}  ${
      count(Math.round(rate))
    } steps/s  ETA ${duration(eta)}`,
  ));
}

/** Where a run is: when it started, its first loss, the last loss, when it last drew and saved. */
interface Progress {
  started: number;
  startStep: number;
  firstLoss: number;
  lastLoss: number;
  lastDraw: number;
  lastSave: number;
  /** The ms a step of each slice, each measured by the clock from its first step to its last. */
  slices: number[];
}

/**
 * Trains for about 50 ms, or up to the next periodic checkpoint by steps.
 * Returns a stop if the loss diverged: not finite, or above 10 times the
 * run's first loss (the first of the checkpoint when resuming).
 */
function trainSlice(trainer: Trainer, o: TrainOptions, kept: Kept, at: Progress, tty: boolean): Stop | null {
  const { steps } = trainer.config;
  const sliceStart = performance.now(), firstStep = trainer.step;
  const sliceEnd = sliceStart + 50;
  const every = o.saveEvery;
  do {
    const loss = trainer.trainStep();
    if (Number.isNaN(at.firstLoss)) at.firstLoss = loss;
    // A step whose loss is not finite is not taken (nor counted): name the step it would have been.
    if (!Number.isFinite(loss)) return diverged(trainer, `the loss became ${loss}`, kept, trainer.step + 1);
    if (loss > 10 * at.firstLoss) {
      const what = `the loss rose to ${+loss.toPrecision(4)}, more than 10 times its first ${at.firstLoss.toFixed(2)}`;
      return diverged(trainer, what, kept);
    }
    at.lastLoss = loss;
    if (!tty && trainer.step % 10_000 === 0) {
      const rate = (trainer.step - at.startStep) / ((performance.now() - at.started) / 1000);
      console.log(
        `${String(trainer.step).padStart(7)}/${steps}: ${loss.toFixed(4)}   ${count(Math.round(rate))} steps/s`,
      );
    }
  } while (
    trainer.step < steps && (trainer.step % 32 !== 0 || performance.now() < sliceEnd) &&
    !(every && "steps" in every && trainer.step % every.steps === 0)
  );
  at.slices.push((performance.now() - sliceStart) / (trainer.step - firstStep));
  return null;
}

/**
 * The median of the slices' ms a step: what a step costs, its batch and
 * checks included, while the process has a core (a slice in which another
 * process held it is slow, and falls above the median), as `deno task bench`
 * times the bare step (the median of groups of steps).
 *
 * @example
 * ```ts
 * medianSlice([0.07, 0.3, 0.06]); // 0.07
 * ```
 */
export function medianSlice(slices: number[]): number {
  const sorted = slices.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Trains to `--steps`, in slices between which the event loop delivers
 * signals (SIGINT, SIGTERM, SIGHUP), the terminal's progress line is redrawn
 * and periodic checkpoints are saved. Stops at a signal, a divergence, or a
 * save that fails.
 */
async function runTraining(trainer: Trainer, o: TrainOptions, kept: Kept): Promise<Stop> {
  const { steps } = trainer.config;
  let received: Deno.Signal | null = null;
  const listeners = Object.keys(STOP_SIGNALS)
    .filter((signal) => Deno.build.os !== "windows" || signal === "SIGINT")
    .map((signal) => [signal as Deno.Signal, () => received ??= signal as Deno.Signal] as const);
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  const tty = Deno.stdout.isTerminal();
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const firstLoss = trainer.step > 0 ? 10 ** trainer.lossLog10[0] : NaN;
  const at: Progress = {
    started,
    startStep: trainer.step,
    firstLoss,
    lastLoss: firstLoss,
    lastDraw: 0,
    lastSave: started,
    slices: [],
  };
  const every = o.saveEvery;
  try {
    while (trainer.step < steps && received === null) {
      const diverging = trainSlice(trainer, o, kept, at, tty);
      if (diverging) return diverging;
      const now = performance.now();
      if (tty && now - at.lastDraw > 200) {
        at.lastDraw = now;
        drawProgress(trainer, at.lastLoss, (trainer.step - at.startStep) / ((now - started) / 1000));
      }
      const due = every && ("steps" in every ? trainer.step % every.steps === 0 : now - at.lastSave >= every.ms);
      if (due && trainer.step < steps) {
        const stop = await saveOrStop(trainer, kept);
        if (stop) return stop;
        at.lastSave = performance.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    // After a SIGHUP the terminal may be gone: its last write must not keep the checkpoint from being saved.
    if (tty) tryWrite("\r\x1b[K");
  }
  if (received !== null) return { kind: "signal", signal: received };
  const seconds = (performance.now() - started) / 1000;
  const taken = trainer.step - at.startStep;
  if (taken > 0) {
    // The processor time and the median slice beside the clock's: on a shared machine the gap is the time others
    // had the core.
    const cpu = process.cpuUsage(cpuStarted);
    const cpuMs = (cpu.user + cpu.system) / 1000 / taken;
    console.log(
      `${count(taken)} steps in ${duration(seconds)} (${(1000 * seconds / taken).toFixed(3)} ms a step; ` +
        `${cpuMs.toFixed(3)} ms of processor time; ${medianSlice(at.slices).toFixed(3)} ms in the median 50-ms slice).`,
    );
  }
  return { kind: "done" };
}

/** Writes to stdout, ignoring a terminal that has gone away. */
function tryWrite(text: string): void {
  try {
    Deno.stdout.writeSync(encoder.encode(text));
  } catch {
    // Nobody is reading any more.
  }
}

/** The end of a finished run: save, calibrate, losses, chart, samples, save again. */
async function report(trainer: Trainer, o: TrainOptions, kept: Kept): Promise<Stop> {
  // Save the trained parameters before anything else, so a Ctrl-C during the evaluation loses nothing.
  if (kept.step !== trainer.step) {
    const stop = await saveOrStop(trainer, kept);
    if (stop) return stop;
  }
  console.log(`\nCalibrating batchnorm over the ${count(trainer.data.train.count)} training examples…`);
  trainer.calibrate();
  console.log("\n" + lossChart(trainer.lossLog10.subarray(0, trainer.step)) + "\n");
  const uniform = Math.log(trainer.data.vocab.size).toFixed(4);
  const losses = [
    ["split", "examples", "loss", `uniform (ln ${trainer.data.vocab.size})`],
    ...(["train", "dev", "test"] as const).map((split) => [
      split === "dev" ? "val" : split,
      trainer.data[split].count,
      trainer.evaluate(trainer.data[split]).toFixed(4),
      uniform,
    ]),
  ];
  console.log(table(losses));
  await printSamples(trainer, o.sampling, knownTraining(trainer.data));
  // Again, now with batchnorm's statistics over the training set.
  const stop = await saveOrStop(trainer, kept);
  if (stop) return stop;
  console.log(`\nSaved ${o.out}. Sample more with: deno task sample --checkpoint ${o.out}`);
  console.log(await saveLossCurve(o.out, trainer.lossLog10.subarray(0, trainer.step)));
  return { kind: "done" };
}

/**
 * The learning rate schedule as the header says it: where the decay step
 * came from (half of --steps, --decay-step, or kept from the checkpoint) and,
 * when the decay is behind this run or beyond its end, the one rate it uses.
 */
function scheduleText(trainer: Trainer, o: TrainOptions): string {
  const { lr, decayStep, steps } = trainer.config;
  const origin = o.schedule.decayStep !== undefined
    ? null
    : o.resume
    ? "kept from the checkpoint; --decay-step changes it"
    : "half of --steps";
  const [high, low, at] = [formatRate(lr), formatRate(lr * LR_DECAY), count(decayStep)];
  const why = (text: string) => `(${[text, origin].filter(Boolean).join(", ")})`;
  if (decayStep >= steps) return `learning rate ${high} throughout ${why(`its decay at step ${at} is past the end`)}`;
  if (decayStep <= trainer.step) return `learning rate ${low} ${why(`${high} × ${LR_DECAY} from step ${at}`)}`;
  return `learning rate ${high} then ${low} from step ${at}${origin ? ` (${origin})` : ""}`;
}

/** The lines that open a run: what is trained, how, and what saves it. */
function printHeader(trainer: Trainer, o: TrainOptions): void {
  const c = trainer.config;
  if (o.resume && trainer.step >= c.steps) {
    console.log(
      `${o.resume} finished its ${
        count(c.steps)
      } steps but stopped before batchnorm's calibration; calibrating it now.`,
    );
    return;
  }
  const every = o.saveEvery === null
    ? "never periodically"
    : "steps" in o.saveEvery
    ? `every ${count(o.saveEvery.steps)} steps`
    : `every ${formatRate(o.saveEvery.ms / 60_000)} min`;
  const parameters = `${count(parameterCount(trainer.params))} parameters`;
  const what = o.resume
    ? `Resuming ${o.resume} at step ${count(trainer.step)} of ${
      count(c.steps)
    }: the lecture's MLP, ${parameters}, batches of ${c.batchSize} examples,`
    : `Training the lecture's MLP: ${parameters}, ${count(c.steps)} steps of ${c.batchSize} examples,`;
  console.log(
    `${what}
${scheduleText(trainer, o)}, seeds ${c.seed} (g) and ${c.globalSeed} (global).${wordsText(trainer.data)}
Saves ${o.out} ${every}; Ctrl-C saves it and stops.
`,
  );
}

/** For a words file (not the lecture's names): a line saying which, how many words and characters, the end token. */
function wordsText(data: TrainingData): string {
  if (!data.source) return "";
  const { itos, size } = data.vocab;
  return `\nWords: ${data.source.name}, ${count(data.words.length)} of them, ${size - 1} characters and the end token ${
    JSON.stringify(itos[0])
  } (guessing among ${size} uniformly would lose ln ${size} = ${Math.log(size).toFixed(4)}).`;
}

/**
 * The line for a resumed checkpoint that has already done its --steps (and
 * its calibration): there is nothing to train and nothing to write.
 */
function finishedText(path: string, steps: number): string {
  return `${path} already finished its ${count(steps)} steps; give --steps above ${
    count(steps)
  } to train further, or sample it with: deno task sample --checkpoint ${path}`;
}

/**
 * `deno task train`: returns the exit code: 0 done; 1 stopped by a
 * divergence or a failed save, with the last good checkpoint kept; 130, 143
 * or 129 stopped and saved by SIGINT (Ctrl-C), SIGTERM or SIGHUP. Bad flags
 * and bad checkpoints throw a {@linkcode UsageError} (exit code 2).
 *
 * @example
 * ```ts
 * // As main.ts runs it:
 * async function main(args: string[]) {
 *   Deno.exitCode = await trainCommand(args);
 * }
 * ```
 */
export async function trainCommand(args: string[]): Promise<number> {
  const o = parseTrainFlags(args);
  if (o === null) {
    console.log(TRAIN_HELP);
    return 0;
  }
  await checkSamplesOut(o.sampling);
  // A fresh run's flags are checked before anything is touched; a checkpoint to resume is read only under the lock.
  const start: Trainer | string = o.resume ?? await startFresh(o);
  // A --resume that holds no checkpoint of ours (missing, a user's file) gets its reading's error before any write.
  if (typeof start === "string" && await whatIsAt(start).catch(() => null) !== "checkpoint") await resumeRun(o, start);
  const { release, continuing, existed } = await claimOut(o);
  try {
    const trainer = typeof start === "string" ? await resumeRun(o, start) : start;
    if (o.resume && trainer.step >= trainer.config.steps && trainer.bnmean !== null) {
      // Done, calibrated and saved: asking for the state it is in is no mistake (exit 0), and nothing is rewritten.
      console.log(finishedText(o.resume, trainer.config.steps));
      return 0;
    }
    trainer.kernels = o.kernels;
    const kept: Kept = { out: o.out, step: continuing ? trainer.step : null, existed };
    printHeader(trainer, o);
    let stop = await runTraining(trainer, o, kept);
    if (stop.kind === "signal") {
      // A periodic save may have just written this very step.
      const failed = kept.step === trainer.step ? null : await saveOrStop(trainer, kept);
      if (!failed) {
        tryWrite(
          `Stopped by ${stop.signal} at step ${
            count(trainer.step)
          }. Saved ${o.out}.\nContinue with: deno task train --resume ${o.out}\n`,
        );
        return STOP_SIGNALS[stop.signal] ?? 1;
      }
      stop = failed;
    }
    if (stop.kind === "done") stop = await report(trainer, o, kept);
    if (stop.kind === "failed") {
      console.error(`error: ${stop.message}`);
      return 1;
    }
    return 0;
  } finally {
    await release();
  }
}

/**
 * `deno task sample`: names from a saved checkpoint, without training.
 *
 * @example
 * ```ts
 * // As main.ts runs `deno task sample --samples 5`:
 * async function sample() {
 *   Deno.exitCode = await sampleCommand(["--samples", "5"]);
 * }
 * ```
 */
export async function sampleCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    checkpoint: { type: "string" },
    samples: { type: "string" },
    temperature: { type: "string" },
    seed: { type: "string" },
    "top-k": { type: "string" },
    prefix: { type: "string" },
    "samples-out": { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, "sample").values;
  if (values.help) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  const path = pathFlag(values, "checkpoint") ?? await latestRun(DEFAULT_CHECKPOINT);
  const request: SampleRequest = {
    samples: limitedFlag(values, "samples", 1, MAX_SAMPLES) ?? 20,
    temperature: positiveFlag(values, "temperature") ?? 1,
    seed: wholeFlag(values, "seed", 0) ?? DEFAULT_SAMPLE_SEED,
    ...samplingExtras(values),
  };
  await checkSamplesOut(request);
  let trainer: Trainer;
  try {
    trainer = await loadCheckpoint(path);
  } catch (error) {
    if (
      error instanceof CheckpointError && path === DEFAULT_CHECKPOINT &&
      error.message.endsWith("no such checkpoint file")
    ) {
      throw new UsageError(`${error.message}; train one first with \`deno task train\``);
    }
    throw asUsageError(error);
  }
  if (trainer.data.vocabOnly && trainer.bnmean === null) {
    // Stopped before calibration: batchnorm's statistics need the words it learned from.
    try {
      trainer = await loadCheckpoint(
        path,
        await dataForResume(undefined, trainer.data.source, trainer.config.blockSize),
      );
    } catch (error) {
      throw asUsageError(error);
    }
  }
  console.log(`${path}: ${count(trainer.step)} steps of training.`);
  const known = trainer.data.vocabOnly ? await trainingSetOf(trainer.data.source) : knownTraining(trainer.data);
  await printSamples(trainer, request, known);
  return 0;
}
