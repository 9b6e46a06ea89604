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
 * // In the checker's worker: new Worker("exercise_runner.js", { type: "module" })
 * ```
 * @module
 */

import * as tensorModule from "../../tensor.ts";
import { Tensor } from "../../tensor.ts";
import * as learnerModule from "../../exercise/learner.ts";
import * as hooksModule from "../../exercise/hooks.ts";
import type { ExerciseInput } from "../../exercise/learner.ts";
import { type CallReport, type Commit, floatsOf, unpack } from "../../exercise/wire.ts";
import type { FromRunner, RunRequest } from "./exercise_wire.ts";

/** The global the shim modules read the shared modules from, while the learner's module loads. */
const SHARED = "__exerciseModules";

/** What the learner's worker gives up before the learner's module loads: ways out of the worker. */
const REMOVED = [
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "EventSource",
  "Worker",
  "SharedWorker",
  "importScripts",
  "indexedDB",
  "caches",
  "BroadcastChannel",
  "WebTransport",
];

/** A module that re-exports one of the worker's modules, read from the global {@linkcode SHARED}. */
function shimUrl(key: string, module: Record<string, unknown>): string {
  const names = Object.keys(module).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  const text = `const m = globalThis.${SHARED}.${key};\nexport const { ${names.join(", ")} } = m;\n`;
  return URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
}

/** The learner's program with its imports of the shared modules pointed at their shims, as a module URL. */
function programUrl(request: RunRequest): string {
  const shims: Record<string, string> = {
    [request.imports.tensor]: shimUrl("tensor", tensorModule),
    [request.imports.learner]: shimUrl("learner", learnerModule),
    [request.imports.hooks]: shimUrl("hooks", hooksModule),
  };
  const code = request.header.program.replace(
    /(\bfrom\s*|\bimport\s*)(["'])([^"'\n]*)\2/g,
    (all, before: string, quote: string, specifier: string) =>
      shims[specifier] ? `${before}${quote}${shims[specifier]}${quote}` : all,
  );
  // The name stack traces give the program, which lib/exercise/hooks.ts reads the line and column from.
  const named = `${code}\n//# sourceURL=data:application/typescript;base64,learner\n`;
  return URL.createObjectURL(new Blob([named], { type: "text/javascript" }));
}

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

/** The learner's console, sent to the checker line by line (as the terminal shows what the code prints). */
function captureConsole(send: (message: FromRunner) => void): void {
  const line = (...args: unknown[]) =>
    send({ kind: "out", text: args.map((a) => typeof a === "string" ? a : hooksModule.describeValue(a)).join(" ") });
  for (const method of ["log", "info", "warn", "error", "debug"] as const) console[method] = line;
}

/** Removes {@linkcode REMOVED} from the worker's global scope and the prototypes it inherits from. */
function giveUp(global: Record<string, unknown>): void {
  for (let o: object | null = global; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of REMOVED) if (Object.hasOwn(o, name)) delete (o as Record<string, unknown>)[name];
  }
  for (const name of REMOVED) Object.defineProperty(global, name, { value: undefined, configurable: false });
}

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
  const url = programUrl(request);
  const input = inputOf(request);
  captureConsole(send);
  const global = globalThis as unknown as Record<string, unknown>;
  giveUp(global);
  global[SHARED] = { tensor: tensorModule, learner: learnerModule, hooks: hooksModule };
  send({ kind: "mark", text: "timer load" });
  let module: Record<string, unknown>;
  try {
    module = await import(url);
  } catch (error) {
    send({ kind: "mark", text: "timer off" });
    return send({ kind: "report", report: loadFailed(error) });
  } finally {
    delete global[SHARED];
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
