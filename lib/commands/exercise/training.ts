/**
 * Exercise 9's second half, once every gradient of the learner's backward
 * pass is right: training the lecture's network with it. The kernels'
 * trainer (`lib/train/trainer.ts`) runs first, for `trainSteps` steps
 * (3,000 unless `--steps` says otherwise: the learning rate 0.1, then 0.01
 * for the second half, as chapter 9's short run and, at 200,000 steps, the
 * lecture's whole training), and lends its starting parameters and its
 * batches; then a process with no permissions (train_runtime.ts) trains from
 * the same start on the same batches with chapter 2's forward pass and the
 * learner's gradients(), within `trainMs` for every 3,000 steps, sending
 * each step's loss. Back here, the parameters it
 * sends are read as numbers of the network's shapes, calibrated, evaluated
 * on the training and validation sets and sampled, beside the kernels'
 * (training_report.ts prints it all).
 *
 * @example
 * ```ts
 * import { trainWithYours } from "./training.ts";
 * import { specOf } from "./context.ts";
 * import { LIMITS } from "./sandbox.ts";
 * // Needs --allow-read and --allow-run=deno,timeout,prlimit, and a file whose gradients are right:
 * async function train(path: string): Promise<number> {
 *   return await trainWithYours(specOf(9), path, await Deno.readTextFile(path), LIMITS, path);
 * }
 * ```
 * @module
 */

import chapter2 from "../../../chapters/02_forward.ts" with { type: "text" };
import type { ExerciseSpec } from "../../exercise/checker.ts";
import { readTrainMark, type TrainEnd, type TrainHeader } from "../../exercise/training_wire.ts";
import { type KernelsRun, kernelsRunSteps, learnerHeader, paramsOf, trained } from "../../exercise/beside_kernels.ts";
import { pack, packBytes } from "../../exercise/wire.ts";
import { fromFileUrl } from "../../paths.ts";
import { LR_DECAY, type TrainConfig } from "../../train/config.ts";
import { wrap } from "../../report/print.ts";
import { duration } from "../../timing.ts";
import { runBounded } from "./bounded.ts";
import { LIMITS, type Limits, noPermissions, placeIn, prepare } from "./sandbox.ts";
import { printProgress, reportTraining } from "./training_report.ts";
import { limitText } from "../../exercise/training_report.ts";

export { kernelsRun, paramsOf, trained } from "../../exercise/beside_kernels.ts";

/** The training process reports its losses every this many steps. */
const EVERY = 500;

/**
 * How often a progress line is printed in a training of `steps` steps: every 500 steps, or for a long run as often
 * as makes about twenty lines, in whole 500s (every 10,000 steps of 200,000).
 *
 * @example
 * ```ts
 * [printEvery(3000), printEvery(200_000)]; // [500, 10000]
 * ```
 */
export function printEvery(steps: number): number {
  return EVERY * Math.max(1, Math.ceil(steps / 20 / EVERY));
}

/**
 * The limits of a training of `steps` steps: `limits`' own, with its `trainMs` for every
 * 3,000 steps ({@linkcode LIMITS}' `trainSteps`) when there are more.
 *
 * @example
 * ```ts
 * import { LIMITS } from "./sandbox.ts";
 * withSteps(LIMITS, 200_000).trainMs; // 8000000: 2 minutes per 3,000 steps, 2 h 13 min
 * withSteps(LIMITS, 300).trainMs; // 120000
 * ```
 */
export function withSteps(limits: Limits, steps: number): Limits {
  const scale = Math.max(1, steps / LIMITS.trainSteps);
  return { ...limits, trainSteps: steps, trainMs: Math.round(limits.trainMs * scale) };
}

const TRAIN_RUNTIME = fromFileUrl(new URL("./train_runtime.ts", import.meta.url));
const TENSOR = new URL("../../tensor.ts", import.meta.url).href;

/**
 * Chapter 2's forward pass as a module of its own, from the chapter's text:
 * its import of the tensor module (made absolute) and its function
 * `forward`, so the training process runs the very lines the learner read.
 *
 * @example
 * ```ts
 * forwardModule().includes("export function forward(params: Params, Xb: IndexTensor, Yb: IndexTensor)"); // true
 * ```
 */
export function forwardModule(): string {
  const imports = chapter2.match(/^import \{[^}]*\} from "\.\.\/lib\/tensor\.ts";$/m);
  const start = chapter2.indexOf("export function forward(");
  const end = chapter2.indexOf("\n}\n", start);
  if (!imports || start === -1 || end === -1) throw new Error("chapters/02_forward.ts has no function forward");
  return `${imports[0].replace("../lib/tensor.ts", TENSOR)}\n\n${chapter2.slice(start, end + 3)}`;
}

/** The training process: its header on stdin, progress printed as it comes, within `trainMs`. */
async function runTraining(header: TrainHeader, limits: Limits, kernels: Float64Array) {
  const losses = new Float64Array(header.steps).fill(NaN);
  const every = printEvery(header.steps);
  let end: TrainEnd | undefined;
  const started = performance.now();
  const run = await runBounded(noPermissions(TRAIN_RUNTIME, limits), {
    deadlineMs: limits.trainMs,
    dataBytes: limits.dataMb * 2 ** 20,
    keepLines: limits.outputLines,
    keepBytes: limits.outputBytes,
  }, {
    stdin: `${JSON.stringify(header)}\n`,
    onMark: (text, control) => {
      const mark = readTrainMark(text);
      if (mark?.kind === "end") {
        end ??= mark.body;
        control.kill("done");
      } else if (mark?.kind === "progress" && !end) {
        const { step, losses: some } = mark.body;
        if (step > header.steps || step < some.length) return;
        losses.set(some.map((l) => l ?? NaN), step - some.length);
        if (step % every === 0 || step === header.steps) {
          printProgress(step, header.steps, losses, kernels, performance.now() - started);
        }
      }
    },
  });
  return { run, end, losses, ms: performance.now() - started };
}

/**
 * The kernels' run of `steps` steps (lib/exercise/beside_kernels.ts), with a line every 10 s when it takes longer
 * (the lecture's 200,000 steps take a minute or so).
 */
function kernelsWithProgress(steps: number): KernelsRun {
  const run = kernelsRunSteps(steps);
  const started = performance.now();
  let said = started;
  for (;;) {
    const next = run.next();
    if (next.done) return next.value;
    const now = performance.now();
    if (now - said >= 10_000) {
      const { step } = next.value;
      const left = ((now - started) / step) * (steps - step) / 1000;
      console.log(
        `  the kernels' run: step ${step.toLocaleString("en-US")} of ${steps.toLocaleString("en-US")}, ${
          duration(left)
        } left`,
      );
      said = now;
    }
  }
}

/** The paragraph that opens the training: how many steps of which network, where, and the time limit. */
function opening(steps: number, config: TrainConfig, limits: Limits): string {
  const { nHidden, lr, decayStep } = config;
  const limit = steps > LIMITS.trainSteps
    ? `at most ${limitText(limits.trainMs)}: ${limitText(LIMITS.trainMs)} for every ${
      LIMITS.trainSteps.toLocaleString("en-US")
    } steps`
    : `at most ${limitText(limits.trainMs)}`;
  return wrap(
    `${
      steps.toLocaleString("en-US")
    } steps of the lecture's ${nHidden}-unit network, from the start and on the batches of the kernels' run, learning rate ${lr}, then ${
      Number((lr * LR_DECAY).toPrecision(6))
    } from step ${
      (decayStep + 1).toLocaleString("en-US")
    } (halfway, as the lecture's 200,000 drop at 100,000), in a process with no permissions (${limit}):`,
  );
}

/**
 * Trains the lecture's network with the learner's gradients() (the file
 * `text` at `path`, named `shown`) for `limits.trainSteps` steps and prints
 * how it went beside the kernels' run: progress, the two loss curves, the
 * losses after calibration, and names sampled from each network. Returns
 * the exit code: 0 when the training ran to the end and the network learned.
 */
export async function trainWithYours(
  spec: ExerciseSpec,
  path: string,
  text: string,
  limits: Limits,
  shown: string,
): Promise<number> {
  const steps = limits.trainSteps;
  console.log(`\nNow the lecture's exercise 4: training with your backward pass.\n`);
  const kernels = kernelsWithProgress(steps);
  const { config } = kernels.trainer;
  console.log(`${opening(steps, config, limits)}\n`);
  const prepared = prepare(spec, path, text);
  // The batches go a byte an index (each is a character's, below 27): a quarter of the size, which keeps the header of
  // the lecture's 200,000 steps (26 MB of indices) within the training process's memory. learnerHeader is handed
  // none, not to pack them as 32-bit numbers first.
  const none = { data: new Int32Array(0), shape: [0] };
  const header: TrainHeader = {
    forward: forwardModule(),
    ...learnerHeader({ ...kernels, Xb: none, Yb: none }, prepared.code, EVERY),
    Xb: packBytes(kernels.Xb) ?? pack(kernels.Xb),
    Yb: packBytes(kernels.Yb) ?? pack(kernels.Yb),
  };
  const ran = await runTraining(header, limits, kernels.losses);
  const params = ran.end?.ended === "trained" ? paramsOf(ran.end, kernels.start) : undefined;
  return reportTraining({
    ...ran,
    ...trained(kernels, params, ran.losses),
    shown,
    place: placeIn(prepared, shown),
    limits,
  });
}
