// The first layer of the WebAssembly step, hprebn = embcat @ W1 + b1, and its
// backward (dW1 and dC), computed from the batch's distinct characters instead
// of from embcat. Compiled with kernels.as.ts by build.ts (`deno task wasm`).
//
// embcat is never made. Its row i is C[X[i, 0]], C[X[i, 1]], …, C[X[i, B−1]]
// side by side, so its product with W1 splits by context position b: with
// W1_b the E rows b·E to b·E + E − 1 of W1 ([E, H]),
//
//   hprebn[i] = b1 + Σ_b C[X[i, b]] @ W1_b.
//
// In a batch of 32 a position holds only some 12 to 14 distinct characters,
// and C[c] @ W1_b is the same row of H numbers for every example that has c
// at b. So for each position the distinct characters c_1 … c_u of its column
// are listed (`distinctCharacters`), their rows of C gathered into C_u [u, E],
// and T_b = C_u @ W1_b [u, H] is computed once; each row of hprebn is then b1
// plus B rows of the T_b added up (b1 is added in T_0's product). The
// backward runs the same way in reverse: the rows of dhprebn of the examples
// that share a character at b add up into one row of G_b [u, H],
//
//   G_b[k] = Σ_{i: X[i, b] = c_k} dhprebn[i],
//
// and then dW1_b = C_uᵀ @ G_b ([E, H], a sum over u instead of n) and
// dC[c_k] += (G_b @ W1_bᵀ)[k] ([u, E], sums along the H hidden units). This
// is exact in real arithmetic (the sums are the same terms, grouped
// differently), and in float32 it differs from the product through embcat
// by rounding only. It does u/n of the multiply-adds: about 40 % in a batch
// of 32 drawn from 27 characters. The T_b are not needed once hprebn is
// made, so the G_b take their place in the same buffer (`TG`), B blocks of
// U = min(n, V) rows of H numbers, the most distinct characters a column
// can have.

import { Layout } from "./layout";
import { at, store16, storeLanes } from "./simd";
import { matmul, matmulT } from "./matmul";

/** The int32 number `i` from `p`. */
@inline function int(p: usize, i: i32): i32 {
  return load<i32>(at(p, i));
}

/**
 * Columns c to c + 15 of the sum of `count` (at least one) rows of M, whose
 * H numbers a row are laid out one row after another: the rows numbered
 * rows[0], rows[1], …, rows[count − 1]. Four sums stay in registers while
 * the rows go by, and are stored once, at out's columns c to c + 15 (those
 * that exist). gatherRows and sumRowsBy are this, row after row.
 */
@inline function sumRows16(out: usize, M: usize, rows: usize, count: i32, H: i32, c: i32): void {
  let p = at(M, int(rows, 0) * H + c);
  let s0 = v128.load(p), s1 = v128.load(p, 16), s2 = v128.load(p, 32), s3 = v128.load(p, 48);
  for (let j = 1; j < count; j++) {
    p = at(M, int(rows, j) * H + c);
    s0 = f32x4.add(s0, v128.load(p));
    s1 = f32x4.add(s1, v128.load(p, 16));
    s2 = f32x4.add(s2, v128.load(p, 32));
    s3 = f32x4.add(s3, v128.load(p, 48));
  }
  store16(out, c, H, s0, s1, s2, s3);
}

/** Copies `count` float numbers from `from` to `to`, four at a time (the last vector only as far as `count`). */
@inline function copyRow(to: usize, from: usize, count: i32): void {
  for (let e = 0; e < count; e += 4) storeLanes(at(to, e), v128.load(at(from, e)), count - e);
}

/**
 * The distinct characters of every column of the batch, in the order they
 * first appear, and where each example's character is: for column b,
 *
 * - chars[b, k] (chars is [B, U], U = min(n, V)) is its k-th distinct
 *   character and counts[b] how many it has (u);
 * - rowOf[i, b] ([n, B]) = b·U + k for X[i, b] = chars[b, k]: the row of T
 *   and of G (U rows a column) that belongs to the example's character;
 * - order[b, begin[b, k] … begin[b, k + 1] − 1] (order is [B, n], begin
 *   [B, U + 1]) are the examples whose character is chars[b, k], in order:
 *   the rows of the batch sorted by character (a counting sort).
 *
 * seen [V] is the work space, all zeros between calls: while a column is
 * read, a character's place k plus one (0 for one not met yet), then where
 * its next example goes in `order`.
 */
export function distinctCharacters(s: Layout): void {
  const n = s.n, B = s.B, U = min(n, s.V);
  for (let b = 0; b < B; b++) {
    const chars = at(s.chars, b * U), begin = at(s.begin, b * (U + 1)), order = at(s.order, b * n);
    // Each character's place, and how many examples have it (in begin[k + 1]).
    let u = 0;
    for (let i = 0; i < n; i++) {
      const c = int(s.X, i * B + b);
      let k = int(s.seen, c) - 1;
      if (k < 0) {
        k = u++;
        store<i32>(at(s.seen, c), u);
        store<i32>(at(chars, k), c);
        store<i32>(at(begin, u), 0);
      }
      store<i32>(at(s.rowOf, i * B + b), b * U + k);
      store<i32>(at(begin, k + 1), int(begin, k + 1) + 1);
    }
    // The counts summed up: begin[k] is where character k's examples start in `order`.
    store<i32>(begin, 0);
    for (let k = 0; k < u; k++) {
      store<i32>(at(begin, k + 1), int(begin, k + 1) + int(begin, k));
      store<i32>(at(s.seen, int(chars, k)), int(begin, k));
    }
    for (let i = 0; i < n; i++) {
      const where = at(s.seen, int(s.X, i * B + b));
      const j = load<i32>(where);
      store<i32>(at(order, j), i);
      store<i32>(where, j + 1);
    }
    for (let k = 0; k < u; k++) store<i32>(at(s.seen, int(chars, k)), 0);
    store<i32>(at(s.counts, b), u);
  }
}

/**
 * hprebn [n, H] = embcat @ W1 + b1, from the distinct characters that
 * `distinctCharacters` listed: for each position b, C_u [u, E] (the rows
 * of C of its characters, kept for the backward) and T_b = C_u @ W1_b
 * [u, H], with b1 added to T_0's rows; then each row of hprebn is the sum
 * of its B rows of T.
 */
export function firstLayerForward(s: Layout): void {
  const B = s.B, E = s.E, H = s.H, U = min(s.n, s.V);
  for (let b = 0; b < B; b++) {
    const u = int(s.counts, b), Cu = at(s.Cu, b * U * E), chars = at(s.chars, b * U);
    for (let k = 0; k < u; k++) copyRow(at(Cu, k * E), at(s.C, int(chars, k) * E), E); // [u, E]
    matmul(at(s.TG, b * U * H), Cu, at(s.W1, b * E * H), u, H, E, E, 1, b == 0 ? s.b1 : 0); // [u, H]
  }
  gatherRows(s.hprebn, s.TG, s.rowOf, s.n, B, H);
}

/**
 * out[i] = Σ_b T[rowOf[i, b]] for the n rows of out [n, H], sixteen
 * columns at a time: four sums stay in registers while the B rows go by.
 */
export function gatherRows(out: usize, T: usize, rowOf: usize, n: i32, B: i32, H: i32): void {
  for (let i = 0; i < n; i++) {
    const o = at(out, i * H), rows = at(rowOf, i * B);
    for (let c = 0; c < H; c += 16) sumRows16(o, T, rows, B, H, c);
  }
}

/**
 * dW1 [B·E, H] and dC [V, E] from dhprebn [n, H], through the distinct
 * characters of the forward: for each position b, G_b [u, H] (the rows of
 * dhprebn summed by character, where T_b was), dW1_b = C_uᵀ @ G_b, and dCu = G_b @ W1_bᵀ
 * [u, E], whose row k is added to dC's row of character c_k (a character
 * met at several positions collects each one's, so dC is zeroed first).
 */
export function firstLayerBackward(s: Layout): void {
  const n = s.n, B = s.B, E = s.E, H = s.H, U = min(n, s.V);
  memory.fill(s.dC, 0, <usize>(s.V * E) << 2);
  for (let b = 0; b < B; b++) {
    const u = int(s.counts, b), Cu = at(s.Cu, b * U * E), G = at(s.TG, b * U * H), W1b = at(s.W1, b * E * H);
    sumRowsBy(G, s.dhprebn, at(s.order, b * n), at(s.begin, b * (U + 1)), u, H); // [u, H]
    matmul(at(s.dW1, b * E * H), Cu, G, E, H, u, 1, E, 0); // [E, H]: C_u read transposed
    // dCu [u, E] = G_b @ W1_bᵀ: matmulT's CT[j, e] = Σ_h W1_b[e, h]·G_b[j, h].
    matmulT(s.dCu, W1b, G, E, u, H, 0);
    const chars = at(s.chars, b * U);
    for (let k = 0; k < u; k++) {
      const row = at(s.dC, int(chars, k) * E), d = at(s.dCu, k * E);
      for (let e = 0; e < E; e++) store<f32>(at(row, e), load<f32>(at(row, e)) + load<f32>(at(d, e)));
    }
  }
}

/**
 * G [u, H]: G[k] = Σ dhprebn[order[j]] for j from begin[k] to begin[k + 1]
 * − 1, the rows of dhprebn of the examples with the k-th character, sixteen
 * columns at a time: four sums stay in registers while those rows go by,
 * and each row of G is stored once.
 */
export function sumRowsBy(G: usize, dhprebn: usize, order: usize, begin: usize, u: i32, H: i32): void {
  for (let k = 0; k < u; k++) {
    const first = int(begin, k), end = int(begin, k + 1), g = at(G, k * H);
    for (let c = 0; c < H; c += 16) sumRows16(g, dhprebn, at(order, first), end - first, H, c);
  }
}
