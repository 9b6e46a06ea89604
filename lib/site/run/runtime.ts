/**
 * The side of a chapter's runnable module that talks to the page: it
 * replaces `console.log` (and `error`, `warn`, `info`) with a function that
 * sends what is printed to the page, under the cell that is running (in a
 * worker only: imported anywhere else, it changes nothing). It uses
 * only what a Web Worker has (`postMessage`), so the same module runs in a
 * browser's worker and, at build time, in a Deno worker.
 *
 * @example
 * ```ts
 * import { cell, done } from "./runtime.ts";
 * cell(0);
 * console.log("printed under cell 0");
 * done();
 * ```
 * @module
 */

import type { CellOutput, RunMessage } from "./messages.ts";

/** Where the messages go: the worker's `postMessage`. */
type Post = (message: RunMessage) => void;

/** A worker's `postMessage`; undefined outside a worker (in a page, or Deno's main thread). */
const workerPost = (globalThis as unknown as { postMessage?: Post }).postMessage;
const inWorker = typeof workerPost === "function" && !("document" in globalThis);

/** The running module's state: the cell it is in, when it started, where messages go (nowhere outside a worker). */
const session = {
  run: -1,
  started: performance.now(),
  post: (inWorker ? (message: RunMessage) => workerPost!(message) : () => {}) as Post,
};

/**
 * One value as `console.log` shows it: a string as it is, a number as
 * JavaScript writes it, anything else as JSON (or its `String`).
 *
 * @example
 * ```ts
 * formatValue(3.25); // "3.25"
 * formatValue([1, 2]); // "[1,2]"
 * ```
 */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Sends an output of the running cell to the page.
 *
 * @example
 * ```ts
 * emit({ kind: "text", text: "hello\n" });
 * ```
 */
export function emit(output: CellOutput): void {
  session.post({ kind: "output", run: session.run, output });
}

/**
 * Marks the start of cell `run`: what is printed from now on goes under it.
 *
 * @example
 * ```ts
 * cell(3);
 * ```
 */
export function cell(run: number): void {
  session.run = run;
  session.post({ kind: "cell", run });
}

/**
 * Tells the page that every cell has run, and how long it took.
 *
 * @example
 * ```ts
 * done();
 * ```
 */
export function done(): void {
  session.post({ kind: "done", ms: performance.now() - session.started });
}

const print = (...args: unknown[]) => emit({ kind: "text", text: args.map(formatValue).join(" ") + "\n" });
if (inWorker) { for (const name of ["log", "error", "warn", "info"] as const) console[name] = print; }
