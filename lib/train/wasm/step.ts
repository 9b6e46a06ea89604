/**
 * The training step in WebAssembly: the kernels of `kernels.as.ts`, compiled
 * to `kernels.wasm`, with every buffer laid out once in the module's memory.
 *
 * A {@linkcode WasmStep} owns one instance of the module. Its constructor
 * computes where each buffer goes (16-byte aligned, with slack after each,
 * as the kernels need), grows the memory once, and writes that layout (the
 * record of `layout.ts`) into the memory for the module's `step` to read; from then on one call runs a
 * whole training step and nothing is allocated. The batch, the parameters
 * and their gradients are `Int32Array` and `Float32Array` views onto the
 * module's memory.
 *
 * @example
 * ```ts
 * import { WasmStep } from "./step.ts";
 * const w = new WasmStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * w.params.W1.fill(0.01); // ... set the parameters and the batch (w.Xb, w.Yb), then
 * const loss = w.step(0.1);
 * ```
 * @module
 */

import { PARAM_NAMES } from "../../model.ts";
import { KERNELS_WASM_BASE64 } from "./kernels_wasm.ts";
import { LAYOUT, type LayoutField } from "./layout.ts";

/**
 * The sizes of a step: batch, context, embedding width, hidden units, vocabulary.
 *
 * @example
 * ```ts
 * const dims: StepDims = { n: 32, B: 3, E: 10, H: 200, V: 27 };
 * ```
 */
export interface StepDims {
  n: number;
  B: number;
  E: number;
  H: number;
  V: number;
}

/** The functions `kernels.wasm` exports (pointers are byte addresses in its memory). */
interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  step(layout: number, lr: number): number;
  matmul(
    C: number,
    A: number,
    B: number,
    M: number,
    N: number,
    K: number,
    sar: number,
    sap: number,
    bias: number,
  ): void;
}

let compiled: WebAssembly.Module | null = null;

/**
 * A fresh instance of the kernels, with its own memory (the module is
 * compiled once per process).
 *
 * @example
 * ```ts
 * const k = instantiateKernels();
 * k.heapBase(); // where free memory starts
 * ```
 */
export function instantiateKernels(): KernelExports {
  if (compiled === null) {
    compiled = new WebAssembly.Module(Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0)));
  }
  return new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
}

/**
 * Hands out 16-byte aligned regions with `SLACK` bytes after each, from
 * `base` on; `grow` then makes the memory big enough for all of them.
 *
 * @example
 * ```ts
 * const arena = new Arena(k.heapBase());
 * const A = arena.floats(32 * 30);
 * arena.grow(k.memory);
 * ```
 */
export class Arena {
  /** Bytes of slack after every region: the kernels read up to fifteen numbers past a row. */
  static readonly SLACK = 64;
  #end: number;

  constructor(base: number) {
    this.#end = Arena.#align(base);
  }

  static #align(x: number): number {
    return Math.ceil(x / 16) * 16;
  }

  /** The address of a new region of `count` 4-byte numbers. */
  floats(count: number): number {
    const at = this.#end;
    this.#end = Arena.#align(at + 4 * count) + Arena.SLACK;
    return at;
  }

  /** The first free address. */
  get end(): number {
    return this.#end;
  }

  /** Grows `memory` once so that every region handed out fits. */
  grow(memory: WebAssembly.Memory): void {
    const missing = this.#end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  }
}

type ParamName = typeof PARAM_NAMES[number];

/**
 * One instance of the WebAssembly kernels laid out for one network and batch size.
 *
 * @example
 * ```ts
 * const w = new WasmStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * ```
 */
export class WasmStep {
  /** The sizes it was laid out for. */
  readonly dims: StepDims;
  /** The batch's contexts `[n·B]`: write here before {@linkcode WasmStep.step}. */
  readonly Xb: Int32Array;
  /** The batch's targets `[n]`. */
  readonly Yb: Int32Array;
  /** The parameters, float32, in the lecture's shapes (row-major), inside the module's memory. */
  readonly params: Record<ParamName, Float32Array>;
  /** Their gradients from the last step. */
  readonly grads: Record<ParamName, Float32Array>;
  readonly #kernels: KernelExports;
  readonly #layout: number;

  constructor(dims: StepDims) {
    for (const [name, v] of Object.entries(dims)) {
      if (!Number.isSafeInteger(v) || v < 1) {
        throw new RangeError(`WasmStep: ${name} must be a whole number ≥ 1, got ${v}`);
      }
    }
    this.dims = { ...dims };
    const { n, B, E, H, V } = dims;
    const I = B * E;
    const k = this.#kernels = instantiateKernels();
    const arena = new Arena(k.heapBase());
    const at = { n, B, E, H, V } as Record<LayoutField, number>;
    this.#layout = arena.floats(LAYOUT.length);
    at.X = arena.floats(n * B);
    at.Y = arena.floats(n);
    const sizes: Record<ParamName, number> = { C: V * E, W1: I * H, b1: H, W2: H * V, b2: V, bngain: H, bnbias: H };
    // The parameters in one block, and the gradients in a second block with the same offsets.
    at.params = arena.end;
    for (const name of PARAM_NAMES) at[name] = arena.floats(sizes[name]);
    at.paramCount = (arena.end - at.params) / 4;
    at.grads = arena.floats(at.paramCount);
    for (const name of PARAM_NAMES) at[`d${name}`] = at.grads + (at[name] - at.params);
    for (const name of ["embcat", "dembcat"] as const) at[name] = arena.floats(n * I);
    for (const name of ["hprebn", "bnraw", "hpreact", "h", "dhprebn", "dhpreact", "dh"] as const) {
      at[name] = arena.floats(n * H);
    }
    for (const name of ["varInv", "mean", "variance"] as const) at[name] = arena.floats(H);
    for (const name of ["logits", "probs", "dlogits"] as const) at[name] = arena.floats(n * V);
    at.transposed = arena.floats(Math.max(I * H, H * V));
    at.scratch = arena.floats(3 * H);
    arena.grow(k.memory);

    const unset = LAYOUT.find(([field]) => at[field] === undefined);
    if (unset) throw new Error(`WasmStep: the layout record's field ${unset[0]} was not laid out`);
    const buffer = k.memory.buffer;
    new Int32Array(buffer, this.#layout, LAYOUT.length).set(LAYOUT.map(([field]) => at[field]));
    this.Xb = new Int32Array(buffer, at.X, n * B);
    this.Yb = new Int32Array(buffer, at.Y, n);
    const view = (name: LayoutField, size: number) => new Float32Array(buffer, at[name], size);
    this.params = Object.fromEntries(PARAM_NAMES.map((p) => [p, view(p, sizes[p])])) as Record<ParamName, Float32Array>;
    this.grads = Object.fromEntries(PARAM_NAMES.map((p) => [p, view(`d${p}`, sizes[p])])) as Record<
      ParamName,
      Float32Array
    >;
  }

  /**
   * One training step on the batch in {@linkcode WasmStep.Xb} and
   * {@linkcode WasmStep.Yb}: forward, backward, `p −= lr · dp`. Returns the
   * loss; when it is not finite, nothing is updated.
   */
  step(lr: number): number {
    return this.#kernels.step(this.#layout, lr);
  }
}
