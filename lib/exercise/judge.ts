/**
 * What a check of a learner's file comes to, decided by the checker from
 * the sandbox's reports alone (lib/exercise/wire.ts): names, shapes and
 * bytes. The learner's code ran in another process, so nothing it does
 * (patching a prototype or `Math.abs`, printing "Well done!", ending the
 * process) reaches the comparisons, the diagnoses or the exit code.
 *
 * 1. The call as written ({@linkcode readAsWritten}): each gradient judged
 *    by its values at the end, whether gradients() returned or threw (one
 *    finished in place after its line counts), what it returned, tensors
 *    shared under two names or with the forward pass, forward tensors
 *    changed in place.
 * 2. When a line's upstream gradient is wrong or unfinished, or the call
 *    threw, the fed call ({@linkcode feedFor}, {@linkcode readFed}): the
 *    sandbox runs gradients() again and, at each line named, commits the
 *    learner's value before it gets the correct one for the lines below. A
 *    gradient handed over is judged by what it committed, never by what it
 *    holds afterwards; a line that throws is wrong, and the lines below it
 *    are still checked.
 * 3. The verdicts, the table and the exit code ({@linkcode judge}).
 *
 * @example
 * ```ts
 * import { judge, readAsWritten } from "./judge.ts";
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const report = { ended: "promise" as const, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * judge(EXERCISES[3], readAsWritten(report, {}), "", exerciseContext()).code; // 1
 * ```
 * @module
 */

import { Tensor } from "../tensor.ts";
import { wrapParagraphs } from "./paragraphs.ts";
import {
  checkLines,
  correctGradients,
  type ExerciseContext,
  type ExerciseSpec,
  isDone,
  type LearnerResult,
  todo,
  type Verdict,
} from "./checker.ts";
import { formatVerdicts } from "./verdicts.ts";
import type { CallReport, Commit, Header, Thrown, WireTensor } from "./wire.ts";
import { floatsOf } from "./wire.ts";

/** Where a place in the learner's program is in the learner's file (`file:line:col`), or undefined. */
export type Place = (at: NonNullable<Thrown["at"]>) => string | undefined;

/**
 * A tensor of the sandbox's as a Tensor of the checker's (an untouched
 * `todo` stays one); undefined when its numbers were not sent.
 *
 * @example
 * ```ts
 * tensorOf({ shape: [1], f32: "AACAPw==", buffer: 1 })?.data; // Float32Array [1]
 * ```
 */
export function tensorOf(w: WireTensor | undefined): Tensor | undefined {
  if (w?.f32 === undefined) return undefined;
  try {
    const t = new Tensor(floatsOf(w.f32, w.shape.reduce((a, b) => a * b, 1)), w.shape);
    if (!w.todo) return t;
    const marked = todo(t);
    marked.data.set(t.data);
    return marked;
  } catch {
    return undefined;
  }
}

/** What the call as written came to. */
export interface AsWritten {
  /** The sandbox's report of it. */
  report: CallReport;
  /** What the checks read; the fed call adds each line's own value. */
  result: LearnerResult;
  /** What to say below the table: tensors shared under two names or with the forward pass, or changed in place. */
  notes: string[];
  /** Whether that sharing changed the results. */
  harmful: boolean;
  /** The gradients finished in place after their line. */
  mutated: Set<string>;
  /** Returned keys whose value is no tensor the checker can read, with what to say instead of a verdict. */
  unreadable: Record<string, string>;
}

/** Whether two tensors hold the same numbers, bit for bit. */
const sameBytes = (a: Tensor, b: Tensor) =>
  a.data.length === b.data.length && a.data.every((x, i) => Object.is(x, b.data[i]));

/**
 * Each hooked gradient's own value after the call as written, returned or
 * thrown: its final values, in-place changes after its line included
 * (`mutated`), except for changes made through another name on a later line
 * (`changed`: it is checked as its own line left it, `copies`, and a note
 * says so).
 */
function ownValues(report: CallReport, lines: Record<string, number>, tensorAt: (id: number) => Tensor | undefined) {
  const values: Record<string, Tensor> = {};
  const copies: Record<string, Tensor> = {};
  const mutated = new Set<string>();
  const changed = new Set<string>();
  const notes: string[] = [];
  const finals = report.returned ?? Object.fromEntries(Object.entries(report.recorded).map(([k, r]) => [k, r.id]));
  const bufferOf = (f: number | string | undefined) => typeof f === "number" ? report.tensors[f]?.buffer : undefined;
  for (const [name, { id, atLine }] of Object.entries(report.recorded)) {
    const tensor = tensorAt(id);
    if (finals[name] !== id || !tensor) continue; // returned something else under that name
    values[name] = tensor;
    const copy = tensorOf(atLine);
    if (!copy || sameBytes(tensor, copy)) continue;
    const later = Object.entries(finals).find(([k, f]) =>
      k !== name && bufferOf(f) === bufferOf(id) && (lines[k] ?? 0) > (lines[name] ?? 0)
    );
    if (!later) { // changed by its own later lines: that is the learner's value
      mutated.add(name);
      continue;
    }
    changed.add(name);
    values[name] = copies[name] = copy;
    notes.push(
      `${name} was changed in place after line ${lines[name]}, through ${later[0]} (line ${
        lines[later[0]]
      }), which is the same tensor; ${name} is checked as line ${lines[name]} left it.`,
    );
  }
  return { values, copies, mutated, changed, notes };
}

/**
 * Returned gradients that are one tensor under two names or share storage
 * with the forward pass, and forward tensors changed in place. `changed`
 * holds the gradients that changed after their own line (through the other
 * name); a harmless second name is one note, not a failure.
 */
function aliasing(report: CallReport, changed: Set<string>): { notes: string[]; harmful: boolean } {
  const notes: string[] = [];
  let harmful = false;
  const grads = Object.entries(report.returned ?? {}).flatMap(([k, id]) =>
    typeof id === "number" && report.tensors[id] ? [[k, report.tensors[id]] as [string, WireTensor]] : []
  );
  for (let i = 0; i < grads.length; i++) {
    const [name, t] = grads[i];
    for (const [other, u] of grads.slice(i + 1)) {
      if (u.buffer !== t.buffer || u.shape.join() !== t.shape.join()) continue; // a reshape is a view, and fine
      const hurt = changed.has(name) || changed.has(other);
      harmful ||= hurt;
      notes.push(
        hurt
          ? `${other} and ${name} are one tensor under two names (\`const ${other} = ${name}\` copies no numbers), so changing one changed the other: write clone(${name}).`
          : `(${other} and ${name} are one tensor under two names: fine as long as neither is changed in place.)`,
      );
    }
    for (const [other, buffer] of Object.entries(report.forward)) {
      if (buffer !== t.buffer) continue;
      harmful = true;
      notes.push(
        `${name} shares its numbers with ${other}: a gradient needs its own tensor; write clone(…) or compute it anew.`,
      );
    }
  }
  for (const k of report.changedForward) {
    harmful = true;
    notes.push(`your gradients() changed fwd.${k} in place; the forward tensors are read-only: work on clone(${k}).`);
  }
  return { notes, harmful };
}

/**
 * What returned keys hold that is no readable tensor: a value that is not a
 * Tensor (`undefined` aside, which counts as not returned), or a tensor
 * whose numbers did not come back (far too many of them).
 */
function unreadableOf(report: CallReport, tensorAt: (id: number) => Tensor | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(report.returned ?? {})) {
    if (typeof v === "string" && v !== "undefined") out[k] = `gradients() returned ${v} as ${k}, not a Tensor`;
    if (typeof v === "number" && !tensorAt(v)) {
      const shape = report.tensors[v]?.shape ?? [];
      out[k] = `its numbers could not be read back: shape [${shape.join(", ")}] holds ${
        shape.reduce((a, b) => a * b, 1).toLocaleString("en-US")
      } numbers, far more than any gradient here`;
    }
  }
  return out;
}

/**
 * What the call as written came to, from the sandbox's `report` of it and
 * the line of each hooked gradient.
 *
 * @example
 * ```ts
 * const report = { ended: "returned" as const, returned: {}, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * readAsWritten(report, {}).result.returned; // {}
 * ```
 */
export function readAsWritten(report: CallReport, lines: Record<string, number>): AsWritten {
  const decoded = new Map<number, Tensor | undefined>();
  const tensorAt = (id: number) => {
    if (!decoded.has(id)) decoded.set(id, tensorOf(report.tensors[id]));
    return decoded.get(id);
  };
  const own = ownValues(report, lines, tensorAt);
  const returned = report.returned &&
    Object.fromEntries(
      Object.entries(report.returned).map(([k, v]) => [k, typeof v === "number" ? tensorAt(v) : undefined]),
    );
  const result: LearnerResult = returned ? { returned: { ...returned, ...own.copies }, lines } : {
    reached: own.values,
    lines,
  };
  const shared = report.returned ? aliasing(report, own.changed) : { notes: [], harmful: false };
  return {
    report,
    result,
    notes: [...shared.notes, ...own.notes],
    harmful: shared.harmful,
    mutated: own.mutated,
    unreadable: unreadableOf(report, tensorAt),
  };
}

/** The verdicts of a result, with what to say instead for returned values the checker cannot read. */
function verdictsOf(spec: ExerciseSpec, asWritten: AsWritten, context: ExerciseContext): Verdict[] {
  return checkLines(spec, asWritten.result, context).map((v) =>
    asWritten.unreadable[v.name] ? { ...v, status: "wrong", detail: asWritten.unreadable[v.name] } : v
  );
}

/**
 * What the fed call hands over: when a line's upstream gradient is wrong or
 * unfinished (every gradient, when the call as written threw), the
 * gradients to commit and replace by their correct value, those finished in
 * place (handed over when a line that uses them starts), and each one's
 * shape; undefined when every line's upstream is right.
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const report = { ended: "threw" as const, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * feedFor(EXERCISES[4], readAsWritten(report, {}), exerciseContext())?.substitutes; // ["dh", "dW2", "db2", "dhpreact"]
 * ```
 */
export function feedFor(spec: ExerciseSpec, asWritten: AsWritten, context: ExerciseContext): Header["feed"] {
  const wrong = new Set(verdictsOf(spec, asWritten, context).filter((v) => !isDone(v)).map((v) => v.name));
  const names = asWritten.report.ended === "threw"
    ? spec.gradients.map((g) => g.name)
    : [...new Set(spec.gradients.flatMap((g) => g.deps).filter((d) => wrong.has(d)))];
  if (names.length === 0) return undefined;
  const correct = correctGradients(spec, context);
  return {
    substitutes: names,
    late: names.filter((n) => asWritten.mutated.has(n)),
    shapes: Object.fromEntries(names.map((n) => [n, [...correct[n].shape]])),
  };
}

const ACCESS: Record<string, string> = {
  read: "read",
  write: "write",
  net: "connect to",
  env: "read the environment variable",
  run: "run",
  sys: "read the system's",
  import: "import from",
  ffi: "load the library",
};

/**
 * Deno's refusal of a permission in the learner's terms: not something to
 * run again with a flag.
 *
 * @example
 * ```ts
 * plainRefusal('Requires read access to "/etc/passwd", run again with the --allow-read flag');
 * // 'your code may not read "/etc/passwd": exercise code runs with no permissions'
 * ```
 */
export function plainRefusal(text: string): string {
  return text.replace(
    /(?:NotCapable: |TypeError: )?Requires (\w+) access to ("[^"]*"|\S+), run again with the --allow-[\w-]+ flag/g,
    (_, kind: string, what: string) =>
      `your code may not ${ACCESS[kind] ?? `use ${kind}`} ${what}: exercise code runs with no permissions`,
  );
}

/** " at file:58:14: message" for an error made in the learner's file, ": message" for another, " 42" for a value. */
function thrownText(t: Thrown, place: Place): string {
  if (t.value) return ` ${t.text}`;
  const at = t.at && place(t.at);
  return `${at ? ` at ${at}` : ""}: ${plainRefusal(t.text)}`;
}

/**
 * Adds the fed call to `asWritten.result`: each line's own value from
 * correct upstream values (for a gradient handed over: what it committed,
 * never what it holds afterwards), the gradients handed over (those the
 * checker answered: `commits`, the first of each), and the lines that threw.
 * Returns what to say above the table about an error thrown, or "".
 *
 * @example
 * ```ts
 * const plain = { ended: "returned" as const, returned: {}, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * const asWritten = readAsWritten(plain, {});
 * readFed(asWritten, { ...plain }, new Map(), () => undefined); // ""
 * ```
 */
export function readFed(asWritten: AsWritten, fed: CallReport, commits: Map<string, Commit>, place: Place): string {
  const isolated: Record<string, Tensor> = {};
  const thrown: Record<string, string> = {};
  for (const [name, r] of Object.entries(fed.recorded)) {
    const t = commits.has(name) ? undefined : tensorOf(fed.tensors[r.id]);
    if (t) isolated[name] = t;
  }
  for (const [name, { value }] of commits) {
    if ("threw" in value) thrown[name] = `threw${thrownText(value.threw, place)}`;
    else if ("shape" in value && tensorOf(value)) isolated[name] = tensorOf(value)!;
  }
  Object.assign(asWritten.result, { isolated, substituted: new Set(commits.keys()), thrown });
  const plain = asWritten.report;
  if (plain.ended !== "threw" || !plain.threw) return "";
  if (fed.ended === "threw" && fed.threw) return `Your gradients() threw${thrownText(fed.threw, place)}`;
  if (plain.threwIn && thrown[plain.threwIn]) return ""; // the line's own error: it is shown on its line
  return `With your own values, your gradients() threw${
    thrownText(plain.threw, place)
  }. With correct upstream values every line ran, so a wrong gradient above that line (its shape?) caused it: the table shows which.`;
}

/**
 * What {@linkcode judge} says: the text, the exit code, and (when there were
 * verdicts) how many of the gradients are right, for a one-line summary.
 */
export interface Judged {
  text: string;
  code: number;
  right?: { done: number; of: number };
}

/**
 * The verdicts as the learner reads them (`threw`: what {@linkcode readFed}
 * said, the table, the notes) and the exit code: 0 when every gradient is
 * right, else 1, and how many are right. A Promise returned, or no
 * gradients() to call, is one line.
 * `stuck` says where the learner finds the next gradient's hints (the
 * terminal's command unless the caller gives its own).
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const report = { ended: "promise" as const, tensors: {}, recorded: {}, forward: {}, changedForward: [] };
 * judge(EXERCISES[3], readAsWritten(report, {}), "", exerciseContext()).text;
 * // "gradients() must return the object, not a Promise: remove async/await"
 * ```
 */
export function judge(
  spec: ExerciseSpec,
  asWritten: AsWritten,
  threw: string,
  context: ExerciseContext,
  stuck?: (name: string) => string,
): Judged {
  const { report, harmful, notes } = asWritten;
  if (report.ended === "promise") {
    return { text: "gradients() must return the object, not a Promise: remove async/await", code: 1 };
  }
  if (report.ended === "no-function") {
    return {
      text: "Your file does not export a function gradients(input): keep the stub's `export function gradients`.",
      code: 1,
    };
  }
  const verdicts = verdictsOf(spec, asWritten, context);
  const text = [
    ...(threw ? [wrapParagraphs(threw)] : []),
    formatVerdicts(spec, verdicts, harmful, stuck),
    ...(notes.length > 0 ? [notes.map((n) => wrapParagraphs(n)).join("\n\n")] : []),
  ].join("\n\n");
  const right = { done: verdicts.filter(isDone).length, of: verdicts.length };
  return { text, code: verdicts.every(isDone) && !harmful && !threw ? 0 : 1, right };
}
