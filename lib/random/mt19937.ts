/**
 * The Mersenne Twister MT19937, the 32-bit generator behind both CPython's
 * `random` module and PyTorch's CPU `torch.Generator`.
 *
 * The two libraries share the twister but seed it differently: PyTorch calls
 * {@linkcode MT19937.seed} with the low 32 bits of its seed, CPython calls
 * {@linkcode MT19937.seedByArray} with the 32-bit words of its integer seed.
 * Everything else (the draws, the distributions) lives in the files that
 * mimic each library.
 *
 * @example
 * ```ts
 * import { MT19937 } from "./mt19937.ts";
 * const mt = new MT19937();
 * mt.seed(5489);
 * mt.next(); // 3499211612, the reference first output for seed 5489
 * ```
 * @module
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The twister's complete state: 624 words and the position of the next one. */
export interface MT19937State {
  /** The 624 words of state. */
  words: number[];
  /** How many words of the current block have been used (624 = regenerate). */
  index: number;
}

/**
 * A Mersenne Twister whose outputs are unsigned 32-bit integers.
 *
 * @example
 * ```ts
 * const mt = new MT19937();
 * mt.seed(2147483647);
 * mt.next(); // 1689602031
 * ```
 */
export class MT19937 {
  #mt = new Uint32Array(N);
  #index = N + 1;

  /**
   * Seeds from one 32-bit integer (`init_genrand` in the reference code).
   *
   * @example
   * ```ts
   * const mt = new MT19937();
   * mt.seed(2147483647);
   * ```
   */
  seed(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.#index = N;
  }

  /**
   * Seeds from an array of 32-bit words (`init_by_array`), as CPython does.
   *
   * @example
   * ```ts
   * const mt = new MT19937();
   * mt.seedByArray([42]); // what random.seed(42) does
   * ```
   */
  seedByArray(key: readonly number[]): void {
    const mt = this.#mt;
    this.seed(19650218);
    let i = 1;
    let j = 0;
    const keyLength = Math.max(key.length, 1);
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= keyLength) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.#index = N;
  }

  /**
   * The next output, an unsigned 32-bit integer.
   *
   * @example
   * ```ts
   * const mt = new MT19937();
   * mt.seed(1);
   * const u = mt.next(); // 0 ≤ u < 2**32
   * ```
   */
  next(): number {
    if (this.#index >= N) {
      if (this.#index > N) this.seed(5489);
      this.#twist();
    }
    let y = this.#mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  #twist(): void {
    const mt = this.#mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.#index = 0;
  }

  /**
   * A copy of the state, for checkpoints.
   *
   * @example
   * ```ts
   * const mt = new MT19937();
   * mt.seed(7);
   * const copy = new MT19937();
   * copy.setState(mt.getState()); // copy.next() === mt.next()
   * ```
   */
  getState(): MT19937State {
    return { words: Array.from(this.#mt), index: this.#index };
  }

  /**
   * Restores a state from {@linkcode MT19937.getState}.
   *
   * @example
   * ```ts
   * const mt = new MT19937();
   * mt.seed(7);
   * const saved = mt.getState();
   * mt.next();
   * mt.setState(saved); // the draw repeats
   * ```
   */
  setState(state: MT19937State): void {
    const { words, index } = state;
    if (words.length !== N || !Number.isInteger(index) || index < 0 || index > N) {
      throw new RangeError(
        `Cannot restore MT19937 state: expected ${N} words and an index in [0, ${N}], got ${words.length} words and index ${index}`,
      );
    }
    this.#mt.set(words);
    this.#index = index;
  }
}
