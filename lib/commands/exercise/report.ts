/**
 * What a check of a learner's file in the sandbox comes to, as the learner
 * reads it: the learner's own output (as much as is kept, then how many
 * lines were cut) and the verdicts; or the imports refused, the type errors
 * (their causes only), the error that stopped the file, where a runaway
 * gradients() was, or which limit stopped it. Places are `file:line:col`,
 * in the learner's file, with the line and a caret.
 *
 * @example
 * ```ts
 * import { reportRun } from "./report.ts";
 * import { LIMITS, prepare } from "./sandbox.ts";
 * import { specOf } from "./context.ts";
 * const text = "export function gradients() {\n  while (true) {}\n}\n";
 * const prepared = prepare(specOf(3), "/tmp/03_cross_entropy.ts", text);
 * const run = { prepared, url: "file:///tmp/03_cross_entropy.ts", out: [], cut: 0, stop: { why: "timer" as const, what: "gradients" } };
 * reportRun(run, "03_cross_entropy.ts", text, LIMITS).text;
 * // "Your gradients() ran for 5 s without returning, so it was stopped: is there a\nloop that never ends?"
 * ```
 * @module
 */

import type { Located } from "../../exercise/errors.ts";
import { explainErrors, explainParseError, explainTypeError } from "../../exercise/translate.ts";
import { locate } from "../../exercise/caret.ts";
import {
  deadlineText,
  loadText,
  refusedText,
  runText,
  seconds,
  timerText,
  typeErrorsText,
} from "../../exercise/check_report.ts";
import { type Limits, placeIn, type SandboxRun, type Stop } from "./sandbox.ts";
import { plainRefusal } from "../../exercise/judge.ts";
import { withThrownNote } from "./thrown_note.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";

/** Where a place in a module deno reported is in the learner's file: undefined when it is not in the file. */
type Place = (url: string, line: number, column: number) => { line: number; column: number } | undefined;

/** What to say when a limit stopped the check, or the learner's code ended it. */
function stopText(stop: Stop, run: SandboxRun, shown: string, limits: Limits): string {
  switch (stop.why) {
    case "timer":
      return timerText(stop, run.prepared.lines, shown, limits.codeMs);
    case "deadline":
      return stop.step === "type check"
        ? `Type checking ${shown} took more than ${
          seconds(limits.typeCheckMs)
        }, so it was stopped: are there types that make the checker work that hard (recursive or template-literal types)?`
        : deadlineText(
          shown,
          stop.ms,
          2 * limits.codeMs + limits.startupMs,
          "whatever it prints. Is there a loop or a timer that never ends?",
        );
    case "memory":
      return stop.step === "type check"
        ? `Type checking ${shown} needed more than the ${limits.typeCheckHeapMb} MB it may use, so it was stopped: are there types that make the checker work that hard (recursive or template-literal types)?`
        : `Your code needed more memory than it may use (${limits.heapMb} MB of JavaScript heap, ${limits.dataMb} MB in all), so it was stopped: is there a tensor far larger than the exercise's, or one made over and over in a loop?`;
    case "exit":
      return `Your code ended the process with exit code ${stop.code} ${
        stop.during === "gradients"
          ? "before gradients() returned"
          : `while ${shown} was loaded, before gradients() ran`
      }, so nothing was checked${
        stop.error ? ` (${plainRefusal(stop.error)})` : ""
      }: remove what ends it (Deno.exit?).`;
    case "load":
      return loadText(stop.report, placeIn(run.prepared, shown), shown);
  }
}

/** The type errors of the learner's file, located, the causes only: what to print. */
function typeErrorsOf(errors: Located[], shown: string, lines: string[], place: Place): string {
  const mine = errors.map((e) => ({ e, at: place(e.url, e.line, e.column) }));
  const inFile = mine.filter((x) => x.at).map(({ e, at }) => ({
    code: e.code,
    message: e.message,
    sourceLine: lines[at!.line - 1] ?? "",
    line: at!.line,
    column: at!.column,
  }));
  const located = explainErrors(inFile, lines).map(({ error, text }) =>
    locate(shown, lines, error.line!, error.column, text)
  );
  if (mine.some((x) => !x.at)) {
    located.push(`${shown}: it must export a function gradients(input), as the stub does`);
  }
  return typeErrorsText(located, shown);
}

/**
 * What to print when Deno's parser stopped at `at` (`message`): every line
 * of the file that is the lecture's Python, translated, so that one run
 * names them all.
 */
function parseErrorsText(message: string, at: { line: number; column: number }, shown: string, lines: string[]) {
  const error = {
    code: "",
    message,
    ...at,
    sourceLine: lines[at.line - 1] ?? "",
  };
  const located = explainParseError(error, lines).map(({ error, text }) =>
    locate(shown, lines, error.line!, error.column, text)
  );
  const count = located.length === 1 ? "a syntax error" : `${located.length} syntax errors`;
  return `${shown} has ${count}, so it was not run:\n\n${located.join("\n\n")}`;
}

/**
 * What to print for a check of the learner's file (its `text`, shown as
 * `shown`) within `limits`, and the exit code: 0 when every gradient is
 * right, else 1.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * import { LIMITS, prepare } from "./sandbox.ts";
 * const prepared = prepare(specOf(3), "/tmp/03_cross_entropy.ts", "export function gradients() {}\n");
 * const verdict = { text: "All 8 gradients of exercise 3 are right. Well done!", code: 0 };
 * reportRun({ prepared, url: "file:///tmp/03_cross_entropy.ts", out: [], cut: 0, verdict }, "03_cross_entropy.ts", "", LIMITS).code; // 0
 * ```
 */
export function reportRun(
  run: SandboxRun,
  shown: string,
  text: string,
  limits: Limits,
): { text: string; code: number } {
  const lines = text.split("\n");
  const place: Place = (url, line, column) => url === run.url ? { line, column } : undefined;
  if (run.refused) return { text: refusedText(run.refused, shown, lines), code: 1 };
  if (run.errors?.type.length) return { text: typeErrorsOf(run.errors.type, shown, lines, place), code: 1 };
  const other = run.errors?.other;
  if (other) {
    const at = "url" in other ? place(other.url, other.line, other.column) : undefined;
    if (at && /^SyntaxError: /.test(other.message)) {
      return { text: parseErrorsText(other.message, at, shown, lines), code: 1 };
    }
    const message = at
      ? `\n\n${
        locate(
          shown,
          lines,
          at.line,
          at.column,
          explainTypeError("", other.message, lines[at.line - 1] ?? "", at.column),
        )
      }`
      : ` ${other.message}`;
    return { text: `${shown} could not be run:${message}`, code: 1 };
  }
  const said = runText(run, run.stop && stopText(run.stop, run, shown, limits), shown, lines);
  const spec = Object.values(EXERCISES).find((s) => shown.endsWith(s.file));
  return { ...said, text: withThrownNote(said.text, shown, lines, spec) };
}
