/**
 * Naming a learner's mistake. A wrong gradient usually has a signature: a
 * `[64]` where `[1, 64]` was due (a dropped keepdim), a `[32, 27]` where
 * `[27]` was due (a missing sum over a broadcast axis), the right numbers
 * times n or n/(n − 1), a flipped sign, a transpose, or only one of the two
 * contributions of a tensor used twice. {@linkcode diagnose} tries each and
 * says which it found, in a sentence a learner can act on.
 *
 * @example
 * ```ts
 * import { diagnose } from "./diagnose.ts";
 * import { mul, tensor } from "../tensor.ts";
 * const expected = tensor([[1, 2], [3, 4]]);
 * diagnose(mul(expected, -1), expected, { n: 32 }).detail; // "the sign is flipped: …"
 * ```
 * @module
 */

import { compareGradient } from "../check/compare.ts";
import { div, formatShape, neg, reshape, type Shape, sumToShape, type Tensor, transpose } from "../tensor.ts";

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
  /** What to do about it, e.g. "counts is used again in countsSum: add that contribution too". */
  advice: string;
}

/** What {@linkcode diagnose} may use besides the two tensors. */
export interface DiagnoseContext {
  /** The batch size, to recognise factors of n and n − 1. */
  n: number;
  /** The separate contributions of a gradient that accumulates. */
  partials?: Partial[];
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);
const close = (ours: Tensor, expected: Tensor) => compareGradient("", ours, expected).approximate;

/** The constant factors a learner is likely to be off by, with what each means. */
function knownFactors(n: number): { value: number; name: string; why: string }[] {
  return [
    { value: n, name: `n = ${n}`, why: "a mean divides by n: multiply by 1/n" },
    { value: 1 / n, name: `1/n = 1/${n}`, why: "there is a 1/n too many" },
    {
      value: n / (n - 1),
      name: `n/(n − 1) = ${n}/${n - 1}`,
      why: "the variance divides by n − 1 (Bessel's correction), not n",
    },
    {
      value: (n - 1) / n,
      name: `(n − 1)/n = ${n - 1}/${n}`,
      why: "the variance divides by n − 1 (Bessel's correction), not n",
    },
    { value: n - 1, name: `n − 1 = ${n - 1}`, why: "the variance divides by n − 1: multiply by 1/(n − 1)" },
    { value: 1 / (n - 1), name: `1/(n − 1)`, why: "there is a 1/(n − 1) too many" },
    { value: 2, name: "2", why: "d/dx x² = 2x: check the factor 2" },
    { value: 0.5, name: "1/2", why: "d/dx x² = 2x, and d/dx x^(−1/2) = −½ x^(−3/2): check the factors of 2" },
  ];
}

/** The axes `sumToShape` would sum over to bring `big` back to `small`, in words. */
function summedAxes(big: Shape, small: Shape): string {
  const shift = big.length - small.length;
  const axes = big.map((_, i) => i).filter((i) => i < shift || (small[i - shift] === 1 && big[i] !== 1));
  return axes.length === 1 ? `axis ${axes[0]}` : `axes ${axes.join(" and ")}`;
}

/** Whether `small` broadcasts to `big` (and is smaller). */
function broadcastsTo(small: Shape, big: Shape): boolean {
  if (small.length > big.length) return false;
  const shift = big.length - small.length;
  return small.every((d, i) => d === big[i + shift] || d === 1) && !sameShape(small, big);
}

/**
 * Compares a learner's gradient with the expected one and, when it is
 * wrong, names the likely mistake.
 *
 * @example
 * ```ts
 * diagnose(fromArray([1, 2], [2]), fromArray([1, 2], [1, 2]), { n: 32 }).detail;
 * // "shape [2], expected [1, 2]: the numbers are right; keep the reduced axis (keepdim = true)"
 * ```
 */
export function diagnose(ours: Tensor, expected: Tensor, context: DiagnoseContext): Diagnosis {
  const { n } = context;
  const got = formatShape(ours.shape);
  const want = formatShape(expected.shape);
  if (!sameShape(ours.shape, expected.shape)) {
    const wrong = (detail: string): Diagnosis => ({ status: "wrong", detail, maxdiff: NaN });
    if (ours.size === expected.size) {
      if (close(reshape(ours, expected.shape), expected)) {
        return wrong(`shape ${got}, expected ${want}: the numbers are right; keep the reduced axis (keepdim = true)`);
      }
      if (expected.shape.length === 2 && sameShape(ours.shape, [expected.shape[1], expected.shape[0]])) {
        if (close(transpose(ours), expected)) return wrong(`shape ${got}, expected ${want}: it is transposed`);
      }
      return wrong(`shape ${got}, expected ${want}, and the numbers are off too`);
    }
    if (broadcastsTo(expected.shape, ours.shape)) {
      const axes = summedAxes(ours.shape, expected.shape);
      const right = close(sumToShape(ours, expected.shape), expected);
      return wrong(
        `shape ${got}, expected ${want}: that tensor was broadcast in the forward pass, so its gradient is summed over ${axes}${
          right ? " (the numbers are right once summed)" : ""
        }`,
      );
    }
    return wrong(`shape ${got}, expected ${want}`);
  }

  const row = compareGradient("", ours, expected);
  if (row.exact) return { status: "exact", detail: "", maxdiff: 0 };
  if (row.approximate) return { status: "approximate", detail: "", maxdiff: row.maxdiff };
  const wrong = (detail: string): Diagnosis => ({ status: "wrong", detail, maxdiff: row.maxdiff });

  if (close(neg(ours), expected)) return wrong("the sign is flipped: check the minus signs of the local derivative");
  for (const partial of context.partials ?? []) {
    if (close(ours, partial.tensor)) return wrong(`this is only ${partial.label}: ${partial.advice}`);
  }
  // The least-squares factor c with ours ≈ c · expected.
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < ours.size; i++) {
    dot += ours.data[i] * expected.data[i];
    norm += expected.data[i] * expected.data[i];
  }
  const c = norm > 0 ? dot / norm : NaN;
  if (Number.isFinite(c) && c !== 0 && close(div(ours, c), expected)) {
    for (const factor of knownFactors(n)) {
      if (Math.abs(c / factor.value - 1) < 1e-3) return wrong(`off by a factor of ${factor.name}: ${factor.why}`);
    }
    return wrong(`off by a constant factor of about ${c.toPrecision(4)}`);
  }
  if (expected.shape.length === 2 && expected.shape[0] === expected.shape[1] && close(transpose(ours), expected)) {
    return wrong("it is transposed");
  }
  if (ours.data.every((v) => v === 0)) return wrong("it is all zeros");
  return wrong(`the numbers are off (maxdiff ${row.maxdiff.toExponential(2)})`);
}
