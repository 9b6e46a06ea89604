/**
 * Exercise 9's training worker allocates its step's arrays from an arena:
 * in Chromium, every new typed array of 4 KB or more costs a fresh
 * allocation that the browser's allocator zeroes by giving the pages back to
 * the system and faulting them in again (`madvise(MADV_DONTNEED)` for each
 * `new Float32Array(6400)`, measured with strace), about 60 µs each where
 * Deno's takes 1.5 µs; lib/tensor.ts makes a new array for every
 * operation, dozens in a training step, so the page trained three to four
 * times slower than `deno task exercise 9`.
 *
 * An arena gives each `new Float32Array(length)` (and Int32Array,
 * Float64Array) of a step a zeroed view of a few large buffers instead, and
 * at the next step's start takes the buffers back: it moves each buffer's
 * memory to a new ArrayBuffer with `transfer()`, which detaches the old one,
 * so an array kept from an earlier step reads as empty (length 0) rather
 * than as another step's numbers. Nothing a step makes outlives the next
 * step's start in the training loop (lib/exercise/training_loop.ts: forward,
 * gradients(), update); a learner's code that keeps a tensor from one call
 * of gradients() to the next breaks the run instead, and the training
 * worker trains again without the arena (exercise_train_run.ts).
 *
 * @example
 * ```ts
 * import { stepArena } from "./step_arena.ts";
 * const scope = { Float32Array, Int32Array, Float64Array };
 * const arena = stepArena(scope);
 * arena.startStep();
 * const a = new scope.Float32Array(2048); // a view of the arena's buffer, zeroed
 * arena.startStep();
 * a.length; // 0: taken back at the next step
 * arena.uninstall();
 * ```
 * @module
 */

/** The typed arrays an arena serves, by their global names. */
const KINDS = ["Float32Array", "Int32Array", "Float64Array"] as const;

/** The constructors an arena replaces: a global scope, or an object standing for one in a test. */
export type ArrayScope = Record<(typeof KINDS)[number], unknown>;

/** Arrays smaller than this are allocated as usual: below a page, Chromium's allocator is fast. */
const MIN_BYTES = 4096;

/** Each buffer of the arena holds this much (a larger array gets a buffer of its own size). */
const CHUNK_BYTES = 4 << 20;

/** The arena of exercise 9's training worker: its steps, and the typed arrays it gave out. */
export interface StepArena {
  /** Takes back every array of the steps before, and starts a step. */
  startStep(): void;
  /** Stops serving arrays (each `new` allocates as usual again) and restores the constructors. */
  uninstall(): void;
  /** How many arrays the arena gave out, and how many bytes its buffers hold. */
  readonly served: number;
  readonly bytes: number;
}

/** A buffer of the arena and how much of it the current step has used. */
interface Chunk {
  buffer: ArrayBuffer;
  used: number;
}

/** The arena's buffers, and where the next array goes. */
class Chunks {
  chunks: Chunk[] = [];
  served = 0;
  active = false;

  /** `bytes` of zeroed memory, aligned to 64 bytes, from the first buffer with room (or a new one). */
  take(bytes: number): { buffer: ArrayBuffer; offset: number } {
    const size = Math.ceil(bytes / 64) * 64;
    let chunk = this.chunks.find((c) => c.buffer.byteLength - c.used >= size);
    if (!chunk) this.chunks.push(chunk = { buffer: new ArrayBuffer(Math.max(CHUNK_BYTES, size)), used: 0 });
    const offset = chunk.used;
    chunk.used += size;
    this.served++;
    return { buffer: chunk.buffer, offset };
  }

  /** Detaches every array given out (by moving each buffer's memory to a new buffer), and zeroes the used parts. */
  reset(): void {
    for (const chunk of this.chunks) {
      if (chunk.used === 0) continue;
      chunk.buffer = chunk.buffer.transfer();
      new Uint8Array(chunk.buffer, 0, chunk.used).fill(0);
      chunk.used = 0;
    }
  }
}

type TypedArrayConstructor = new (...args: unknown[]) => ArrayBufferView & { length: number };

/** A constructor that behaves as `Base`, except that `new` of a large length is served from `chunks`. */
function served(Base: TypedArrayConstructor, name: string, chunks: Chunks): TypedArrayConstructor {
  const perElement = (Base as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const Served = function (this: unknown, ...args: unknown[]): object {
    const target: unknown = new.target;
    if (!target) throw new TypeError(`Constructor ${name} requires 'new'`);
    const length = args[0];
    if (
      chunks.active && target === Served && args.length === 1 && typeof length === "number" &&
      Number.isSafeInteger(length) && length * perElement >= MIN_BYTES
    ) {
      const { buffer, offset } = chunks.take(length * perElement);
      return new Base(buffer, offset, length);
    }
    return Reflect.construct(Base, args, target === Served ? Base : target as TypedArrayConstructor);
  } as unknown as TypedArrayConstructor;
  Object.setPrototypeOf(Served, Base);
  Object.defineProperty(Served, "prototype", { value: Base.prototype });
  Object.defineProperty(Served, "name", { value: name });
  return Served;
}

/**
 * Replaces `scope`'s typed array constructors with ones that serve a step's
 * large arrays from an arena (each still a real Float32Array, Int32Array or
 * Float64Array: `instanceof` holds); until the first
 * {@linkcode StepArena.startStep}, and after
 * {@linkcode StepArena.uninstall}, they allocate as usual.
 *
 * @example
 * ```ts
 * const scope = { Float32Array, Int32Array, Float64Array };
 * const arena = stepArena(scope);
 * arena.startStep();
 * new scope.Float32Array(4096) instanceof Float32Array; // true
 * arena.served; // 1
 * arena.uninstall();
 * ```
 */
export function stepArena(scope: ArrayScope): StepArena {
  const chunks = new Chunks();
  const originals = KINDS.map((name) => [name, scope[name]] as const);
  for (const [name, Base] of originals) scope[name] = served(Base as TypedArrayConstructor, name, chunks);
  return {
    startStep() {
      chunks.reset();
      chunks.active = true;
    },
    uninstall() {
      chunks.active = false;
      for (const [name, Base] of originals) scope[name] = Base;
    },
    get served() {
      return chunks.served;
    },
    get bytes() {
      return chunks.chunks.reduce((sum, c) => sum + c.buffer.byteLength, 0);
    },
  };
}
