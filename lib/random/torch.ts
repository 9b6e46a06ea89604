/**
 * PyTorch's CPU random number generator, `torch.Generator`, bit for bit.
 *
 * The lecture draws its initial parameters with `torch.randn`, its minibatch
 * indices with `torch.randint` and its samples with `torch.multinomial`, all
 * from a generator seeded with 2147483647. With this class a learner gets the
 * same numbers as the lecture's notebook on an x86-64 machine.
 *
 * What PyTorch does (1.13, `aten/src/ATen/core` and `aten/src/ATen/native`):
 * - the engine is MT19937 seeded with the low 32 bits of the seed;
 * - a float uniform is `(draw & 0xFFFFFF) · 2^-24`; a double uniform takes a
 *   64-bit draw (two 32-bit draws, first one high) and keeps 53 bits;
 * - `randn` of at least 16 float32 numbers draws all uniforms first, then
 *   runs Box–Muller over blocks of 16 (see {@linkcode TorchGenerator.randn});
 *   fewer than 16 use double-precision Box–Muller and cache the second value;
 * - `randint(low, high)` is `draw % (high − low) + low`, with a 64-bit draw
 *   when the range is 2^32 or more;
 * - `multinomial(p, 1)` is the argmax of `p / q` over exponential draws `q`.
 *
 * @example
 * ```ts
 * import { TorchGenerator } from "./torch.ts";
 * const g = new TorchGenerator(2147483647);
 * const C = g.randn(27 * 10); // torch.randn((27, 10), generator=g)
 * const ix = g.randint(0, 182625, 32);
 * ```
 * @module
 */

import { MT19937, type MT19937State } from "./mt19937.ts";
import { logf, sincosf } from "./cephes.ts";

const f = Math.fround;
const TWO_POW_32 = 2 ** 32;
const TWO_POW_24 = 2 ** 24;
const TWO_POW_53 = 2 ** 53;
const TWO_PI_F = f(2 * Math.PI);

/** Everything needed to resume a {@linkcode TorchGenerator} exactly. */
export interface TorchGeneratorState {
  /** The seed it was last seeded with, as a decimal string. */
  seed: string;
  /** The twister's state. */
  mt: MT19937State;
  /** The cached second sample of double Box–Muller, if any. */
  nextDoubleNormal: number | null;
}

/**
 * A `torch.Generator` on the CPU.
 *
 * @example
 * ```ts
 * const g = new TorchGenerator(2147483647);
 * const C = g.randn(27 * 10);
 * ```
 */
export class TorchGenerator {
  #mt = new MT19937();
  #seed = 0n;
  #nextDoubleNormal: number | null = null;

  /**
   * Creates a generator seeded with `seed` (`torch.Generator().manual_seed(seed)`).
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(2147483647);
   * ```
   */
  constructor(seed: number | bigint = 67280421310721n) {
    this.manualSeed(seed);
  }

  /**
   * Reseeds, as `manual_seed` does. Seeds may be any integer in
   * [0, 2^64); like PyTorch, only the low 32 bits reach the twister.
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(0);
   * g.manualSeed(2147483647);
   * ```
   */
  manualSeed(seed: number | bigint): this {
    const big = BigInt(seed);
    if (big < 0n || big >= 1n << 64n) {
      throw new RangeError(`Cannot seed a torch generator with ${seed}: the seed must be an integer in [0, 2^64)`);
    }
    this.#seed = big;
    this.#mt.seed(Number(big & 0xffffffffn));
    this.#nextDoubleNormal = null;
    return this;
  }

  /**
   * The seed last given to {@linkcode TorchGenerator.manualSeed}.
   *
   * @example
   * ```ts
   * new TorchGenerator(42).initialSeed(); // 42n
   * ```
   */
  initialSeed(): bigint {
    return this.#seed;
  }

  /**
   * One 32-bit draw (`random()`).
   *
   * @example
   * ```ts
   * new TorchGenerator(2147483647).random(); // 1689602031
   * ```
   */
  random(): number {
    return this.#mt.next();
  }

  /** A float32 uniform in [0, 1) from one 32-bit draw. */
  #uniformFloat(): number {
    return (this.#mt.next() & 0xffffff) / TWO_POW_24;
  }

  /** A float64 uniform in [0, 1) from a 64-bit draw. */
  #uniformDouble(): number {
    const hi = this.#mt.next();
    const lo = this.#mt.next();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) / TWO_POW_53;
  }

  /** One standard normal in float64, the scalar path of `normal_`. */
  #normalDouble(): number {
    if (this.#nextDoubleNormal !== null) {
      const cached = this.#nextDoubleNormal;
      this.#nextDoubleNormal = null;
      return cached;
    }
    const u1 = this.#uniformDouble();
    const u2 = this.#uniformDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.#nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * `numel` standard normal float32 numbers, as `torch.randn(shape, generator=g)`
   * fills a contiguous tensor of that many elements.
   *
   * From 16 elements on, PyTorch first fills the whole tensor with uniforms,
   * then turns each block of 16 into normals: `u1 = 1 − d[j]`, `u2 = d[j + 8]`,
   * `r = sqrt(−2 log u1)`, `d[j] = r cos(2π u2)`, `d[j + 8] = r sin(2π u2)`
   * for j in 0..7. When the size is not a multiple of 16, the last 16 slots
   * get fresh uniforms and are transformed again, overwriting some values.
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(2147483647);
   * const W1 = g.randn(30 * 64); // Float32Array(1920)
   * ```
   */
  randn(numel: number): Float32Array {
    refuseBadCount("randn", numel);
    const data = new Float32Array(numel);
    if (numel < 16) {
      for (let i = 0; i < numel; i++) data[i] = this.#normalDouble();
      return data;
    }
    for (let i = 0; i < numel; i++) data[i] = this.#uniformFloat();
    for (let i = 0; i + 16 <= numel; i += 16) normalFill16(data, i);
    if (numel % 16 !== 0) {
      const start = numel - 16;
      for (let i = start; i < numel; i++) data[i] = this.#uniformFloat();
      normalFill16(data, start);
    }
    return data;
  }

  /**
   * `count` integers uniform in [low, high), as `torch.randint(low, high, (count,))`.
   * Ranges of 2^32 or more use 64-bit draws, as PyTorch does; results must
   * stay within JavaScript's safe integers (|x| < 2^53).
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(2147483647);
   * g.randint(0, 10, 3); // three integers in [0, 10)
   * ```
   */
  randint(low: number, high: number, count: number): number[] {
    refuseBadCount("randint", count);
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new RangeError(`Cannot draw randint(${low}, ${high}): low and high must be safe integers with low < high`);
    }
    const range = high - low;
    const out: number[] = new Array(count);
    if (range < TWO_POW_32) {
      for (let i = 0; i < count; i++) out[i] = (this.#mt.next() % range) + low;
    } else {
      const bigRange = BigInt(range);
      for (let i = 0; i < count; i++) {
        const hi = BigInt(this.#mt.next());
        const lo = BigInt(this.#mt.next());
        out[i] = Number(((hi << 32n) | lo) % bigRange) + low;
      }
    }
    return out;
  }

  /**
   * Like {@linkcode TorchGenerator.randint}, but writes into `out` instead of
   * allocating: the training loop draws a batch every step.
   *
   * @example
   * ```ts
   * const ix = new Int32Array(32);
   * new TorchGenerator(2147483647).randintInto(ix, 0, 182625);
   * ```
   */
  randintInto(out: Int32Array, low: number, high: number): Int32Array {
    const range = high - low;
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || range <= 0 || range >= TWO_POW_32) {
      throw new RangeError(
        `Cannot draw randint(${low}, ${high}) into an Int32Array: need low < high and a range below 2^32`,
      );
    }
    for (let i = 0; i < out.length; i++) out[i] = (this.#mt.next() % range) + low;
    return out;
  }

  /**
   * One index drawn with probability proportional to `probs`, as
   * `torch.multinomial(probs, num_samples=1)` does for one row: an exponential
   * draw `q[i] = −log(1 − u)` (u a double uniform) for every entry, rounded to
   * float32, then the first index with the largest `probs[i] / q[i]`.
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(2147483657);
   * g.multinomial(new Float32Array([0.1, 0.7, 0.2])); // most often 1
   * ```
   */
  multinomial(probs: ArrayLike<number>): number {
    if (probs.length === 0) throw new RangeError("Cannot sample from an empty distribution");
    let best = -1;
    let bestValue = -Infinity;
    let total = 0;
    for (let i = 0; i < probs.length; i++) {
      const p = probs[i];
      if (!(p >= 0) || !Number.isFinite(p)) {
        throw new RangeError(`Cannot sample: probability ${i} is ${p}; every probability must be finite and ≥ 0`);
      }
      total += p;
      const q = f(-Math.log(1 - this.#uniformDouble()));
      const ratio = f(f(p) / q);
      if (ratio > bestValue) {
        bestValue = ratio;
        best = i;
      }
    }
    if (!(total > 0)) throw new RangeError("Cannot sample: the probabilities sum to zero");
    return best;
  }

  /**
   * A copy of the full state, for checkpoints.
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(1);
   * const h = new TorchGenerator(0);
   * h.setState(g.getState()); // h now draws what g draws
   * ```
   */
  getState(): TorchGeneratorState {
    return { seed: this.#seed.toString(), mt: this.#mt.getState(), nextDoubleNormal: this.#nextDoubleNormal };
  }

  /**
   * Restores a state from {@linkcode TorchGenerator.getState}.
   *
   * @example
   * ```ts
   * const g = new TorchGenerator(1);
   * const saved = g.getState();
   * g.randn(16);
   * g.setState(saved); // the same 16 normals come again
   * ```
   */
  setState(state: TorchGeneratorState): void {
    this.#mt.setState(state.mt);
    this.#seed = BigInt(state.seed);
    this.#nextDoubleNormal = state.nextDoubleNormal;
  }
}

/** Throws unless `count` is a whole number ≥ 0: how many numbers `op` is asked to draw. */
function refuseBadCount(op: string, count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`Cannot draw ${op} of ${count} numbers: the count must be a whole number ≥ 0`);
  }
}

/** Box–Muller over 16 uniforms in place, as `normal_fill_16_AVX2` does it. */
function normalFill16(data: Float32Array, start: number): void {
  for (let j = start; j < start + 8; j++) {
    const u1 = f(1 - data[j]);
    const u2 = data[j + 8];
    const radius = f(Math.sqrt(f(-2 * logf(u1))));
    const theta = f(TWO_PI_F * u2);
    const [sin, cos] = sincosf(theta);
    data[j] = f(radius * cos);
    data[j + 8] = f(radius * sin);
  }
}
