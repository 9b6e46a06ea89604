/**
 * Groups of buffers, the unit of the table of sizes (`sizes.ts`): buffers of
 * one element type, by name, with their lengths. A group is allocated as
 * typed arrays ({@linkcode allocate}), or, for the WebAssembly step, laid out
 * in the module's memory by `wasm/step.ts`, each region aligned and followed
 * by slack ({@linkcode arenaBytes}); {@linkcode groupBytes} counts either
 * way, and {@linkcode bytesOf} counts what was actually allocated.
 *
 * @example
 * ```ts
 * import { allocate, group, groupBytes } from "./buffers.ts";
 * const sums = group("f64", "evaluation", { sum: 200, sumSq: 200 });
 * groupBytes(sums); // 3200
 * allocate(sums).sumSq.length; // 200
 * ```
 * @module
 */

/**
 * The element types of the buffers, and the arrays that hold them.
 *
 * @example
 * ```ts
 * const sum: ArrayTypes["f64"] = new Float64Array(200);
 * ```
 */
export interface ArrayTypes {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
}

/** Bytes per element (4 for every number of the WebAssembly arena). */
const ELEMENT_BYTES: Record<keyof ArrayTypes, number> = { f32: 4, f64: 8, i32: 4 };

/**
 * The parts of the budget: a message about a budget exceeded names the
 * fields of its largest part (`PART_FIELDS` in `sizes.ts`).
 *
 * @example
 * ```ts
 * const part: Part = "batch";
 * ```
 */
export type Part = "parameters" | "batch" | "evaluation" | "history" | "data";

/**
 * Buffers of one element type, by name, with their lengths. Those of the
 * WebAssembly step (`arena`) are laid out in the module's memory, each
 * 16-byte aligned and followed by {@linkcode ARENA_SLACK} bytes.
 *
 * @example
 * ```ts
 * const g: BufferGroup<"f64", "sum" | "sumSq"> = { type: "f64", part: "evaluation", arena: false, lengths: { sum: 200, sumSq: 200 } };
 * ```
 */
export interface BufferGroup<T extends keyof ArrayTypes = keyof ArrayTypes, K extends string = string> {
  type: T;
  part: Part;
  arena: boolean;
  lengths: Record<K, number>;
}

/**
 * A group of buffers (for the table of `sizes.ts`).
 *
 * @example
 * ```ts
 * group("i32", "batch", { Xb: 32 * 3, Yb: 32 }).lengths.Yb; // 32
 * ```
 */
export function group<T extends keyof ArrayTypes, K extends string>(
  type: T,
  part: Part,
  lengths: Record<K, number>,
  arena = false,
): BufferGroup<T, K> {
  return { type, part, arena, lengths };
}

/**
 * Every region of the WebAssembly arena starts on a multiple of this many bytes.
 *
 * @example
 * ```ts
 * ARENA_ALIGN; // 16, one v128
 * ```
 */
export const ARENA_ALIGN = 16;

/**
 * Bytes of slack after every region of the arena: the kernels read up to fifteen numbers past a row.
 *
 * @example
 * ```ts
 * ARENA_SLACK; // 64
 * ```
 */
export const ARENA_SLACK = 64;

/**
 * The bytes a region of `bytes` takes in the arena: rounded up to {@linkcode ARENA_ALIGN}, then the slack.
 *
 * @example
 * ```ts
 * arenaBytes(4 * 27); // 112 + 64 = 176
 * ```
 */
export function arenaBytes(bytes: number): number {
  return Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN + ARENA_SLACK;
}

/**
 * The bytes of a group's buffers (in the arena, with their alignment and slack).
 *
 * @example
 * ```ts
 * groupBytes(group("f64", "parameters", { b1: 200, b2: 27 })); // 8 · 227 = 1816
 * groupBytes(group("f32", "parameters", { b1: 200, b2: 27 }, true)); // (800 + 64) + (112 + 64) = 1040
 * ```
 */
export function groupBytes(g: BufferGroup): number {
  const lengths = Object.values<number>(g.lengths);
  if (g.arena) return lengths.reduce((sum, length) => sum + arenaBytes(ELEMENT_BYTES[g.type] * length), 0);
  return lengths.reduce((sum, length) => sum + ELEMENT_BYTES[g.type] * length, 0);
}

/**
 * The bytes of a holder's groups together.
 *
 * @example
 * ```ts
 * holderBytes({ X: group("i32", "data", { X: 30 }), Y: group("i32", "data", { Y: 10 }) }); // 4 · (30 + 10) = 160
 * ```
 */
export function holderBytes(groups: Record<string, BufferGroup>): number {
  return Object.values(groups).reduce((sum, g) => sum + groupBytes(g), 0);
}

/**
 * The bytes the given arrays take: what was actually allocated, for
 * comparison with the table.
 *
 * @example
 * ```ts
 * bytesOf({ a: new Float64Array(3), b: new Int32Array(2) }, [new Float32Array(1)]); // 24 + 8 + 4 = 36
 * ```
 */
export function bytesOf(...records: (Record<string, ArrayBufferView | null> | (ArrayBufferView | null)[])[]): number {
  return records.flatMap((r) => Object.values(r)).reduce((sum, a) => sum + (a?.byteLength ?? 0), 0);
}

const MAKE = {
  f32: (length: number) => new Float32Array(length),
  f64: (length: number) => new Float64Array(length),
  i32: (length: number) => new Int32Array(length),
};

/**
 * A new zeroed array for every buffer of a group, by name.
 *
 * @example
 * ```ts
 * const { sum, sumSq } = allocate(group("f64", "evaluation", { sum: 200, sumSq: 200 }));
 * sumSq.length; // 200
 * ```
 */
export function allocate<T extends keyof ArrayTypes, K extends string>(g: BufferGroup<T, K>): Record<K, ArrayTypes[T]> {
  if (g.arena) throw new TypeError("A group of the WebAssembly arena is laid out by WasmStep, not allocated");
  const make = MAKE[g.type] as (length: number) => ArrayTypes[T];
  const out = {} as Record<K, ArrayTypes[T]>;
  for (const name of Object.keys(g.lengths) as K[]) out[name] = make(g.lengths[name]);
  return out;
}
