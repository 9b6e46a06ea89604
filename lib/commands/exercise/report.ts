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
import { explainErrors, explainTypeError } from "../../exercise/translate.ts";
import { wrap } from "../../report/print.ts";
import { type Limits, placeIn, type SandboxRun, type Stop } from "./sandbox.ts";
import { plainRefusal } from "../../exercise/judge.ts";

/** A stack frame in the program the sandbox ran (a data: URL). */
const PROGRAM_URL = /data:application\/typescript;base64,[^\s):]*:(\d+):(\d+)/g;

/** Where a place in a module deno reported is in the learner's file: undefined when it is not in the file. */
type Place = (url: string, line: number, column: number) => { line: number; column: number } | undefined;

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

/** What to say when a limit stopped the check, or the learner's code ended it. */
function stopText(stop: Stop, run: SandboxRun, shown: string, limits: Limits): string {
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  switch (stop.why) {
    case "timer": {
      const where = whereItRan(stop.reached, run.prepared.lines);
      return stop.what === "load"
        ? `The top level of ${shown} ran for ${
          seconds(limits.codeMs)
        } without finishing, so it was stopped: is there a loop that never ends outside gradients()?`
        : where
        ? `Your gradients() ran for ${
          seconds(limits.codeMs)
        } without returning, so it was stopped. It was running ${where} of ${shown}: is there a loop that never ends there?`
        : `Your gradients() ran for ${
          seconds(limits.codeMs)
        } without returning, so it was stopped: is there a loop that never ends?`;
    }
    case "deadline":
      return stop.step === "type check"
        ? `Type checking ${shown} took more than ${
          seconds(limits.typeCheckMs)
        }, so it was stopped: are there types that make the checker work that hard (recursive or template-literal types)?`
        : `The run of ${shown} took ${
          seconds(stop.ms)
        } in all without finishing, so it was stopped: a run is stopped after ${
          seconds(2 * limits.codeMs + limits.startupMs)
        }, whatever it prints. Is there a loop or a timer that never ends?`;
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
    case "load": {
      const threw = stop.report.threw!;
      const at = threw.at && placeIn(run.prepared, shown)(threw.at);
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

/** A located message: `file:line:col: message`, then the line with a caret under the column. */
function locate(shown: string, lines: string[], line: number, column: number, message: string): string {
  return `${wrap(`${shown}:${line}:${column}: ${message}`)}\n${caret(lines, line, column)}`;
}

/** The type errors of the learner's file, located, the causes only: what to print. */
function typeErrorsText(errors: Located[], shown: string, lines: string[], place: Place): string {
  const mine = errors.map((e) => ({ e, at: place(e.url, e.line, e.column) }));
  const inFile = mine.filter((x) => x.at).map(({ e, at }) => ({
    code: e.code,
    message: e.message,
    sourceLine: lines[at!.line - 1] ?? "",
    line: at!.line,
    column: at!.column,
  }));
  const located = explainErrors(inFile).map(({ error, text }) => locate(shown, lines, error.line!, error.column, text));
  if (mine.some((x) => !x.at)) {
    located.push(`${shown}: it must export a function gradients(input), as the stub does`);
  }
  const count = located.length === 1 ? "a type error" : `${located.length} type errors`;
  return `${shown} has ${count}, so it was not run:\n\n${located.join("\n\n")}`;
}

/**
 * `text` with the source line and a caret under what first names a place
 * `shown:line:col`: under its entry when that is a verdict's detail
 * (`line 58, dh: …`, continued by indented lines), else under its paragraph.
 */
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

/** The learner's own output, with places in the program it ran as places in its file, and what was cut. */
function learnerOutput(run: SandboxRun, shown: string): string[] {
  const out = run.out.map((line) =>
    line.replace(PROGRAM_URL, (_, l, c) => `${shown}:${l}:${run.prepared.column(Number(l), Number(c))}`)
  );
  if (run.cut > 0) out.push(`… ${run.cut.toLocaleString("en-US")} more line${run.cut === 1 ? "" : "s"} cut`);
  return out;
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
  if (run.refused) {
    const located = run.refused.map((r) => locate(shown, lines, r.line, r.column, r.message));
    return {
      text: `${shown} imports what an exercise file may not, so it was not run:\n\n${located.join("\n\n")}`,
      code: 1,
    };
  }
  if (run.errors?.type.length) return { text: typeErrorsText(run.errors.type, shown, lines, place), code: 1 };
  const other = run.errors?.other;
  if (other) {
    const at = "url" in other ? place(other.url, other.line, other.column) : undefined;
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
  const said = withCaret(
    run.stop ? wrap(stopText(run.stop, run, shown, limits)) : run.verdict?.text ?? "",
    shown,
    lines,
  );
  const output = learnerOutput(run, shown);
  return {
    text: [...output, ...(output.length > 0 ? [""] : []), said].join("\n").trimEnd(),
    code: run.verdict?.code ?? 1,
  };
}
