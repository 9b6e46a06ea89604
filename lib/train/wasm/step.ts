/**
 * The training step in WebAssembly: the kernels of `kernels.as.ts`, compiled
 * to `kernels.wasm`, with every buffer laid out once in the module's memory.
 *
 * A {@linkcode WasmStep} owns one instance of the module. Its constructor
 * places the buffers of the WebAssembly step's part of the table in
 * `../sizes.ts` one after the other (16-byte aligned, with slack after each,
 * as the kernels need), grows the memory once, and writes where each one is
 * into the layout record (the fields of `layout.ts`) for the module's `step`
 * to read; from then on one call runs a whole training step and nothing is
 * allocated. The batch, the parameters and their gradients are `Int32Array`
 * and `Float32Array` views onto the module's memory.
 *
 * This module uses no Deno API (a browser page can run it): the module's
 * bytes come from `kernels_wasm.ts`, as base64.
 *
 * @example
 * ```ts
 * import { WasmStep } from "./step.ts";
 * const w = new WasmStep({ n: 4, B: 3, E: 2, H: 8, V: 5 });
 * w.params.W1.fill(0.01); // ... set the parameters and the batch (w.Xb, w.Yb), then
 * w.step(0.1); // the loss, log 5 = 1.609… for logits all 0
 * ```
 * @module
 */

import { PARAM_NAMES, type Params } from "../../model.ts";
import { ARENA_ALIGN, arenaBytes } from "../buffers.ts";
import { type StepDims, wasmStepBuffers } from "../sizes.ts";
import type { ParamArrays, StepBatch, TrainStep } from "../step.ts";
import { KERNELS_WASM_BASE64 } from "./kernels_wasm.ts";
import { LAYOUT, type LayoutField } from "./layout.ts";

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
 * Hands out regions of 4-byte numbers from `base` on, each 16-byte aligned
 * and followed by slack, as {@linkcode arenaBytes} counts them; `grow` then
 * makes the memory big enough for all of them.
 *
 * @example
 * ```ts
 * const k = instantiateKernels();
 * const arena = new Arena(k.heapBase());
 * const A = arena.floats(32 * 30);
 * arena.grow(k.memory);
 * new Float32Array(k.memory.buffer, A, 32 * 30).fill(1);
 * ```
 */
export class Arena {
  readonly #start: number;
  #end: number;

  /** An arena whose first region starts at `base`, rounded up to 16 bytes. */
  constructor(base: number) {
    this.#start = this.#end = Math.ceil(base / ARENA_ALIGN) * ARENA_ALIGN;
  }

  /** The address of a new region of `count` 4-byte numbers. */
  floats(count: number): number {
    const at = this.#end;
    this.#end = at + arenaBytes(4 * count);
    return at;
  }

  /** The bytes handed out so far, alignment and slack included. */
  get bytes(): number {
    return this.#end - this.#start;
  }

  /** Grows `memory` once so that every region handed out fits. */
  grow(memory: WebAssembly.Memory): void {
    const missing = this.#end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  }
}

/**
 * Places every buffer of the table's WebAssembly part in the arena, in the
 * table's order, and returns the layout record's values: the sizes, and the
 * address of every buffer (each gradient at its parameter's offset in the
 * gradients' block).
 */
function layOut(arena: Arena, dims: StepDims): Record<LayoutField | "layout", number> {
  const buffers = wasmStepBuffers(dims);
  const at: Record<string, number> = { ...dims };
  for (const group of Object.values(buffers)) {
    for (const [name, count] of Object.entries<number>(group.lengths)) at[name] = arena.floats(count);
  }
  at.params = at[PARAM_NAMES[0]];
  at.paramCount = buffers.grads.lengths.grads;
  for (const name of PARAM_NAMES) at[`d${name}`] = at.grads + (at[name] - at.params);
  const unset = LAYOUT.find(([field]) => at[field] === undefined);
  if (unset) throw new Error(`WasmStep: the layout record's field ${unset[0]} was not laid out`);
  return at as Record<LayoutField | "layout", number>;
}

type ParamName = typeof PARAM_NAMES[number];

/**
 * Writes the transpose of `inp` (`[rows, cols]`, row-major) into `out`
 * (`[cols, rows]`) and returns `out`.
 *
 * @example
 * ```ts
 * transposeInto(new Float32Array(6), [1, 2, 3, 4, 5, 6], 2, 3); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transposeInto<T extends Float32Array | Float64Array>(
  out: T,
  inp: ArrayLike<number>,
  rows: number,
  cols: number,
): T {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = inp[r * cols + c];
  }
  return out;
}

/**
 * One instance of the WebAssembly kernels laid out for one network and batch
 * size: a {@linkcode TrainStep} in float32.
 *
 * @example
 * ```ts
 * const w = new WasmStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * w.bytes; // what its buffers take in the module's memory
 * ```
 */
export class WasmStep implements TrainStep {
  readonly kind = "wasm";
  /** The sizes it was laid out for. */
  readonly dims: StepDims;
  /** The batch's contexts `[n·B]`: write here before {@linkcode WasmStep.step}. */
  readonly Xb: Int32Array;
  /** The batch's targets `[n]`. */
  readonly Yb: Int32Array;
  /**
   * The parameters, float32, row-major, inside the module's memory: in the
   * lecture's shapes, except W2, which is held transposed, `[V, H]` (as
   * `nn.Linear` keeps its weight), so that every product of the step runs
   * along the hidden units. {@linkcode WasmStep.acquire} and
   * {@linkcode WasmStep.release} turn it.
   */
  readonly params: Record<ParamName, Float32Array>;
  /** Their gradients from the last step, in the same shapes (dW2 transposed too). */
  readonly grads: Record<ParamName, Float32Array>;
  /** The bytes its buffers take in the module's memory (which grows in whole 64 KiB pages). */
  readonly bytes: number;
  readonly #kernels: KernelExports;
  readonly #layout: number;

  /** Lays out every buffer for `dims` in a new instance of the module. */
  constructor(dims: StepDims) {
    for (const [name, v] of Object.entries(dims)) {
      if (!Number.isSafeInteger(v) || v < 1) {
        throw new RangeError(`WasmStep: ${name} must be a whole number ≥ 1, got ${v}`);
      }
    }
    this.dims = { ...dims };
    const k = this.#kernels = instantiateKernels();
    const arena = new Arena(k.heapBase());
    const at = layOut(arena, dims);
    this.bytes = arena.bytes;
    arena.grow(k.memory);
    const buffer = k.memory.buffer;
    this.#layout = at.layout;
    new Int32Array(buffer, at.layout, LAYOUT.length).set(LAYOUT.map(([field]) => at[field]));
    this.Xb = new Int32Array(buffer, at.X, dims.n * dims.B);
    this.Yb = new Int32Array(buffer, at.Y, dims.n);
    const sizes = wasmStepBuffers(dims).params.lengths;
    const views = (prefix: "" | "d") =>
      Object.fromEntries(
        PARAM_NAMES.map((name) => [name, new Float32Array(buffer, at[`${prefix}${name}`], sizes[name])]),
      ) as Record<ParamName, Float32Array>;
    this.params = views("");
    this.grads = views("d");
  }

  /**
   * One training step on the batch in {@linkcode WasmStep.Xb} and
   * {@linkcode WasmStep.Yb}: forward, backward, `p −= lr · dp`. Returns the
   * loss; when it is not finite, nothing is updated.
   */
  step(lr: number): number {
    return this.#kernels.step(this.#layout, lr);
  }

  /** Copies the parameters into the module's memory (W2 transposed). */
  acquire(params: Params): void {
    for (const name of PARAM_NAMES) {
      if (name === "W2") transposeInto(this.params.W2, params.W2.data, this.dims.H, this.dims.V);
      else this.params[name].set(params[name].data);
    }
  }

  /** Writes the parameters back from the module's memory (W2 in the lecture's shape again). */
  release(params: Params): void {
    for (const name of PARAM_NAMES) {
      if (name === "W2") transposeInto(params.W2.data, this.params.W2, this.dims.V, this.dims.H);
      else params[name].data.set(this.params[name]);
    }
  }

  /** Copies `batch` into the module's memory, then {@linkcode WasmStep.step}. */
  run(batch: StepBatch, lr: number): number {
    this.Xb.set(batch.Xb);
    this.Yb.set(batch.Yb);
    return this.step(lr);
  }

  /** The gradients of the last step, as float64 copies in the lecture's shapes. */
  gradients(): Readonly<ParamArrays> {
    const grads = Object.fromEntries(PARAM_NAMES.map((name) => [name, Float64Array.from(this.grads[name])]));
    grads.W2 = transposeInto(new Float64Array(this.grads.W2.length), this.grads.W2, this.dims.V, this.dims.H);
    return grads as ParamArrays;
  }
}
