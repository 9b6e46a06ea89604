// The training step of the lecture's network in WebAssembly SIMD, written in
// AssemblyScript (TypeScript syntax, compiled to WebAssembly by `deno task wasm`;
// the compiled module is kernels.wasm, its bytes are in kernels_wasm.ts).
//
// These are the kernels of ../kernels.ts, one for one except the first layer
// (embedding.as.ts computes it from the batch's distinct characters), in
// float32 (the lecture's dtype) and four numbers at a time: a `v128` holds four float32,
// and `f32x4.relaxed_madd(a, b, c)` is a·b + c in one fused instruction where
// the processor has one. Read ../kernels.ts first; it is the same arithmetic,
// plainly. What differs here:
//
// - Memory is laid out once, by step.ts, in this module's linear memory. A
//   `Layout` record (its fields are in layout.ts) at a fixed address tells
//   `step` where every buffer is, so one call from TypeScript runs a whole
//   training step.
// - Every buffer starts on a 16-byte boundary and is followed by at least 64
//   bytes of slack. A row whose length is not a multiple of four (27 logits,
//   10 numbers of C) is read four numbers at a time all the same, the last read
//   reaching into the next row or the slack; those extra lanes are computed
//   and then not stored (`storeLanes`).
// - In this network every gradient buffer has exactly one kernel that writes
//   it, so the backward kernels write (`=`) instead of accumulating (`+=`),
//   which saves zeroing them each step. The exception is dC: a row of C used
//   at several positions collects all their gradients, so it is zeroed first.
// - Every product runs along the 200 hidden units, as a native step written
//   for speed does: W2 is held transposed, W2ᵀ [V, H] (nn.Linear's layout;
//   step.ts turns it on the way in and out), the logits and dlogits are kept
//   transposed, [V, n] (`matmulT`). No weight is transposed during a step, no product has rows of 27 or 30 numbers to
//   split into vectors of four, and softmax with cross-entropy runs across
//   four examples at a time (`crossEntropyT`), in one pass with its backward.

// ---------------------------------------------------------------------------
// Where everything is: a `Layout` record, written once by step.ts. Its fields
// (n, B, E, H, V, then the address of every buffer) are listed once, in
// layout.ts; build.ts generates this class from that list and hands it to the
// compiler as the module "./layout".

import { Layout } from "./layout";
import { at, fma, store16, storeLanes } from "./simd";
import { distinctCharacters, firstLayerBackward, firstLayerForward } from "./embedding";
import { matmul, matmulT, sumRows } from "./matmul";

// ---------------------------------------------------------------------------
// The first layer, hprebn = embcat @ W1 + b1, and its backward, from the
// batch's distinct characters (embcat is never made): in embedding.as.ts.

export { distinctCharacters, firstLayerBackward, firstLayerForward, gatherRows, sumRowsBy } from "./embedding";

// ---------------------------------------------------------------------------
// The matrix product, the transpose and the row sums are in matmul.as.ts.

export { matmul, matmulT, sumRows } from "./matmul";

// ---------------------------------------------------------------------------
// Batch normalisation (training mode) fused with tanh, forward and backward:
// ../kernels.ts's batchnormForward, tanhForward, tanhBackward and
// batchnormBackward, with fewer passes over the rows

/**
 * batchnormForward and tanhForward together: h = tanh(gain·bnraw + bias),
 * the same arithmetic, sixteen hidden units at a time while whole sixteens
 * remain, then four at a time. For each group the rows are read three times
 * while they are still in the cache: for the sums, for the squared
 * deviations from the mean (a pass of its own, so that the variance is as
 * accurate as the plain formula's; Σx² − n·mean² in float32 is not when the
 * mean is large), and to normalise them, with the mean and 1/√(variance + ε)
 * kept in registers throughout; hpreact is never stored.
 */
export function batchnormTanhForward(
  out: usize, bnraw: usize, varInv: usize, mean: usize, variance: usize,
  inp: usize, gain: usize, bias: usize, n: i32, H: i32,
): void {
  let c = 0;
  for (; c + 16 <= H; c += 16) forwardColumns16(out, bnraw, varInv, mean, variance, inp, gain, bias, n, H, c);
  for (; c < H; c += 4) forwardColumns4(out, bnraw, varInv, mean, variance, inp, gain, bias, n, H, c);
}

/**
 * Units c to c + 15 of batchnormTanhForward, all of them inside the row:
 * every store is a whole vector, and the loops test nothing but their
 * count. The mean and the variance are stored first (columnMeans16,
 * columnVariances16), then normalised and passed through tanh row by row.
 */
function forwardColumns16(
  out: usize, bnraw: usize, varInv: usize, mean: usize, variance: usize,
  inp: usize, gain: usize, bias: usize, n: i32, H: i32, c: i32,
): void {
  columnMeans16(mean, inp, n, H, c);
  columnVariances16(variance, varInv, mean, inp, n, H, c);
  const m = at(mean, c), v = at(varInv, c);
  const m0 = v128.load(m), m1 = v128.load(m, 16), m2 = v128.load(m, 32), m3 = v128.load(m, 48);
  const r0 = v128.load(v), r1 = v128.load(v, 16), r2 = v128.load(v, 32), r3 = v128.load(v, 48);
  const rowBytes = <usize>H << 2, g = at(gain, c), b = at(bias, c);
  let p = at(inp, c), q = at(bnraw, c), o = at(out, c);
  for (let i = 0; i < n; i++) {
    normaliseTanh(p, q, o, g, b, m0, r0);
    normaliseTanh(p + 16, q + 16, o + 16, g + 16, b + 16, m1, r1);
    normaliseTanh(p + 32, q + 32, o + 32, g + 32, b + 32, m2, r2);
    normaliseTanh(p + 48, q + 48, o + 48, g + 48, b + 48, m3, r3);
    p += rowBytes;
    q += rowBytes;
    o += rowBytes;
  }
}

/**
 * The mean of units c to c + 15 over the rows. Each sum is kept as two, of
 * the even and of the odd rows, added at the end: eight independent chains
 * of additions instead of four, so the processor need not wait for one
 * addition to finish before starting the next.
 */
@inline function columnMeans16(mean: usize, inp: usize, n: i32, H: i32, c: i32): void {
  const rowBytes = <usize>H << 2, last = at(inp, c) + <usize>(n - 1) * rowBytes;
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
  let p = at(inp, c);
  for (let i = 1; i < n; i += 2) {
    s0 = f32x4.add(s0, v128.load(p));
    s1 = f32x4.add(s1, v128.load(p, 16));
    s2 = f32x4.add(s2, v128.load(p, 32));
    s3 = f32x4.add(s3, v128.load(p, 48));
    t0 = f32x4.add(t0, v128.load(p + rowBytes));
    t1 = f32x4.add(t1, v128.load(p + rowBytes, 16));
    t2 = f32x4.add(t2, v128.load(p + rowBytes, 32));
    t3 = f32x4.add(t3, v128.load(p + rowBytes, 48));
    p += rowBytes << 1;
  }
  if (n & 1) {
    s0 = f32x4.add(s0, v128.load(last));
    s1 = f32x4.add(s1, v128.load(last, 16));
    s2 = f32x4.add(s2, v128.load(last, 32));
    s3 = f32x4.add(s3, v128.load(last, 48));
  }
  const invN = f32x4.splat(1 / <f32>n), m = at(mean, c);
  v128.store(m, f32x4.mul(f32x4.add(s0, t0), invN));
  v128.store(m, f32x4.mul(f32x4.add(s1, t1), invN), 16);
  v128.store(m, f32x4.mul(f32x4.add(s2, t2), invN), 32);
  v128.store(m, f32x4.mul(f32x4.add(s3, t3), invN), 48);
}

/**
 * The variance of units c to c + 15 (Bessel-corrected) from their squared
 * deviations from the stored mean, and varInv = 1/√(variance + 1e-5); the
 * sums in two chains, as in columnMeans16.
 */
@inline function columnVariances16(variance: usize, varInv: usize, mean: usize, inp: usize, n: i32, H: i32, c: i32): void {
  const rowBytes = <usize>H << 2, last = at(inp, c) + <usize>(n - 1) * rowBytes, pm = at(mean, c);
  const m0 = v128.load(pm), m1 = v128.load(pm, 16), m2 = v128.load(pm, 32), m3 = v128.load(pm, 48);
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
  let p = at(inp, c);
  for (let i = 1; i < n; i += 2) {
    const d0 = f32x4.sub(v128.load(p), m0), d1 = f32x4.sub(v128.load(p, 16), m1);
    const d2 = f32x4.sub(v128.load(p, 32), m2), d3 = f32x4.sub(v128.load(p, 48), m3);
    const e0 = f32x4.sub(v128.load(p + rowBytes), m0), e1 = f32x4.sub(v128.load(p + rowBytes, 16), m1);
    const e2 = f32x4.sub(v128.load(p + rowBytes, 32), m2), e3 = f32x4.sub(v128.load(p + rowBytes, 48), m3);
    s0 = fma(d0, d0, s0);
    s1 = fma(d1, d1, s1);
    s2 = fma(d2, d2, s2);
    s3 = fma(d3, d3, s3);
    t0 = fma(e0, e0, t0);
    t1 = fma(e1, e1, t1);
    t2 = fma(e2, e2, t2);
    t3 = fma(e3, e3, t3);
    p += rowBytes << 1;
  }
  if (n & 1) {
    const d0 = f32x4.sub(v128.load(last), m0), d1 = f32x4.sub(v128.load(last, 16), m1);
    const d2 = f32x4.sub(v128.load(last, 32), m2), d3 = f32x4.sub(v128.load(last, 48), m3);
    s0 = fma(d0, d0, s0);
    s1 = fma(d1, d1, s1);
    s2 = fma(d2, d2, s2);
    s3 = fma(d3, d3, s3);
  }
  unitStats(variance, varInv, c, f32x4.add(s0, t0), n);
  unitStats(variance, varInv, c + 4, f32x4.add(s1, t1), n);
  unitStats(variance, varInv, c + 8, f32x4.add(s2, t2), n);
  unitStats(variance, varInv, c + 12, f32x4.add(s3, t3), n);
}

/** Units c to c + 3 of batchnormTanhForward, as far as H reaches (the last, partial vector of a row). */
function forwardColumns4(
  out: usize, bnraw: usize, varInv: usize, mean: usize, variance: usize,
  inp: usize, gain: usize, bias: usize, n: i32, H: i32, c: i32,
): void {
  const rowBytes = <usize>H << 2, first = at(inp, c), lanes = H - c;
  let s = f32x4.splat(0);
  let p = first;
  for (let i = 0; i < n; i++) {
    s = f32x4.add(s, v128.load(p));
    p += rowBytes;
  }
  const m = f32x4.mul(s, f32x4.splat(1 / <f32>n));
  s = f32x4.splat(0);
  p = first;
  for (let i = 0; i < n; i++) {
    const d = f32x4.sub(v128.load(p), m);
    s = fma(d, d, s);
    p += rowBytes;
  }
  const v = f32x4.mul(s, f32x4.splat(1 / <f32>(n - 1)));
  const r = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(v, f32x4.splat(1e-5))));
  storeLanes(at(mean, c), m, lanes);
  storeLanes(at(variance, c), v, lanes);
  storeLanes(at(varInv, c), r, lanes);
  const g = v128.load(at(gain, c)), b = v128.load(at(bias, c));
  p = first;
  let q = at(bnraw, c), o = at(out, c);
  for (let i = 0; i < n; i++) {
    const y = f32x4.mul(f32x4.sub(v128.load(p), m), r);
    storeLanes(q, y, lanes);
    storeLanes(o, tanh4(fma(g, y, b)), lanes);
    p += rowBytes;
    q += rowBytes;
    o += rowBytes;
  }
}

/**
 * Stores four units' variance (from their sum of squared deviations,
 * Bessel-corrected) and varInv = 1/√(variance + 1e-5).
 */
@inline function unitStats(variance: usize, varInv: usize, c: i32, squares: v128, n: i32): void {
  const v = f32x4.mul(squares, f32x4.splat(1 / <f32>(n - 1)));
  v128.store(at(variance, c), v);
  v128.store(at(varInv, c), f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(v, f32x4.splat(1e-5)))));
}

/** Four units of one row: bnraw = (x − mean)·varInv, h = tanh(gain·bnraw + bias). */
@inline function normaliseTanh(x: usize, bnraw: usize, out: usize, gain: usize, bias: usize, m: v128, r: v128): void {
  const y = f32x4.mul(f32x4.sub(v128.load(x), m), r);
  v128.store(bnraw, y);
  v128.store(out, tanh4(fma(v128.load(gain), y, v128.load(bias))));
}

/**
 * tanhBackward and batchnormBackward of ../kernels.ts (and db1, the next
 * layer's bias gradient) with fewer passes, sixteen hidden units at a time
 * while whole sixteens remain (whole vectors, no test of where a row ends),
 * then four at a time. Chapter 8's fused backward is
 * dinp = gain·varInv/n · (n·dout − Σ dout − n/(n−1) · bnraw · Σ dout·bnraw),
 * dgain = Σ dout·bnraw, dbias = Σ dout (sums over the rows, row after row);
 * per unit that is dinp = k1·dout − k0 − k2·bnraw with k1 = gain·varInv,
 * k0 = k1/n · dbias and k2 = k1/n · n/(n−1) · dgain. Here dout is dhpreact =
 * (1 − h²)·dh: each row's is stored and summed into dbias and dgain in one
 * pass; then, eight units at a time with k0, k1 and k2 in registers, dinp is
 * stored and summed into db1 (row after row, as sumRows does).
 */
export function batchnormTanhBackward(
  dinp: usize, db1: usize, dgain: usize, dbias: usize, dhpreact: usize, dh: usize, h: usize, bnraw: usize,
  varInv: usize, gain: usize, n: i32, H: i32,
): void {
  let c = 0;
  for (; c + 16 <= H; c += 16) {
    backwardColumns16(dgain, dbias, dhpreact, dh, h, bnraw, n, H, c);
    inputGradient8(dinp, db1, dgain, dbias, dhpreact, bnraw, varInv, gain, n, H, c);
    inputGradient8(dinp, db1, dgain, dbias, dhpreact, bnraw, varInv, gain, n, H, c + 8);
  }
  for (; c < H; c += 4) backwardColumns4(dinp, db1, dgain, dbias, dhpreact, dh, h, bnraw, varInv, gain, n, H, c);
}

/**
 * dhpreact = (1 − h²)·dh, from four numbers of h at `t` and of dh at `y`,
 * computed as dh − h²·dh: a multiplication and a fused multiply-add, and no
 * constant 1 (a constant vector is rebuilt each time round a loop).
 */
@inline function tanhGradient(t: usize, y: usize, offset: usize): v128 {
  const h = v128.load(t + offset), dh = v128.load(y + offset);
  return f32x4.relaxed_nmadd(f32x4.mul(h, h), dh, dh);
}

/** Units c to c + 15 of the first pass: dhpreact = (1 − h²)·dh, stored, and its sums into dbias and dgain. */
function backwardColumns16(
  dgain: usize, dbias: usize, dhpreact: usize, dh: usize, h: usize, bnraw: usize, n: i32, H: i32, c: i32,
): void {
  const rowBytes = <usize>H << 2, first = <usize>c << 2, end = first + <usize>n * rowBytes;
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, g0 = s0, g1 = s0, g2 = s0, g3 = s0;
  for (let r = first; r < end; r += rowBytes) {
    const t = h + r, y = dh + r, x = bnraw + r, o = dhpreact + r;
    const d0 = tanhGradient(t, y, 0), d1 = tanhGradient(t, y, 16);
    const d2 = tanhGradient(t, y, 32), d3 = tanhGradient(t, y, 48);
    v128.store(o, d0);
    v128.store(o, d1, 16);
    v128.store(o, d2, 32);
    v128.store(o, d3, 48);
    s0 = f32x4.add(s0, d0);
    s1 = f32x4.add(s1, d1);
    s2 = f32x4.add(s2, d2);
    s3 = f32x4.add(s3, d3);
    g0 = fma(d0, v128.load(x), g0);
    g1 = fma(d1, v128.load(x, 16), g1);
    g2 = fma(d2, v128.load(x, 32), g2);
    g3 = fma(d3, v128.load(x, 48), g3);
  }
  v128.store(at(dbias, c), s0);
  v128.store(at(dbias, c), s1, 16);
  v128.store(at(dbias, c), s2, 32);
  v128.store(at(dbias, c), s3, 48);
  v128.store(at(dgain, c), g0);
  v128.store(at(dgain, c), g1, 16);
  v128.store(at(dgain, c), g2, 32);
  v128.store(at(dgain, c), g3, 48);
}

/**
 * Units c to c + 7 of batchnorm's input gradient, from their dbias and
 * dgain: dinp = k1·dout − k0 − k2·bnraw with the constants of
 * batchnormInputGradient, and db1 = Σ_rows dinp.
 */
function inputGradient8(
  dinp: usize, db1: usize, dgain: usize, dbias: usize, dout: usize, bnraw: usize, varInv: usize, gain: usize,
  n: i32, H: i32, c: i32,
): void {
  const k10 = f32x4.mul(v128.load(at(gain, c)), v128.load(at(varInv, c))); // gain·varInv
  const k11 = f32x4.mul(v128.load(at(gain, c + 4)), v128.load(at(varInv, c + 4)));
  const negK00 = inputConstant0(k10, v128.load(at(dbias, c)), n);
  const negK01 = inputConstant0(k11, v128.load(at(dbias, c + 4)), n);
  const k20 = inputConstant2(k10, v128.load(at(dgain, c)), n), k21 = inputConstant2(k11, v128.load(at(dgain, c + 4)), n);
  const rowBytes = <usize>H << 2, first = <usize>c << 2, end = first + <usize>n * rowBytes;
  let t0 = f32x4.splat(0), t1 = t0;
  for (let r = first; r < end; r += rowBytes) {
    const p = dout + r, q = bnraw + r;
    const v0 = inputGradient(k10, negK00, k20, v128.load(p), v128.load(q));
    const v1 = inputGradient(k11, negK01, k21, v128.load(p, 16), v128.load(q, 16));
    v128.store(dinp + r, v0);
    v128.store(dinp + r, v1, 16);
    t0 = f32x4.add(t0, v0);
    t1 = f32x4.add(t1, v1);
  }
  v128.store(at(db1, c), t0);
  v128.store(at(db1, c), t1, 16);
}

/** −k0 = −gain·varInv/n · dbias, from k1 = gain·varInv (negated, for inputGradient). */
@inline function inputConstant0(k1: v128, dbias: v128, n: i32): v128 {
  return f32x4.mul(f32x4.mul(k1, f32x4.splat(-1 / <f32>n)), dbias);
}

/** k2 = gain·varInv/n · n/(n − 1) · dgain, from k1 = gain·varInv. */
@inline function inputConstant2(k1: v128, dgain: v128, n: i32): v128 {
  return f32x4.mul(f32x4.mul(k1, f32x4.splat(1 / <f32>n)), f32x4.mul(f32x4.splat(<f32>n / <f32>(n - 1)), dgain));
}

/** dinp = k1·dout − k0 − k2·bnraw, from −k0: two fused multiply-adds. */
@inline function inputGradient(k1: v128, negK0: v128, k2: v128, dout: v128, bnraw: v128): v128 {
  return f32x4.relaxed_nmadd(k2, bnraw, fma(k1, dout, negK0));
}

/** Units c to c + 3 of batchnormTanhBackward, as far as H reaches: both passes, for one vector of units. */
function backwardColumns4(
  dinp: usize, db1: usize, dgain: usize, dbias: usize, dhpreact: usize, dh: usize, h: usize, bnraw: usize,
  varInv: usize, gain: usize, n: i32, H: i32, c: i32,
): void {
  const rowBytes = <usize>H << 2, first = <usize>c << 2, end = first + <usize>n * rowBytes, lanes = H - c;
  let s = f32x4.splat(0), g = s;
  for (let r = first; r < end; r += rowBytes) {
    const d = tanhGradient(h + r, dh + r, 0);
    storeLanes(dhpreact + r, d, lanes);
    s = f32x4.add(s, d);
    g = fma(d, v128.load(bnraw + r), g);
  }
  storeLanes(at(dbias, c), s, lanes);
  storeLanes(at(dgain, c), g, lanes);
  const k1 = f32x4.mul(v128.load(at(gain, c)), v128.load(at(varInv, c)));
  const negK0 = inputConstant0(k1, s, n), k2 = inputConstant2(k1, g, n);
  let t = f32x4.splat(0);
  for (let r = first; r < end; r += rowBytes) {
    const v = inputGradient(k1, negK0, k2, v128.load(dhpreact + r), v128.load(bnraw + r));
    storeLanes(dinp + r, v, lanes);
    t = f32x4.add(t, v);
  }
  storeLanes(at(db1, c), t, lanes);
}

// ---------------------------------------------------------------------------
// tanh, as the ratio of two polynomials in x² (Eigen's float32 approximation)

// The coefficients sit in memory and are broadcast by loads as they are used:
// written as f32x4.splat constants, they would be rebuilt in every iteration
// (measured: the batchnorm forward took 40 % longer so).
const TANH = memory.data<f32>([
  7.90531110763549805, -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-08,
  1.48572235717979e-05, 6.37261928875436e-04, 4.89352455891786e-03, 1.19825839466702e-06, 1.18534705686654e-04,
  2.26843463243900e-03, 4.89352518554385e-03, -7.90531110763549805,
]);

@inline function coefficient(k: i32): v128 {
  return v128.load32_splat(TANH + (<usize>k << 2));
}

// The polynomials are written out, one multiply-add a line: written as loops
// over the coefficients, they stayed loops in the compiled module, with a
// test and a branch between multiply-adds (the forward took over 25 % longer).
@inline function tanh4(x: v128): v128 {
  const c = f32x4.pmin(f32x4.pmax(x, coefficient(12)), coefficient(0)); // x within ±7.9053
  const x2 = f32x4.mul(c, c);
  let p = fma(coefficient(1), x2, coefficient(2));
  p = fma(p, x2, coefficient(3));
  p = fma(p, x2, coefficient(4));
  p = fma(p, x2, coefficient(5));
  p = fma(p, x2, coefficient(6));
  p = fma(p, x2, coefficient(7));
  let q = fma(coefficient(8), x2, coefficient(9));
  q = fma(q, x2, coefficient(10));
  q = fma(q, x2, coefficient(11));
  return f32x4.div(f32x4.mul(p, c), q);
}

/** out = tanh(inp), eight numbers a step: two independent chains of multiply-adds keep the processor busy. */
export function tanhForward(out: usize, inp: usize, size: i32): void {
  let i = 0;
  for (; i + 8 <= size; i += 8) {
    const a = tanh4(v128.load(at(inp, i)));
    const b = tanh4(v128.load(at(inp, i + 4)));
    v128.store(at(out, i), a);
    v128.store(at(out, i + 4), b);
  }
  for (; i < size; i += 4) storeLanes(at(out, i), tanh4(v128.load(at(inp, i))), size - i);
}

// ---------------------------------------------------------------------------
// Cross-entropy

// exp(x) for x ≤ 0, four at a time (Cephes' expf): x = k·ln 2 + r with k whole
// and |r| ≤ ln 2 / 2, eᵣ by a polynomial of degree 7, and 2ᵏ built directly
// as the bits of a float32 (exponent field k + 127). Relative error under
// 2e-7, Cephes' own measure for this polynomial.
const EXP = memory.data<f32>([
  -87.0, 1.44269504088896341, 0.693359375, -2.12194440e-4,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1.0,
]);

@inline function expConstant(k: i32): v128 {
  return v128.load32_splat(EXP + (<usize>k << 2));
}

// The polynomial is written out, as tanh4's are.
@inline function exp4(x: v128): v128 {
  const c = f32x4.pmax(x, expConstant(0));
  const k = f32x4.nearest(f32x4.mul(c, expConstant(1)));
  const r = fma(k, f32x4.neg(expConstant(3)), fma(k, f32x4.neg(expConstant(2)), c));
  let p = fma(expConstant(4), r, expConstant(5));
  p = fma(p, r, expConstant(6));
  p = fma(p, r, expConstant(7));
  p = fma(p, r, expConstant(8));
  p = fma(p, r, expConstant(9));
  const one = expConstant(10);
  const y = f32x4.add(fma(p, f32x4.mul(r, r), r), one);
  // The bits of 2ᵏ are (k + 127)·2²³, which is k·2²³ plus the bits of 1.
  const twoK = i32x4.add(i32x4.shl(i32x4.trunc_sat_f32x4_s(k), 23), one);
  return f32x4.mul(y, twoK);
}

/** All ones in the lanes below `lanes`, zeros above: for the last, partial vector of a row. */
@inline function laneMask(lanes: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(lanes));
}

/**
 * Softmax, cross-entropy and its fused backward (chapter 7) in one pass, on
 * the logits transposed: logitsT [V, n], one row a character, so four
 * examples sit side by side in a vector and every sum over the characters
 * is an addition of vectors, without moving numbers across lanes. Writes
 * dlogitsT = (softmax − onehot(Y)) / n, also [V, n], and db2 (its row sums);
 * returns the mean loss. In a last, partial vector of examples the lanes
 * past n hold the next row's numbers: they are computed and not stored.
 */
export function crossEntropyT(dlogitsT: usize, db2: usize, logitsT: usize, Y: usize, n: i32, V: i32): f64 {
  let loss: f64 = 0;
  const invN = f32x4.splat(1 / <f32>n);
  const rowBytes = <usize>n << 2;
  for (let m = 0; m < n; m += 4) {
    const lanes = min(4, n - m);
    const y = v128.load(Y + (<usize>m << 2)); // the four examples' targets, int32
    const l0 = at(logitsT, m), d0 = at(dlogitsT, m);
    // The largest logit of each example (two chains of comparisons, of the even and the odd characters), then
    // the exponentials, their sums, and the target's logit.
    let top = v128.load(l0), other = top;
    for (let j = 1; j < V; j += 2) {
      top = f32x4.pmax(top, v128.load(l0 + <usize>j * rowBytes));
      if (j + 1 < V) other = f32x4.pmax(other, v128.load(l0 + <usize>(j + 1) * rowBytes));
    }
    top = f32x4.pmax(top, other);
    let sum = f32x4.splat(0), target = sum;
    for (let j = 0; j < V; j++) {
      const o = <usize>j * rowBytes;
      const l = f32x4.sub(v128.load(l0 + o), top);
      const e = exp4(l);
      storeLanes(d0 + o, e, lanes);
      sum = f32x4.add(sum, e);
      target = v128.bitselect(l, target, i32x4.eq(y, i32x4.splat(j)));
    }
    // dlogits = e / (n·sum) − onehot / n.
    const scale = f32x4.div(invN, sum);
    for (let j = 0; j < V; j++) {
      const o = <usize>j * rowBytes;
      const hot = v128.and(i32x4.eq(y, i32x4.splat(j)), invN);
      storeLanes(d0 + o, f32x4.sub(f32x4.mul(v128.load(d0 + o), scale), hot), lanes);
    }
    loss += exampleLosses(sum, target, lanes);
  }
  sumColumns(db2, dlogitsT, V, n);
  return loss / <f64>n;
}

/**
 * Σ −log p[y] = Σ (log sum − (l[y] − max)) over the first `lanes` examples
 * of a vector. Their logarithms are taken as one, of the product of their
 * sums in float64 (each sum is between 1 and V, so the product of four
 * cannot overflow): one call of `Math.log` for four examples.
 */
@inline function exampleLosses(sum: v128, target: v128, lanes: i32): f64 {
  let product = <f64>f32x4.extract_lane(sum, 0);
  let targets = <f64>f32x4.extract_lane(target, 0);
  if (lanes > 1) {
    product *= <f64>f32x4.extract_lane(sum, 1);
    targets += <f64>f32x4.extract_lane(target, 1);
  }
  if (lanes > 2) {
    product *= <f64>f32x4.extract_lane(sum, 2);
    targets += <f64>f32x4.extract_lane(target, 2);
  }
  if (lanes > 3) {
    product *= <f64>f32x4.extract_lane(sum, 3);
    targets += <f64>f32x4.extract_lane(target, 3);
  }
  return Math.log(product) - targets;
}

/** out[r] = Σ_c inp[r, c] over the `cols` numbers of each of `rows` rows (the last vector masked). */
function sumColumns(out: usize, inp: usize, rows: i32, cols: i32): void {
  const mask = laneMask(cols & 3);
  for (let r = 0; r < rows; r++) {
    const p = at(inp, r * cols);
    let s = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) s = f32x4.add(s, v128.load(at(p, c)));
    if (c < cols) s = f32x4.add(s, v128.and(v128.load(at(p, c)), mask));
    s = f32x4.add(s, f32x4.shuffle(s, s, 2, 3, 0, 1));
    store<f32>(at(out, r), f32x4.extract_lane(f32x4.add(s, f32x4.shuffle(s, s, 1, 0, 3, 2)), 0));
  }
}

// ---------------------------------------------------------------------------
// SGD: p −= lr · dp over the whole parameter block (same float32 rounding as
// p - lr * dp), sixteen numbers a step; the block's length is a multiple of
// four (each parameter's region is padded to 16 bytes)

export function sgdUpdate(params: usize, grads: usize, count: i32, lr: f32): void {
  const rate = f32x4.splat(lr);
  const end = params + (<usize>count << 2);
  let p = params, g = grads;
  for (; p + 64 <= end; p += 64, g += 64) {
    v128.store(p, f32x4.sub(v128.load(p), f32x4.mul(rate, v128.load(g))));
    v128.store(p, f32x4.sub(v128.load(p, 16), f32x4.mul(rate, v128.load(g, 16))), 16);
    v128.store(p, f32x4.sub(v128.load(p, 32), f32x4.mul(rate, v128.load(g, 32))), 32);
    v128.store(p, f32x4.sub(v128.load(p, 48), f32x4.mul(rate, v128.load(g, 48))), 48);
  }
  for (; p < end; p += 16, g += 16) v128.store(p, f32x4.sub(v128.load(p), f32x4.mul(rate, v128.load(g))));
}

// ---------------------------------------------------------------------------
// One training step: forward, and unless the loss is not finite, backward and update

export function step(layout: usize, lr: f32): f64 {
  const s = changetype<Layout>(layout);
  const n = s.n, H = s.H, V = s.V;
  // hprebn = embcat @ W1 + b1, from each column's distinct characters (embedding.as.ts).
  distinctCharacters(s);
  firstLayerForward(s);
  batchnormTanhForward(s.h, s.bnraw, s.varInv, s.mean, s.variance, s.hprebn, s.bngain, s.bnbias, n, H);
  // logitsᵀ [V, n] = W2ᵀ [V, H] · hᵀ + b2, and the loss with its gradient, also transposed.
  matmulT(s.logits, s.h, s.W2, n, V, H, s.b2);
  const loss = crossEntropyT(s.dlogits, s.db2, s.logits, s.Y, n, V);
  if (!isFinite(loss)) return loss;

  // dh = dlogits @ W2ᵀ (dlogits read through its transpose), dW2ᵀ = dlogitsᵀ @ h.
  matmul(s.dh, s.dlogits, s.W2, n, H, V, 1, n, 0);
  matmul(s.dW2, s.dlogits, s.h, V, H, n, n, 1, 0);
  batchnormTanhBackward(
    s.dhprebn, s.db1, s.dbngain, s.dbnbias, s.dhpreact, s.dh, s.h, s.bnraw, s.varInv, s.bngain, n, H,
  );
  // dW1 = embcatᵀ @ dhprebn and dC, through the same distinct characters.
  firstLayerBackward(s);

  sgdUpdate(s.params, s.grads, s.paramCount, lr);
  return loss;
}

/** Where the module's own data ends: step.ts lays out its buffers from here. */
export function heapBase(): usize {
  return __heap_base;
}
