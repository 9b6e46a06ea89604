/**
 * Exercise 9's second half on its page, in the checker's worker: once every
 * gradient of the learner's backward pass is right, the lecture's network
 * is trained with it, as `deno task exercise 9` does
 * (lib/commands/exercise/training.ts). The kernels' trainer runs first, for
 * the CLI's `trainSteps` (the learning rate dropping halfway), and lends
 * its starting parameters and its batches; then the learner's training
 * worker (exercise_train_run.ts) trains from the same start on the same
 * batches with chapter 2's forward pass and the learner's gradients(),
 * within the CLI's `trainMs`, sending each step's loss. Back here, the
 * parameters it sends are read as numbers of the network's shapes,
 * calibrated, evaluated on the training and validation sets and sampled,
 * beside the kernels' (exercise_train_report.ts says it all).
 *
 * @example
 * ```ts ignore
 * import { trainInPage } from "./exercise_train.ts";
 * const said = await trainInPage(program, { steps: 3000, ms: 120_000 }, imports, hooks);
 * said.code; // 0 when the learner's network learned as the kernels' did
 * ```
 * @module
 */

import type { Thrown } from "../../exercise/wire.ts";
import type { TrainEnd } from "../../exercise/training_wire.ts";
import { type KernelsRun, kernelsRunSteps, learnerHeader, paramsOf, trained } from "../../exercise/beside_kernels.ts";
import type { FromTrainRun, TrainRequest } from "./exercise_train_run.ts";
import type { RunRequest } from "./exercise_wire.ts";
import { blobWorker } from "./blob_worker.ts";
import { type Ending, progressLine, trainingReport } from "./exercise_train_report.ts";

/** How long exercise 9's training may run, and how many steps: the CLI's `trainSteps` and `trainMs`. */
export interface TrainLimits {
  steps: number;
  ms: number;
}

/** What the training tells the page as it goes, and how to stop it; where a thrown error is in the learner's file. */
export interface TrainHooks {
  /** A line of progress, and the chart so far. */
  progress: (text: string, yours: Float64Array, kernels: Float64Array) => void;
  /** Set to a function that stops the training (the Stop button). */
  onStop: (stop: () => void) => void;
  place: (at: NonNullable<Thrown["at"]>) => string | undefined;
  /** The training worker's script (js/exercise_trainer.js). */
  workerUrl: URL;
}

/** Lets the worker's messages in between slices of the kernels' run. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/**
 * The kernels' run (lib/exercise/beside_kernels.ts), letting the worker's
 * messages in every 100 steps; undefined when Stop was pressed first.
 */
async function kernelsRun(steps: number, hooks: TrainHooks, stopped: () => boolean): Promise<KernelsRun | undefined> {
  const run = kernelsRunSteps(steps);
  for (let next = run.next(); !stopped(); next = run.next()) {
    if (next.done) return next.value;
    if (next.value.step % 100 === 0) {
      const progress = `The kernels' run: step ${count(next.value.step)} of ${count(steps)}…`;
      hooks.progress(progress, new Float64Array(0), next.value.losses);
      await yieldToMessages();
    }
  }
  return undefined;
}

const count = (n: number) => n.toLocaleString("en-US");

/** A number the learner's code cannot guess. */
function nonce(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The learner's training worker, run to its end, the time limit or Stop; what it came to. */
function runLearner(request: TrainRequest, limits: TrainLimits, kernels: Float64Array, hooks: TrainHooks) {
  const losses = new Float64Array(limits.steps).fill(NaN);
  const ran = { losses, out: [] as string[], cut: 0, end: undefined as TrainEnd | undefined, why: "" as Ending };
  const worker = blobWorker(hooks.workerUrl);
  const started = performance.now();
  return new Promise<typeof ran & { ms: number }>((resolve) => {
    const finish = (why: Ending) => {
      clearTimeout(deadline);
      worker.terminate();
      ran.why ||= why;
      resolve({ ...ran, ms: performance.now() - started });
    };
    const deadline = setTimeout(() => finish("time"), limits.ms);
    hooks.onStop(() => finish("stopped"));
    worker.onerror = (event) => {
      event.preventDefault();
      finish("crash");
    };
    worker.onmessage = (event: MessageEvent<FromTrainRun & { nonce?: string }>) => {
      const m = event.data;
      if (m?.nonce !== request.nonce) return;
      if (m.kind === "end") {
        ran.end ??= m.body;
        return finish("end");
      }
      if (m.kind === "out") {
        return void (ran.out.length < 200 ? ran.out.push(String(m.text).slice(0, 2000)) : ran.cut++);
      }
      const { step, losses: some } = m.body;
      if (!Number.isSafeInteger(step) || step > limits.steps || step < some.length) return;
      losses.set(some.map((l) => (typeof l === "number" ? l : NaN)), step - some.length);
      hooks.progress(progressLine(step, limits.steps, losses, kernels, performance.now() - started), losses, kernels);
    };
    worker.postMessage(request);
  });
}

/**
 * Trains the lecture's network with the learner's `program` (the checked
 * file, rewritten as for the check) beside the kernels' run, within
 * `limits`; what the page shows at the end (as `deno task exercise 9`
 * prints it) and the exit code the CLI would give.
 *
 * @example
 * ```ts ignore
 * const said = await trainInPage(prepared.code, { steps: 3000, ms: 120_000 }, imports, hooks);
 * ```
 */
export async function trainInPage(
  program: string,
  limits: TrainLimits,
  imports: RunRequest["imports"],
  hooks: TrainHooks,
) {
  let stopped = false;
  hooks.onStop(() => stopped = true);
  const kernels = await kernelsRun(limits.steps, hooks, () => stopped);
  if (stopped || !kernels) {
    return { text: "You stopped the kernels' run before your training started.", code: 1, names: [], svg: "" };
  }
  const request: TrainRequest = { nonce: nonce(), imports, header: learnerHeader(kernels, program, 100) };
  const ran = await runLearner(request, limits, kernels.losses, hooks);
  const params = ran.end?.ended === "trained" ? paramsOf(ran.end, kernels.start) : undefined;
  return trainingReport({ ...ran, ...trained(kernels, params, ran.losses), limits, place: hooks.place });
}
