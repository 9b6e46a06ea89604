/**
 * The checker's side inside the learner's process. `deno task exercise N`
 * runs the learner's file (rewritten by lib/exercise/instrument.ts) in a
 * separate `deno` process with no permissions; the rewritten file imports
 * this module, whose `fix` hook sees each gradient as its line computes it,
 * and whose `run` calls the learner's `gradients` twice:
 *
 * 1. as written, to see what the learner's own values give (and whether the
 *    returned tensors share storage or changed the forward pass in place);
 * 2. when a line's upstream gradient is wrong or unfinished, again with the
 *    correct upstream values handed to the lines below it, so every line is
 *    checked on its own and one mistake does not cascade.
 *
 * Lines starting with {@linkcode MARK} tell the parent when the learner's
 * code runs, so that it can stop a file that never returns.
 *
 * @example
 * ```ts
 * // The last lines of the rewritten learner file:
 * import * as __exercise from "./exercise_run.ts";
 * await __exercise.run(3, gradients, { dlogprobs: 62 });
 * ```
 * @module
 */

import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { type CheckContext, checkLines, type ExerciseInput, isDone, type LearnerResult } from "../exercise/checker.ts";
import { referenceGradients } from "../check/reference.ts";
import { clone, Tensor } from "../tensor.ts";
import { exerciseInput, formatVerdicts } from "./exercise.ts";
import { wrap } from "../report/print.ts";

/** The prefix of the lines that tell the parent what runs: `timer load`, `timer gradients`, `timer off`. */
export const MARK = "\u0001exercise:";

const mark = (what: string) => console.log(`${MARK}${what}`);
if (Deno.mainModule.endsWith("$deno$stdin.mts")) mark("timer load");

/** The correct values handed to the lines below, by gradient name. */
const substitutes = new Map<string, Tensor>();
/** Each hooked gradient as its line computed it: the tensor and a copy taken right then. */
let recorded: Record<string, { tensor: Tensor; copy: Tensor }> = {};

/**
 * The hook on each gradient's last assignment: records the learner's value
 * and returns the correct one when the checker substitutes it.
 *
 * @example
 * ```ts
 * const dprobs = fix("dprobs", mul(pow(probs, -1), dlogprobs));
 * ```
 */
export function fix<T>(name: string, value: T): T {
  if (value instanceof Tensor) recorded[name] = { tensor: value, copy: clone(value) };
  const correct = substitutes.get(name);
  return (correct ? clone(correct) : value) as T;
}

type Gradients = (input: ExerciseInput) => Record<string, Tensor | undefined>;

/** One call of the learner's function, timed by the parent. */
function call(gradients: Gradients, input: ExerciseInput) {
  recorded = {};
  mark("timer gradients");
  try {
    const returned = gradients(input);
    return { returned: typeof returned === "object" && returned ? returned : {}, recorded };
  } catch (error) {
    return { error: error as Error, recorded };
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
  const input = exerciseInput();
  const context: CheckContext = { input, ref: referenceGradients(input.params, input.batch.Xb, input.batch.Yb).grads };
  const notes: string[] = [];

  // 1. As written.
  const given = exerciseInput();
  const plain = call(gradients as Gradients, given);
  const result: LearnerResult = { returned: plain.returned, lines };
  let harmful = false;
  const mutated = new Set<string>(); // finished by in-place changes after their line: not safe to substitute
  if (plain.returned) {
    const changed = new Set<string>();
    for (const [name, { tensor, copy }] of Object.entries(plain.recorded)) {
      if (plain.returned[name] !== tensor || tensor.data.every((x, i) => Object.is(x, copy.data[i]))) continue;
      mutated.add(name);
      // Changed through another name computed on a later line: checked as its own line left it.
      const later = Object.entries(plain.returned).find(([k, t]) =>
        k !== name && t?.data.buffer === tensor.data.buffer && (lines[k] ?? 0) > (lines[name] ?? 0)
      );
      if (!later) continue; // changed by its own later lines: that is the learner's value
      changed.add(name);
      result.returned = { ...result.returned, [name]: copy };
      notes.push(
        `${name} was changed in place after line ${lines[name]}, through ${later[0]} (line ${
          lines[later[0]]
        }), which is the same tensor; ${name} is checked as line ${lines[name]} left it.`,
      );
    }
    const found = aliasing(plain.returned, given, input, changed);
    notes.unshift(...found.notes);
    harmful = found.harmful;
  }

  let threw = "";
  // 2. Each line on correct upstream values, when some are wrong (or the first run threw).
  const first = checkLines(spec, result, context);
  const wrong = new Set(first.filter((v) => !isDone(v)).map((v) => v.name));
  const feeds = plain.error
    ? spec.gradients.map((g) => g.name)
    : spec.gradients.flatMap((g) => g.deps).filter((d) => wrong.has(d) && !mutated.has(d));
  if (feeds.length > 0) {
    for (const name of feeds) substitutes.set(name, context.ref[spec.gradients.find((g) => g.name === name)!.of]);
    const hooked = call(gradients as Gradients, exerciseInput());
    substitutes.clear();
    // The tensor each line made, including in-place changes after it (it is the same object).
    result.isolated = Object.fromEntries(Object.entries(hooked.recorded).map(([k, v]) => [k, v.tensor]));
    result.substituted = new Set(feeds.filter((name) => name in hooked.recorded));
    if (plain.error) {
      result.returned = undefined;
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
