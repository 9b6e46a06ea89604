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

import type { Instrumented } from "../../exercise/instrument.ts";
import type { SourceError } from "../../exercise/translate.ts";
import { explainErrors } from "../../exercise/translate.ts";
import { plainRefusal } from "../../exercise/judge.ts";
import type { CallReport } from "../../exercise/wire.ts";
import { wrap } from "../../report/print.ts";
import type { EditorMark } from "./exercise_wire.ts";

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

/** The learner's file as it runs: the rewritten text, and how to map places back. */
export interface Prepared extends Instrumented {
  /** The last line of the learner's own text. */
  lastLine: number;
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
  verdict?: { text: string; code: number };
}

/** What a check found: syntax errors, refused imports, a file that cannot run, or a run. */
export type Found =
  | { types: SourceError[] }
  | { refused: { line: number; column: number; message: string }[] }
  | { other: string }
  | { run: Run };

/** What the page shows: the text, the exit code the terminal would give, and the marks for the editor. */
export interface Said {
  text: string;
  code: number;
  marks: EditorMark[];
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Where a runaway gradients() was, from the last hook it passed and the gradients' lines. */
function whereItRan(reached: string[] | undefined, lines: Record<string, number>): string {
  const hooked = Object.entries(lines).sort((a, b) => a[1] - b[1]);
  if (!reached) return hooked.length > 0 ? `before line ${hooked[0][1]} (${hooked[0][0]})` : "";
  const [, kind, line, name] = reached;
  if (kind === "in") return `in line ${line} (${name})`;
  const next = hooked.find(([, l]) => l > Number(line));
  return `after line ${line} (${name})${next ? `, before line ${next[1]} (${next[0]})` : ""}`;
}

/** What to say when the time limit stopped the learner's code, or its worker ended. */
function stopText(stop: Stop, run: Run, shown: string): string {
  const limit = seconds(WEB_LIMITS.codeMs);
  switch (stop.why) {
    case "timer": {
      const where = whereItRan(stop.reached, run.prepared.lines);
      return stop.what === "load"
        ? `The top level of ${shown} ran for ${limit} without finishing, so it was stopped: is there a loop that never ends outside gradients()?`
        : where
        ? `Your gradients() ran for ${limit} without returning, so it was stopped. It was running ${where} of ${shown}: is there a loop that never ends there?`
        : `Your gradients() ran for ${limit} without returning, so it was stopped: is there a loop that never ends?`;
    }
    case "deadline":
      return `The run of ${shown} took ${
        seconds(stop.ms)
      } in all without finishing, so it was stopped: a run is stopped after ${
        seconds(2 * WEB_LIMITS.codeMs + WEB_LIMITS.startupMs)
      }, whatever it does. Is there a loop or a timer that never ends, or did your code close its worker?`;
    case "crash":
      return `Your code's worker failed before gradients() returned, so nothing was checked: ${stop.error}`;
    case "load": {
      const threw = stop.report.threw!;
      const line = threw.at && threw.at.line <= run.prepared.lastLine ? threw.at.line : undefined;
      const at = line && `${shown}:${line}:${run.prepared.column(line, threw.at!.column)}`;
      const text = threw.value ? threw.text : plainRefusal(threw.text);
      return at ? `${shown} could not be run:\n\n${at}: ${text}` : `${shown} could not be run: it threw ${text}`;
    }
  }
}

/** The source line and a caret under `column` of line `line`. */
function caret(lines: string[], line: number, column: number): string {
  const source = lines[line - 1] ?? "";
  const indent = source.length - source.trimStart().length;
  return `    ${source.trim()}\n    ${" ".repeat(Math.max(0, column - 1 - indent))}^`;
}

/** A located message: `file:line:col: message`, then the line with a caret. */
function locate(shown: string, lines: string[], line: number, column: number, message: string): string {
  return `${wrap(`${shown}:${line}:${column}: ${message}`)}\n${caret(lines, line, column)}`;
}

/** `text` with the source line and a caret under what first names a place `shown:line:col`. */
function withCaret(text: string, shown: string, lines: string[]): string {
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const first = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(text);
  if (!first) return text;
  const lineStart = text.lastIndexOf("\n", first.index) + 1;
  const next = /^line \d+, /.test(text.slice(lineStart)) ? /\n(?! {4})/g : /\n\n/g;
  next.lastIndex = first.index;
  const end = next.exec(text)?.index ?? text.length;
  return `${text.slice(0, end)}\n${caret(lines, Number(first[1]), Number(first[2]))}${text.slice(end)}`;
}

/** The learner's own output, with places in its program as places in its file, and what was cut. */
function learnerOutput(run: Run, shown: string): string[] {
  const out = run.out.map((line) =>
    line.replace(
      /data:application\/typescript;base64,learner:(\d+):(\d+)/g,
      (_, l, c) => `${shown}:${l}:${run.prepared.column(Number(l), Number(c))}`,
    )
  );
  if (run.cut > 0) out.push(`… ${run.cut.toLocaleString("en-US")} more line${run.cut === 1 ? "" : "s"} cut`);
  return out;
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
    const located = explainErrors(found.types).map(({ error, text }) =>
      locate(shown, lines, error.line!, error.column, text)
    );
    const count = located.length === 1 ? "a type error" : `${located.length} type errors`;
    return { text: `${shown} has ${count}, so it was not run:\n\n${located.join("\n\n")}`, code: 1 };
  }
  if ("refused" in found) {
    const located = found.refused.map((r) => locate(shown, lines, r.line, r.column, r.message));
    return {
      text: `${shown} imports what an exercise file may not, so it was not run:\n\n${located.join("\n\n")}`,
      code: 1,
    };
  }
  if ("other" in found) return { text: `${shown} could not be run: ${found.other}`, code: 1 };
  const run = found.run;
  const said = withCaret(run.stop ? wrap(stopText(run.stop, run, shown)) : run.verdict?.text ?? "", shown, lines);
  const output = learnerOutput(run, shown);
  return {
    text: [...output, ...(output.length > 0 ? [""] : []), said].join("\n").trimEnd(),
    code: run.verdict?.code ?? 1,
  };
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
  const said = textOf(found, shown, text.split("\n"));
  return { ...said, marks: marksIn(said.text, shown) };
}
