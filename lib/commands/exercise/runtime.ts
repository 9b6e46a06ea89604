/**
 * The learner-side runtime: the exercise's side inside the learner's sandbox
 * process. `deno task exercise N` runs the learner's file (rewritten by
 * lib/exercise/instrument.ts) in a separate `deno` process with no
 * permissions (sandbox.ts); the rewritten file imports this module, whose
 * `enter` and `fix` hooks see each gradient's line start and compute it, and
 * whose `run` calls the learner's `gradients` twice:
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
 * never returns and say where it was. The runtime's state (the exercise
 * being run, the correct values being handed over, what the hooks recorded)
 * lives in one object; each call of gradients() starts a fresh record.
 *
 * @example
 * ```ts
 * // The last lines of the rewritten learner file (see sandbox.ts):
 * import * as __exercise from "./runtime.ts";
 * import { backpropCrossEntropy } from "../../../chapters/03_cross_entropy.ts";
 * import type { ExerciseInput } from "../../exercise/checker.ts";
 * const gradients = (i: ExerciseInput) => backpropCrossEntropy(i.fwd, i.batch.Yb); // the learner's function
 * __exercise.run(3, gradients, {}); // prints "All 8 gradients of exercise 3 are right. Well done!"
 * ```
 * @module
 */

import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import {
  checkLines,
  type ExerciseInput,
  type ExerciseSpec,
  isDone,
  type LearnerResult,
} from "../../exercise/checker.ts";
import { clone, Tensor } from "../../tensor.ts";
import { formatVerdicts } from "../../exercise/verdicts.ts";
import { exerciseContext, exerciseInput } from "./context.ts";
import { wrap } from "../../report/print.ts";
import { MARK } from "../../exercise/marks.ts";

const mark = (what: string) => console.log(`${MARK}${what}`);
if (Deno.mainModule.endsWith("$deno$stdin.mts")) mark("timer load");

type Gradients = (input: ExerciseInput) => Record<string, Tensor | undefined>;

/** A hooked gradient as its line computed it. */
interface Recorded {
  /** The learner's tensor (later in-place changes show in it). */
  tensor: Tensor;
  /** A copy taken when its line ran. */
  copy: Tensor;
  /** Its values when a line that uses it started, for a late substitute. */
  settled?: Tensor;
}

/** One call of the learner's gradients(): how it ended, and what the hooks saw. */
interface Call {
  /** What it returned (an empty object for anything but an object), when it returned. */
  returned?: Record<string, Tensor | undefined>;
  /** What it threw, when it threw. */
  error?: Error;
  /** Each hooked gradient as its line computed it. */
  recorded: Record<string, Recorded>;
  /** The gradients the lines below were handed the correct values of. */
  handed: Set<string>;
}

/** The correct values a call hands to the lines below, by gradient name. */
interface Feed {
  substitutes: ReadonlyMap<string, Tensor>;
  /**
   * Those of the substitutes that the learner finishes in place after their
   * line: they are handed over when a line that uses them starts.
   */
  late: ReadonlySet<string>;
}

const NO_FEED: Feed = { substitutes: new Map(), late: new Set() };

/** What the call of gradients() as written came to. */
interface AsWritten {
  /** The call itself. */
  plain: Call;
  /** Each gradient's own value after it (see {@linkcode ownValues}). */
  own: ReturnType<typeof ownValues>;
  /** What the checks read; the fed call adds each line's own value. */
  result: LearnerResult;
  /** What to say below the table: tensors shared under two names or with the forward pass, or changed in place. */
  notes: string[];
  /** Whether that sharing changed the results. */
  harmful: boolean;
}

/**
 * The runtime's state: the exercise being run (each gradient's line and
 * what it is computed from), and the call of gradients() in progress (the
 * correct values it hands over, what its hooks recorded).
 */
class LearnerRuntime {
  /** The line of each hooked gradient's last assignment. */
  #lines: Record<string, number> = {};
  /** The gradients each gradient is computed from, in the exercise being run. */
  #dependsOn: Record<string, string[]> = {};
  /** The correct values the call in progress hands to the lines below. */
  #feed: Feed = NO_FEED;
  /** What the hooks of the call in progress recorded. */
  #current: Call = { recorded: {}, handed: new Set() };

  /** See {@linkcode enter}. */
  enter(name: string, line: number): string {
    mark(`at in ${line} ${name}`);
    for (const d of this.#dependsOn[name] ?? []) if (this.#feed.late.has(d)) this.#settle(d);
    return name;
  }

  /** See {@linkcode fix}. */
  fix<T>(name: string, value: T): T {
    mark(`at after ${this.#lines[name] ?? 0} ${name}`);
    const correct = this.#feed.substitutes.get(name);
    if (!(value instanceof Tensor)) return (correct ? clone(correct) : value) as T;
    this.#current.recorded[name] = { tensor: value, copy: clone(value) };
    if (!correct) return value;
    if (this.#feed.late.has(name) && value.shape.join() === correct.shape.join()) return value;
    this.#current.handed.add(name);
    return clone(correct) as T;
  }

  /**
   * A late substitute, finished in place by now: keeps the learner's values,
   * then writes the correct ones into the learner's tensor for the lines below.
   */
  #settle(name: string): void {
    const r = this.#current.recorded[name];
    if (!r || r.settled) return;
    r.settled = clone(r.tensor);
    r.tensor.data.set(this.#feed.substitutes.get(name)!.data);
    this.#current.handed.add(name);
  }

  /** One call of the learner's function with `feed` handed to the lines below, timed by the parent. */
  #invoke(gradients: Gradients, input: ExerciseInput, feed: Feed): Call {
    const call: Call = { recorded: {}, handed: new Set() };
    this.#current = call;
    this.#feed = feed;
    mark("timer gradients");
    try {
      const returned = gradients(input);
      call.returned = typeof returned === "object" && returned ? returned : {};
    } catch (error) {
      call.error = error as Error;
    } finally {
      mark("timer off");
      this.#feed = NO_FEED;
    }
    return call;
  }

  /** See {@linkcode run}. */
  run(chapter: number, gradients: unknown, lines: Record<string, number>): void {
    mark("timer off");
    if (typeof gradients !== "function") {
      console.log(
        "Your file does not export a function gradients(input): keep the stub's `export function gradients`.",
      );
      Deno.exitCode = 1;
      return;
    }
    const spec = EXERCISES[chapter];
    this.#lines = lines;
    this.#dependsOn = Object.fromEntries(spec.gradients.map((g) => [g.name, g.deps]));
    const asWritten = this.#runAsWritten(gradients as Gradients, lines);
    const threw = this.#runFed(spec, gradients as Gradients, asWritten);
    const verdicts = checkLines(spec, asWritten.result, exerciseContext());
    if (threw) console.log(`${wrap(threw)}\n`);
    console.log(formatVerdicts(spec, verdicts, asWritten.harmful));
    if (asWritten.notes.length > 0) console.log(`\n${asWritten.notes.map((n) => wrap(n)).join("\n\n")}`);
    Deno.exitCode = verdicts.every(isDone) && !asWritten.harmful && !threw ? 0 : 1;
  }

  /** 1. The learner's gradients() as written, on an input of its own. */
  #runAsWritten(gradients: Gradients, lines: Record<string, number>): AsWritten {
    const given = exerciseInput();
    const plain = this.#invoke(gradients, given, NO_FEED);
    const own = ownValues(plain, lines);
    const result: LearnerResult = plain.returned
      ? { returned: { ...plain.returned, ...own.copies }, lines }
      : { reached: own.values, lines };
    const shared = plain.returned
      ? aliasing(plain.returned, given, exerciseContext().input, own.changed)
      : { notes: [], harmful: false };
    return { plain, own, result, notes: [...shared.notes, ...own.notes], harmful: shared.harmful };
  }

  /**
   * 2. When a line's upstream gradient is wrong or unfinished (or the call
   * as written threw), gradients() again, with the correct upstream values
   * handed to the lines below: each line's own value goes into
   * `asWritten.result`. Returns what to say about an error thrown, or "".
   */
  #runFed(spec: ExerciseSpec, gradients: Gradients, { plain, own, result }: AsWritten): string {
    const context = exerciseContext();
    const wrong = new Set(checkLines(spec, result, context).filter((v) => !isDone(v)).map((v) => v.name));
    const feeds = plain.error
      ? spec.gradients.map((g) => g.name)
      : spec.gradients.flatMap((g) => g.deps).filter((d) => wrong.has(d));
    if (feeds.length === 0) return "";
    const substitutes = new Map<string, Tensor>();
    for (const name of feeds) substitutes.set(name, context.ref[spec.gradients.find((g) => g.name === name)!.of]);
    const late = new Set(feeds.filter((name) => own.mutated.has(name)));
    const fed = this.#invoke(gradients, exerciseInput(), { substitutes, late });
    // The tensor each line made, with the in-place changes after it (a late substitute: up to the line that used it).
    result.isolated = Object.fromEntries(Object.entries(fed.recorded).map(([k, v]) => [k, v.settled ?? v.tensor]));
    result.substituted = fed.handed;
    if (!plain.error) return "";
    return fed.error
      ? `Your gradients() threw${located(fed.error)}`
      : `With your own values, your gradients() threw${
        located(plain.error)
      }. With correct upstream values every line ran, so a wrong gradient above that line (its shape?) caused it: the table shows which.`;
  }
}

const runtime = new LearnerRuntime();

/**
 * The hook at the start of a gradient's assignment (see instrument.ts):
 * tells the parent where the code is, and hands over the late substitutes
 * this line uses. Returns the name, for {@linkcode fix}.
 *
 * @example
 * ```ts
 * import { pow } from "../../tensor.ts";
 * import { exerciseInput } from "./context.ts";
 * const { fwd } = exerciseInput();
 * // Line 66 of a learner's file, `const dprobs = pow(probs, -1);`, as the sandbox runs it:
 * const dprobs = fix(enter("dprobs", 66), pow(fwd.probs, -1));
 * ```
 */
export function enter(name: string, line: number): string {
  return runtime.enter(name, line);
}

/**
 * The hook on each gradient's last assignment: records the learner's value
 * and returns the correct one when the runtime substitutes it (a late
 * substitute keeps the learner's tensor until {@linkcode enter} hands it over).
 *
 * @example
 * ```ts
 * import { mul, oneHot } from "../../tensor.ts";
 * import { exerciseInput } from "./context.ts";
 * const { batch, n } = exerciseInput();
 * // Line 65 of a learner's file, as the sandbox runs it:
 * const dlogprobs = fix(enter("dlogprobs", 65), mul(oneHot(batch.Yb, 27), -1 / n));
 * ```
 */
export function fix<T>(name: string, value: T): T {
  return runtime.fix(name, value);
}

/**
 * Checks the learner's `gradients` for exercise `chapter` (`lines`: the line
 * of each hooked gradient) and prints the verdicts; sets the exit code (0
 * when every gradient is right).
 *
 * @example
 * ```ts
 * import { backpropOutputLayer } from "../../../chapters/04_output_layer.ts";
 * import type { ExerciseInput } from "../../exercise/checker.ts";
 * run(4, (i: ExerciseInput) => backpropOutputLayer(i.dlogits, i.fwd, i.params), {}); // "All 4 gradients … right"
 * ```
 */
export function run(chapter: number, gradients: unknown, lines: Record<string, number>): void {
  runtime.run(chapter, gradients, lines);
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
function ownValues(run: Call, lines: Record<string, number>) {
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
