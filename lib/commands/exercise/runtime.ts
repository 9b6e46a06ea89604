/**
 * The checker's side inside the learner's process. `deno task exercise N`
 * runs the learner's file (rewritten by lib/exercise/instrument.ts) in a
 * separate `deno` process with no permissions; the rewritten file imports
 * this module, whose `enter` and `fix` hooks see each gradient's line start
 * and compute it, and whose `run` calls the learner's `gradients` twice:
 *
 * 1. as written, to see what the learner's own values give (and whether the
 *    returned tensors share storage or changed the forward pass in place).
 *    Each gradient is judged by its values at the end, whether gradients()
 *    returned or threw, so one finished in place after its line counts;
 * 2. when a line's upstream gradient is wrong or unfinished, again with the
 *    correct upstream values handed to the lines below it, so every line is
 *    checked on its own and one mistake does not cascade. A gradient
 *    finished in place is handed over when a line that uses it starts.
 *
 * Lines starting with {@linkcode MARK} tell the parent when the learner's
 * code runs and which line it reached, so that it can stop a file that
 * never returns and say where it was.
 *
 * @example
 * ```ts
 * // The last lines of the rewritten learner file:
 * import * as __exercise from "./runtime.ts";
 * await __exercise.run(3, gradients, { dlogprobs: 62 });
 * ```
 * @module
 */

import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { checkLines, type ExerciseInput, isDone, type LearnerResult } from "../../exercise/checker.ts";
import { clone, Tensor } from "../../tensor.ts";
import { formatVerdicts } from "../../exercise/verdicts.ts";
import { exerciseContext, exerciseInput } from "./context.ts";
import { wrap } from "../../report/print.ts";
import { MARK } from "../../exercise/marks.ts";

const mark = (what: string) => console.log(`${MARK}${what}`);
/** The line of each hooked gradient's last assignment. */
let hookedLines: Record<string, number> = {};
if (Deno.mainModule.endsWith("$deno$stdin.mts")) mark("timer load");

/** The correct values to hand to the lines below, by gradient name. */
const substitutes = new Map<string, Tensor>();
/**
 * Those of the substitutes that the learner finishes in place after their
 * line: they are handed over when a line that uses them starts.
 */
const late = new Set<string>();
/** The gradients each gradient is computed from, in the exercise being run. */
let dependsOn: Record<string, string[]> = {};

/** A hooked gradient as its line computed it. */
interface Recorded {
  /** The learner's tensor (later in-place changes show in it). */
  tensor: Tensor;
  /** A copy taken when its line ran. */
  copy: Tensor;
  /** Its values when a line that uses it started, for a late substitute. */
  settled?: Tensor;
}
let recorded: Record<string, Recorded> = {};
/** The gradients the lines below were handed the correct values of, in this call. */
let handed = new Set<string>();

/**
 * A late substitute, finished in place by now: keeps the learner's values,
 * then writes the correct ones into the learner's tensor for the lines below.
 */
function settle(name: string): void {
  const r = recorded[name];
  if (!r || r.settled) return;
  r.settled = clone(r.tensor);
  r.tensor.data.set(substitutes.get(name)!.data);
  handed.add(name);
}

/**
 * The hook at the start of a gradient's assignment (see instrument.ts):
 * tells the parent where the code is, and hands over the late substitutes
 * this line uses. Returns the name, for {@linkcode fix}.
 *
 * @example
 * ```ts
 * const dprobs = fix(enter("dprobs", 63), mul(pow(probs, -1), dlogprobs));
 * ```
 */
export function enter(name: string, line: number): string {
  mark(`at in ${line} ${name}`);
  for (const d of dependsOn[name] ?? []) if (late.has(d)) settle(d);
  return name;
}

/**
 * The hook on each gradient's last assignment: records the learner's value
 * and returns the correct one when the checker substitutes it (a late
 * substitute keeps the learner's tensor until {@linkcode enter} hands it over).
 *
 * @example
 * ```ts
 * const dprobs = fix(enter("dprobs", 63), mul(pow(probs, -1), dlogprobs));
 * ```
 */
export function fix<T>(name: string, value: T): T {
  mark(`at after ${hookedLines[name] ?? 0} ${name}`);
  const correct = substitutes.get(name);
  if (!(value instanceof Tensor)) return (correct ? clone(correct) : value) as T;
  recorded[name] = { tensor: value, copy: clone(value) };
  if (!correct) return value;
  if (late.has(name) && value.shape.join() === correct.shape.join()) return value;
  handed.add(name);
  return clone(correct) as T;
}

type Gradients = (input: ExerciseInput) => Record<string, Tensor | undefined>;

/** One call of the learner's function, timed by the parent. */
function call(gradients: Gradients, input: ExerciseInput) {
  recorded = {};
  handed = new Set();
  mark("timer gradients");
  try {
    const returned = gradients(input);
    return { returned: typeof returned === "object" && returned ? returned : {}, recorded, handed };
  } catch (error) {
    return { error: error as Error, recorded, handed };
  } finally {
    mark("timer off");
  }
}

/** Where in the learner's file an error was thrown: its stack frame in the stdin module. */
function located(error: Error): string {
  const frame = error.stack?.split("\n").find((l) => l.includes("$deno$stdin.mts"));
  const at = frame?.match(/(file:\/\/\S*\$deno\$stdin\.mts:\d+:\d+)/)?.[1];
  return `${at ? ` at ${at}` : ""}: ${error.message}`;
}

/**
 * Returned gradients that are one tensor under two names or share storage
 * with the forward pass, and forward tensors changed in place. `changed`
 * holds the gradients that changed after their own line (through the other
 * name); a harmless second name is one note, not a failure.
 */
function aliasing(
  returned: Record<string, Tensor | undefined>,
  input: ExerciseInput,
  before: ExerciseInput,
  changed: Set<string>,
): { notes: string[]; harmful: boolean } {
  const notes: string[] = [];
  let harmful = false;
  const tensors = (o: object, prefix: string) =>
    Object.entries(o).filter(([, t]) => t instanceof Tensor).map(([k, t]) => [`${prefix}${k}`, t] as [string, Tensor]);
  const forward = [...tensors(input.fwd, "fwd."), ...tensors(input.params, "params.")];
  const grads = tensors(returned, "");
  const sameShape = (a: Tensor, b: Tensor) => a.shape.join() === b.shape.join();
  for (let i = 0; i < grads.length; i++) {
    const [name, t] = grads[i];
    for (const [other, u] of grads.slice(i + 1)) {
      if (u.data.buffer !== t.data.buffer || !sameShape(t, u)) continue; // a reshape is a view, and fine
      const hurt = changed.has(name) || changed.has(other);
      harmful ||= hurt;
      notes.push(
        hurt
          ? `${other} and ${name} are one tensor under two names (\`const ${other} = ${name}\` copies no numbers), so changing one changed the other: write clone(${name}).`
          : `(${other} and ${name} are one tensor under two names: fine as long as neither is changed in place.)`,
      );
    }
    for (const [other, u] of forward) {
      if (u.data.buffer !== t.data.buffer) continue;
      harmful = true;
      notes.push(
        `${name} shares its numbers with ${other}: a gradient needs its own tensor; write clone(…) or compute it anew.`,
      );
    }
  }
  const old = before.fwd as unknown as Record<string, Tensor>;
  for (const [k, t] of Object.entries(input.fwd as unknown as Record<string, Tensor>)) {
    if (t instanceof Tensor && old[k] instanceof Tensor && !t.data.every((x, i) => Object.is(x, old[k].data[i]))) {
      harmful = true;
      notes.push(`your gradients() changed fwd.${k} in place; the forward tensors are read-only: work on clone(${k}).`);
    }
  }
  return { notes, harmful };
}

/**
 * Each gradient's own value after the run as written, when it returned or
 * threw: its final values, in-place changes after its line included
 * (`mutated`: those it was finished by), except for changes made through
 * another name on a later line (`changed`: it is checked as its own line
 * left it, `copies`, and a note says so).
 */
function ownValues(run: ReturnType<typeof call>, lines: Record<string, number>) {
  const values: Record<string, Tensor> = {};
  const copies: Record<string, Tensor> = {};
  const mutated = new Set<string>();
  const changed = new Set<string>();
  const notes: string[] = [];
  const finals = run.returned ?? Object.fromEntries(Object.entries(run.recorded).map(([k, v]) => [k, v.tensor]));
  for (const [name, { tensor, copy }] of Object.entries(run.recorded)) {
    if (finals[name] !== tensor) continue; // returned something else under that name
    values[name] = tensor;
    if (tensor.data.every((x, i) => Object.is(x, copy.data[i]))) continue;
    const later = Object.entries(finals).find(([k, t]) =>
      k !== name && t?.data.buffer === tensor.data.buffer && (lines[k] ?? 0) > (lines[name] ?? 0)
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
 * Checks the learner's `gradients` for exercise `chapter` and prints the
 * verdicts; sets the exit code (0 when every gradient is right).
 *
 * @example
 * ```ts
 * await run(3, gradients, { dlogprobs: 62, dprobs: 63 });
 * ```
 */
export function run(chapter: number, gradients: unknown, lines: Record<string, number>): void {
  mark("timer off");
  const spec = EXERCISES[chapter];
  if (typeof gradients !== "function") {
    console.log("Your file does not export a function gradients(input): keep the stub's `export function gradients`.");
    Deno.exitCode = 1;
    return;
  }
  hookedLines = lines;
  dependsOn = Object.fromEntries(spec.gradients.map((g) => [g.name, g.deps]));
  const context = exerciseContext();
  const { input } = context;

  // 1. As written.
  const given = exerciseInput();
  const plain = call(gradients as Gradients, given);
  const own = ownValues(plain, lines);
  const result: LearnerResult = plain.returned
    ? { returned: { ...plain.returned, ...own.copies }, lines }
    : { reached: own.values, lines };
  const notes = own.notes;
  let harmful = false;
  if (plain.returned) {
    const found = aliasing(plain.returned, given, input, own.changed);
    notes.unshift(...found.notes);
    harmful = found.harmful;
  }

  let threw = "";
  // 2. Each line on correct upstream values, when some are wrong (or the first run threw).
  const first = checkLines(spec, result, context);
  const wrong = new Set(first.filter((v) => !isDone(v)).map((v) => v.name));
  const feeds = plain.error
    ? spec.gradients.map((g) => g.name)
    : spec.gradients.flatMap((g) => g.deps).filter((d) => wrong.has(d));
  if (feeds.length > 0) {
    for (const name of feeds) {
      substitutes.set(name, context.ref[spec.gradients.find((g) => g.name === name)!.of]);
      if (own.mutated.has(name)) late.add(name);
    }
    const hooked = call(gradients as Gradients, exerciseInput());
    substitutes.clear();
    late.clear();
    // The tensor each line made, with the in-place changes after it (a late substitute: up to the line that used it).
    result.isolated = Object.fromEntries(Object.entries(hooked.recorded).map(([k, v]) => [k, v.settled ?? v.tensor]));
    result.substituted = hooked.handed;
    if (plain.error) {
      threw = hooked.error
        ? `Your gradients() threw${located(hooked.error)}`
        : `With your own values, your gradients() threw${
          located(plain.error)
        }. With correct upstream values every line ran, so a wrong gradient above that line (its shape?) caused it: the table shows which.`;
    }
  }
  const verdicts = checkLines(spec, result, context);
  if (threw) console.log(`${wrap(threw)}\n`);
  console.log(formatVerdicts(spec, verdicts, harmful));
  if (notes.length > 0) console.log(`\n${notes.map((n) => wrap(n)).join("\n\n")}`);
  Deno.exitCode = verdicts.every(isDone) && !harmful && !threw ? 0 : 1;
}
