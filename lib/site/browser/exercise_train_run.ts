/**
 * Exercise 9's training worker on its page: the learner's gradients()
 * trains the lecture's network, in a worker of its own, as the training
 * process (lib/commands/exercise/train_runtime.ts) does for
 * `deno task exercise 9`. It is given the learner's module (rewritten and
 * stripped of its types as for the check), the starting parameters and
 * every batch; it gives up the ways out of the worker
 * (exercise_sandbox.ts), loads the module, runs the training loop with
 * chapter 2's forward pass (lib/exercise/train_runner.ts, as the CLI's
 * training process does), and sends
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
import type { ForwardPass } from "../../exercise/training_loop.ts";
import { trainLoaded } from "../../exercise/train_runner.ts";
import type { TrainEnd, TrainHeader, TrainProgress } from "../../exercise/training_wire.ts";
import { captureConsole, giveUp, loadProgram, onOneRequest } from "./exercise_sandbox.ts";
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

/** Loads the learner's module and trains with its gradients() (lib/exercise/train_runner.ts); how it ended. */
function train(request: TrainRequest, forward: ForwardPass, send: (m: FromTrainRun) => void): Promise<TrainEnd> {
  const load = () => loadProgram(request.header.program, request.imports);
  return trainLoaded(
    request.header,
    forward,
    load,
    (step, losses) => send({ kind: "progress", body: { step, losses } }),
  );
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
  onOneRequest<TrainRequest, FromTrainRun>((request, send) => {
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
  });
}
