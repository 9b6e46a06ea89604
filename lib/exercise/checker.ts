/**
 * The machinery of exercise mode: the checker that runs a learner's
 * gradients against TensorFlow.js's, and the pieces of the hints (the
 * chapter's solution lines, found in its source). The `todo` placeholder a
 * learner replaces, and the type of what `gradients` receives, are in
 * learner.ts (the one module of lib/exercise/ a learner's file may import),
 * and exported here too.
 *
 * @example
 * ```ts
 * import { checkGradient, todo } from "./checker.ts";
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const context = exerciseContext(); // the lecture's forward pass and TensorFlow.js's gradients
 * const dprobs = todo(context.input.fwd.probs); // zeros of probs' shape, marked as not done yet
 * checkGradient(EXERCISES[3], "dprobs", dprobs, context).status; // "TODO"
 * ```
 * @module
 */

import type { Gradients } from "../check/reference.ts";
import { compareGradient } from "../check/compare.ts";
import { Tensor } from "../tensor.ts";
import { type ExerciseInput, type GivenGradient, isTodo } from "./learner.ts";
import { editDistance } from "../spelling.ts";
import { type Contribution, diagnose, type Formula, type Mistake, type Scatter, type Term } from "./diagnose.ts";

export { type ExerciseInput, type GivenGradient, isTodo, todo } from "./learner.ts";

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
  /** Hint 3: the structure of the answer, its pieces named and their shapes, not written as code. */
  structure: string;
  /** The variables whose statements in the chapter's solving function make up the solution (default: `name`). */
  solution?: string[];
  /** The axes over which the forward pass broadcast the tensor (its gradient sums over exactly these). */
  broadcastAxes?: number[];
  /** The separate contributions, for a tensor used twice (to recognise a missed one). */
  partials?: (input: ExerciseInput, ref: Gradients) => Contribution[];
  /** Known wrong formulas, computed from correct upstream values. */
  mistakes?: (input: ExerciseInput, ref: Gradients) => Mistake[];
  /** The terms of its one-line formula, to name one missing or off by a factor (exercises 7 and 8). */
  terms?: (input: ExerciseInput, ref: Gradients) => Term[];
  /** The scatter that makes it (dC), to name one that assigns where it must add. */
  scatter?: (input: ExerciseInput, ref: Gradients) => Scatter;
  /**
   * Its formula, reading the forward tensors, the parameters and the correct
   * upstream gradients by name from `values`: to name a forward tensor
   * written in place of another of the same shape.
   */
  formula?: (values: Readonly<Record<string, Tensor>>, input: ExerciseInput) => Tensor;
  /** Why the gradient is zero in exact arithmetic, when it is (any answer within rounding of 0 is then right). */
  zero?: string;
  /** A line to add when the gradient is right, e.g. why a shortcut is fine ("" for none). */
  passNote?: (value: Tensor, context: ExerciseContext & { yours: Record<string, Tensor | undefined> }) => string;
}

/** One exercise: a chapter with its gradients left for the learner. */
export interface ExerciseSpec {
  /** The chapter number, 3 to 9. */
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
  /** Where `--solution` says the solution comes from, when not "chapter N (solvedIn)" (exercise 9's: chapters 4 to 8). */
  solvedBy?: string;
  /**
   * The gradients this exercise is checked against instead of TensorFlow.js's,
   * by the reference's names: exercise 9's seven parameter gradients from the
   * kernels' training step.
   */
  reference?: (input: ExerciseInput) => Partial<Gradients>;
  /** Whether, once every gradient is right, `deno task exercise` trains the network with them (exercise 9). */
  trains?: boolean;
  /** The correct upstream gradients the exercise starts from (for the chain-rule diagnosis). */
  given: GivenGradient[];
  /** The gradients, in the order the chapter computes them. */
  gradients: GradientSpec[];
}

/** The verdict on one gradient of a learner. */
export interface Verdict {
  /** The gradient's name. */
  name: string;
  /** What the checker found. */
  status: "exact" | "approximate" | "wrong" | "TODO" | "waiting" | "missing" | "unreached";
  /** What to do about it, or a note on a right one (empty when there is nothing to say). */
  detail: string;
  /** The line of the learner's file that computes it, when known. */
  line?: number;
  /** The upstream gradients whose correct values its line was given, because the learner's are not right yet. */
  fed?: string[];
  /** The largest |yours − correct| over the entries, as the lecture's cmp prints it, when the shapes match. */
  maxdiff?: number;
}

/**
 * True for a verdict that needs no more work.
 *
 * @example
 * ```ts
 * isDone({ name: "dprobs", status: "approximate", detail: "" }); // true
 * ```
 */
export const isDone = (v: Verdict) => v.status === "exact" || v.status === "approximate";

/**
 * What a learner's gradients are checked against: the exercise's input and
 * TensorFlow.js's gradients of the same forward pass.
 */
export interface ExerciseContext {
  /** What the learner's `gradients` received. */
  input: ExerciseInput;
  /** The reference gradients of the same forward pass. */
  ref: Gradients;
}

/**
 * The correct value of every gradient of an exercise and of its given
 * upstream gradients, by the learner's names (`dprobs`, `dhpreact`, …).
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * correctGradients(EXERCISES[3], exerciseContext()).dlogprobs.shape; // [32, 27]
 * ```
 */
export function correctGradients(spec: ExerciseSpec, { input, ref }: ExerciseContext): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const name of spec.given) out[name] = input[name];
  for (const g of spec.gradients) out[g.name] = ref[g.of];
  return out;
}

/** The tensors of the forward pass and the parameters, by name. */
function forwardTensors(input: ExerciseInput): Record<string, Tensor> {
  return Object.fromEntries(
    [...Object.entries(input.fwd), ...Object.entries(input.params)].filter(([, t]) => t instanceof Tensor),
  );
}

/** A spec's formula over the forward tensors, the parameters and the correct gradients `correct`, for diagnose. */
function formulaOver(
  formula: NonNullable<GradientSpec["formula"]>,
  input: ExerciseInput,
  correct: Record<string, Tensor>,
): Formula {
  const forward = forwardTensors(input);
  return {
    compute: (values) => formula(values, input),
    values: { ...forward, ...correct },
    forward: Object.keys(forward),
  };
}

/**
 * Checks one gradient of an exercise on its own: the learner's tensor,
 * computed from correct upstream values, against the reference, with the
 * diagnosis of a wrong one or the note on a right one. This is the check
 * behind each line of `deno task exercise N` and each notebook cell.
 *
 * @example
 * ```ts
 * import { pow } from "../tensor.ts";
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const context = exerciseContext();
 * const v = checkGradient(EXERCISES[3], "dprobs", pow(context.input.fwd.probs, -1), context);
 * v.detail; // "this is the local derivative alone: multiply it by the upstream dlogprobs (the chain rule)"
 * ```
 */
export function checkGradient(
  spec: ExerciseSpec,
  name: string,
  value: Tensor,
  context: ExerciseContext,
  yours: Record<string, Tensor | undefined> = {},
): Verdict {
  const g = spec.gradients.find((x) => x.name === name);
  if (!g) {
    throw new RangeError(
      `Exercise ${spec.chapter} has no gradient ${name}: its gradients are ${
        spec.gradients.map((x) => x.name).join(", ")
      }`,
    );
  }
  if (isTodo(value)) return { name, status: "TODO", detail: "" };
  const { input, ref } = context;
  if (g.zero && value.shape.join() === ref[g.of].shape.join() && value.data.every((x) => Math.abs(x) <= 1e-6)) {
    const { maxdiff } = compareGradient(name, value, ref[g.of]);
    return { name, status: "approximate", detail: g.zero.replace(/\s+/g, " "), maxdiff };
  }
  const correct = correctGradients(spec, context);
  const upstreamNames = g.deps.length > 0 ? g.deps : spec.given;
  const d = diagnose(value, ref[g.of], {
    n: input.n,
    name,
    of: g.of,
    upstream: Object.fromEntries(upstreamNames.map((u) => [u, correct[u]])),
    broadcastAxes: g.broadcastAxes,
    contributions: g.partials?.(input, ref),
    mistakes: g.mistakes?.(input, ref),
    terms: g.terms?.(input, ref),
    scatter: g.scatter?.(input, ref),
    formula: g.formula && formulaOver(g.formula, input, correct),
  });
  const note = d.status === "wrong" ? "" : g.passNote?.(value, { ...context, yours }) ?? "";
  const detail = (d.status === "wrong" ? d.detail : note).replace(/\s+/g, " ");
  return { name, status: d.status, detail, ...(Number.isNaN(d.maxdiff) ? {} : { maxdiff: d.maxdiff }) };
}

/** What a learner's run produced, for {@linkcode checkLines}. */
export interface LearnerResult {
  /** What `gradients()` returned, computed from the learner's own upstream values (absent when it threw). */
  returned?: Record<string, Tensor | undefined>;
  /** When `gradients()` threw: each gradient it reached, with its values at the throw (the learner's own upstream values). */
  reached?: Record<string, Tensor>;
  /** Each gradient as its own line computed it from correct upstream values (the hooked run). */
  isolated?: Record<string, Tensor>;
  /** The gradients whose correct values the hooked run handed to the lines below them. */
  substituted?: ReadonlySet<string>;
  /**
   * The lines that threw in the hooked run, each with what to say (`threw at
   * file:58:14: Cannot matmul …`): each is wrong, and was handed over correct.
   */
  thrown?: Record<string, string>;
  /** The line of the learner's file that computes each gradient. */
  lines?: Record<string, number>;
}

/**
 * Why gradient `name` is not in what gradients() returned: a key of the
 * object that is no gradient of the exercise and is close to `name` (the
 * same but for case, or at most 2 letters apart) is named, with what its
 * value would get; other unknown keys are listed.
 */
function notReturned(
  spec: ExerciseSpec,
  name: string,
  returned: Record<string, Tensor | undefined>,
  context: ExerciseContext,
): string {
  const known = new Set(spec.gradients.map((g) => g.name));
  const unexpected = Object.keys(returned).filter((k) => !known.has(k));
  const close = unexpected.filter((k) => k.toLowerCase() === name.toLowerCase() || editDistance(k, name) <= 2);
  const likely = close.find((k) => k.toLowerCase() === name.toLowerCase()) ?? close[0];
  if (likely !== undefined) {
    const value = returned[likely];
    const right = value instanceof Tensor && isDone(checkGradient(spec, name, value, context, returned))
      ? " Its value is right: only the name is off."
      : "";
    return `not returned, but your object has ${likely}, which exercise ${spec.chapter} does not know: did you mean ${name}? Names are case-sensitive: return { ${name}, … }.${right}`;
  }
  const others = unexpected.length > 0
    ? ` (it has ${unexpected.join(", ")}, which exercise ${spec.chapter} does not know)`
    : "";
  return `not returned: add ${name} to the object gradients() returns${others}`;
}

/**
 * Checks a learner's gradients in the chapter's order, each line on its
 * own: a gradient whose upstream gradient is wrong or unfinished is checked
 * on the value its line computed from the correct upstream (when the hooked
 * run has it), and only otherwise reported as waiting. A line that threw in
 * the hooked run is wrong, with what it threw, and the lines below it are
 * checked all the same (it was handed over correct).
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { backpropCrossEntropy } from "../../chapters/03_cross_entropy.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const context = exerciseContext();
 * const { fwd, batch } = context.input;
 * const returned = { ...backpropCrossEntropy(fwd, batch.Yb) }; // a learner's gradients, all right
 * checkLines(EXERCISES[3], { returned }, context).every(isDone); // true
 * ```
 */
export function checkLines(spec: ExerciseSpec, result: LearnerResult, context: ExerciseContext): Verdict[] {
  const verdicts = new Map<string, Verdict>();
  const ownRight = new Set<string>(); // the gradients whose own value (not one fed correct upstreams) is right
  for (const g of spec.gradients) {
    const line = result.lines?.[g.name];
    const own = result.returned ? result.returned[g.name] : result.reached?.[g.name];
    const isolated = result.isolated?.[g.name];
    const thrown = result.thrown?.[g.name];
    const blockers = g.deps.filter((d) => !ownRight.has(d));
    const fixed = blockers.every((d) => result.substituted?.has(d));
    let verdict: Verdict;
    if (own === undefined && result.returned === undefined && isolated === undefined && thrown === undefined) {
      verdict = { name: g.name, status: "unreached", detail: "" };
    } else if (own === undefined && result.returned !== undefined && thrown === undefined) {
      verdict = { name: g.name, status: "missing", detail: notReturned(spec, g.name, result.returned, context) };
    } else if (blockers.length === 0 && own !== undefined) {
      verdict = checkGradient(spec, g.name, own, context, result.returned);
      if (isDone(verdict)) ownRight.add(g.name);
    } else if ((isolated !== undefined || thrown !== undefined) && fixed) {
      verdict = thrown !== undefined
        ? { name: g.name, status: "wrong", detail: thrown }
        : checkGradient(spec, g.name, isolated!, context, result.returned);
      if (verdict.status !== "TODO" && blockers.length > 0) verdict.fed = blockers;
    } else if (own !== undefined && isTodo(own)) {
      verdict = { name: g.name, status: "TODO", detail: "" };
    } else {
      const why = blockers.map((d) =>
        `${d} (${isDone(verdicts.get(d)!) ? "not yet right in your run" : verdicts.get(d)!.status})`
      ).join(", ");
      verdict = { name: g.name, status: "waiting", detail: `computed from ${why}: finish that first` };
    }
    verdicts.set(g.name, line === undefined ? verdict : { ...verdict, line });
  }
  return [...verdicts.values()];
}

/**
 * Checks what a learner's `gradients` returned (no hooked run): a gradient
 * computed from a wrong or unfinished one is reported as waiting on it.
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * import { exerciseContext } from "../commands/exercise/context.ts";
 * const { input, ref } = exerciseContext();
 * const verdicts = checkExercise(EXERCISES[3], { dlogprobs: todo(input.fwd.logprobs) }, input, ref);
 * verdicts.map((v) => v.status); // ["TODO", "missing", "missing", …]
 * ```
 */
export function checkExercise(
  spec: ExerciseSpec,
  result: Record<string, Tensor | undefined>,
  input: ExerciseInput,
  ref: Gradients,
): Verdict[] {
  return checkLines(spec, { returned: result }, { input, ref });
}

/**
 * The statements of function `within` in the chapter's source that assign
 * `names`, in order: the solution a learner asks for with `--solution`. A
 * statement runs from the line that assigns the variable to the line that
 * ends with `;` (a trailing comment allowed).
 *
 * @example
 * ```ts
 * import { EXERCISES } from "../../chapters/exercises/specs.ts";
 * extractSolution(EXERCISES[3].source, "backpropCrossEntropy", ["dprobs"]);
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
