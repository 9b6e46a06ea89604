/**
 * The machinery of exercise mode: the `todo` placeholder a learner replaces,
 * the checker that runs a learner's gradients against TensorFlow.js's, and
 * the pieces of the hints (the chapter's solution lines, found in its source).
 *
 * @example
 * ```ts
 * import { checkExercise, todo } from "./checker.ts";
 * const dprobs = todo(probs); // zeros of probs' shape, marked as not done yet
 * ```
 * @module
 */

import type { Batch, Forward, Params } from "../model.ts";
import type { Gradients } from "../check/reference.ts";
import { type Tensor, zeros } from "../tensor.ts";
import { diagnose, type Partial } from "./diagnose.ts";

const todos = new WeakSet<Tensor>();

/**
 * A placeholder for a gradient you have not written yet: zeros with the
 * shape of `like` (the tensor whose gradient it is), so the rest of your code
 * still runs. The checker reports it as TODO.
 *
 * @example
 * ```ts
 * const dlogprobs = todo(logprobs); // replace with your gradient
 * ```
 */
export function todo(like: Tensor): Tensor {
  const t = zeros(like.shape);
  todos.add(t);
  return t;
}

/**
 * Whether a tensor is an untouched {@linkcode todo}.
 *
 * @example
 * ```ts
 * isTodo(todo(probs)); // true
 * ```
 */
export function isTodo(t: Tensor): boolean {
  return todos.has(t);
}

/** What a learner's `gradients` function receives. */
export interface ExerciseInput {
  /** Every intermediate of chapter 2's forward pass on the lecture's first batch. */
  fwd: Forward;
  /** The lecture's parameters. */
  params: Params;
  /** The batch: `Xb` `[n, 3]`, `Yb` `[n]`. */
  batch: Batch;
  /** The batch size, 32. */
  n: number;
  /** The correct upstream gradient where an exercise starts below the loss (from the solved chapters). */
  dlogits: Tensor;
  /** The correct gradient of hpreact, for exercises 5 and 8. */
  dhpreact: Tensor;
  /** The correct gradient of hprebn, for exercise 6. */
  dhprebn: Tensor;
}

/** One gradient of an exercise. */
export interface GradientSpec {
  /** The learner's variable, e.g. `dprobs`. */
  name: string;
  /** The tensor it is the gradient of, as TensorFlow.js's reference names it. */
  of: keyof Gradients;
  /** The gradients of this exercise it is computed from. */
  deps: string[];
  /** The forward line it inverts. */
  forward: string;
  /** Hint 2: the local derivative and how the chain rule applies. */
  rule: string;
  /** The variables whose statements in the chapter's solving function make up the solution (default: `name`). */
  solution?: string[];
  /** The separate contributions, for a tensor used twice (to recognise a missed one). */
  partials?: (input: ExerciseInput, ref: Gradients) => Partial[];
}

/** One exercise: a chapter with its gradients left for the learner. */
export interface ExerciseSpec {
  /** The chapter number, 3 to 8. */
  chapter: number;
  /** The chapter's title. */
  title: string;
  /** The file name of the stub and of the learner's copy, e.g. `03_cross_entropy.ts`. */
  file: string;
  /** The pristine stub's text, copied to the learner's file on first use. */
  stub: string;
  /** The solved chapter's source text, where the solution lines come from. */
  source: string;
  /** The function of the chapter that computes these gradients. */
  solvedIn: string;
  /** The gradients, in the order the chapter computes them. */
  gradients: GradientSpec[];
}

/** The verdict on one gradient of a learner. */
export interface Verdict {
  /** The gradient's name. */
  name: string;
  /** What the checker found. */
  status: "exact" | "approximate" | "wrong" | "TODO" | "waiting" | "missing";
  /** What to do about it. */
  detail: string;
}

/** True for a verdict that needs no more work. */
export const isDone = (v: Verdict) => v.status === "exact" || v.status === "approximate";

/**
 * Checks a learner's gradients in the chapter's order. A gradient computed
 * from an unfinished or wrong one is reported as waiting on it, not as wrong.
 *
 * @example
 * ```ts
 * const verdicts = checkExercise(spec, learner.gradients(input), input, ref.grads);
 * ```
 */
export function checkExercise(
  spec: ExerciseSpec,
  result: Record<string, Tensor | undefined>,
  input: ExerciseInput,
  ref: Gradients,
): Verdict[] {
  const verdicts = new Map<string, Verdict>();
  for (const g of spec.gradients) {
    const value = result[g.name];
    let verdict: Verdict;
    if (value === undefined) {
      verdict = {
        name: g.name,
        status: "missing",
        detail: `not returned: add ${g.name} to the object gradients() returns`,
      };
    } else if (isTodo(value)) {
      verdict = { name: g.name, status: "TODO", detail: "" };
    } else {
      const blockers = g.deps.filter((d) => !isDone(verdicts.get(d)!));
      if (blockers.length > 0) {
        const why = blockers.map((d) => `${d} (${verdicts.get(d)!.status})`).join(", ");
        verdict = { name: g.name, status: "waiting", detail: `computed from ${why}: finish that first` };
      } else {
        const d = diagnose(value, ref[g.of], { n: input.n, partials: g.partials?.(input, ref) });
        verdict = { name: g.name, status: d.status, detail: d.detail };
      }
    }
    verdicts.set(g.name, verdict);
  }
  return [...verdicts.values()];
}

/**
 * The statements of function `within` in the chapter's source that assign
 * `names`, in order: the solution a learner asks for with `--solution`. A
 * statement runs from the line that assigns the variable to the line that
 * ends with `;` (a trailing comment allowed).
 *
 * @example
 * ```ts
 * extractSolution(chapter3Source, "backpropCrossEntropy", ["dprobs"]);
 * // ["const dprobs = mul(pow(probs, -1), dlogprobs); // [n, 27]"]
 * ```
 */
export function extractSolution(source: string, within: string, names: string[]): string[] {
  const all = source.split("\n");
  const start = all.findIndex((l) => l.startsWith(`export function ${within}(`));
  if (start === -1) throw new RangeError(`The chapter has no function ${within}`);
  const end = all.findIndex((l, i) => i > start && l === "}");
  const lines = all.slice(start, end);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const assigns = names.some((name) => new RegExp(`^\\s*(?:const |let )?${name} = `).test(lines[i]));
    if (!assigns) continue;
    const statement = [lines[i]];
    while (!/;\s*(\/\/.*)?$/.test(statement.at(-1)!) && i + 1 < lines.length) statement.push(lines[++i]);
    const indent = Math.min(...statement.filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length));
    out.push(statement.map((l) => l.slice(indent)).join("\n"));
  }
  return out;
}
