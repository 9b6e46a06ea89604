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
 * samples them, and terminates this worker at the time limit. Each step's
 * arrays come from an arena (step_arena.ts), which keeps Chromium's
 * allocator from making the page's training three times slower than the
 * terminal's.
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
import { type ArrayScope, stepArena } from "./step_arena.ts";
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

/**
 * Loads the learner's module and trains with its gradients()
 * (lib/exercise/train_runner.ts), each step's arrays served from a
 * {@linkcode stepArena} where the browser can move a buffer
 * (`ArrayBuffer.prototype.transfer`); how it ended. A run that stopped at a
 * step is run again without the arena, from the start, and that run says how
 * it ended: the arena takes back what a step made when the next starts, and
 * a learner's code that keeps a tensor between calls of gradients() is
 * judged as it runs without it.
 *
 * @example
 * ```ts ignore
 * const end = await trainRequest(request, forward, (m) => postMessage(m));
 * end.ended; // "trained"
 * ```
 */
export async function trainRequest(
  request: TrainRequest,
  forward: ForwardPass,
  send: (m: FromTrainRun) => void,
): Promise<TrainEnd> {
  const load = () => loadProgram(request.header.program, request.imports);
  const progress = (step: number, losses: number[]) => send({ kind: "progress", body: { step, losses } });
  if (typeof ArrayBuffer.prototype.transfer !== "function") return trainLoaded(request.header, forward, load, progress);
  const arena = stepArena(globalThis as unknown as ArrayScope);
  const stepped: ForwardPass = (params, Xb, Yb) => {
    arena.startStep();
    return forward(params, Xb, Yb);
  };
  const end = await trainLoaded(request.header, stepped, load, progress).finally(() => arena.uninstall());
  if (end.ended === "trained" || end.step === 0) return end;
  return trainLoaded(request.header, forward, load, progress);
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
    trainRequest(request, forward, send).then(
      (end) => send({ kind: "end", body: end }),
      (error) =>
        send({
          kind: "end",
          body: { ended: "stopped", step: 0, why: "the training failed", threw: describeThrown(error) },
        }),
    );
  });
}
