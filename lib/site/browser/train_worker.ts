/**
 * The training page's worker: the lecture's network trained by the same
 * {@linkcode Trainer} as `deno task train`, on the same WebAssembly kernels,
 * in slices of about 50 ms between which it reports progress and reads the
 * page's requests (pause, continue). It reads the form's fields as the
 * command reads its flags, and refuses a bad one with the command's line. At the end it calibrates batchnorm,
 * measures the three losses and samples names, as the command does. It
 * writes and reads checkpoints with the command's own `checkpointBytes` and
 * `trainerFromCheckpoint`, so a checkpoint made here is one that
 * `deno task sample` reads, and one opened here gets the command's checks.
 *
 * @example
 * ```ts
 * // In the training page: new Worker("js/train_worker.js", { type: "module" })
 * ```
 * @module
 */

import { parameterCount } from "../../model.ts";
import { lossCurveSvg } from "../../report/svg.ts";
import { checkpointBytes, CheckpointError, trainerFromCheckpoint } from "../../train/checkpoint_bytes.ts";
import { Trainer } from "../../train/trainer.ts";
import { UsageError } from "../../flags.ts";
import {
  flagInError,
  MAX_CHECKPOINT_BYTES,
  readSampling,
  readTrainingForm,
  type Sampling,
  type TrainRequest,
} from "../training_form.ts";
import type { FromTrainer, Progress, SampledName, SplitLoss, ToTrainer } from "../training_messages.ts";

/** The worker's side of postMessage. */
const scope = globalThis as unknown as {
  postMessage(message: FromTrainer, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToTrainer>) => void) | null;
};

/** The run: the trainer, whether it is training, and what its speed and divergence checks need. */
const run = {
  trainer: null as Trainer | null,
  running: false,
  sampling: { samples: 20, temperature: 1, seed: 0 } as Sampling,
  firstLoss: NaN,
  lastLoss: NaN,
  started: 0,
  startStep: 0,
  lastReport: 0,
};

const count = (n: number) => n.toLocaleString("en-US");
const rate = (x: number) => String(+x.toPrecision(12));

/** Lets the page's messages in: a task of its own, without the 4 ms that nested timers wait. */
const channel = new MessageChannel();
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function progress(t: Trainer): Progress {
  const seconds = (performance.now() - run.started) / 1000;
  const stepsPerSecond = seconds > 0 ? (t.step - run.startStep) / seconds : 0;
  const curve = t.step > 0 ? lossCurveSvg(t.lossLog10.subarray(0, t.step)) : "";
  return { step: t.step, steps: t.config.steps, loss: run.lastLoss, stepsPerSecond, curve };
}

/** The schedule as `deno task train` says it for a fresh run. */
function schedule(t: Trainer, decayGiven: boolean): string {
  const { lr, decayStep, steps } = t.config;
  const origin = decayGiven ? "" : " (half of --steps)";
  if (decayStep >= steps) return `learning rate ${rate(lr)} throughout`;
  return `learning rate ${rate(lr)} then ${rate(lr * 0.1)} from step ${count(decayStep)}${origin}`;
}

/** The names sampled from the trainer, each marked as one of the training set's or a new one. */
function sampleNames(t: Trainer, s: Sampling): SampledName[] {
  const training = new Set(t.data.words.slice(0, Math.trunc(0.8 * t.data.words.length)));
  return t.sample(s.samples, s.seed, s.temperature).map((name) => ({ name, inTrainingSet: training.has(name) }));
}

/** The one line for a run that diverged, as the command says it. */
function diverged(t: Trainer, what: string, step: number): string {
  const { lr } = t.config;
  return `training diverged at step ${count(step)} (learning rate ${rate(t.learningRate(step - 1))}): ${what}. ` +
    `Try a lower --lr than ${rate(lr)}, such as ${rate(+(lr / 10).toPrecision(3))}.`;
}

/** Trains about 50 ms; returns a divergence message, or null. */
function slice(t: Trainer): string | null {
  const end = performance.now() + 50;
  do {
    const loss = t.trainStep();
    if (Number.isNaN(run.firstLoss)) run.firstLoss = loss;
    if (!Number.isFinite(loss)) return diverged(t, `the loss became ${loss}`, t.step + 1);
    if (loss > 10 * run.firstLoss) {
      const what = `the loss rose to ${+loss.toPrecision(4)}, more than 10 times its first ${run.firstLoss.toFixed(2)}`;
      return diverged(t, what, t.step);
    }
    run.lastLoss = loss;
  } while (t.step < t.config.steps && (t.step % 32 !== 0 || performance.now() < end));
  return null;
}

/** Trains until the end or a pause; at the end, evaluates and samples. */
async function train(t: Trainer): Promise<void> {
  run.running = true;
  run.started = performance.now();
  run.startStep = t.step;
  while (run.running && t.step < t.config.steps) {
    const failure = slice(t);
    if (failure) {
      run.running = false;
      run.trainer = null;
      return scope.postMessage({ kind: "failed", message: failure });
    }
    if (performance.now() - run.lastReport > 250) {
      run.lastReport = performance.now();
      scope.postMessage({ kind: "progress", progress: progress(t) });
    }
    await yieldToMessages();
  }
  if (!run.running) return scope.postMessage({ kind: "paused", progress: progress(t) });
  run.running = false;
  const done = progress(t);
  scope.postMessage({ kind: "evaluating", progress: done, msPerStep: 1000 / done.stepsPerSecond });
  await yieldToMessages();
  t.calibrate();
  const losses: SplitLoss[] = (["train", "dev", "test"] as const).map((split) => ({
    split: split === "dev" ? "val" : split,
    examples: t.data[split].count,
    loss: t.evaluate(t.data[split]),
  }));
  scope.postMessage({ kind: "finished", losses, names: sampleNames(t, run.sampling), sampling: run.sampling });
}

/** A fresh run from the form's request. */
function start(request: TrainRequest): void {
  const t = new Trainer(request.config, undefined, undefined, { kernels: request.kernels });
  run.trainer = t;
  run.sampling = request.sampling;
  run.firstLoss = NaN;
  run.lastLoss = NaN;
  const decayGiven = request.config.decayStep !== Math.floor(request.config.steps / 2);
  scope.postMessage({
    kind: "started",
    parameters: parameterCount(t.params),
    steps: t.config.steps,
    schedule: schedule(t, decayGiven),
  });
  void train(t);
}

/** A checkpoint file, read with the command's checks; sampled at once. */
function open(name: string, bytes: Uint8Array, sampling: Sampling): void {
  if (bytes.length > MAX_CHECKPOINT_BYTES) {
    throw new CheckpointError(`${name}: it has ${count(bytes.length)} bytes, more than a checkpoint may have`);
  }
  const t = trainerFromCheckpoint(bytes, name);
  run.running = false;
  run.trainer = t;
  scope.postMessage({ kind: "opened", name, step: t.step, names: sampleNames(t, sampling), sampling });
}

function handle(message: ToTrainer): void {
  const t = run.trainer;
  switch (message.kind) {
    case "train":
      return start(readTrainingForm(message.values));
    case "pause":
      run.running = false;
      return;
    case "continue":
      if (t && !run.running && t.step < t.config.steps) void train(t);
      return;
    case "sample": {
      const sampling = readSampling(message.values);
      if (t) scope.postMessage({ kind: "samples", names: sampleNames(t, sampling), sampling });
      return;
    }
    case "checkpoint": {
      if (!t) return;
      const bytes = checkpointBytes(t);
      return scope.postMessage({ kind: "checkpoint", bytes, step: t.step }, [bytes.buffer]);
    }
    case "open":
      return open(message.name, message.bytes, readSampling(message.values));
  }
}

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (error) {
    if (error instanceof UsageError) {
      return scope.postMessage({ kind: "refused", message: error.message, flag: flagInError(error.message) });
    }
    const known = error instanceof CheckpointError || error instanceof RangeError;
    scope.postMessage({ kind: "failed", message: known ? (error as Error).message : String(error) });
  }
};
