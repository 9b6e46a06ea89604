/**
 * What a run of a learner's file in the sandbox comes to, as the learner
 * reads it: the runtime's verdicts, with places in the rewritten code mapped
 * back to the learner's file; or the type errors (their causes only), the
 * error that stopped the file, or where a runaway gradients() was, each
 * located as `file:line:col` with the line and a caret.
 *
 * @example
 * ```ts
 * import { reportRun } from "./report.ts";
 * import { prepare } from "./sandbox.ts";
 * import { specOf } from "./context.ts";
 * const text = "export function gradients() {\n  while (true) {}\n}\n";
 * const prepared = prepare(specOf(3), "/tmp/03_cross_entropy.ts", text);
 * const run = { out: [], ranTooLong: "gradients", prepared, success: false, errors: { type: [] } };
 * reportRun(run, "03_cross_entropy.ts", text, 5000).text;
 * // "Your gradients() ran for 5 s without returning, so it was stopped: is there a\nloop that never ends?"
 * ```
 * @module
 */

import type { Located } from "../../exercise/errors.ts";
import { explainErrors, explainTypeError } from "../../exercise/translate.ts";
import { wrap } from "../../report/print.ts";
import type { SandboxRun } from "./sandbox.ts";

const STDIN_URL = /file:\/\/[^\s)]*\$deno\$stdin\.mts:(\d+):(\d+)/g;

/** Where a place in the code the sandbox ran is in the learner's file: undefined when it is not in the file. */
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

/** What to say when the learner's code ran out of time: what ran ("load" or "gradients"), and where. */
function ranTooLongText(run: SandboxRun, shown: string, limitMs: number): string {
  const seconds = `${limitMs / 1000} s`;
  const where = whereItRan(run.reached, run.prepared.lines);
  return wrap(
    run.ranTooLong === "load"
      ? `The top level of ${shown} ran for ${seconds} without finishing, so it was stopped: is there a loop that never ends outside gradients()?`
      : where
      ? `Your gradients() ran for ${seconds} without returning, so it was stopped. It was running ${where} of ${shown}: is there a loop that never ends there?`
      : `Your gradients() ran for ${seconds} without returning, so it was stopped: is there a loop that never ends?`,
  );
}

/** A located message: `file:line:col: message`, then the line with a caret under the column. */
function locate(shown: string, lines: string[], line: number, column: number, message: string): string {
  const source = lines[line - 1] ?? "";
  const caret = `${" ".repeat(Math.max(0, column - 1 - (source.length - source.trimStart().length)))}^`;
  return `${wrap(`${shown}:${line}:${column}: ${message}`)}\n    ${source.trim()}\n    ${caret}`;
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
 * The sandbox's output with its places in the code it ran as places in the
 * learner's file, and under the first paragraph that names one, that line
 * with a caret.
 */
function mapOutput(
  out: string[],
  shown: string,
  lines: string[],
  column: (line: number, column: number) => number,
): string {
  let first: { line: number; column: number } | undefined;
  const mapped = out.join("\n").replace(STDIN_URL, (_, l, c) => {
    const at = { line: Number(l), column: column(Number(l), Number(c)) };
    first ??= at;
    return `${shown}:${at.line}:${at.column}`;
  });
  return first
    ? mapped.replace(
      /^(?:(?!\n\n)[\s\S])*?:\d+:\d+[\s\S]*?(?=\n\n|$)/,
      (paragraph) =>
        `${paragraph}\n${locate(shown, lines, first!.line, first!.column, "").split("\n").slice(1).join("\n")}`,
    )
    : mapped;
}

/**
 * What to print for a run of the learner's file (its `text`, shown as
 * `shown`) and the exit code: 0 when every gradient is right, else 1.
 * `limitMs` is the time limit the run had.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * import { prepare } from "./sandbox.ts";
 * const prepared = prepare(specOf(3), "/tmp/03_cross_entropy.ts", "export function gradients() {}\n");
 * const run = { out: ["All 8 gradients of exercise 3 are right. Well done!"], ranTooLong: "", prepared, success: true, errors: { type: [] } };
 * reportRun(run, "03_cross_entropy.ts", "export function gradients() {}\n", 5000).code; // 0
 * ```
 */
export function reportRun(
  run: SandboxRun,
  shown: string,
  text: string,
  limitMs: number,
): { text: string; code: number } {
  const lines = text.split("\n");
  const { prepared, errors } = run;
  const place: Place = (url, line, column) =>
    url.endsWith("$deno$stdin.mts") && line <= prepared.lastLine
      ? { line, column: prepared.column(line, column) }
      : undefined;
  if (run.ranTooLong) return { text: ranTooLongText(run, shown, limitMs), code: 1 };
  if (errors.type.length > 0) return { text: typeErrorsText(errors.type, shown, lines, place), code: 1 };
  if (errors.other && !run.out.some((l) => l.startsWith("gradient "))) {
    const e = errors.other;
    const at = "url" in e ? place(e.url, e.line, e.column) : undefined;
    return {
      text: at
        ? `${shown} could not be run:\n\n${
          locate(shown, lines, at.line, at.column, explainTypeError("", e.message, lines[at.line - 1] ?? "", at.column))
        }`
        : `${shown} could not be run: ${e.message}`,
      code: 1,
    };
  }
  return { text: mapOutput(run.out, shown, lines, prepared.column).trimEnd(), code: run.success ? 0 : 1 };
}
