/**
 * The outputs a chapter page shows before anyone presses Run: the build runs
 * the chapter's runnable module (`cells.ts`) in a Deno worker, with the same
 * runtime the page's worker uses, and keeps what each cell printed or drew.
 * The build runs under Deno, so it may use Deno's APIs; the module it runs
 * does not.
 *
 * @example
 * ```ts ignore
 * import { runCells } from "./outputs.ts";
 * const { outputs } = await runCells(new URL("file:///repo/site/.cells/03_cross_entropy.ts"), 12);
 * ```
 * @module
 */

import { addOutput, type CellOutput, type RunMessage } from "./run/messages.ts";

/**
 * A chapter's module that threw, or did not finish: the message names the chapter and the cell.
 *
 * @example
 * ```ts
 * new CellRunError("chapters/03_cross_entropy.ts, cell 5: Error: A check of chapter 3 failed").name; // "CellRunError"
 * ```
 */
export class CellRunError extends Error {
  override name = "CellRunError";
}

/** What a run of a chapter's module gave: each cell's outputs, and how long it took. */
export interface CellRun {
  /** The outputs of each code cell, by its run number. */
  outputs: CellOutput[][];
  /** Milliseconds from the module's start to its `done()`. */
  ms: number;
}

/**
 * Runs a chapter's module (ending with `done()`) in a Deno worker and
 * collects its messages; rejects with a {@linkcode CellRunError} naming
 * `label` and the cell (counted from 1) if a cell throws, or if it has not
 * finished after `timeoutMs`.
 *
 * @example
 * ```ts ignore
 * const run = await runCells(new URL("file:///repo/site/.cells/01_data_and_model.ts"), 6);
 * run.outputs[0]; // what cell 0 printed
 * ```
 */
export function runCells(module: URL, runs: number, label = module.pathname, timeoutMs = 300_000): Promise<CellRun> {
  const outputs: CellOutput[][] = Array.from({ length: runs }, () => []);
  let current = -1;
  const worker = new Worker(module, { type: "module" });
  return new Promise<CellRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(
        new CellRunError(`${label} did not finish in ${timeoutMs / 1000} s (it was in cell ${current + 1})`),
      );
    }, timeoutMs);
    const finish = (error: Error | null, ms = 0) => {
      clearTimeout(timer);
      worker.terminate();
      if (error) reject(error);
      else resolve({ outputs, ms });
    };
    worker.onmessage = (event: MessageEvent<RunMessage>) => {
      const message = event.data;
      if (message.kind === "cell") current = message.run;
      else if (message.kind === "output") addOutput(outputs[message.run], message.output);
      else finish(null, message.ms);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      finish(new CellRunError(`${label}, cell ${current + 1}: ${event.message}`));
    };
  });
}
