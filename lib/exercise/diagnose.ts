/**
 * Naming a learner's mistake by testing explanations against the numbers.
 * Each candidate cause (the chain rule's upstream factor left out, a factor
 * 2, ½, n, 1/n or n − 1 on the whole or on one term, a wrong sign on one
 * term, a term of a tensor used twice left out, a dropped epsilon, a sum
 * over the wrong axis, a missing broadcast, a transpose) is undone on the
 * learner's tensor, and it is named only when that reproduces the expected
 * gradient. When nothing explains the numbers, {@linkcode diagnose} says
 * where they are off (which rows and columns) and by how much. It advises a
 * sum over an axis only when the forward pass broadcast over that axis.
 *
 * @example
 * ```ts
 * import { diagnose } from "./diagnose.ts";
 * import { mul, tensor } from "../tensor.ts";
 * const expected = tensor([[1, 2], [3, 4]]);
 * diagnose(mul(expected, -1), expected, { n: 32, name: "dx", of: "x" }).detail; // "the sign is flipped: …"
 * ```
 * @module
 */

import { ATOL, compareGradient, RTOL } from "../check/compare.ts";
import {
  add,
  broadcastShapes,
  formatShape,
  mul,
  reshape,
  type Shape,
  sub,
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

/** One of the contributions to a gradient of a tensor that is used twice. */
export interface Partial {
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
  partials?: Partial[];
  /** Known wrong formulas for this gradient. */
  mistakes?: Mistake[];
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
      why: "the forward pass divides by n − 1 here, not n (or the other way round)",
    },
    { value: n - 1, name: `n − 1 = ${n - 1}`, why: "the variance divides by n − 1: multiply by 1/(n − 1)" },
    { value: 1 / (n - 1), name: `1/(n − 1)`, why: "there is a 1/(n − 1) too many" },
    { value: 2, name: "2", why: "there is a factor 2 too many (d/dx x² = 2x has one 2; d/dx x^(−1/2) = −½ x^(−3/2))" },
    { value: 0.5, name: "½", why: "a factor 2 is missing: d/dx x² = 2x" },
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

/** The diagnosis of a tensor of the wrong shape. */
function diagnoseShape(ours: Tensor, expected: Tensor, context: DiagnoseContext): string {
  const { name, of, broadcastAxes } = context;
  const got = formatShape(ours.shape);
  const want = formatShape(expected.shape);
  const head = `shape ${got}, expected ${want} (${of}'s shape)`;
  const sumAdvice = broadcastAxes?.length
    ? `${of} was broadcast over ${axesWords(broadcastAxes)} in the forward pass, so ${name} sums over ${
      axesWords(broadcastAxes)
    }${expected.shape.length > 1 ? " (keepdim = true)" : ""}`
    : "";
  // The same numbers in another shape.
  if (ours.size === expected.size) {
    if (expected.shape.length === 2 && sameShape(ours.shape, [expected.shape[1], expected.shape[0]])) {
      if (close(transpose(ours), expected)) return `${head}: it is transposed; swap the operands or transpose it`;
    }
    if (close(reshape(ours, expected.shape), expected)) {
      const squeezed = expected.shape.filter((d) => d !== 1);
      return sameShape(ours.shape, squeezed)
        ? `${head}: the numbers are right; keep the reduced axis (keepdim = true)`
        : `${head}: the numbers are right but laid out as ${got}; reshape(…, ${want})`;
    }
  }
  // Summed over an axis other than the one the forward pass broadcast over.
  if (ours.shape.length === expected.shape.length) {
    const summed = ours.shape.map((d, i) => d === 1 && expected.shape[i] !== 1 ? i : -1).filter((i) => i >= 0);
    const kept = expected.shape.map((d, i) => d === 1 && ours.shape[i] !== 1 ? i : -1).filter((i) => i >= 0);
    if (summed.length > 0 && kept.length > 0) {
      return `${head}: that is a sum over ${axesWords(summed)}, but ${
        sumAdvice || `${of} is ${want}: one number per ${kept.includes(0) ? "column" : "row"}`
      }`;
    }
  }
  // Bigger than expected.
  const bigger = (() => {
    try {
      return sameShape(broadcastShapes(expected.shape, ours.shape), ours.shape);
    } catch {
      return false;
    }
  })();
  if (bigger) {
    const over = ours.shape.length - expected.shape.length;
    const axes = ours.shape.map((_, i) => i).filter((i) =>
      i < over || (expected.shape[i - over] === 1 && ours.shape[i] !== 1)
    );
    if (broadcastAxes?.length && axes.length === broadcastAxes.length && axes.every((a, i) => a === broadcastAxes[i])) {
      const right = close(sumToShape(ours, expected.shape), expected);
      return `${head}: ${sumAdvice}${right ? " (the numbers are right once summed)" : ""}`;
    }
    // An [n, 1] tensor met an [n, …] one and made an axis too many: are the entries [i, i, …] right?
    if (over === 1 && ours.shape[0] === ours.shape[1] && ours.shape[1] === expected.shape[0]) {
      const rest = expected.size / expected.shape[0];
      const diagonal = zeros(expected.shape);
      for (let i = 0; i < expected.shape[0]; i++) {
        diagonal.data.set(
          ours.data.subarray((i * ours.shape[1] + i) * rest, (i * ours.shape[1] + i + 1) * rest),
          i * rest,
        );
      }
      const right = close(diagonal, expected) ? "; its entries [i, i, …] are the right numbers" : "";
      return `${head}: an [n, 1] tensor was broadcast against an [n, …] one and made an axis too many${right}. ${of} was not broadcast in the forward pass, so no sum fixes this: look for an index or a mask of shape [n, 1] (oneHot(logitArgmax, …) is [n, 1, 27]; indexTensor(logitArgmax.data, [n]) first)`;
    }
    return `${head}: ${of} was not broadcast over ${
      axesWords(axes)
    } in the forward pass, so no sum fixes this; find the line where the extra size came in`;
  }
  // Smaller than expected: a broadcast left out?
  const spread = broadcastTo(ours, expected.shape);
  if (spread && close(spread, expected)) {
    return `${head}: the numbers are right for every row, but ${of} is ${want}, so its gradient needs all of them: broadcast it, e.g. mul(ones(${of}.shape), …)`;
  }
  return sumAdvice ? `${head}; ${sumAdvice}` : head;
}

/** The first explanation that, undone, reproduces `expected`, or "". */
function explain(ours: Tensor, expected: Tensor, context: DiagnoseContext): string {
  const { n } = context;
  const factors = knownFactors(n);
  // The whole tensor off by a known factor (including the sign).
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < ours.size; i++) {
    dot += ours.data[i] * expected.data[i];
    norm += expected.data[i] * expected.data[i];
  }
  const c = norm > 0 ? dot / norm : NaN;
  for (const f of factors) {
    if (Math.abs(c / f.value - 1) < 1e-3 && close(mul(ours, 1 / f.value), expected)) {
      return f.value === -1
        ? "the sign is flipped: check the minus signs of the local derivative"
        : `off by a factor of ${f.name}: ${f.why}`;
    }
  }
  // A tensor used twice: one term left out, or one term off by a factor or a sign.
  const partials = context.partials ?? [];
  for (const p of partials) {
    if (close(ours, p.tensor)) return `this is only ${p.label}: ${p.advice}`;
  }
  if (partials.length > 1) {
    for (const p of partials) {
      const others = partials.filter((q) => q !== p).reduce((acc, q) => add(acc, q.tensor), zeros(expected.shape));
      const term = sub(ours, others); // your version of p's term
      for (const f of factors) {
        if (close(mul(term, 1 / f.value), p.tensor)) {
          return f.value === -1
            ? `the term ${p.label.replace(/^the gradient /, "")} has the wrong sign`
            : `the term ${p.label.replace(/^the gradient /, "")} is off by a factor of ${f.name}: ${f.why}`;
        }
      }
    }
  }
  for (const m of context.mistakes ?? []) {
    if (sameShape(m.tensor.shape, ours.shape) && close(ours, m.tensor)) return m.label;
  }
  // The chain rule: the local derivative alone, without the upstream gradient.
  for (const [name, up] of Object.entries(context.upstream ?? {})) {
    const product = productSummedTo(ours, up, expected.shape);
    if (product && close(product, expected)) {
      return `this is the local derivative alone: multiply it by the upstream ${name} (the chain rule)`;
    }
  }
  if (expected.shape.length === 2 && expected.shape[0] === expected.shape[1] && close(transpose(ours), expected)) {
    return "it is transposed";
  }
  if (Number.isFinite(c) && c !== 0 && close(mul(ours, 1 / c), expected)) {
    return `off by a constant factor of about ${c.toPrecision(4)} (yours ÷ expected)`;
  }
  if (ours.data.every((v) => v === 0)) return "it is all zeros";
  return "";
}

/**
 * Compares a learner's gradient with the expected one and, when it is
 * wrong, names the mistake if an explanation reproduces the numbers, or
 * says where and by how much they are off.
 *
 * @example
 * ```ts
 * diagnose(fromArray([1, 2], [2]), fromArray([1, 2], [1, 2]), { n: 32, name: "dx", of: "x" }).detail;
 * // "shape [2], expected [1, 2] (x's shape): the numbers are right; keep the reduced axis (keepdim = true)"
 * ```
 */
export function diagnose(ours: Tensor, expected: Tensor, context: DiagnoseContext): Diagnosis {
  const bad = nonFinite(ours);
  if (!sameShape(ours.shape, expected.shape)) {
    const shape = diagnoseShape(ours, expected, context);
    return { status: "wrong", detail: bad ? `${shape}; also, ${bad}` : shape, maxdiff: NaN };
  }
  if (bad) return { status: "wrong", detail: bad, maxdiff: NaN };
  const row = compareGradient("", ours, expected);
  if (row.exact) return { status: "exact", detail: "", maxdiff: 0 };
  if (row.approximate) return { status: "approximate", detail: "", maxdiff: row.maxdiff };
  const detail = explain(ours, expected, context) || whereOff(ours, expected);
  return { status: "wrong", detail, maxdiff: row.maxdiff };
}
