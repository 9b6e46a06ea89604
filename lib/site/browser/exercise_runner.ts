/**
 * The learner's worker on an exercise page: it runs one call of the
 * learner's gradients() and nothing else, as the sandbox's runtime does for
 * `deno task exercise N`. It is given the learner's module (already
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
import * as hooksModule from "../../exercise/hooks.ts";
import type { ExerciseInput } from "../../exercise/learner.ts";
import { type CallReport, type Commit, floatsOf, unpack } from "../../exercise/wire.ts";
import type { FromRunner, RunRequest } from "./exercise_wire.ts";
import { captureConsole, giveUp, loadProgram } from "./exercise_sandbox.ts";

/** The exercise's input, with each upstream gradient it withholds throwing when read. */
function inputOf(request: RunRequest): ExerciseInput {
  const input = unpack(request.header.input) as ExerciseInput;
  for (const [name, message] of Object.entries(request.header.withheld)) {
    Object.defineProperty(input, name, {
      get() {
        throw new Error(message);
      },
      enumerable: false,
    });
  }
  return input;
}

/** The report of a module that threw as it was loaded. */
const loadFailed = (error: unknown): CallReport => ({
  ended: "load",
  threw: hooksModule.describeThrown(error),
  tensors: {},
  recorded: {},
  forward: {},
  changedForward: [],
});

/** One call of the learner's gradients(), reported through `send`. */
async function run(request: RunRequest, send: (message: FromRunner) => void): Promise<void> {
  const answers = request.answers;
  hooksModule.configure({
    mark: (text) => send({ kind: "mark", text }),
    commit(commit: Commit) {
      send({ kind: "commit", commit });
      const a = Object.hasOwn(answers, commit.name) ? answers[commit.name] : { shape: [0], f32: "" };
      return new Tensor(floatsOf(a.f32, a.shape.reduce((x, y) => x * y, 1)), a.shape);
    },
  }, request.header);
  const input = inputOf(request);
  captureConsole((text) => send({ kind: "out", text }));
  giveUp(globalThis as unknown as Record<string, unknown>);
  send({ kind: "mark", text: "timer load" });
  let module: Record<string, unknown>;
  try {
    module = await loadProgram(request.header.program, request.imports);
  } catch (error) {
    send({ kind: "mark", text: "timer off" });
    return send({ kind: "report", report: loadFailed(error) });
  }
  send({ kind: "mark", text: "timer off" });
  send({ kind: "report", report: hooksModule.callGradients(module.__gradients, input) });
}

/** Waits for the one request, then runs it; every message carries the request's number. */
function listen(): void {
  const scope = globalThis as unknown as {
    postMessage(message: FromRunner & { nonce: string }): void;
    onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
  };
  const post = scope.postMessage.bind(scope);
  scope.onmessage = (event: MessageEvent<RunRequest>) => {
    scope.onmessage = null;
    const request = event.data;
    const send = (message: FromRunner) => post({ ...message, nonce: request.nonce });
    run(request, send).catch((error) => send({ kind: "report", report: loadFailed(error) }));
  };
}

listen();
