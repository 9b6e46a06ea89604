/**
 * Exercise 9's training worker on its page: the learner's gradients()
 * trains the lecture's network, in a worker of its own, as the training
 * process (lib/commands/exercise/train_runtime.ts) does for
 * `deno task exercise 9`. It is given the learner's module (rewritten and
 * stripped of its types as for the check), the starting parameters and
 * every batch; it gives up the ways out of the worker
 * (exercise_sandbox.ts), loads the module, runs the training loop
 * (lib/exercise/training_loop.ts) with chapter 2's forward pass, and sends
 * the losses as it goes and the parameters at the end, each message with a
 * number the learner's code never sees. It decides nothing: the checker's
 * worker reads the parameters as numbers of known shapes, evaluates and
 * samples them, and terminates this worker at the time limit.
 *
 * The build's entry (which may import the chapters) hands it chapter 2's
 * forward pass through {@linkcode serveTraining}.
 *
 * @example
 * ```ts ignore
 * import { forward } from "../../../chapters/02_forward.ts";
 * serveTraining(forward);
 * ```
 * @module
 */

import { describeThrown } from "../../exercise/hooks.ts";
import { type Backward, type ForwardPass, type TrainingLoop, trainWith } from "../../exercise/training_loop.ts";
import type { TrainEnd, TrainHeader, TrainProgress } from "../../exercise/training_wire.ts";
import { unpack } from "../../exercise/wire.ts";
import type { Params } from "../../model.ts";
import type { IndexTensor } from "../../tensor.ts";
import { captureConsole, giveUp, loadProgram } from "./exercise_sandbox.ts";
import type { RunRequest } from "./exercise_wire.ts";

/**
 * What the checker's worker asks of the training worker: the CLI's training
 * header (without the forward pass, which the worker has), the imports the
 * program shares with the worker, and the number every answer carries.
 *
 * @example
 * ```ts
 * const kinds: TrainRequest["imports"] | undefined = undefined;
 * ```
 */
export interface TrainRequest {
  nonce: string;
  header: Omit<TrainHeader, "forward">;
  imports: RunRequest["imports"];
}

/**
 * The training worker to the checker's worker.
 *
 * @example
 * ```ts
 * const m: FromTrainRun = { kind: "progress", body: { step: 100, losses: [3.3] } };
 * ```
 */
export type FromTrainRun =
  | { kind: "progress"; body: TrainProgress }
  | { kind: "end"; body: TrainEnd }
  | { kind: "out"; text: string };

/** Loads the learner's module and trains with its gradients(); how it ended. */
async function train(request: TrainRequest, forward: ForwardPass, send: (m: FromTrainRun) => void): Promise<TrainEnd> {
  const { header } = request;
  let backward: unknown;
  try {
    backward = (await loadProgram(header.program, request.imports)).__gradients;
  } catch (error) {
    return { ended: "stopped", step: 0, why: "your file threw as it was loaded", threw: describeThrown(error) };
  }
  if (typeof backward !== "function") {
    return { ended: "stopped", step: 0, why: "your file does not export a function gradients(input)" };
  }
  const { n, steps, lr, decayStep, decay, every } = header;
  const run: TrainingLoop = {
    params: unpack(header.params) as Params,
    X: unpack(header.Xb) as IndexTensor,
    Y: unpack(header.Yb) as IndexTensor,
    ...{ n, steps, lr, decayStep, decay, every },
    forward,
    onProgress: (step, losses) => send({ kind: "progress", body: { step, losses } }),
  };
  return trainWith(run, backward as Backward);
}

/**
 * Waits for the one {@linkcode TrainRequest}, then trains with `forward`
 * (chapter 2's forward pass) and the learner's gradients().
 *
 * @example
 * ```ts ignore
 * serveTraining(forward);
 * ```
 */
export function serveTraining(forward: ForwardPass): void {
  const scope = globalThis as unknown as {
    postMessage(message: FromTrainRun & { nonce: string }): void;
    onmessage: ((event: MessageEvent<TrainRequest>) => void) | null;
  };
  const post = scope.postMessage.bind(scope);
  scope.onmessage = (event: MessageEvent<TrainRequest>) => {
    scope.onmessage = null;
    const request = event.data;
    const send = (message: FromTrainRun) => post({ ...message, nonce: request.nonce });
    captureConsole((text) => send({ kind: "out", text }));
    giveUp(globalThis as unknown as Record<string, unknown>);
    train(request, forward, send).then(
      (end) => send({ kind: "end", body: end }),
      (error) =>
        send({
          kind: "end",
          body: { ended: "stopped", step: 0, why: "the training failed", threw: describeThrown(error) },
        }),
    );
  };
}
