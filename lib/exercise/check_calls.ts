/**
 * The calls of one check of the learner's file, in the terminal's sandbox
 * (lib/commands/exercise/sandbox.ts, a process a call) and on an exercise
 * page (lib/site/browser/exercise_check.ts, a worker a call) alike: the
 * call as written; when a line's upstream is wrong or the call threw, the
 * fed call (lib/exercise/judge.ts decides which lines are fed); then the
 * verdicts. How a call is made, and what stops one, is the caller's.
 *
 * @example
 * ```ts
 * import { checkCalls } from "./check_calls.ts";
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * import type { ExerciseInput } from "./learner.ts";
 * const report = { ended: "promise" as const, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * const prepared = { code: "", lines: {}, column: (_: number, c: number) => c, lastLine: 1 };
 * const checked = await checkCalls(EXERCISES[3], prepared, exerciseContext(), {
 *   call: () => Promise.resolve({ report, commits: new Map() }),
 *   input: () => ({}) as ExerciseInput,
 *   place: () => undefined,
 * });
 * "verdict" in checked.end && checked.end.verdict.text; // "gradients() must return the object, not a Promise: remove async/await"
 * ```
 * @module
 */

import type { ExerciseContext, ExerciseSpec } from "./checker.ts";
import { headerOf } from "./header.ts";
import { feedFor, judge, type Judged, type Place, readAsWritten, readFed } from "./judge.ts";
import type { ExerciseInput } from "./learner.ts";
import type { Prepared } from "./prepared.ts";
import type { CallReport, Commit, Header } from "./wire.ts";

/** What one call came to: its report, or why it stopped (`S`, the caller's kinds of stop), and the commits it made. */
export interface CallOutcome<S> {
  report?: CallReport;
  commits: Map<string, Commit>;
  stop?: S;
}

/** How a check makes its calls, and what it says with the verdicts. */
export interface CheckWays<O> {
  /** One call as the header says (in the fed call, the header's feed names the gradients to answer). */
  call: (header: Header) => Promise<O>;
  /** The exercise's input, made anew for each call. */
  input: () => ExerciseInput;
  /** Where a place in the program is in the learner's file. */
  place: Place;
  /** Where a stuck learner finds the next gradient's hints (the terminal's command when not given). */
  stuck?: (name: string) => string;
  /** Hears that the fed call starts. */
  onFed?: () => void;
}

/** What a check's calls came to: why they stopped (the top level threw: `load`), or the verdicts. */
export type CheckEnd<S> =
  | { stop: S | { why: "load"; report: CallReport } | undefined }
  | { verdict: Judged };

/**
 * The calls of a check of exercise `spec` on the `prepared` program, judged
 * in `context`: the first call (whose output the learner reads) and how the
 * check ended.
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * import type { ExerciseInput } from "./learner.ts";
 * const prepared = { code: "", lines: {}, column: (_: number, c: number) => c, lastLine: 1 };
 * const checked = await checkCalls(EXERCISES[3], prepared, exerciseContext(), {
 *   call: () => Promise.resolve({ commits: new Map(), stop: "too long" }),
 *   input: () => ({}) as ExerciseInput,
 *   place: () => undefined,
 * });
 * checked.end; // { stop: "too long" }
 * ```
 */
export async function checkCalls<O extends CallOutcome<unknown>>(
  spec: ExerciseSpec,
  prepared: Prepared,
  context: ExerciseContext,
  ways: CheckWays<O>,
): Promise<{ first: O; end: CheckEnd<O["stop"]> }> {
  const first = await ways.call(headerOf(spec, prepared, ways.input()));
  if (!first.report) return { first, end: { stop: first.stop } };
  if (first.report.ended === "load") return { first, end: { stop: { why: "load", report: first.report } } };
  const asWritten = readAsWritten(first.report, prepared.lines);
  const feed = feedFor(spec, asWritten, context);
  let threw = "";
  if (feed) {
    ways.onFed?.();
    const fed = await ways.call(headerOf(spec, prepared, ways.input(), feed));
    if (!fed.report) return { first, end: { stop: fed.stop } };
    threw = readFed(asWritten, fed.report, fed.commits, ways.place);
  }
  return { first, end: { verdict: judge(spec, asWritten, threw, context, ways.stuck) } };
}
