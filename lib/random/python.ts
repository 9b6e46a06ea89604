/**
 * The part of CPython's `random` module the lecture uses: `random.seed(42)`
 * and `random.shuffle(words)`, which decide the train/dev/test split.
 *
 * CPython (`Modules/_randommodule.c`, `Lib/random.py`) seeds its MT19937
 * with `init_by_array`, the key being the 32-bit words of |seed| (42 → [42]).
 * `shuffle` walks i from the end down to 1 and swaps item i with item
 * j = `_randbelow(i + 1)`, which draws `getrandbits(k)` for the bit length k
 * of i + 1 and tries again while the draw is too large.
 *
 * @example
 * ```ts
 * import { PythonRandom } from "./python.ts";
 * const rng = new PythonRandom(42);
 * const words = ["emma", "olivia", "ava"];
 * rng.shuffle(words); // the order random.shuffle gives after random.seed(42)
 * ```
 * @module
 */

import { MT19937 } from "./mt19937.ts";

/**
 * CPython's `random.Random`, limited to seeding, bits and shuffling.
 *
 * @example
 * ```ts
 * const words = ["emma", "olivia", "ava", "isabella"];
 * new PythonRandom(42).shuffle(words);
 * ```
 */
export class PythonRandom {
  #mt = new MT19937();

  /**
   * Creates a generator seeded as `random.seed(seed)` seeds one.
   *
   * @example
   * ```ts
   * const rng = new PythonRandom(42);
   * ```
   */
  constructor(seed: number | bigint) {
    this.seed(seed);
  }

  /**
   * Reseeds from an integer, as `random.seed(int)` does.
   *
   * @example
   * ```ts
   * new PythonRandom(0).seed(42);
   * ```
   */
  seed(seed: number | bigint): void {
    if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
      throw new RangeError(`Cannot seed Python's random with ${seed}: the seed must be an integer`);
    }
    let rest = BigInt(seed);
    if (rest < 0n) rest = -rest;
    const key: number[] = [];
    do {
      key.push(Number(rest & 0xffffffffn));
      rest >>= 32n;
    } while (rest > 0n);
    this.#mt.seedByArray(key);
  }

  /**
   * `getrandbits(k)` for 1 ≤ k ≤ 32: the top k bits of one 32-bit draw.
   *
   * @example
   * ```ts
   * new PythonRandom(42).getrandbits(8); // an integer in [0, 256)
   * ```
   */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 1 || k > 32) {
      throw new RangeError(`Cannot draw getrandbits(${k}): k must be a whole number from 1 to 32`);
    }
    return this.#mt.next() >>> (32 - k);
  }

  /**
   * `_randbelow(n)`: an integer uniform in [0, n), by rejection.
   *
   * @example
   * ```ts
   * new PythonRandom(42).randbelow(10); // an integer in [0, 10)
   * ```
   */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      throw new RangeError(`Cannot draw randbelow(${n}): n must be a whole number from 1 to 2^32`);
    }
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /**
   * Shuffles `items` in place, as `random.shuffle` does, and returns it.
   *
   * @example
   * ```ts
   * const order = new PythonRandom(42).shuffle([1, 2, 3, 4]);
   * ```
   */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
