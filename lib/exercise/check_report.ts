/**
 * The words of a check of the learner's file that the terminal
 * (lib/commands/exercise/report.ts) and the exercise pages
 * (lib/site/browser/exercise_report.ts) share: the imports refused, the
 * type errors, a runaway gradients() and where it was, a top level that
 * threw, the learner's own output, and how the verdicts follow it. What
 * only one of them can meet (a process out of memory, a worker that
 * crashed) each says itself.
 *
 * @example
 * ```ts
 * import { timerText } from "./check_report.ts";
 * timerText({ what: "gradients" }, {}, "03.ts", 5000);
 * // "Your gradients() ran for 5 s without returning, so it was stopped: is there a loop that never ends?"
 * ```
 * @module
 */

import { plainRefusal } from "./judge.ts";
import type { Place } from "./judge.ts";
import type { CallReport } from "./wire.ts";
import { locate, withCaret } from "./caret.ts";
import { wrapParagraphs } from "./paragraphs.ts";

/** A stack frame in the program the check ran (a `data:` URL, named `learner` on a page). */
const PROGRAM_URL = /data:application\/typescript;base64,[^\s):]*:(\d+):(\d+)/g;

/**
 * A time in ms as the learner reads it, in seconds to a tenth.
 *
 * @example
 * ```ts
 * seconds(20_000); // "20 s"
 * ```
 */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Where a runaway gradients() was, from the last hook it passed (`reached`)
 * and the lines of the gradients' last assignments: "after line 70
 * (dcounts), before line 73 (dnormLogits)", or "" when no gradient is hooked.
 */
function whereItRan(reached: string[] | undefined, lines: Record<string, number>): string {
  const hooked = Object.entries(lines).sort((a, b) => a[1] - b[1]);
  if (!reached) return hooked.length > 0 ? `before line ${hooked[0][1]} (${hooked[0][0]})` : "";
  const [, kind, line, name] = reached;
  if (kind === "in") return `in line ${line} (${name})`;
  const next = hooked.find(([, l]) => l > Number(line));
  return `after line ${line} (${name})${next ? `, before line ${next[1]} (${next[0]})` : ""}`;
}

/**
 * What to say when the learner's code ran longer than `codeMs`: its top
 * level (`what` is "load"), or gradients(), with where it was (`reached`,
 * the last `at …` mark, read against the gradients' `lines`).
 *
 * @example
 * ```ts
 * timerText({ what: "gradients", reached: ["at", "in", "66", "dprobs"] }, { dprobs: 66 }, "03.ts", 5000);
 * // "Your gradients() ran for 5 s without returning, so it was stopped. It was running in line 66 (dprobs) of 03.ts: is there a loop that never ends there?"
 * ```
 */
export function timerText(
  stop: { what: string; reached?: string[] },
  lines: Record<string, number>,
  shown: string,
  codeMs: number,
): string {
  const where = whereItRan(stop.reached, lines);
  const limit = seconds(codeMs);
  return stop.what === "load"
    ? `The top level of ${shown} ran for ${limit} without finishing, so it was stopped: is there a loop that never ends outside gradients()?`
    : where
    ? `Your gradients() ran for ${limit} without returning, so it was stopped. It was running ${where} of ${shown}: is there a loop that never ends there?`
    : `Your gradients() ran for ${limit} without returning, so it was stopped: is there a loop that never ends?`;
}

/**
 * What to say when a run went on past its deadline in all (`stoppedAfterMs`)
 * and was stopped after `ms`; `tail` ends the sentence with what the
 * learner's code could have done there.
 *
 * @example
 * ```ts
 * deadlineText("03.ts", 20_000, 20_000, "whatever it prints. Is there a loop or a timer that never ends?");
 * // "The run of 03.ts took 20 s in all without finishing, so it was stopped: a run is stopped after 20 s, whatever it prints. Is there a loop or a timer that never ends?"
 * ```
 */
export function deadlineText(shown: string, ms: number, stoppedAfterMs: number, tail: string): string {
  return `The run of ${shown} took ${seconds(ms)} in all without finishing, so it was stopped: a run is stopped after ${
    seconds(stoppedAfterMs)
  }, ${tail}`;
}

/**
 * What to say when the learner's file threw as it was loaded (its top
 * level), at the place `place` finds in the file when it finds one.
 *
 * @example
 * ```ts
 * const report = { ended: "load" as const, threw: { text: "x is not defined" }, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * loadText(report, () => undefined, "03.ts"); // "03.ts could not be run: it threw x is not defined"
 * ```
 */
export function loadText(report: CallReport, place: Place, shown: string): string {
  const threw = report.threw!;
  const at = threw.at && place(threw.at);
  const text = threw.value ? threw.text : plainRefusal(threw.text);
  return at ? `${shown} could not be run:\n\n${at}: ${text}` : `${shown} could not be run: it threw ${text}`;
}

/**
 * What an exercise file may import, as a refusal ends.
 *
 * @example
 * ```ts
 * `import.meta is refused: ${ALLOWED_IMPORTS_TEXT}`;
 * ```
 */
export const ALLOWED_IMPORTS_TEXT =
  "an exercise file may import only lib/tensor.ts and lib/exercise/learner.ts (no other file, URL or package)";

/**
 * What to say of an import of `specifier` that a learner's file may not
 * make; for the checker, which stubs imported `todo` from before, the line
 * to write instead, importing lib/exercise/learner.ts as `learner` (from
 * the learner's folder).
 *
 * @example
 * ```ts
 * refusalText("node:fs", "../../lib/exercise/learner.ts");
 * // '"node:fs" is refused: an exercise file may import only lib/tensor.ts and lib/exercise/learner.ts (no other file, URL or package)'
 * ```
 */
export function refusalText(specifier: string, learner: string): string {
  if (/lib\/exercise\/checker\.ts$/.test(specifier)) {
    return `todo and ExerciseInput now come from lib/exercise/learner.ts: write import { type ExerciseInput, todo } from "${learner}";`;
  }
  return `${JSON.stringify(specifier)} is refused: ${ALLOWED_IMPORTS_TEXT}`;
}

/**
 * The imports a learner's file may not make, each located with its message:
 * what is said instead of running it.
 *
 * @example
 * ```ts
 * refusedText([{ line: 1, column: 1, message: "no" }], "03.ts", ["import x from 'y';"]).split("\n")[0];
 * // "03.ts imports what an exercise file may not, so it was not run:"
 * ```
 */
export function refusedText(
  refused: { line: number; column: number; message: string }[],
  shown: string,
  lines: string[],
): string {
  const located = refused.map((r) => locate(shown, lines, r.line, r.column, r.message));
  return `${shown} imports what an exercise file may not, so it was not run:\n\n${located.join("\n\n")}`;
}

/**
 * The type errors of the learner's file, each already located
 * (`file:line:col: message` and the line with a caret), counted: what is
 * said instead of running it.
 *
 * @example
 * ```ts
 * typeErrorsText(["03.ts:1:1: a", "03.ts:2:1: b"], "03.ts").split("\n")[0]; // "03.ts has 2 type errors, so it was not run:"
 * ```
 */
export function typeErrorsText(located: string[], shown: string): string {
  const count = located.length === 1 ? "a type error" : `${located.length} type errors`;
  return `${shown} has ${count}, so it was not run:\n\n${located.join("\n\n")}`;
}

/** One run of the learner's code, as far as the words of its outcome go. */
export interface RunOutcome {
  /** Maps a column of the program to the learner's. */
  prepared: { column(line: number, column: number): number };
  /** The learner's own output (as much as is kept), and how many lines were cut. */
  out: string[];
  cut: number;
  /** The verdicts as the learner reads them, and the exit code, when it got that far. */
  verdict?: { text: string; code: number };
}

/** The learner's own output, with places in the program it ran as places in its file, and what was cut. */
function learnerOutput(run: RunOutcome, shown: string): string[] {
  const out = run.out.map((line) =>
    line.replace(PROGRAM_URL, (_, l, c) => `${shown}:${l}:${run.prepared.column(Number(l), Number(c))}`)
  );
  if (run.cut > 0) out.push(`… ${run.cut.toLocaleString("en-US")} more line${run.cut === 1 ? "" : "s"} cut`);
  return out;
}

/**
 * What a run of the learner's file (its `lines`, named `shown`) comes to:
 * its own output, then `stopped` (why it stopped, when it did) or the
 * verdicts, with the line and a caret under the first place named; and the
 * exit code, 0 when every gradient is right.
 *
 * @example
 * ```ts
 * const run = { prepared: { column: (_: number, c: number) => c }, out: ["hi"], cut: 0, verdict: { text: "Well done!", code: 0 } };
 * runText(run, undefined, "03.ts", []); // { text: "hi\n\nWell done!", code: 0 }
 * ```
 */
export function runText(
  run: RunOutcome,
  stopped: string | undefined,
  shown: string,
  lines: string[],
): { text: string; code: number } {
  const said = withCaret(stopped !== undefined ? wrapParagraphs(stopped) : run.verdict?.text ?? "", shown, lines);
  const output = learnerOutput(run, shown);
  return {
    text: [...output, ...(output.length > 0 ? [""] : []), said].join("\n").trimEnd(),
    code: run.verdict?.code ?? 1,
  };
}
