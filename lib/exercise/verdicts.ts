/**
 * Verdicts as a learner reads them: the words for each status, one verdict
 * under a notebook cell ({@linkcode verdictText}), and a whole exercise as a
 * table with what to do next ({@linkcode formatVerdicts}), as
 * `deno task exercise N` and a notebook's summary cell print it.
 *
 * @example
 * ```ts
 * import { verdictText } from "./verdicts.ts";
 * verdictText({ name: "dprobs", status: "approximate", detail: "", maxdiff: 2.384e-7 });
 * // "dprobs: approximately equal (maxdiff 2.38e-7)"
 * ```
 * @module
 */

import { type ExerciseSpec, isDone, type Verdict } from "./checker.ts";
import { table } from "../report/print.ts";
import { wrapParagraphs } from "./paragraphs.ts";
import { formatNumber } from "../check/compare.ts";

/**
 * How each status reads in the learner's output.
 *
 * @example
 * ```ts
 * `dprobs: ${STATUS_WORDS.approximate}`; // "dprobs: approximately equal"
 * ```
 */
export const STATUS_WORDS: Record<Verdict["status"], string> = {
  exact: "exact",
  approximate: "approximately equal",
  wrong: "wrong",
  TODO: "TODO",
  waiting: "waiting",
  missing: "missing",
  unreached: "not reached",
};

/**
 * One verdict as a learner reads it under a notebook cell: the status, with
 * the largest difference from the correct gradient (the lecture's maxdiff,
 * as the tables of `deno task exercise N` and the pages show it) when the
 * shapes could be compared, then the diagnosis or the note, wrapped.
 *
 * @example
 * ```ts
 * verdictText({ name: "dprobs", status: "approximate", detail: "", maxdiff: 2.384e-7 });
 * // "dprobs: approximately equal (maxdiff 2.38e-7)"
 * verdictText({ name: "dprobs", status: "wrong", detail: "the sign is flipped: …", maxdiff: 1.25 });
 * // "dprobs: wrong (maxdiff 1.25). the sign is flipped: …"
 * ```
 */
export function verdictText(v: Verdict): string {
  const maxdiff = v.maxdiff === undefined ? "" : ` (maxdiff ${formatNumber(v.maxdiff)})`;
  const head = `${v.name}: ${STATUS_WORDS[v.status]}${maxdiff}`;
  return v.detail ? wrapParagraphs(`${head}. ${v.detail}`) : head;
}

/**
 * Where a learner stuck on gradient `name` of exercise `chapter` finds
 * its hints in the terminal: the advice the summary line gives by default.
 *
 * @example
 * ```ts
 * stuckInTerminal(3)("dprobs"); // "stuck? deno task exercise 3 --hint dprobs"
 * ```
 */
export function stuckInTerminal(chapter: number): (name: string) => string {
  return (name) => `stuck? deno task exercise ${chapter} --hint ${name}`;
}

/**
 * The verdicts as a table (with the line of the learner's file that
 * computes each gradient, when known, and the largest difference from the
 * correct gradient, the lecture's maxdiff), what to do about each, and a line on
 * what to do next (`problemsBelow`: notes printed after it keep it from
 * saying "well done"), whose advice for the next gradient is `stuck`'s:
 * where the learner finds its hints (the terminal's command by default).
 *
 * @example
 * ```ts
 * const text = formatVerdicts({ chapter: 3 }, [
 *   { name: "dlogprobs", status: "exact", detail: "", line: 65 },
 *   { name: "dprobs", status: "wrong", detail: "the sign is flipped: …", line: 66 },
 * ]);
 * text.split("\n").at(-1); // "1 of 2 done. Next: dprobs (stuck? deno task exercise 3 --hint dprobs)"
 * ```
 */
export function formatVerdicts(
  spec: Pick<ExerciseSpec, "chapter">,
  verdicts: Verdict[],
  problemsBelow = false,
  stuck: (name: string) => string = stuckInTerminal(spec.chapter),
): string {
  const hasLines = verdicts.some((v) => v.line !== undefined);
  const hasDiffs = verdicts.some((v) => v.maxdiff !== undefined);
  const rows: (string | number)[][] = [
    [...(hasLines ? ["gradient", "line", "status"] : ["gradient", "status"]), ...(hasDiffs ? ["maxdiff"] : [])],
    ...verdicts.map((v) => {
      const status = STATUS_WORDS[v.status] + (v.fed ? " *" : "");
      const diff = hasDiffs ? [v.maxdiff === undefined ? "" : formatNumber(v.maxdiff)] : [];
      return [...(hasLines ? [v.name, v.line ?? "", status] : [v.name, status]), ...diff];
    }),
  ];
  const details = verdicts.filter((v) => v.detail).map((v) => {
    const where = v.line !== undefined ? `line ${v.line}, ` : "";
    const fed = v.fed && !isDone(v) ? ` (checked with the correct ${v.fed.join(" and ")})` : "";
    return wrapParagraphs(`${where}${v.name}${isDone(v) ? " (right)" : ""}: ${v.detail}${fed}`).replaceAll(
      "\n",
      "\n    ",
    );
  });
  if (verdicts.some((v) => v.fed)) {
    details.push(
      wrapParagraphs(
        "* = checked on the correct values of the gradients it is computed from, since yours are not yet right",
      ),
    );
  }
  return [
    table(rows),
    ...(details.length ? [details.join("\n")] : []),
    wrapParagraphs(nextStep(spec.chapter, verdicts, problemsBelow, stuck)),
  ]
    .join("\n\n");
}

/** The last line of {@linkcode formatVerdicts}: well done, or the next gradient to work on. */
function nextStep(
  chapter: number,
  verdicts: Verdict[],
  problemsBelow: boolean,
  stuck: (name: string) => string,
): string {
  const done = verdicts.filter(isDone).length;
  const next = verdicts.find((v) => !isDone(v) && v.status !== "waiting");
  const count = done === 1 ? "The 1 gradient" : `All ${done} gradients`;
  return done === verdicts.length && problemsBelow
    ? `Every line is right, but what is said below changed your results after them: fix that too.`
    : done === verdicts.length
    ? `${count} of exercise ${chapter} ${done === 1 ? "is" : "are"} right. Well done!`
    : `${done} of ${verdicts.length} done. Next: ${next?.name}` + (next ? ` (${stuck(next.name)})` : "");
}
