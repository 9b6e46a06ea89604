/**
 * Naming a learner's mistake by testing explanations against the numbers.
 * Each candidate cause is a named rule, a small function that undoes the
 * cause on the learner's tensor and names it only when that reproduces the
 * expected gradient. {@linkcode SHAPE_RULES} explain a tensor of the wrong
 * shape (a transpose, a dropped or a kept keepdim, the right numbers in another layout,
 * a sum over the wrong axis, a missing sum over a broadcast axis, an extra
 * axis from an `[n, 1]` index, a missing broadcast); {@linkcode VALUE_RULES}
 * explain wrong numbers of the right shape (a flipped sign, a factor 2, ½, n,
 * 1/n or n − 1 on the whole, a precedence slip such as 1.0/n - 1 for 1.0/(n - 1), one contribution of a tensor used twice left
 * out, one term off by a factor or a sign, one term of a one-line formula
 * missing or off by a factor, a known wrong formula, a scatter that assigns
 * where it must add, a forward tensor in place of another of the same shape,
 * the chain rule's upstream factor left out, a transpose, a constant factor,
 * all zeros). {@linkcode diagnose} tries them in order; when none explains the
 * numbers, it says where they are off (which rows and columns) and by how
 * much. It advises a sum over an axis only when the forward pass broadcast
 * over that axis.
 *
 * @example
 * ```ts
 * import { diagnose } from "./diagnose.ts";
 * import { mul, tensor } from "../tensor.ts";
 * const expected = tensor([[1, 2], [3, 4]]);
 * diagnose(mul(expected, -1), expected, { n: 32, name: "dx", of: "x" }).detail;
 * // "the sign is flipped: check the minus signs of the local derivative"
 * ```
 * @module
 */

import { ATOL, compareGradient, RTOL } from "../check/compare.ts";
import {
  add,
  broadcastShapes,
  formatShape,
  matmul,
  mul,
  reshape,
  type Shape,
  sub,
  sum,
  sumToShape,
  type Tensor,
  transpose,
  zeros,
} from "../tensor.ts";

/** What {@linkcode diagnose} concluded. */
export interface Diagnosis {
  /** Bit-identical, within `torch.allclose`'s tolerance, or neither. */
  status: "exact" | "approximate" | "wrong";
  /** A sentence on what is wrong (empty when nothing is). */
  detail: string;
  /** The largest difference, when the shapes match. */
  maxdiff: number;
}

/** One of the contributions to the gradient of a tensor that is used twice. */
export interface Contribution {
  /** What it is, e.g. "the gradient through probs = counts · countsSumInv". */
  label: string;
  /** Its value, computed from correct upstream gradients. */
  tensor: Tensor;
  /** What to do when only the other contribution is there, e.g. "add that contribution too". */
  advice: string;
}

/** A specific wrong formula a learner is known to write, computed from correct upstream values. */
export interface Mistake {
  /** What it is, in the learner's terms, with what to do. */
  label: string;
  /** What the learner's tensor is when they made it. */
  tensor: Tensor;
}

/** One term of a one-line formula whose terms add up to the gradient (exercise 8's three). */
export interface Term {
  /** How the formula writes it, e.g. "n · dhpreact". */
  label: string;
  /** Its value, computed from correct upstream values, the formula's common factor included. */
  tensor: Tensor;
  /** The constant the term carries, when it has one, and why it is there: left off, it is named. */
  factor?: { value: number; name: string; why: string };
}

/** A gradient made by a scatter: each row of `src` added into the row of the table that `indices` names. */
export interface Scatter {
  /** The rows each row of `src` goes to (the lecture's Xb). */
  indices: { readonly data: ArrayLike<number>; readonly shape: Shape };
  /** Their name, e.g. `Xb`. */
  indexName: string;
  /** The rows sent, `[...indices.shape, width]` (the lecture's demb). */
  src: Tensor;
  /** Their name, e.g. `demb`. */
  srcName: string;
  /** What a row of the table stands for, e.g. "character". */
  row: string;
}

/** A gradient's formula over named tensors, to try it with one forward tensor in place of another. */
export interface Formula {
  /** The gradient from `values` (a function of the names it reads). */
  compute(values: Readonly<Record<string, Tensor>>): Tensor;
  /** The tensors it may read, by name: the forward pass's, the parameters', the correct upstream gradients. */
  values: Readonly<Record<string, Tensor>>;
  /** Which of `values` are forward tensors or parameters: the ones a learner may swap for another. */
  forward: readonly string[];
}

/** What {@linkcode diagnose} may use besides the two tensors. */
export interface DiagnoseContext {
  /** The batch size, to recognise factors of n and n − 1. */
  n: number;
  /** The learner's name for the gradient, e.g. `dcountsSumInv`. */
  name: string;
  /** The forward tensor it is the gradient of, e.g. `countsSumInv`. */
  of: string;
  /** The correct upstream gradients it is computed from, by name (to recognise a missing chain-rule factor). */
  upstream?: Record<string, Tensor>;
  /** The axes over which the forward pass broadcast `of` (its gradient sums over exactly these). */
  broadcastAxes?: number[];
  /** The separate contributions of a gradient that accumulates. */
  contributions?: Contribution[];
  /** Known wrong formulas for this gradient. */
  mistakes?: Mistake[];
  /** The terms of its one-line formula, when it is one. */
  terms?: Term[];
  /** The scatter that makes it, when it is one. */
  scatter?: Scatter;
  /** Its formula over named tensors. */
  formula?: Formula;
}

/**
 * One cause a learner's gradient may have, and how to recognise it: undone
 * on the learner's tensor, it must give the expected one.
 */
export interface Rule {
  /** What it recognises, e.g. "dropped keepdim". */
  name: string;
  /**
   * The sentence naming the cause when it explains `ours` (the learner's
   * tensor) against `expected`, else undefined. A shape rule says nothing
   * about a tensor of the right shape, a value rule nothing about one of
   * the wrong shape or a right answer.
   */
  explain(ours: Tensor, expected: Tensor, context: DiagnoseContext): string | undefined;
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);
const close = (ours: Tensor, expected: Tensor) => compareGradient("", ours, expected).approximate;
const axesWords = (axes: number[]) => axes.length === 1 ? `axis ${axes[0]}` : `axes ${axes.join(" and ")}`;

/** The constant factors a learner is likely to be off by: `value` is yours ÷ expected. */
function knownFactors(n: number): { value: number; name: string; why: string }[] {
  return [
    { value: -1, name: "−1", why: "the sign is flipped" },
    { value: n, name: `n = ${n}`, why: "a mean divides by n: multiply by 1/n" },
    { value: 1 / n, name: `1/n = 1/${n}`, why: "there is a 1/n too many" },
    {
      value: (n - 1) / n,
      name: `(n − 1)/n = ${n - 1}/${n}`,
      why: "the variance divides by n − 1 (Bessel's correction), not n",
    },
    {
      value: n / (n - 1),
      name: `n/(n − 1) = ${n}/${n - 1}`,
      why: "a 1/(n − 1) stands where the forward pass divides by n (only the variance has Bessel's n − 1; the mean " +
        "divides by n), or an n/(n − 1) is one too many",
    },
    { value: n - 1, name: `n − 1 = ${n - 1}`, why: "the variance divides by n − 1: multiply by 1/(n − 1)" },
    { value: 1 / (n - 1), name: `1/(n − 1)`, why: "there is a 1/(n − 1) too many" },
    { value: 2, name: "2", why: "there is a factor 2 too many (d/dx x² = 2x has one 2; d/dx x^(−1/2) = −½ x^(−3/2))" },
    { value: 0.5, name: "½", why: "a factor 2 is missing: d/dx x² = 2x" },
    // Precedence slips of the constants: `/` binds tighter than `-`.
    {
      value: (1 / n - 1) * (n - 1),
      name: `(1/n − 1)·(n − 1) = ${((1 / n - 1) * (n - 1)).toPrecision(4)}`,
      why: "that is 1.0/n - 1 where 1.0/(n - 1) belongs: / binds tighter than -, so write 1.0/(n - 1)",
    },
    {
      value: 1 - n,
      name: `1 − n = ${1 - n}`,
      why: "that is 1.0/n - 1 where 1.0/n belongs, or n - 1 negated: / binds tighter than -, check the brackets",
    },
  ];
}

/** Position of flat index `i` in `shape`, as "[3, 5]". */
function position(i: number, shape: Shape): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(i % shape[axis]);
    i = Math.floor(i / shape[axis]);
  }
  return formatShape(index);
}

/**
 * Where a tensor first holds NaN or ±Infinity, in a sentence, or "" when every entry is finite.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * nonFinite(tensor([[1, NaN], [Infinity, 2]]));
 * // "NaN first appears at [0, 1] (2 of 4 entries are NaN or ±Infinity): a division by zero or the log of 0?"
 * ```
 */
export function nonFinite(t: Tensor): string {
  let first = -1;
  let count = 0;
  for (let i = 0; i < t.size; i++) {
    if (!Number.isFinite(t.data[i])) {
      if (first === -1) first = i;
      count++;
    }
  }
  if (first === -1) return "";
  const what = Number.isNaN(t.data[first]) ? "NaN" : t.data[first] > 0 ? "Infinity" : "−Infinity";
  const others = count > 1 ? ` (${count} of ${t.size} entries are NaN or ±Infinity)` : "";
  return `${what} first appears at ${position(first, t.shape)}${others}: a division by zero or the log of 0?`;
}

/**
 * Where two same-shaped tensors differ beyond `torch.allclose`'s tolerance (rows and columns), and by how much.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * whereOff(tensor([[1, 2], [3, 5]]), tensor([[1, 2], [3, 4]]));
 * // "the numbers are off in row 1 (1 of 2), column 1 (1 of 2); the largest difference is 1.00e+0 at [1, 1] (yours 5.000, expected 4.000)"
 * ```
 */
export function whereOff(ours: Tensor, expected: Tensor): string {
  const shape = expected.shape;
  const bad: number[] = [];
  let worst = 0;
  let worstAt = 0;
  for (let i = 0; i < ours.size; i++) {
    const diff = Math.abs(ours.data[i] - expected.data[i]);
    if (!(diff <= ATOL + RTOL * Math.abs(expected.data[i]))) bad.push(i);
    if (diff > worst) [worst, worstAt] = [diff, i];
  }
  const list = (xs: number[], of: number, what: string) => {
    const shown = xs.length > 6 ? `${xs.slice(0, 6).join(", ")}, …` : xs.join(", ");
    return xs.length === of
      ? `all ${of} ${what}s`
      : `${what}${xs.length > 1 ? "s" : ""} ${shown} (${xs.length} of ${of})`;
  };
  let where: string;
  if (shape.length === 2) {
    const rows = [...new Set(bad.map((i) => Math.floor(i / shape[1])))].sort((a, b) => a - b);
    const cols = [...new Set(bad.map((i) => i % shape[1]))].sort((a, b) => a - b);
    where = shape[0] === 1
      ? list(cols, shape[1], "column")
      : `${list(rows, shape[0], "row")}, ${list(cols, shape[1], "column")}`;
  } else {
    where = `${bad.length} of ${ours.size} entries`;
  }
  const fmt = (x: number) => x.toPrecision(4);
  return `the numbers are off in ${where}; the largest difference is ${worst.toExponential(2)} at ${
    position(worstAt, shape)
  } (yours ${fmt(ours.data[worstAt])}, expected ${fmt(expected.data[worstAt])})`;
}

/** `ours` repeated along the axes where `shape` is bigger, or undefined when it does not broadcast. */
function broadcastTo(ours: Tensor, shape: Shape): Tensor | undefined {
  try {
    if (!sameShape(broadcastShapes(ours.shape, shape), shape)) return undefined;
    return add(ours, zeros(shape));
  } catch {
    return undefined;
  }
}

/** `sumToShape(mul(a, b), shape)`, or undefined when the shapes do not fit. */
function productSummedTo(a: Tensor, b: Tensor, shape: Shape): Tensor | undefined {
  try {
    return sumToShape(mul(a, b), shape);
  } catch {
    return undefined;
  }
}

// ## Shape rules: the learner's tensor has another shape than the expected one.

/** A rule for a tensor of the wrong shape: silent when the shapes match. */
function shapeRule(name: string, explain: Rule["explain"]): Rule {
  return {
    name,
    explain: (ours, expected, context) =>
      sameShape(ours.shape, expected.shape) ? undefined : explain(ours, expected, context),
  };
}

/** How every shape diagnosis starts: "shape [32], expected [32, 1] (countsSumInv's shape)". */
function shapeHead(ours: Tensor, expected: Tensor, { of }: DiagnoseContext): string {
  return `shape ${formatShape(ours.shape)}, expected ${formatShape(expected.shape)} (${of}'s shape)`;
}

/** Which axes the gradient sums over, when the forward pass broadcast `of`; "" when it did not. */
function sumAdvice(expected: Tensor, { name, of, broadcastAxes }: DiagnoseContext): string {
  if (!broadcastAxes?.length) return "";
  const axes = axesWords(broadcastAxes);
  const keepdim = expected.shape.length > 1 ? " (keepdim = true)" : "";
  return `${of} was broadcast over ${axes} in the forward pass, so ${name} sums over ${axes}${keepdim}`;
}

/**
 * The axes along which `ours` is bigger than `expected` (leading axes it has
 * more of, and axes of size 1 in `expected` that it fills), when `expected`
 * broadcasts to it; undefined when it does not.
 */
function extraAxes(ours: Tensor, expected: Tensor): { over: number; axes: number[] } | undefined {
  try {
    if (!sameShape(broadcastShapes(expected.shape, ours.shape), ours.shape)) return undefined;
  } catch {
    return undefined;
  }
  const over = ours.shape.length - expected.shape.length;
  const axes = ours.shape.map((_, i) => i).filter((i) =>
    i < over || (expected.shape[i - over] === 1 && ours.shape[i] !== 1)
  );
  return { over, axes };
}

/** Whether `axes` are exactly the axes the forward pass broadcast over. */
const areBroadcastAxes = (axes: number[], { broadcastAxes }: DiagnoseContext) =>
  !!broadcastAxes?.length && axes.length === broadcastAxes.length && axes.every((a, i) => a === broadcastAxes[i]);

/** The named 2-d tensors a gradient's formula may read: the forward pass's, the parameters', the upstream gradients. */
function namedMatrices({ upstream, formula }: DiagnoseContext): [string, Tensor][] {
  const named = { ...formula?.values, ...upstream };
  return Object.entries(named).filter(([, t]) => t.shape.length === 2);
}

/**
 * The product of two named tensors that gives `expected`, written in the
 * learner's terms: `h.T.matmul(dlogits)` or `dlogits.matmul(W2.T)`; undefined when none does.
 */
function productOf(expected: Tensor, context: DiagnoseContext): string | undefined {
  const [rows, cols] = expected.shape;
  const named = namedMatrices(context);
  for (const [a, ta] of named) {
    for (const [b, tb] of named) {
      if (a === b) continue;
      const [ar, ac] = ta.shape, [br, bc] = tb.shape;
      if (ac === rows && br === ar && bc === cols && close(matmul(transpose(ta), tb), expected)) {
        return `${a}.T.matmul(${b})`;
      }
      if (ar === rows && ac === bc && br === cols && close(matmul(ta, transpose(tb)), expected)) {
        return `${a}.matmul(${b}.T)`;
      }
    }
  }
  return undefined;
}

/**
 * The right numbers, transposed: `[27, 64]` for `[64, 27]`. Swapping a
 * product's operands does not transpose it ((AB)ᵀ = BᵀAᵀ), so the fix is
 * the whole product, from the named tensors that make it, or a transpose of it.
 */
const transposedShape = shapeRule("transposed", (ours, expected, context) => {
  const [rows, cols] = expected.shape;
  if (expected.shape.length !== 2 || !sameShape(ours.shape, [cols, rows])) return undefined;
  if (!close(transpose(ours), expected)) return undefined;
  const product = productOf(expected, context);
  const write = product
    ? `write ${product}, or transpose the product you have`
    : "transpose the product (for a.matmul(b), write b.T.matmul(a.T): swapping the operands alone is not it)";
  return `${shapeHead(ours, expected, context)}: it is transposed; ${write}`;
});

/**
 * The right numbers with a reduced axis kept: `dlogits.sum(0, true)` ([1, 27])
 * where the bias's gradient is `dlogits.sum(0)` ([27]). Names the upstream
 * gradient whose sum it is, when one is.
 */
const keptKeepdim = shapeRule("kept keepdim", (ours, expected, context) => {
  const kept = ours.shape.map((d, i) => d === 1 ? i : -1).filter((i) => i >= 0);
  const squeezed = ours.shape.filter((d) => d !== 1);
  if (kept.length !== 1 || ours.shape.length !== expected.shape.length + 1) return undefined;
  if (!sameShape(squeezed, expected.shape.filter((d) => d !== 1)) || !close(reshape(ours, expected.shape), expected)) {
    return undefined;
  }
  const axis = kept[0];
  const summed = Object.entries(context.upstream ?? {}).find(([, up]) =>
    up.shape.length === ours.shape.length && up.shape[axis] !== 1 && sameShape(sum(up, axis).shape, expected.shape) &&
    close(sum(up, axis), expected)
  )?.[0];
  return `${
    shapeHead(ours, expected, context)
  }: the numbers are right, but the sum kept its reduced axis: drop the keepdim, ${
    summed ? `${summed}.sum(${axis})` : `.sum(${axis})`
  }, not ${summed ?? ""}.sum(${axis}, true)`;
});

/** The right numbers without the reduced axis: `sum(x, 1)` where `sum(x, 1, true)` was meant. */
const droppedKeepdim = shapeRule("dropped keepdim", (ours, expected, context) => {
  const squeezed = expected.shape.filter((d) => d !== 1);
  if (ours.size !== expected.size || !sameShape(ours.shape, squeezed)) return undefined;
  if (!close(reshape(ours, expected.shape), expected)) return undefined;
  return `${shapeHead(ours, expected, context)}: the numbers are right; keep the reduced axis (keepdim = true)`;
});

/** The right numbers in another layout (not a transpose). */
const otherLayout = shapeRule("another layout", (ours, expected, context) => {
  if (ours.size !== expected.size || !close(reshape(ours, expected.shape), expected)) return undefined;
  return `${shapeHead(ours, expected, context)}: the numbers are right but laid out as ${
    formatShape(ours.shape)
  }; reshape(…, ${formatShape(expected.shape)})`;
});

/** A sum that kept one axis and reduced another: `[1, 27]` where `[32, 1]` was meant. */
const sumOverWrongAxis = shapeRule("sum over the wrong axis", (ours, expected, context) => {
  if (ours.shape.length !== expected.shape.length) return undefined;
  const summed = ours.shape.map((d, i) => d === 1 && expected.shape[i] !== 1 ? i : -1).filter((i) => i >= 0);
  const kept = expected.shape.map((d, i) => d === 1 && ours.shape[i] !== 1 ? i : -1).filter((i) => i >= 0);
  if (summed.length === 0 || kept.length === 0) return undefined;
  const advice = sumAdvice(expected, context) ||
    `${context.of} is ${formatShape(expected.shape)}: one number per ${kept.includes(0) ? "column" : "row"}`;
  return `${shapeHead(ours, expected, context)}: that is a sum over ${axesWords(summed)}, but ${advice}`;
});

/** No sum over the axes the forward pass broadcast over: `dlogits` for `db2`. */
const missingSum = shapeRule("missing sum over a broadcast axis", (ours, expected, context) => {
  const extra = extraAxes(ours, expected);
  if (!extra || !areBroadcastAxes(extra.axes, context)) return undefined;
  const right = close(sumToShape(ours, expected.shape), expected) ? " (the numbers are right once summed)" : "";
  return `${shapeHead(ours, expected, context)}: ${sumAdvice(expected, context)}${right}`;
});

/**
 * The fix when the `[n, 1]` index is the logits' argmax, kept with keepdim
 * (`logitArgmax`): its one-hot is `[n, 1, 27]`. The lecture's own line takes
 * the indices without keepdim; or the one-hot is reshaped. Both compile and
 * pass in exercise 3's stub, whose names they use.
 */
const ONE_HOT_OF_ARGMAX =
  ". oneHot(logitArgmax, vocabSize) is [n, 1, 27]: take the indices without keepdim, as the lecture does, " +
  "oneHot(logits.max(1).indices, vocabSize), or reshape the one-hot, oneHot(logitArgmax, vocabSize).reshape([n, vocabSize])";

/** An `[n, 1]` tensor met an `[n, …]` one and made an axis too many (`oneHot(logitArgmax, …)`). */
const extraAxisFromIndex = shapeRule("extra axis from an [n, 1] index", (ours, expected, context) => {
  const extra = extraAxes(ours, expected);
  if (!extra || areBroadcastAxes(extra.axes, context)) return undefined;
  if (extra.over !== 1 || ours.shape[0] !== ours.shape[1] || ours.shape[1] !== expected.shape[0]) return undefined;
  // Are its entries [i, i, …] the right numbers?
  const rest = expected.size / expected.shape[0];
  const diagonal = zeros(expected.shape);
  for (let i = 0; i < expected.shape[0]; i++) {
    const from = (i * ours.shape[1] + i) * rest;
    diagonal.data.set(ours.data.subarray(from, from + rest), i * rest);
  }
  const right = close(diagonal, expected) ? "; its entries [i, i, …] are the right numbers" : "";
  return `${
    shapeHead(ours, expected, context)
  }: an [n, 1] tensor was broadcast against an [n, …] one and made an axis too many${right}. ${context.of} was not broadcast in the forward pass, so no sum fixes this: look for an index or a mask of shape [n, 1]${
    context.of === "logits" ? ONE_HOT_OF_ARGMAX : ""
  }`;
});

/** Bigger than expected along axes the forward pass did not broadcast over: no sum fixes it. */
const extraAxisNotBroadcast = shapeRule("extra axis the forward pass did not broadcast", (ours, expected, context) => {
  const extra = extraAxes(ours, expected);
  if (!extra || areBroadcastAxes(extra.axes, context)) return undefined;
  return `${shapeHead(ours, expected, context)}: ${context.of} was not broadcast over ${
    axesWords(extra.axes)
  } in the forward pass, so no sum fixes this; find the line where the extra size came in`;
});

/** One row where every row is needed: the right numbers, not broadcast to the forward tensor's shape. */
const missingBroadcast = shapeRule("missing broadcast", (ours, expected, context) => {
  const spread = broadcastTo(ours, expected.shape);
  if (!spread || !close(spread, expected)) return undefined;
  return `${shapeHead(ours, expected, context)}: the numbers are right for every row, but ${context.of} is ${
    formatShape(expected.shape)
  }, so its gradient needs all of them: broadcast it, e.g. mul(ones(${context.of}.shape), …)`;
});

/**
 * The rules for a tensor of the wrong shape, in the order {@linkcode diagnose} tries them.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const expected = tensor([[3], [7]]); // a row sum with keepdim: [2, 1]
 * SHAPE_RULES.map((r) => r.explain(tensor([3, 7]), expected, { n: 2, name: "dx", of: "x" })).find((d) => d);
 * // "shape [2], expected [2, 1] (x's shape): the numbers are right; keep the reduced axis (keepdim = true)"
 * ```
 */
export const SHAPE_RULES: readonly Rule[] = [
  transposedShape,
  droppedKeepdim,
  keptKeepdim,
  otherLayout,
  sumOverWrongAxis,
  missingSum,
  extraAxisFromIndex,
  extraAxisNotBroadcast,
  missingBroadcast,
];

// ## Value rules: the right shape, the wrong numbers.

/** A rule for wrong numbers in the right shape: silent on another shape and on a right answer. */
function valueRule(name: string, explain: Rule["explain"]): Rule {
  return {
    name,
    explain: (ours, expected, context) =>
      !sameShape(ours.shape, expected.shape) || close(ours, expected) ? undefined : explain(ours, expected, context),
  };
}

/** The factor c that makes c · expected closest to `ours` (yours ÷ expected, by least squares); NaN for zeros. */
function factorOf(ours: Tensor, expected: Tensor): number {
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < ours.size; i++) {
    dot += ours.data[i] * expected.data[i];
    norm += expected.data[i] * expected.data[i];
  }
  return norm > 0 ? dot / norm : NaN;
}

/** The known factor `ours` is off by on the whole (yours ÷ expected), if any. */
function knownFactorOf(ours: Tensor, expected: Tensor, n: number) {
  const c = factorOf(ours, expected);
  return knownFactors(n).find((f) => Math.abs(c / f.value - 1) < 1e-3 && close(mul(ours, 1 / f.value), expected));
}

/** The whole gradient with the wrong sign. */
const signFlipped = valueRule("sign flipped", (ours, expected, { n }) => {
  if (knownFactorOf(ours, expected, n)?.value !== -1) return undefined;
  return "the sign is flipped: check the minus signs of the local derivative";
});

/** The whole gradient off by a factor n, 1/n, n − 1, 1/(n − 1), n/(n − 1), (n − 1)/n, 2 or ½. */
const knownFactor = valueRule("known factor", (ours, expected, { n }) => {
  const f = knownFactorOf(ours, expected, n);
  if (!f || f.value === -1) return undefined;
  return `off by a factor of ${f.name}: ${f.why}`;
});

/** Only one of the contributions of a tensor used twice. */
const contributionLeftOut = valueRule("contribution left out", (ours, _, { contributions }) => {
  const p = (contributions ?? []).find((p) => close(ours, p.tensor));
  return p && `this is only ${p.label}: ${p.advice}`;
});

/** Every contribution there, but one of them off by a known factor or a sign. */
const termOffByFactor = valueRule("one term off by a factor", (ours, expected, { n, contributions = [] }) => {
  if (contributions.length < 2) return undefined;
  for (const p of contributions) {
    const others = contributions.filter((q) => q !== p).reduce((acc, q) => add(acc, q.tensor), zeros(expected.shape));
    const term = sub(ours, others); // your version of p's term
    const f = knownFactors(n).find((f) => close(mul(term, 1 / f.value), p.tensor));
    if (!f) continue;
    const what = p.label.replace(/^the gradient /, "");
    return f.value === -1
      ? `the term ${what} has the wrong sign`
      : `the term ${what} is off by a factor of ${f.name}: ${f.why}`;
  }
  return undefined;
});

/** What to call a term off by factor `f`: missing, the wrong sign, its own factor left off, or another factor. */
function termOff(term: Term, f: { value: number; name: string; why: string }): string {
  if (f.value === 0) return `the term ${term.label} is missing`;
  if (f.value === -1) return `the term ${term.label} has the wrong sign`;
  if (term.factor && Math.abs(f.value * term.factor.value - 1) < 1e-9) {
    return `the term ${term.label} lacks its factor ${term.factor.name}: ${term.factor.why}`;
  }
  return `the term ${term.label} is off by a factor of ${f.name} (yours ÷ expected)`;
}

/** One term of a one-line formula missing, with the wrong sign, or off by a known factor (its own one left off). */
const formulaTermOff = valueRule("one term of a formula off", (ours, expected, { n, terms = [] }) => {
  if (terms.length < 2) return undefined;
  const factors = [{ value: 0, name: "0", why: "" }, ...knownFactors(n)];
  for (const term of terms) {
    if (term.tensor.data.every((x) => x === 0)) continue;
    const others = terms.filter((t) => t !== term).reduce((acc, t) => add(acc, t.tensor), zeros(expected.shape));
    const f = factors.find((f) => close(ours, add(others, mul(term.tensor, f.value))));
    if (f) return termOff(term, f);
  }
  return undefined;
});

/** A wrong formula the exercise knows learners write. */
const knownMistake = valueRule(
  "known mistake",
  (ours, _, { mistakes }) =>
    (mistakes ?? []).find((m) => sameShape(m.tensor.shape, ours.shape) && close(ours, m.tensor))?.label,
);

/** Whether rows `a` (at `i`) and `b` (at `j`) of width `width` agree within `torch.allclose`'s tolerance. */
function rowsClose(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, width: number): boolean {
  for (let k = 0; k < width; k++) {
    if (!(Math.abs(a[i * width + k] - b[j * width + k]) <= ATOL + RTOL * Math.abs(b[j * width + k]))) return false;
  }
  return true;
}

/**
 * A scatter that assigns where it must accumulate: each row of the table
 * that several rows were sent to holds one of them instead of their sum,
 * and every other row is right.
 */
const scatterAssigns = valueRule("scatter that assigns", (ours, expected, { name, scatter }) => {
  if (!scatter || expected.shape.length !== 2) return undefined;
  const [rows, width] = expected.shape;
  const { indices, src } = scatter;
  if (src.size !== indices.data.length * width) return undefined;
  const sent: number[][] = Array.from({ length: rows }, () => []);
  for (let k = 0; k < indices.data.length; k++) sent[indices.data[k]]?.push(k);
  const shared: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (sent[r].length > 1) {
      if (!sent[r].some((k) => rowsClose(ours.data, r, src.data, k, width))) return undefined;
      if (!rowsClose(ours.data, r, expected.data, r, width)) shared.push(r);
    } else if (!rowsClose(ours.data, r, expected.data, r, width)) return undefined;
  }
  if (shared.length === 0) return undefined;
  const list = shared.length > 6 ? `${shared.slice(0, 6).join(", ")}, …` : shared.join(", ");
  return `rows ${list} (${shared.length} of ${rows}: the ${scatter.row}s ${scatter.indexName} names more than once) ` +
    `each hold one of the ${scatter.srcName} rows sent to them, not their sum: your scatter assigns where it must ` +
    `add. A row named twice gets both: scatterAddRows(zeros(…), ${scatter.indexName}, ${scatter.srcName}) does ` +
    `that, or, in your loop, add each ${scatter.srcName} row to what row ${scatter.indexName}[k, j] of ${name} ` +
    `already holds instead of overwriting it`;
});

/** `formula.values` seen through a record that counts each read of a name and may answer one of them otherwise. */
function reading(formula: Formula, swap?: { name: string; by: Tensor; nth?: number }) {
  const reads = new Map<string, number>();
  const values = new Proxy(formula.values, {
    get(target, key) {
      const name = String(key);
      const nth = reads.get(name) ?? 0;
      reads.set(name, nth + 1);
      const swapped = swap?.name === name && (swap.nth === undefined || swap.nth === nth);
      return swapped ? swap.by : Reflect.get(target, key);
    },
  });
  return { values, reads };
}

/** The formula's value with `swap` made, or undefined when it throws. */
function computeWith(formula: Formula, swap?: { name: string; by: Tensor; nth?: number }) {
  const { values, reads } = reading(formula, swap);
  try {
    return { value: formula.compute(values), reads };
  } catch {
    return undefined;
  }
}

/**
 * A forward tensor (or parameter) in the formula swapped for another of the
 * same shape, in all of its uses or in one: `hpreact` for `h`.
 */
const forwardSwapped = valueRule("forward tensor swapped", (ours, _, { formula }) => {
  if (!formula) return undefined;
  const reads = computeWith(formula)?.reads ?? new Map<string, number>();
  for (const [used, count] of reads) {
    const u = formula.values[used];
    if (!formula.forward.includes(used) || !u) continue;
    for (const other of formula.forward) {
      const o = formula.values[other];
      if (other === used || !sameShape(o.shape, u.shape) || o.data.every((x, i) => x === u.data[i])) continue;
      const uses = count > 1 ? [undefined, ...Array.from({ length: count }, (_, k) => k)] : [undefined];
      for (const nth of uses) {
        const swapped = computeWith(formula, { name: used, by: o, nth })?.value;
        if (!swapped || !sameShape(swapped.shape, ours.shape) || !close(ours, swapped)) continue;
        const where = nth === undefined ? "" : ` in one of its ${count} uses`;
        return `this is the right formula with ${other} where ${used} belongs${where} (both ${
          formatShape(u.shape)
        }): write ${used} there`;
      }
    }
  }
  return undefined;
});

/** The local derivative alone: times the upstream gradient (and summed), it is right. */
const chainRuleLeftOut = valueRule("chain rule left out", (ours, expected, { upstream }) => {
  const name = Object.entries(upstream ?? {}).find(([, up]) => {
    const product = productSummedTo(ours, up, expected.shape);
    return product && close(product, expected);
  })?.[0];
  return name && `this is the local derivative alone: multiply it by the upstream ${name} (the chain rule)`;
});

/** A square gradient, transposed. */
const transposedSquare = valueRule("transposed square", (ours, expected) => {
  const [rows, cols] = expected.shape;
  return expected.shape.length === 2 && rows === cols && close(transpose(ours), expected)
    ? "it is transposed"
    : undefined;
});

/** The whole gradient off by some other constant factor. */
const constantFactor = valueRule("constant factor", (ours, expected) => {
  const c = factorOf(ours, expected);
  if (!Number.isFinite(c) || c === 0 || !close(mul(ours, 1 / c), expected)) return undefined;
  return `off by a constant factor of about ${c.toPrecision(4)} (yours ÷ expected)`;
});

/** Nothing computed: zeros (a `zeros(…)` never filled in). */
const allZeros = valueRule("all zeros", (ours) => ours.data.every((v) => v === 0) ? "it is all zeros" : undefined);

/**
 * The rules for wrong numbers in the right shape, in the order {@linkcode diagnose} tries them.
 *
 * @example
 * ```ts
 * import { mul, tensor } from "../tensor.ts";
 * const expected = tensor([[1, 2], [3, 4]]);
 * VALUE_RULES.map((r) => r.explain(mul(expected, 2), expected, { n: 32, name: "dx", of: "x" })).find((d) => d);
 * // "off by a factor of 2: there is a factor 2 too many (d/dx x² = 2x has one 2; d/dx x^(−1/2) = −½ x^(−3/2))"
 * ```
 */
export const VALUE_RULES: readonly Rule[] = [
  signFlipped,
  knownFactor,
  contributionLeftOut,
  termOffByFactor,
  formulaTermOff,
  knownMistake,
  scatterAssigns,
  forwardSwapped,
  chainRuleLeftOut,
  transposedSquare,
  constantFactor,
  allZeros,
];

/** What the first of `rules` that explains `ours` says, or undefined. */
function firstExplanation(rules: readonly Rule[], ours: Tensor, expected: Tensor, context: DiagnoseContext) {
  for (const rule of rules) {
    const said = rule.explain(ours, expected, context);
    if (said) return said;
  }
  return undefined;
}

/**
 * Compares a learner's gradient with the expected one and, when it is
 * wrong, names the mistake if a rule's explanation reproduces the numbers,
 * or says where and by how much they are off.
 *
 * @example
 * ```ts
 * import { fromArray } from "../tensor.ts";
 * diagnose(fromArray([1, 2], [2]), fromArray([1, 2], [1, 2]), { n: 32, name: "dx", of: "x" }).detail;
 * // "shape [2], expected [1, 2] (x's shape): the numbers are right; keep the reduced axis (keepdim = true)"
 * ```
 */
export function diagnose(ours: Tensor, expected: Tensor, context: DiagnoseContext): Diagnosis {
  const bad = nonFinite(ours);
  if (!sameShape(ours.shape, expected.shape)) {
    const advice = sumAdvice(expected, context);
    const shape = firstExplanation(SHAPE_RULES, ours, expected, context) ??
      (advice ? `${shapeHead(ours, expected, context)}; ${advice}` : shapeHead(ours, expected, context));
    return { status: "wrong", detail: bad ? `${shape}; also, ${bad}` : shape, maxdiff: NaN };
  }
  if (bad) return { status: "wrong", detail: bad, maxdiff: NaN };
  const row = compareGradient("", ours, expected);
  if (row.exact) return { status: "exact", detail: "", maxdiff: 0 };
  if (row.approximate) return { status: "approximate", detail: "", maxdiff: row.maxdiff };
  const detail = firstExplanation(VALUE_RULES, ours, expected, context) ?? whereOff(ours, expected);
  return { status: "wrong", detail, maxdiff: row.maxdiff };
}
