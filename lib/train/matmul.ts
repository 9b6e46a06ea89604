/**
 * The matrix product all linear layers use, llm.c style: a fast kernel
 * ({@linkcode matmulAccumulate}, blocks of four by four) and beside it the
 * plain triple loop it is tested against ({@linkcode matmulNaive}). Both
 * accumulate into `C` and read `A` through strides, so that one kernel
 * serves `x @ W`, `dout @ Wᵀ` and `xᵀ @ dout`.
 *
 * @example
 * ```ts
 * import { matmulAccumulate } from "./matmul.ts";
 * const C = new Float64Array(2 * 2);
 * matmulAccumulate(C, new Float64Array([1, 2, 3, 4]), new Float64Array([1, 1, 1, 1]), 2, 2, 2, 2, 1);
 * C; // [3, 3, 7, 7]
 * ```
 * @module
 */

/**
 * `C[M, N] += A[M, K] @ B[K, N]`, where `B` is row-major and `A` is read
 * through strides: `A[r, p]` is `A[r · sar + p · sap]`. With `sar = K,
 * sap = 1` that is `A` itself; with `sar = 1, sap = M` it is the transpose of
 * a row-major `[K, M]` matrix, which is what the weight gradient needs.
 *
 * The work goes four rows of `C` and four steps of `p` at a time: sixteen
 * numbers of `A` sit in local variables while one pass along four rows of
 * `B` updates four rows of `C`. Each number of `B` loaded is used four times
 * and each number of `C` is written once per four steps of `p`; that, not
 * any arithmetic trick, is what makes this about twice as fast as the plain
 * triple loop. The leftover rows and steps (when M or K is not a multiple of
 * four) take the plain loop.
 *
 * @example
 * ```ts
 * // C[2, 2] += A[2, 3] @ B[3, 2]
 * const C = new Float64Array(4);
 * matmulAccumulate(C, new Float64Array([1, 2, 3, 4, 5, 6]), new Float64Array([1, 0, 0, 1, 1, 1]), 2, 2, 3, 3, 1);
 * C; // [4, 5, 10, 11]
 * ```
 */
export function matmulAccumulate(
  C: Float64Array,
  A: Float64Array,
  B: Float64Array,
  M: number,
  N: number,
  K: number,
  sar: number,
  sap: number,
): void {
  const M4 = M - (M % 4);
  const K4 = K - (K % 4);
  for (let r = 0; r < M4; r += 4) {
    const c0 = r * N, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
    const a0 = r * sar, a1 = a0 + sar, a2 = a1 + sar, a3 = a2 + sar;
    for (let p = 0; p < K4; p += 4) {
      const q0 = p * sap, q1 = q0 + sap, q2 = q1 + sap, q3 = q2 + sap;
      const x00 = A[a0 + q0], x01 = A[a0 + q1], x02 = A[a0 + q2], x03 = A[a0 + q3];
      const x10 = A[a1 + q0], x11 = A[a1 + q1], x12 = A[a1 + q2], x13 = A[a1 + q3];
      const x20 = A[a2 + q0], x21 = A[a2 + q1], x22 = A[a2 + q2], x23 = A[a2 + q3];
      const x30 = A[a3 + q0], x31 = A[a3 + q1], x32 = A[a3 + q2], x33 = A[a3 + q3];
      const b0 = p * N, b1 = b0 + N, b2 = b1 + N, b3 = b2 + N;
      for (let j = 0; j < N; j++) {
        const y0 = B[b0 + j], y1 = B[b1 + j], y2 = B[b2 + j], y3 = B[b3 + j];
        C[c0 + j] += x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3;
        C[c1 + j] += x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3;
        C[c2 + j] += x20 * y0 + x21 * y1 + x22 * y2 + x23 * y3;
        C[c3 + j] += x30 * y0 + x31 * y1 + x32 * y2 + x33 * y3;
      }
    }
    for (let p = K4; p < K; p++) {
      const x0 = A[a0 + p * sap], x1 = A[a1 + p * sap], x2 = A[a2 + p * sap], x3 = A[a3 + p * sap];
      const b = p * N;
      for (let j = 0; j < N; j++) {
        const y = B[b + j];
        C[c0 + j] += x0 * y;
        C[c1 + j] += x1 * y;
        C[c2 + j] += x2 * y;
        C[c3 + j] += x3 * y;
      }
    }
  }
  for (let r = M4; r < M; r++) {
    for (let p = 0; p < K; p++) {
      const x = A[r * sar + p * sap];
      const b = p * N;
      for (let j = 0; j < N; j++) C[r * N + j] += x * B[b + j];
    }
  }
}

/**
 * The plain triple loop for `C[M, N] += A[M, K] @ B[K, N]`, with `A` read
 * through the same strides as {@linkcode matmulAccumulate}: the reference the
 * fast kernel is tested against.
 *
 * @example
 * ```ts
 * // C[2, 2] += Aᵀ[2, 3] @ B[3, 2], with A stored as [3, 2] and read through strides (1, 2)
 * const C = new Float64Array(4);
 * matmulNaive(C, new Float64Array([1, 4, 2, 5, 3, 6]), new Float64Array([1, 0, 0, 1, 1, 1]), 2, 2, 3, 1, 2);
 * C; // [4, 5, 10, 11]
 * ```
 */
export function matmulNaive(
  C: Float64Array,
  A: Float64Array,
  B: Float64Array,
  M: number,
  N: number,
  K: number,
  sar: number,
  sap: number,
): void {
  for (let r = 0; r < M; r++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0; p < K; p++) s += A[r * sar + p * sap] * B[p * N + j];
      C[r * N + j] += s;
    }
  }
}
