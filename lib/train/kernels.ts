/**
 * The fast training kernels, llm.c style: for each layer a forward and a
 * backward function side by side, over preallocated `Float64Array` buffers
 * (row-major), with the sizes passed in. A backward takes the gradients it
 * writes first, then the upstream gradient, then what the forward cached,
 * and accumulates into its outputs with `+=`; the caller zeroes gradients
 * before each step. Nothing here allocates.
 *
 * Each kernel computes the same thing as a few lines of the tensor module
 * (`lib/tensor.ts`), and `kernels_test.ts` checks them against each other.
 * The tensor module is the readable version; these are the fast ones. What
 * makes them fast is plain: float64 buffers (no float32 conversion on every
 * load), loops whose innermost index walks memory contiguously, and one
 * matrix product kernel (`matmulAccumulate` of `matmul.ts`) that works on
 * blocks of four by four, with its plain triple loop beside it.
 *
 * The training step that `deno task train` runs by default is these same
 * kernels in WebAssembly (`wasm/kernels.as.ts`): float32, four numbers at a
 * time, several times faster. These stay as its readable twin, as the
 * reference it is tested against, and as `--kernels ts`.
 *
 * @example
 * ```ts
 * import { linearForward } from "./kernels.ts";
 * const out = new Float64Array(2 * 3);
 * // out[2, 3] = inp[2, 4] @ W[4, 3] + b[3]
 * linearForward(out, new Float64Array(8).fill(1), new Float64Array(12).fill(0.5), new Float64Array(3), 2, 4, 3);
 * out[0]; // 2
 * ```
 * @module
 */

import { matmulAccumulate } from "./matmul.ts";

// ---------------------------------------------------------------------------
// Embedding: out[i, j·E + e] = C[X[i, j], e]

/**
 * Looks up the `B` context characters of each of `n` examples in `C` (`[V, E]`)
 * and lays them side by side: `out` is `[n, B·E]`, the lecture's `embcat`.
 *
 * @example
 * ```ts
 * // embcat[2, 2·1]: the rows of C[3, 1] that the contexts [[1, 2], [0, 0]] pick
 * const embcat = new Float64Array(4);
 * embeddingForward(embcat, new Int32Array([1, 2, 0, 0]), new Float64Array([10, 20, 30]), 2, 2, 1);
 * embcat; // [20, 30, 10, 10]
 * ```
 */
export function embeddingForward(
  out: Float64Array,
  X: Int32Array,
  C: Float64Array,
  n: number,
  B: number,
  E: number,
): void {
  for (let i = 0; i < n * B; i++) {
    const row = X[i] * E;
    const o = i * E;
    for (let e = 0; e < E; e++) out[o + e] = C[row + e];
  }
}

/**
 * The backward of the lookup: `dC[X[i, j]] += dout[i, j]`. A row of `C`
 * looked up several times collects all its gradients.
 *
 * @example
 * ```ts
 * const dC = new Float64Array(3);
 * embeddingBackward(dC, new Float64Array([1, 2, 3, 4]), new Int32Array([1, 2, 0, 0]), 2, 2, 1);
 * dC; // [7, 1, 2]: row 0 was looked up twice
 * ```
 */
export function embeddingBackward(
  dC: Float64Array,
  dout: Float64Array,
  X: Int32Array,
  n: number,
  B: number,
  E: number,
): void {
  for (let i = 0; i < n * B; i++) {
    const row = X[i] * E;
    const o = i * E;
    for (let e = 0; e < E; e++) dC[row + e] += dout[o + e];
  }
}

// ---------------------------------------------------------------------------
// Linear: out[n, O] = inp[n, I] @ W[I, O] + b[O]

/**
 * `out = inp @ W + b` for `inp` `[n, I]`, `W` `[I, O]`, `b` `[O]`.
 *
 * @example
 * ```ts
 * // out[1, 2] = inp[1, 3] @ W[3, 2] + b[2]
 * const out = new Float64Array(2);
 * const W = new Float64Array([1, 0, 0, 1, 1, 1]);
 * linearForward(out, new Float64Array([1, 2, 3]), W, new Float64Array([0.5, -0.5]), 1, 3, 2);
 * out; // [4.5, 4.5]
 * ```
 */
export function linearForward(
  out: Float64Array,
  inp: Float64Array,
  W: Float64Array,
  b: Float64Array,
  n: number,
  I: number,
  O: number,
): void {
  // Every row starts as the bias (broadcast over the rows), then gains inp @ W.
  for (let i = 0; i < n; i++) out.set(b, i * O);
  matmulAccumulate(out, inp, W, n, O, I, I, 1);
}

/**
 * The backward of `out = inp @ W + b`:
 * `dinp += dout @ Wᵀ` (skipped when `dinp` is null), `dW += inpᵀ @ dout`,
 * `db += Σ_rows dout`. `scratch` holds at least `I · O` numbers, for `Wᵀ`.
 *
 * @example
 * ```ts
 * // The backward of out[1, 2] = inp[1, 3] @ W[3, 2] + b[2], for dout = [1, 1]
 * const [dinp, dW, db] = [new Float64Array(3), new Float64Array(6), new Float64Array(2)];
 * const W = new Float64Array([1, 0, 0, 1, 1, 1]);
 * linearBackward(dinp, dW, db, new Float64Array([1, 1]), new Float64Array([1, 2, 3]), W, new Float64Array(6), 1, 3, 2);
 * dinp; // [1, 1, 2]: each row of W summed
 * dW; // [1, 1, 2, 2, 3, 3]
 * ```
 */
export function linearBackward(
  dinp: Float64Array | null,
  dW: Float64Array,
  db: Float64Array,
  dout: Float64Array,
  inp: Float64Array,
  W: Float64Array,
  scratch: Float64Array,
  n: number,
  I: number,
  O: number,
): void {
  if (dinp !== null) {
    // dinp[n, I] += dout[n, O] @ Wᵀ[O, I]: transpose W once, then the same kernel.
    for (let k = 0; k < I; k++) {
      for (let o = 0; o < O; o++) scratch[o * I + k] = W[k * O + o];
    }
    matmulAccumulate(dinp, dout, scratch, n, I, O, O, 1);
  }
  // dW[I, O] += inpᵀ[I, n] @ dout[n, O]: inp read transposed through its strides.
  matmulAccumulate(dW, inp, dout, I, O, n, 1, I);
  // db[o] += Σ_i dout[i, o]: the bias was broadcast over the rows.
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < O; o++) db[o] += dout[i * O + o];
  }
}

// ---------------------------------------------------------------------------
// Batch normalisation (training mode): out = gain · (x − mean) · varInv + bias

/**
 * Batchnorm in training mode over `n` rows of `H` units, with the lecture's
 * Bessel-corrected variance. Caches `bnraw` (`[n, H]`) and `varInv` (`[H]`)
 * for the backward pass, and writes the batch `mean` and `variance` (`[H]`).
 *
 * @example
 * ```ts
 * // One unit over two rows, 1 and 3: mean 2, variance (n − 1 = 1) 2
 * const [hpreact, bnraw] = [new Float64Array(2), new Float64Array(2)];
 * const [varInv, mean, variance] = [new Float64Array(1), new Float64Array(1), new Float64Array(1)];
 * const [hprebn, gain, bias] = [new Float64Array([1, 3]), new Float64Array([1]), new Float64Array([0])];
 * batchnormForward(hpreact, bnraw, varInv, mean, variance, hprebn, gain, bias, 2, 1);
 * [mean[0], variance[0]]; // [2, 2]
 * hpreact; // about [-0.707, 0.707]
 * ```
 */
export function batchnormForward(
  out: Float64Array,
  bnraw: Float64Array,
  varInv: Float64Array,
  mean: Float64Array,
  variance: Float64Array,
  inp: Float64Array,
  gain: Float64Array,
  bias: Float64Array,
  n: number,
  H: number,
): void {
  mean.fill(0);
  variance.fill(0);
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) mean[h] += inp[i * H + h];
  }
  for (let h = 0; h < H; h++) mean[h] /= n;
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < H; h++) {
      const d = inp[i * H + h] - mean[h];
      variance[h] += d * d;
    }
  }
  for (let h = 0; h < H; h++) {
    variance[h] /= n - 1;
    varInv[h] = 1 / Math.sqrt(variance[h] + 1e-5);
  }
  for (let i = 0; i < n; i++) {
    const r = i * H;
    for (let h = 0; h < H; h++) {
      const x = (inp[r + h] - mean[h]) * varInv[h];
      bnraw[r + h] = x;
      out[r + h] = gain[h] * x + bias[h];
    }
  }
}

/**
 * The fused backward of chapter 8:
 * `dinp += gain · varInv / n · (n · dout − Σ dout − n/(n−1) · bnraw · Σ (dout · bnraw))`,
 * and `dgain += Σ dout · bnraw`, `dbias += Σ dout`, the sums over the rows.
 * `scratch` is two `[H]` buffers' worth of space (`2·H` numbers).
 *
 * @example
 * ```ts
 * // After the forward of one unit over the rows 1 and 3 (bnraw ±1/√2), for dout = [1, 0]
 * const [dinp, dgain, dbias] = [new Float64Array(2), new Float64Array(1), new Float64Array(1)];
 * const bnraw = new Float64Array([-Math.SQRT1_2, Math.SQRT1_2]);
 * const varInv = new Float64Array([1 / Math.sqrt(2 + 1e-5)]);
 * const [dout, gain] = [new Float64Array([1, 0]), new Float64Array([1])];
 * batchnormBackward(dinp, dgain, dbias, dout, bnraw, varInv, gain, new Float64Array(2), 2, 1);
 * [dgain[0], dbias[0]]; // about [-0.707, 1]
 * ```
 */
export function batchnormBackward(
  dinp: Float64Array,
  dgain: Float64Array,
  dbias: Float64Array,
  dout: Float64Array,
  bnraw: Float64Array,
  varInv: Float64Array,
  gain: Float64Array,
  scratch: Float64Array,
  n: number,
  H: number,
): void {
  // scratch[0, H) = Σᵢ dout, scratch[H, 2H) = Σᵢ dout · bnraw.
  scratch.fill(0, 0, 2 * H);
  for (let i = 0; i < n; i++) {
    const r = i * H;
    for (let h = 0; h < H; h++) {
      const d = dout[r + h];
      scratch[h] += d;
      scratch[H + h] += d * bnraw[r + h];
    }
  }
  for (let h = 0; h < H; h++) {
    dbias[h] += scratch[h];
    dgain[h] += scratch[H + h];
  }
  const bessel = n / (n - 1);
  for (let i = 0; i < n; i++) {
    const r = i * H;
    for (let h = 0; h < H; h++) {
      const inner = n * dout[r + h] - scratch[h] - bessel * bnraw[r + h] * scratch[H + h];
      dinp[r + h] += (gain[h] * varInv[h] / n) * inner;
    }
  }
}

// ---------------------------------------------------------------------------
// tanh

/**
 * tanh(x) as a ratio of two polynomials in x² (the approximation Eigen uses
 * for float32), with x clamped to ±7.9053 where the ratio reaches its last
 * value short of ±1; accurate to 3e-7 over the whole line: well inside float32's
 * precision, the lecture's dtype, and three times faster than `Math.tanh`,
 * which costs about 11 ns a call in V8. {@linkcode tanhForwardNaive} is the
 * `Math.tanh` version it is tested against.
 *
 * @example
 * ```ts
 * tanhRational(0.5); // 0.4621171408833437 (Math.tanh: 0.46211715726000974)
 * ```
 */
export function tanhRational(x: number): number {
  const c = x > 7.90531110763549805 ? 7.90531110763549805 : x < -7.90531110763549805 ? -7.90531110763549805 : x;
  const x2 = c * c;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-08;
  p = p * x2 + 1.48572235717979e-05;
  p = p * x2 + 6.37261928875436e-04;
  p = p * x2 + 4.89352455891786e-03;
  let q = 1.19825839466702e-06;
  q = q * x2 + 1.18534705686654e-04;
  q = q * x2 + 2.26843463243900e-03;
  q = q * x2 + 4.89352518554385e-03;
  return (p * c) / q;
}

/**
 * `out = tanh(inp)` elementwise over `size` numbers, with {@linkcode tanhRational}.
 *
 * @example
 * ```ts
 * const h = new Float64Array(2);
 * tanhForward(h, new Float64Array([0, 1]), 2);
 * h; // [0, 0.76159…]
 * ```
 */
export function tanhForward(out: Float64Array, inp: Float64Array, size: number): void {
  for (let i = 0; i < size; i++) out[i] = tanhRational(inp[i]);
}

/**
 * `out = tanh(inp)` with `Math.tanh`: the reference for {@linkcode tanhForward}.
 *
 * @example
 * ```ts
 * const h = new Float64Array(2);
 * tanhForwardNaive(h, new Float64Array([0, 1]), 2);
 * h; // [0, 0.7615941559557649]
 * ```
 */
export function tanhForwardNaive(out: Float64Array, inp: Float64Array, size: number): void {
  for (let i = 0; i < size; i++) out[i] = Math.tanh(inp[i]);
}

/**
 * `dinp += (1 − out²) · dout`, using the forward's output `out = tanh(inp)`.
 *
 * @example
 * ```ts
 * const dinp = new Float64Array(1);
 * tanhBackward(dinp, new Float64Array([2]), new Float64Array([0.5]), 1);
 * dinp; // [1.5]: (1 − 0.5²) · 2
 * ```
 */
export function tanhBackward(dinp: Float64Array, dout: Float64Array, out: Float64Array, size: number): void {
  for (let i = 0; i < size; i++) {
    const t = out[i];
    dinp[i] += (1 - t * t) * dout[i];
  }
}

// ---------------------------------------------------------------------------
// Cross-entropy

/**
 * The mean cross-entropy of `logits` (`[n, V]`) against targets `Y` (`[n]`).
 * Caches the softmax in `probs` (`[n, V]`) for the backward pass.
 *
 * @example
 * ```ts
 * // One row of two equal logits, against target 1
 * const probs = new Float64Array(2);
 * crossEntropyForward(probs, new Float64Array([0, 0]), new Int32Array([1]), 1, 2); // log 2 = 0.693…
 * probs; // [0.5, 0.5]
 * ```
 */
export function crossEntropyForward(
  probs: Float64Array,
  logits: Float64Array,
  Y: Int32Array,
  n: number,
  V: number,
): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const r = i * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[r + v] > max) max = logits[r + v];
    let total = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(logits[r + v] - max);
      probs[r + v] = e;
      total += e;
    }
    for (let v = 0; v < V; v++) probs[r + v] /= total;
    loss -= logits[r + Y[i]] - max - Math.log(total);
  }
  return loss / n;
}

/**
 * The fused backward of chapter 7: `dlogits += (probs − onehot(Y)) / n`.
 *
 * @example
 * ```ts
 * const dlogits = new Float64Array(2);
 * crossEntropyBackward(dlogits, new Float64Array([0.5, 0.5]), new Int32Array([1]), 1, 2);
 * dlogits; // [0.5, -0.5]
 * ```
 */
export function crossEntropyBackward(
  dlogits: Float64Array,
  probs: Float64Array,
  Y: Int32Array,
  n: number,
  V: number,
): void {
  for (let i = 0; i < n; i++) {
    const r = i * V;
    for (let v = 0; v < V; v++) dlogits[r + v] += probs[r + v] / n;
    dlogits[r + Y[i]] -= 1 / n;
  }
}
