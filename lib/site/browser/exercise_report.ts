/**
 * What a check on an exercise page comes to, as `deno task exercise N`
 * prints it (lib/commands/exercise/report.ts, whose words this follows): the
 * learner's own output, then the verdicts; or the syntax errors, the imports
 * refused, the error that stopped the file, where a runaway gradients() was.
 * Places are `file:line:col` with the line and a caret, and each is also
 * given as a mark for the editor.
 *
 * @example
 * ```ts
 * import { reportCheck } from "./exercise_report.ts";
 * const said = reportCheck({ other: "it uses an enum" }, "03_cross_entropy.ts", "");
 * said.text; // "03_cross_entropy.ts could not be run: it uses an enum"
 * ```
 * @module
 */

import type { SourceError } from "../../exercise/translate.ts";
import { explainErrors } from "../../exercise/translate.ts";
import { locate } from "../../exercise/caret.ts";
import {
  deadlineText,
  loadText,
  refusedText,
  runText,
  timerText,
  typeErrorsText,
} from "../../exercise/check_report.ts";
import { placeIn, type Prepared } from "../../exercise/prepared.ts";
import type { CallReport } from "../../exercise/wire.ts";
import type { EditorMark } from "./exercise_wire.ts";

export type { Prepared } from "../../exercise/prepared.ts";

/** The limits on a check in the page: the CLI's time limit, and its cap on the learner's output. */
export interface WebLimits {
  /** How long the learner's code may run: its top level, and one call of gradients(), in ms. */
  codeMs: number;
  /** What a worker gets on top of 2 × `codeMs` before it is terminated, whatever it sent, in ms. */
  startupMs: number;
  /** How many lines of the learner's own output are shown. */
  outputLines: number;
}

/**
 * The page's limits: 5 s for the learner's code, as `deno task exercise`
 * gives it, and 200 lines of its output.
 *
 * @example
 * ```ts
 * WEB_LIMITS.codeMs; // 5000
 * ```
 */
export const WEB_LIMITS: WebLimits = { codeMs: 5000, startupMs: 10_000, outputLines: 200 };

/**
 * Where a learner stuck on gradient `name` finds its hints on the page: the
 * Hint button in that gradient's row of the Hints panel (the terminal's
 * summary names `deno task exercise N --hint` instead).
 *
 * @example
 * ```ts
 * stuckInPage("dprobs"); // "stuck? press Hint beside dprobs under the heading Hints"
 * ```
 */
export function stuckInPage(name: string): string {
  // Under the editor on a narrow screen, beside it on a wide one: the heading is what both have.
  return `stuck? press Hint beside ${name} under the heading Hints`;
}

/** What stopped a call before its report. */
export type Stop =
  | { why: "timer"; what: string; reached?: string[] }
  | { why: "deadline"; ms: number }
  | { why: "crash"; error: string }
  | { why: "load"; report: CallReport };

/** A run of the learner's code: its output, and what it came to. */
export interface Run {
  prepared: Prepared;
  out: string[];
  cut: number;
  stop?: Stop;
  verdict?: { text: string; code: number; right?: { done: number; of: number } };
}

/** What a check found: syntax errors, refused imports, a file that cannot run, or a run. */
export type Found =
  | { types: SourceError[] }
  | { refused: { line: number; column: number; message: string }[] }
  | { other: string }
  | { run: Run };

/**
 * What the page shows: the text, the exit code the terminal would give, the
 * marks for the editor, and the summary for the status line.
 */
export interface Said {
  text: string;
  code: number;
  marks: EditorMark[];
  /** What the check came to in a few words: "2 type errors, nothing run", "3 of 9 gradients right". */
  summary: string;
}

/** What to say when the time limit stopped the learner's code, or its worker ended. */
function stopText(stop: Stop, run: Run, shown: string): string {
  switch (stop.why) {
    case "timer":
      return timerText(stop, run.prepared.lines, shown, WEB_LIMITS.codeMs);
    case "deadline":
      return deadlineText(
        shown,
        stop.ms,
        2 * WEB_LIMITS.codeMs + WEB_LIMITS.startupMs,
        "whatever it does. Is there a loop or a timer that never ends, or did your code close its worker?",
      );
    case "crash":
      return `Your code's worker failed before gradients() returned, so nothing was checked: ${stop.error}`;
    case "load":
      return loadText(stop.report, placeIn(run.prepared, shown), shown);
  }
}

/**
 * The places a text names, for the editor: `file:line:col: message` (the
 * message up to the next blank line or caret) and a verdict's detail
 * `line 58, dh: …` (with its indented continuation).
 *
 * @example
 * ```ts
 * marksIn("line 7, dprobs: the sign is flipped", "03.ts")[0].line; // 7
 * ```
 */
export function marksIn(text: string, shown: string): EditorMark[] {
  const marks: EditorMark[] = [];
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const m of text.matchAll(new RegExp(`${escaped}:(\\d+):(\\d+):? ?((?:[^\\n]|\\n(?!\\n| {4}))*)`, "g"))) {
    const message = m[3].replace(/\s+/g, " ").trim();
    marks.push({ line: Number(m[1]), column: Number(m[2]), message: message || m[0], severity: "error" });
  }
  for (const m of text.matchAll(/^line (\d+), ([\w$]+)( \(right\))?: ((?:[^\n]|\n {4})*)/gm)) {
    const message = `${m[2]}: ${m[4].replace(/\s+/g, " ").trim()}`;
    marks.push({ line: Number(m[1]), column: 1, message, severity: m[3] ? "info" : "error" });
  }
  const runaway = /It\s+was\s+running\s+(?:in|after)\s+line\s+(\d+)/.exec(text);
  if (runaway) {
    marks.push({ line: Number(runaway[1]), column: 1, message: text.replace(/\s+/g, " "), severity: "error" });
  }
  return marks;
}

/** The text of a check's findings (before the marks are read from it), and its exit code. */
function textOf(found: Found, shown: string, lines: string[]): { text: string; code: number } {
  if ("types" in found) {
    const located = explainErrors(found.types, lines).map(({ error, text }) =>
      locate(shown, lines, error.line!, error.column, text)
    );
    return { text: typeErrorsText(located, shown), code: 1 };
  }
  if ("refused" in found) return { text: refusedText(found.refused, shown, lines), code: 1 };
  if ("other" in found) return { text: `${shown} could not be run: ${found.other}`, code: 1 };
  const run = found.run;
  return runText(run, run.stop && stopText(run.stop, run, shown), shown, lines);
}

/** `count` of `what`, with an s when it is not one: "2 type errors". */
const counted = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : "s"}`;

/** What stopped a run in a few words, for the status line. */
const STOPPED: Record<Stop["why"], string> = {
  timer: "stopped at the time limit, nothing checked",
  deadline: "its worker stopped answering, nothing checked",
  crash: "its worker failed, nothing checked",
  load: "the file threw before gradients() ran, nothing checked",
};

/**
 * What a check found, in the few words the status line says after "Checked
 * in 1.6 s: ": the errors that kept the file from running, or how many of
 * the gradients are right.
 *
 * @example
 * ```ts
 * summaryOf({ refused: [{ line: 1, column: 1, message: "no" }] }, []); // "1 import refused, nothing run"
 * ```
 */
export function summaryOf(found: Found, lines: string[]): string {
  if ("types" in found) {
    const errors = explainErrors(found.types, lines).map(({ error }) => error);
    const syntax = errors.every((e) => /^TS1\d{3}$/.test(e.code));
    return `${counted(errors.length, syntax ? "syntax error" : "type error")}, nothing run`;
  }
  if ("refused" in found) return `${counted(found.refused.length, "import")} refused, nothing run`;
  if ("other" in found) return "the file could not be run";
  const { stop, verdict } = found.run;
  if (stop) return STOPPED[stop.why];
  const right = verdict?.right;
  if (!right) return "nothing checked: see What the checker says";
  const some = right.done === right.of
    ? `all ${right.of} right`
    : `${right.done} of ${counted(right.of, "gradient")} right`;
  return verdict.code === 0 || right.done < right.of ? some : `${some}, but see What the checker says`;
}

/**
 * What the page shows for a check of the learner's `text` (named `shown`):
 * the text as the terminal prints it, the exit code, the marks for the editor.
 *
 * @example
 * ```ts
 * const said = reportCheck({ refused: [{ line: 1, column: 1, message: "no" }] }, "03.ts", "import x from 'y';");
 * said.marks[0].line; // 1
 * ```
 */
export function reportCheck(found: Found, shown: string, text: string): Said {
  const lines = text.split("\n");
  const said = textOf(found, shown, lines);
  return { ...said, marks: marksIn(said.text, shown), summary: summaryOf(found, lines) };
}
