/**
 * Single-precision `log`, `sin` and `cos` as PyTorch computes them when it
 * fills a float tensor with normal samples on an x86-64 CPU with AVX2.
 *
 * PyTorch's `normal_fill_16_AVX2` takes its logarithm and its sine and cosine
 * from the Cephes polynomials of `avx_mathfun.h`, evaluated in float32, and
 * GCC fuses each multiply that feeds an add into one fused multiply-add.
 * `Math.log`, `Math.sin` and `Math.cos` are more accurate, and so they
 * disagree with PyTorch in the last bit for about one sample in a hundred.
 * Reproducing PyTorch bit for bit means reproducing its arithmetic, step by
 * step, with every intermediate rounded to float32 by `Math.fround`.
 *
 * @example
 * ```ts
 * import { logf, sincosf } from "./cephes.ts";
 * logf(0.5); // -0.6931471824645996, ln(0.5) in float32
 * const [s, c] = sincosf(1); // [0.8414709568023682, 0.5403022766113281]
 * ```
 * @module
 */

const f = Math.fround;

/**
 * A fused multiply-add `a · b + c` rounded once to float32. The product of
 * two float32 numbers is exact in float64, so only the sum rounds twice; that
 * double rounding can differ from a true FMA in about one case in 2^29.
 */
function fma(a: number, b: number, c: number): number {
  return f(a * b + c);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

const SQRTHF = f(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2,
  -1.1514610310e-1,
  1.1676998740e-1,
  -1.2420140846e-1,
  1.4249322787e-1,
  -1.6668057665e-1,
  2.0000714765e-1,
  -2.4999993993e-1,
  3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const MIN_NORM_POS = 1.1754943508222875e-38;

/**
 * The natural logarithm in float32, as `log256_ps` computes it.
 *
 * @example
 * ```ts
 * logf(1); // 0
 * ```
 */
export function logf(value: number): number {
  if (!(value > 0)) return value === 0 ? -Infinity : NaN;
  // Split x into a mantissa in [0.5, 1) and an exponent.
  f32[0] = Math.max(f(value), MIN_NORM_POS);
  const exponent = (u32[0] >>> 23) - 0x7f;
  u32[0] = (u32[0] & ~0x7f800000) | 0x3f000000;
  let x = f32[0];
  let e = f(exponent + 1);
  // Bring the mantissa into [sqrt(1/2), sqrt(2)) around 1.
  if (x < SQRTHF) {
    e = f(e - 1);
    x = f(f(x - 1) + x);
  } else {
    x = f(x - 1);
  }
  const z = f(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = fma(y, x, LOG_P[i]);
  y = f(y * x);
  y = fma(y, z, f(e * LOG_Q1));
  y = fma(-z, 0.5, y);
  x = f(x + y);
  return fma(e, LOG_Q2, x);
}

const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const COS_P = [2.443315711809948e-005, -1.388731625493765e-003, 4.166664568298827e-002].map(f);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);

/**
 * Sine and cosine together in float32, as `sincos256_ps` computes them.
 *
 * @example
 * ```ts
 * sincosf(0); // [0, 1]
 * ```
 */
export function sincosf(value: number): [sin: number, cos: number] {
  let x = Math.abs(f(value));
  let sinSign = value < 0 ? -1 : 1;
  // Reduce x to [-pi/4, pi/4] by subtracting j·pi/4 with an even octant j.
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  if (j & 4) sinSign = -sinSign;
  // In octants 2, 3, 6 and 7 the roles of the two polynomials swap.
  const swap = (j & 2) !== 0;
  const cosSign = ((j - 2) & 4) === 0 ? -1 : 1;
  x = fma(y, DP1, x);
  x = fma(y, DP2, x);
  x = fma(y, DP3, x);
  const z = f(x * x);
  // The cosine polynomial, for the octants where cos is near 1.
  let c = COS_P[0];
  c = fma(c, z, COS_P[1]);
  c = fma(c, z, COS_P[2]);
  c = f(c * z);
  c = fma(c, z, f(-z * 0.5));
  c = f(c + 1);
  // The sine polynomial.
  let s = SIN_P[0];
  s = fma(s, z, SIN_P[1]);
  s = fma(s, z, SIN_P[2]);
  s = f(s * z);
  s = fma(s, x, x);
  const sin = swap ? c : s;
  const cos = swap ? s : c;
  return [sinSign * sin, cosSign * cos];
}
