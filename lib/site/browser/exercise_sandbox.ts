/**
 * What the learner's workers on an exercise page share: giving up the ways
 * out of the worker before the learner's module loads, the learner's
 * console sent out line by line, and the learner's module loaded from a
 * `blob:` URL with its imports of the shared modules (lib/tensor.ts,
 * lib/exercise/learner.ts, lib/exercise/hooks.ts) pointed at the worker's
 * own copies. The check's worker (exercise_runner.ts) and exercise 9's
 * training worker (exercise_train_run.ts) both load the learner's code this
 * way.
 *
 * @example
 * ```ts ignore
 * import { giveUp, loadProgram } from "./exercise_sandbox.ts";
 * giveUp(globalThis as unknown as Record<string, unknown>);
 * const module = await loadProgram(program, imports);
 * ```
 * @module
 */

import * as tensorModule from "../../tensor.ts";
import * as learnerModule from "../../exercise/learner.ts";
import * as hooksModule from "../../exercise/hooks.ts";
import type { RunRequest } from "./exercise_wire.ts";

/** The global the shim modules read the shared modules from, while the learner's module loads. */
const SHARED = "__exerciseModules";

/** What a learner's worker gives up before the learner's module loads: ways out of the worker. */
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
function programUrl(program: string, imports: RunRequest["imports"]): string {
  const shims: Record<string, string> = {
    [imports.tensor]: shimUrl("tensor", tensorModule),
    [imports.learner]: shimUrl("learner", learnerModule),
    [imports.hooks]: shimUrl("hooks", hooksModule),
  };
  const code = program.replace(
    /(\bfrom\s*|\bimport\s*)(["'])([^"'\n]*)\2/g,
    (all, before: string, quote: string, specifier: string) =>
      shims[specifier] ? `${before}${quote}${shims[specifier]}${quote}` : all,
  );
  // The name stack traces give the program, which lib/exercise/hooks.ts reads the line and column from.
  const named = `${code}\n//# sourceURL=data:application/typescript;base64,learner\n`;
  return URL.createObjectURL(new Blob([named], { type: "text/javascript" }));
}

/**
 * Loads the learner's `program` (rewritten and stripped of its types) as a
 * module whose imports of the shared modules are the worker's own; throws
 * what the module throws as it loads.
 *
 * @example
 * ```ts ignore
 * const { __gradients } = await loadProgram(request.header.program, request.imports);
 * ```
 */
export async function loadProgram(
  program: string,
  imports: RunRequest["imports"],
): Promise<Record<string, unknown>> {
  const global = globalThis as unknown as Record<string, unknown>;
  const url = programUrl(program, imports);
  global[SHARED] = { tensor: tensorModule, learner: learnerModule, hooks: hooksModule };
  try {
    return await import(url);
  } finally {
    delete global[SHARED];
  }
}

/**
 * The learner's console, each line handed to `out` (as the terminal shows
 * what the code prints).
 *
 * @example
 * ```ts ignore
 * captureConsole((text) => send({ kind: "out", text }));
 * ```
 */
export function captureConsole(out: (text: string) => void): void {
  const line = (...args: unknown[]) =>
    out(args.map((a) => typeof a === "string" ? a : hooksModule.describeValue(a)).join(" "));
  for (const method of ["log", "info", "warn", "error", "debug"] as const) console[method] = line;
}

/**
 * Removes the ways out of the worker ({@linkcode REMOVED}: fetch, other
 * workers, storage…) from its global scope and the prototypes it inherits
 * from, for good.
 *
 * @example
 * ```ts ignore
 * giveUp(globalThis as unknown as Record<string, unknown>);
 * typeof fetch; // "undefined"
 * ```
 */
export function giveUp(global: Record<string, unknown>): void {
  for (let o: object | null = global; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of REMOVED) if (Object.hasOwn(o, name)) delete (o as Record<string, unknown>)[name];
  }
  for (const name of REMOVED) Object.defineProperty(global, name, { value: undefined, configurable: false });
}

/**
 * Waits for the one request a learner's worker is given, then hands it to
 * `handle` with a `send` that stamps every message with the request's
 * nonce (a number the learner's code never sees); later messages are not
 * heard. `postMessage` is held before the learner's module can replace it.
 *
 * @example
 * ```ts ignore
 * onOneRequest<RunRequest, FromRunner>((request, send) => void run(request, send));
 * ```
 */
export function onOneRequest<Request extends { nonce: string }, Out extends object>(
  handle: (request: Request, send: (message: Out) => void) => void,
): void {
  const scope = globalThis as unknown as {
    postMessage(message: Out & { nonce: string }): void;
    onmessage: ((event: MessageEvent<Request>) => void) | null;
  };
  const post = scope.postMessage.bind(scope);
  scope.onmessage = (event: MessageEvent<Request>) => {
    scope.onmessage = null;
    const request = event.data;
    handle(request, (message) => post({ ...message, nonce: request.nonce }));
  };
}
