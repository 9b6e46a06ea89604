/**
 * One call of the learner's gradients() in a runner that holds no reference
 * and decides nothing: the terminal's sandbox process
 * (lib/commands/exercise/runtime.ts) and an exercise page's learner worker
 * (lib/site/browser/exercise_runner.ts) alike. The runner configures the
 * hooks with its channel, makes the input (each upstream gradient the
 * exercise withholds throws when read), loads the learner's module between
 * the marks `timer load` and `timer off`, and calls its gradients() once;
 * the report is what the checker judges. How the module is loaded, and how
 * the marks and the report travel, is the runner's own.
 *
 * @example
 * ```ts
 * import { callOnce } from "./runner.ts";
 * import { tensor } from "../tensor.ts";
 * const header = { chapter: 3, gradients: [], lines: {}, program: "", input: {}, withheld: {} };
 * const channel = { mark: () => {}, commit: () => tensor([0]) };
 * const report = await callOnce(header, channel, () => Promise.reject(new Error("boom")));
 * report.ended; // "load"
 * ```
 * @module
 */

import { callGradients, type Channel, configure, describeThrown } from "./hooks.ts";
import type { ExerciseInput } from "./learner.ts";
import { type CallReport, type Header, unpack } from "./wire.ts";

/**
 * The exercise's input from the `header`, with each upstream gradient it
 * withholds throwing its message when read.
 *
 * @example
 * ```ts
 * const input = inputOf({ input: { n: 32 }, withheld: { dlogits: "no" } });
 * input.n; // 32
 * ```
 */
export function inputOf(header: Pick<Header, "input" | "withheld">): ExerciseInput {
  const input = unpack(header.input) as ExerciseInput;
  for (const [name, message] of Object.entries(header.withheld)) {
    Object.defineProperty(input, name, {
      get() {
        throw new Error(message);
      },
      enumerable: false,
    });
  }
  return input;
}

/**
 * The report of a module that threw `error` as it was loaded (its top level).
 *
 * @example
 * ```ts
 * loadFailed(new Error("boom")).threw?.text; // "boom"
 * ```
 */
export function loadFailed(error: unknown): CallReport {
  return { ended: "load", threw: describeThrown(error), tensors: {}, recorded: {}, forward: {}, changedForward: [] };
}

/**
 * One call as `header` says: the hooks talk through `channel`, the input is
 * made, `beforeLoad` runs (a page's worker gives up its ways out there),
 * then the module `load` gives is loaded and its gradients() called, each
 * timed by the marks; the report of the call, or of the load that threw.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const header = { chapter: 3, gradients: [], lines: {}, program: "", input: { fwd: {}, params: {} }, withheld: {} };
 * const marks: string[] = [];
 * const channel = { mark: (m: string) => void marks.push(m), commit: () => tensor([0]) };
 * const report = await callOnce(header, channel, () => Promise.resolve({ __gradients: () => ({}) }));
 * [report.ended, marks.join()]; // ["returned", "timer load,timer off,timer gradients,timer off"]
 * ```
 */
export async function callOnce(
  header: Header,
  channel: Channel,
  load: () => Promise<Record<string, unknown>>,
  beforeLoad: () => void = () => {},
): Promise<CallReport> {
  configure(channel, header);
  const input = inputOf(header);
  beforeLoad();
  channel.mark("timer load");
  let module: Record<string, unknown>;
  try {
    module = await load();
  } catch (error) {
    channel.mark("timer off");
    return loadFailed(error);
  }
  channel.mark("timer off");
  return callGradients(module.__gradients, input);
}
