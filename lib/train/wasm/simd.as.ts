// Small helpers of the WebAssembly kernels (kernels.as.ts and matmul.as.ts):
// addresses, stores of part of a vector, the fused multiply-add. Each is
// inlined where it is used. Compiled with them by build.ts (`deno task wasm`).

/** The address of float number `i` from `p`. */
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Stores the first `lanes` (1 to 4) numbers of `v` at `p`. */
@inline export function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

@inline export function fma(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}

/** Stores four vectors (columns c to c + 15 of a row at p), as far as `cols` reaches. */
@inline export function store16(p: usize, c: i32, cols: i32, s0: v128, s1: v128, s2: v128, s3: v128): void {
  storeLanes(at(p, c), s0, cols - c);
  if (cols - c > 4) storeLanes(at(p, c + 4), s1, cols - c - 4);
  if (cols - c > 8) storeLanes(at(p, c + 8), s2, cols - c - 8);
  if (cols - c > 12) storeLanes(at(p, c + 12), s3, cols - c - 12);
}
