// The matrix product of the WebAssembly kernels, C[M, N] = A[M, K] @ B[K, N]
// (+ bias[N] on every row), and the transpose and the row sums that the
// linear and batchnorm layers of kernels.as.ts use with it. Compiled with
// them by build.ts (`deno task wasm`); kernels.as.ts exports these too.

import { at, fma, store16, storeLanes } from "./simd";

/**
 * `C = A @ B`, plus the row `bias` when it is not 0. B and C are row-major
 * with N columns; A is read through strides, A[r, p] = A[r·sar + p·sap], so
 * that (sar, sap) = (K, 1) is A itself and (1, M) the transpose of a
 * row-major [K, M] matrix.
 *
 * The work goes in tiles of four rows by eight columns: eight `v128`
 * accumulators stay in registers for the whole sum over p, and each step of
 * p loads two vectors of B, four numbers of A, and does eight fused
 * multiply-adds (32 multiply-adds). A tile at the bottom or right edge
 * computes a full tile and stores only its rows and columns that exist.
 *
 * The columns are the outer loop: one eight-column panel of B (K·8 numbers)
 * is read by every row tile in turn while it is still in the cache. (Rows
 * outer made the large sizes of the sweep two to three times slower. Copying
 * the panels to consecutive addresses first, as large matrix libraries do,
 * was measured too and gained under 10 % at 1024 hidden units and batches of
 * 512, and nothing at the lecture's sizes, so it was left out.)
 */
export function matmul(C: usize, A: usize, B: usize, M: i32, N: i32, K: i32, sar: i32, sap: i32, bias: usize): void {
  // Whole tiles of six rows, then the rest in tiles of four: as many sixes as leave a multiple of four rows
  // (32 = 4·6 + 2·4), or if none does, as many as fit.
  let sixes = M / 6;
  while (sixes > 0 && (M - 6 * sixes) % 4 != 0) sixes--;
  if (sixes == 0) sixes = M / 6;
  for (let j = 0; j < N; j += 8) {
    const left = N - j;
    let r = 0;
    if (left >= 8) {
      const aStep = <usize>sap << 2, bStep = <usize>N << 2;
      for (; r < 6 * sixes; r += 6) tile6(C, N, K, bias, at(A, r * sar), <usize>sar << 2, aStep, at(B, j), bStep, r, j);
    }
    for (; r < M; r += 4) {
      const rows = min(4, M - r);
      const a0 = at(A, r * sar), aStep = <usize>sap << 2, b0 = at(B, j), bStep = <usize>N << 2;
      if (rows == 4 && left >= 8) {
        // A whole tile: with these constants the compiler drops every edge test.
        tile(C, N, K, bias, a0, <usize>sar << 2, aStep, b0, bStep, r, j, 4, 4, 4);
      } else {
        // Rows past the bottom edge read row r again (valid memory) and are not stored.
        const rowStep = rows > 1 ? <usize>sar << 2 : 0;
        if (left > 4) tile(C, N, K, bias, a0, rowStep, aStep, b0, bStep, r, j, rows, 4, min(left - 4, 4));
        // At most four columns left: with lanes1 = 0 the compiler drops the second half of the tile.
        else tile(C, N, K, bias, a0, rowStep, aStep, b0, bStep, r, j, rows, left, 0);
      }
    }
  }
}

/**
 * One tile: rows r..r+3 and columns j..j+7 of C. A's four rows start at a0,
 * a0 + aRow, a0 + 2·aRow, a0 + 3·aRow (bytes) and move aStep bytes a step;
 * B's eight columns start at pb and move bStep bytes a step. Each step of p
 * loads two vectors of B and four numbers of A and does eight fused
 * multiply-adds. (The loop was unrolled by two by hand before; with one
 * pointer for A and one for B the plain loop is as fast, in the same
 * process, so it stays plain.)
 */
@inline function tile(
  C: usize, N: i32, K: i32, bias: usize, a0: usize, aRow: usize, aStep: usize, pb: usize, bStep: usize,
  r: i32, j: i32, rows: i32, lanes0: i32, lanes1: i32,
): void {
  // Each accumulator starts as the bias (or zero).
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  if (bias != 0) {
    s0 = v128.load(at(bias, j));
    s1 = v128.load(at(bias, j), 16);
  }
  let c00 = s0, c01 = s1, c10 = s0, c11 = s1, c20 = s0, c21 = s1, c30 = s0, c31 = s1;
  const a1 = a0 + aRow;
  const a2 = rows > 2 ? a1 + aRow : a0;
  const a3 = rows > 3 ? a2 + aRow : a0;
  // One pointer steps through A's rows (the others are at fixed distances from it), one through B.
  const d1 = a1 - a0, d2 = a2 - a0, d3 = a3 - a0;
  let pa = a0;
  const end = pb + <usize>K * bStep;
  for (; pb < end; pb += bStep) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const x0 = v128.load32_splat(pa);
    const x1 = v128.load32_splat(pa + d1);
    const x2 = v128.load32_splat(pa + d2);
    const x3 = v128.load32_splat(pa + d3);
    c00 = fma(x0, b0, c00);
    c01 = fma(x0, b1, c01);
    c10 = fma(x1, b0, c10);
    c11 = fma(x1, b1, c11);
    c20 = fma(x2, b0, c20);
    c21 = fma(x2, b1, c21);
    c30 = fma(x3, b0, c30);
    c31 = fma(x3, b1, c31);
    pa += aStep;
  }
  const c0 = at(C, r * N + j);
  storeRow(c0, c00, c01, lanes0, lanes1);
  if (rows > 1) storeRow(at(c0, N), c10, c11, lanes0, lanes1);
  if (rows > 2) storeRow(at(c0, 2 * N), c20, c21, lanes0, lanes1);
  if (rows > 3) storeRow(at(c0, 3 * N), c30, c31, lanes0, lanes1);
}

/**
 * A whole tile of six rows by eight columns: twelve accumulators, so that
 * twelve multiply-adds are in flight while each waits for the one before it
 * in its sum (eight, in the four-row tile, only just cover that wait).
 */
@inline function tile6(
  C: usize, N: i32, K: i32, bias: usize, a0: usize, aRow: usize, aStep: usize, pb: usize, bStep: usize, r: i32, j: i32,
): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  if (bias != 0) {
    s0 = v128.load(at(bias, j));
    s1 = v128.load(at(bias, j), 16);
  }
  let c00 = s0, c01 = s1, c10 = s0, c11 = s1, c20 = s0, c21 = s1, c30 = s0, c31 = s1, c40 = s0, c41 = s1;
  let c50 = s0, c51 = s1;
  let pa = a0;
  const end = pb + <usize>K * bStep;
  for (; pb < end; pb += bStep) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = fma(x, b0, c00);
    c01 = fma(x, b1, c01);
    x = v128.load32_splat(pa + aRow);
    c10 = fma(x, b0, c10);
    c11 = fma(x, b1, c11);
    x = v128.load32_splat(pa + 2 * aRow);
    c20 = fma(x, b0, c20);
    c21 = fma(x, b1, c21);
    x = v128.load32_splat(pa + 3 * aRow);
    c30 = fma(x, b0, c30);
    c31 = fma(x, b1, c31);
    x = v128.load32_splat(pa + 4 * aRow);
    c40 = fma(x, b0, c40);
    c41 = fma(x, b1, c41);
    x = v128.load32_splat(pa + 5 * aRow);
    c50 = fma(x, b0, c50);
    c51 = fma(x, b1, c51);
    pa += aStep;
  }
  const c0 = at(C, r * N + j), rowBytes = <usize>N << 2;
  v128.store(c0, c00);
  v128.store(c0, c01, 16);
  v128.store(c0 + rowBytes, c10);
  v128.store(c0 + rowBytes, c11, 16);
  v128.store(c0 + 2 * rowBytes, c20);
  v128.store(c0 + 2 * rowBytes, c21, 16);
  v128.store(c0 + 3 * rowBytes, c30);
  v128.store(c0 + 3 * rowBytes, c31, 16);
  v128.store(c0 + 4 * rowBytes, c40);
  v128.store(c0 + 4 * rowBytes, c41, 16);
  v128.store(c0 + 5 * rowBytes, c50);
  v128.store(c0 + 5 * rowBytes, c51, 16);
}

/** One row of a tile: the first `lanes0` numbers of lo, then the first `lanes1` of hi. */
@inline function storeRow(p: usize, lo: v128, hi: v128, lanes0: i32, lanes1: i32): void {
  storeLanes(p, lo, lanes0);
  if (lanes1 > 0) storeLanes(p + 16, hi, lanes1);
}

/**
 * out[O, I] = W[I, O]ᵀ, in blocks of four by four: four rows of W are loaded
 * as four vectors, turned into four columns by shuffles, and stored as four
 * rows of out. Blocks at the edges read a little past (rows past I reread
 * row k) and store only what exists.
 */
export function transpose(out: usize, W: usize, I: i32, O: i32): void {
  for (let k = 0; k < I; k += 4) {
    const rows = I - k;
    const w0 = at(W, k * O);
    const w1 = rows > 1 ? at(w0, O) : w0;
    const w2 = rows > 2 ? at(w0, 2 * O) : w0;
    const w3 = rows > 3 ? at(w0, 3 * O) : w0;
    for (let o = 0; o < O; o += 4) {
      const r0 = v128.load(at(w0, o)), r1 = v128.load(at(w1, o)), r2 = v128.load(at(w2, o)), r3 = v128.load(at(w3, o));
      const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
      const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
      const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
      const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
      const cols = O - o;
      const q = at(out, o * I + k);
      storeLanes(q, f32x4.shuffle(t0, t1, 0, 1, 4, 5), rows); // a0 b0 c0 d0: row o of out
      if (cols > 1) storeLanes(at(q, I), f32x4.shuffle(t0, t1, 2, 3, 6, 7), rows);
      if (cols > 2) storeLanes(at(q, 2 * I), f32x4.shuffle(t2, t3, 0, 1, 4, 5), rows);
      if (cols > 3) storeLanes(at(q, 3 * I), f32x4.shuffle(t2, t3, 2, 3, 6, 7), rows);
    }
  }
}

/**
 * out[c] = Σ_i inp[i, c] over n rows of `cols` columns, sixteen columns at a
 * time: four sums stay in registers while the rows go by, so that the
 * additions of different columns overlap instead of waiting for each other.
 */
export function sumRows(out: usize, inp: usize, n: i32, cols: i32): void {
  for (let c = 0; c < cols; c += 16) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let p = at(inp, c);
    for (let i = 0; i < n; i++) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
      p = at(p, cols);
    }
    store16(out, c, cols, s0, s1, s2, s3);
  }
}

/**
 * `Cᵀ = (A @ Bᵀ)ᵀ`, plus `bias[j]` on row j when bias is not 0: CT[j, i] =
 * bias[j] + Σ_p A[i, p]·B[j, p], for A [M, K], B [N, K] and CT [N, M], all
 * row-major. Both factors are read along their rows, four numbers of the
 * sum at a time, and the result comes out transposed. This is the logits'
 * product (logitsᵀ [V, n] from h [n, H] and W2ᵀ [V, H]) and that of the
 * rows of dC (dCu [u, E] from W1_b [E, H] and G_b [u, H], in
 * embedding.as.ts): their sums run along the 200 hidden units, where the
 * plain product's rows would be 27 or 10 long, ragged for vectors of four.
 *
 * The tiles are four rows of A by two rows of B: eight accumulators, each
 * holding four partial sums of one result. At the end of a tile the four
 * accumulators of one row of B are added across their lanes together
 * (`sum4`), which gives four consecutive results of CT's row j, stored as
 * one vector. When K is not a multiple of four, the last vector of each row
 * is masked to zeros in both factors; rows past M or N reread the last row
 * (valid memory) and are not stored.
 */
export function matmulT(CT: usize, A: usize, B: usize, M: i32, N: i32, K: i32, bias: usize): void {
  const whole = <usize>(K & ~3) << 2;
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(K & 3));
  const rowBytes = <usize>K << 2;
  for (let i = 0; i < M; i += 4) {
    const a0 = at(A, i * K);
    const a1 = i + 1 < M ? a0 + rowBytes : a0;
    const a2 = i + 2 < M ? a1 + rowBytes : a1;
    const a3 = i + 3 < M ? a2 + rowBytes : a2;
    for (let j = 0; j < N; j += 2) {
      const b0 = at(B, j * K);
      const b1 = j + 1 < N ? b0 + rowBytes : b0;
      const lanes = min(4, M - i);
      const c = at(CT, j * M + i);
      const cols = min(2, N - j);
      let s0 = f32x4.splat(0), s1 = s0;
      if (bias != 0) {
        s0 = v128.load32_splat(at(bias, j));
        if (cols > 1) s1 = v128.load32_splat(at(bias, j + 1));
      }
      dotTile(c, <usize>M << 2, a0, a1 - a0, a2 - a0, a3 - a0, b0, b1 - b0, whole, mask, K & 3, s0, s1, lanes, cols);
    }
  }
}

/** One tile of matmulT: CT[j, i..i+3] from A's rows at a0 (+ d1, d2, d3) and B's rows at b0 (+ e1). */
@inline function dotTile(
  c: usize, cStep: usize, a0: usize, d1: usize, d2: usize, d3: usize, b0: usize, e1: usize, whole: usize,
  mask: v128, tail: i32, s0: v128, s1: v128, lanes: i32, cols: i32,
): void {
  let c00 = f32x4.splat(0), c10 = c00, c20 = c00, c30 = c00, c01 = c00, c11 = c00, c21 = c00, c31 = c00;
  let pa = a0, pb = b0;
  const end = a0 + whole;
  for (; pa < end; pa += 16) {
    const x0 = v128.load(pa), x1 = v128.load(pa + d1), x2 = v128.load(pa + d2), x3 = v128.load(pa + d3);
    const y0 = v128.load(pb), y1 = v128.load(pb + e1);
    c00 = fma(x0, y0, c00);
    c10 = fma(x1, y0, c10);
    c20 = fma(x2, y0, c20);
    c30 = fma(x3, y0, c30);
    c01 = fma(x0, y1, c01);
    c11 = fma(x1, y1, c11);
    c21 = fma(x2, y1, c21);
    c31 = fma(x3, y1, c31);
    pb += 16;
  }
  if (tail != 0) {
    const x0 = v128.and(v128.load(pa), mask), x1 = v128.and(v128.load(pa + d1), mask);
    const x2 = v128.and(v128.load(pa + d2), mask), x3 = v128.and(v128.load(pa + d3), mask);
    const y0 = v128.and(v128.load(pb), mask), y1 = v128.and(v128.load(pb + e1), mask);
    c00 = fma(x0, y0, c00);
    c10 = fma(x1, y0, c10);
    c20 = fma(x2, y0, c20);
    c30 = fma(x3, y0, c30);
    c01 = fma(x0, y1, c01);
    c11 = fma(x1, y1, c11);
    c21 = fma(x2, y1, c21);
    c31 = fma(x3, y1, c31);
  }
  storeLanes(c, f32x4.add(s0, sum4(c00, c10, c20, c30)), lanes);
  if (cols > 1) storeLanes(c + cStep, f32x4.add(s1, sum4(c01, c11, c21, c31)), lanes);
}

/** (Σ lanes of a, Σ lanes of b, Σ lanes of c, Σ lanes of d), by three rounds of shuffles and adds. */
@inline export function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(f32x4.shuffle(a, b, 0, 4, 1, 5), f32x4.shuffle(a, b, 2, 6, 3, 7)); // a0+a2 b0+b2 a1+a3 b1+b3
  const cd = f32x4.add(f32x4.shuffle(c, d, 0, 4, 1, 5), f32x4.shuffle(c, d, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(ab, cd, 0, 1, 4, 5), f32x4.shuffle(ab, cd, 2, 3, 6, 7));
}
