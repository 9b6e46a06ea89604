/**
 * The learner's worker on an exercise page: it runs one call of the
 * learner's gradients() and nothing else, as the sandbox's runtime does for
 * `deno task exercise N` (both make it with lib/exercise/runner.ts). It
 * is given the learner's module (already
 * rewritten by lib/exercise/instrument.ts and stripped of its types), the
 * exercise's input, and, in the fed call, the correct values of the
 * gradients it hands over; it sends back marks (where the code is, so the
 * checker can stop it and say where), commits and the report, each with the
 * number it was given, which the learner's code never sees. No verdict is
 * made here: the checker's worker decides from what is sent, and terminates
 * this worker at the time limit.
 *
 * Before the learner's module loads, the worker gives up what a page's code
 * could reach the outside with (fetch, XMLHttpRequest, WebSocket, other
 * workers, storage), so the module has the exercise's input and the tensor
 * API, and little else.
 *
 * @example
 * ```ts
 * // In the checker's worker: blobWorker(new URL("exercise_runner.js", import.meta.url))
 * ```
 * @module
 */

import { Tensor } from "../../tensor.ts";
import { callOnce, loadFailed } from "../../exercise/runner.ts";
import { type Commit, floatsOf } from "../../exercise/wire.ts";
import type { FromRunner, RunRequest } from "./exercise_wire.ts";
import { captureConsole, giveUp, loadProgram, onOneRequest } from "./exercise_sandbox.ts";

/** One call of the learner's gradients() (lib/exercise/runner.ts), reported through `send`. */
async function run(request: RunRequest, send: (message: FromRunner) => void): Promise<void> {
  const answers = request.answers;
  const channel = {
    mark: (text: string) => send({ kind: "mark", text }),
    commit(commit: Commit) {
      send({ kind: "commit", commit });
      const a = Object.hasOwn(answers, commit.name) ? answers[commit.name] : { shape: [0], f32: "" };
      return new Tensor(floatsOf(a.f32, a.shape.reduce((x, y) => x * y, 1)), a.shape);
    },
  };
  const report = await callOnce(
    request.header,
    channel,
    () => loadProgram(request.header.program, request.imports),
    () => {
      captureConsole((text) => send({ kind: "out", text }));
      giveUp(globalThis as unknown as Record<string, unknown>);
    },
  );
  send({ kind: "report", report });
}

// The one request: the call is run, and every message carries the request's number.
onOneRequest<RunRequest, FromRunner>((request, send) => {
  run(request, send).catch((error) => send({ kind: "report", report: loadFailed(error) }));
});
