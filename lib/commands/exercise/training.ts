/**
 * Exercise 9's second half, once every gradient of the learner's backward
 * pass is right: training the lecture's network with it. The kernels'
 * trainer (`lib/train/trainer.ts`) runs first, for `trainSteps` steps
 * (3,000: the learning rate 0.1, then 0.01 for the second half, as chapter
 * 9's short run), and lends its starting parameters and its batches; then a process
 * with no permissions (train_runtime.ts) trains from the same start on the
 * same batches with chapter 2's forward pass and the learner's gradients(),
 * within `trainMs`, sending each step's loss. Back here, the parameters it
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
import { kernelsRun, learnerHeader, paramsOf, trained } from "../../exercise/beside_kernels.ts";
import { fromFileUrl } from "../../paths.ts";
import { wrap } from "../../report/print.ts";
import { runBounded } from "./bounded.ts";
import { type Limits, noPermissions, placeIn, prepare } from "./sandbox.ts";
import { printProgress, reportTraining } from "./training_report.ts";

export { kernelsRun, paramsOf, trained } from "../../exercise/beside_kernels.ts";

/** A progress line every this many steps of exercise 9's training. */
const EVERY = 500;

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
        printProgress(step, header.steps, losses, kernels, performance.now() - started);
      }
    },
  });
  return { run, end, losses, ms: performance.now() - started };
}

/**
 * Trains the lecture's network with the learner's gradients() (the file
 * `text` at `path`, named `shown`) and prints how it went beside the
 * kernels' run: progress, the two loss curves, the losses after
 * calibration, and names sampled from each network. Returns the exit code:
 * 0 when the training ran to the end and the network learned.
 */
export async function trainWithYours(
  spec: ExerciseSpec,
  path: string,
  text: string,
  limits: Limits,
  shown: string,
): Promise<number> {
  const steps = limits.trainSteps;
  const kernels = kernelsRun(steps);
  const { config } = kernels.trainer;
  console.log(`\nNow the lecture's exercise 4: training with your backward pass.\n`);
  console.log(
    wrap(
      `${
        steps.toLocaleString("en-US")
      } steps of the lecture's ${config.nHidden}-unit network, from the start and on the batches of the kernels' run, in a process with no permissions (at most ${
        limits.trainMs / 1000
      } s):`,
    ) + "\n",
  );
  const prepared = prepare(spec, path, text);
  const header: TrainHeader = { forward: forwardModule(), ...learnerHeader(kernels, prepared.code, EVERY) };
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
