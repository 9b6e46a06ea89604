/**
 * What the exercise checker and the sandbox's process say to each other,
 * and nothing more: the sandbox receives the exercise's input and the
 * learner's program (a {@linkcode Header}) and, when a line's upstream is
 * wrong, the correct value of a gradient only after it has committed its
 * own ({@linkcode Commit}, then a reply); it sends back names, shapes and
 * float32 bytes (a {@linkcode CallReport}). The verdicts are decided where
 * the learner's code cannot reach them, from these bytes alone.
 *
 * Tensors travel as the base64 of their bytes, so a value arrives bit for
 * bit (NaN, −0 and all).
 *
 * @example
 * ```ts
 * import { pack, unpack } from "./wire.ts";
 * import { tensor, Tensor } from "../tensor.ts";
 * const back = unpack(JSON.parse(JSON.stringify(pack({ w: tensor([1, -0, NaN]) })))) as { w: Tensor };
 * Object.is(back.w.data[1], -0); // true
 * ```
 * @module
 */

import { type IndexTensor, Tensor } from "../tensor.ts";
import { MARK } from "./marks.ts";

/**
 * Base64 of the bytes of `data` (the machine's byte order: both ends run on one machine).
 *
 * @example
 * ```ts
 * toBase64(new Float32Array([1])); // "AACAPw=="
 * ```
 */
export function toBase64(data: ArrayBufferView): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** The bytes of a {@linkcode toBase64} text. */
function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The float32 numbers of a {@linkcode toBase64} text; `size` of them, or a
 * RangeError when the bytes are not that many.
 *
 * @example
 * ```ts
 * floatsOf(toBase64(new Float32Array([1.5, -2])), 2); // Float32Array [1.5, -2]
 * ```
 */
export function floatsOf(text: string, size: number): Float32Array {
  const bytes = fromBase64(text);
  if (bytes.length !== size * 4) throw new RangeError(`Expected ${size} float32 numbers, got ${bytes.length} bytes`);
  return new Float32Array(bytes.buffer);
}

/** A value packed for JSON: tensors and index tensors as bytes, the rest as it is. */
export type Packed =
  | { $f32: string; shape: number[] }
  | { $i32: string; shape: number[] }
  | { $u8: string; shape: number[] }
  | number
  | string
  | boolean
  | null
  | Packed[]
  | { [key: string]: Packed };

const isIndexTensor = (v: unknown): v is IndexTensor =>
  typeof v === "object" && v !== null && (v as IndexTensor).data instanceof Int32Array;

/**
 * `value` as JSON can carry it: each {@linkcode Tensor} and index tensor as
 * its bytes and shape, objects and arrays member by member.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * pack({ n: 2, t: tensor([1]) }); // { n: 2, t: { $f32: "AACAPw==", shape: [1] } }
 * ```
 */
export function pack(value: unknown): Packed {
  if (value instanceof Tensor) return { $f32: toBase64(value.data), shape: [...value.shape] };
  if (isIndexTensor(value)) return { $i32: toBase64(value.data), shape: [...value.shape] };
  if (Array.isArray(value)) return value.map(pack);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pack(v)]));
  }
  return value as Packed;
}

/**
 * An index tensor packed a byte an index, a quarter of {@linkcode pack}'s size, when every index lies in [0, 256)
 * (undefined when one does not): exercise 9's batches, 26 MB for the lecture's 200,000 steps rather than 102.
 * {@linkcode unpack} reads it back as an index tensor.
 *
 * @example
 * ```ts
 * import { indexTensor } from "../tensor.ts";
 * packBytes(indexTensor([1, 26], [2])); // { $u8: "ARo=", shape: [2] }
 * packBytes(indexTensor([300], [1])); // undefined
 * ```
 */
export function packBytes(t: IndexTensor): Packed | undefined {
  if (!t.data.every((i) => i >= 0 && i < 256)) return undefined;
  return { $u8: toBase64(Uint8Array.from(t.data)), shape: [...t.shape] };
}

/**
 * A {@linkcode pack}ed value back: new tensors with the same bytes.
 *
 * @example
 * ```ts
 * import type { Tensor } from "../tensor.ts";
 * (unpack({ $f32: "AACAPw==", shape: [1] }) as Tensor).data[0]; // 1
 * ```
 */
export function unpack(packed: Packed): unknown {
  if (Array.isArray(packed)) return packed.map(unpack);
  if (typeof packed !== "object" || packed === null) return packed;
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  if ("$f32" in packed && typeof packed.$f32 === "string") {
    const shape = packed.shape as number[];
    return new Tensor(floatsOf(packed.$f32, size(shape)), shape);
  }
  if ("$i32" in packed && typeof packed.$i32 === "string") {
    const shape = packed.shape as number[];
    return { data: new Int32Array(fromBase64(packed.$i32).buffer), shape: [...shape] };
  }
  if ("$u8" in packed && typeof packed.$u8 === "string") {
    return { data: Int32Array.from(fromBase64(packed.$u8)), shape: [...(packed.shape as number[])] };
  }
  return Object.fromEntries(Object.entries(packed).map(([k, v]) => [k, unpack(v as Packed)]));
}

/** What the sandbox's process is given on its stdin, as one JSON line before anything else. */
export interface Header {
  /** The exercise. */
  chapter: number;
  /** Its gradients in order, each with the gradients it is computed from. */
  gradients: { name: string; deps: string[] }[];
  /** The line of each hooked gradient in the learner's file. */
  lines: Record<string, number>;
  /** The learner's module, rewritten (lib/exercise/instrument.ts), to run as it is. */
  program: string;
  /** The exercise's input ({@linkcode pack}ed), without the upstream gradients it does not give. */
  input: Packed;
  /** The upstream gradients the input withholds, each with what reading it throws. */
  withheld: Record<string, string>;
  /** In the fed call only: the gradients whose correct value is handed over once their own is committed. */
  feed?: {
    /** Their names. */
    substitutes: string[];
    /** Those the learner finishes in place after their line: handed over when a line that uses them starts. */
    late: string[];
    /** The shape of each one's correct value. */
    shapes: Record<string, number[]>;
  };
}

/** A thrown value, as the learner reads it (`42`, `null`, an error's message), and where, in the program. */
export interface Thrown {
  /** What was thrown: an error's message, or the value itself. */
  text: string;
  /** Whether it was a value (`throw 42`), not an Error. */
  value?: true;
  /** Where in the program the error was made, when it is an error made there. */
  at?: { line: number; column: number };
}

/** A tensor of the learner's, as the sandbox sends it. */
export interface WireTensor {
  /** Its shape. */
  shape: number[];
  /** Its float32 bytes in base64; absent when it is too large to send. */
  f32?: string;
  /** Whether it is an untouched `todo(…)`. */
  todo?: true;
  /** Which ArrayBuffer holds its numbers: tensors with the same number share storage. */
  buffer: number;
}

/**
 * A hooked line's value committed before the correct one is handed over:
 * the learner's tensor, what else it was (`"a number"`), or what the line
 * threw.
 */
export interface Commit {
  /** The gradient. */
  name: string;
  /** Its value as its line left it (or as it was when a line that uses it started). */
  value: WireTensor | { other: string } | { threw: Thrown };
}

/** How one call of the learner's gradients() went, sent when it is over. */
export interface CallReport {
  /**
   * How it ended: it returned (an object, or anything else: see `returned`),
   * threw, returned a Promise, or there was no function gradients to call;
   * `load` when the module threw before that, as it was loaded.
   */
  ended: "returned" | "threw" | "promise" | "no-function" | "load";
  /** Every tensor named below, as it is at the end of the call, by its id. */
  tensors: Record<number, WireTensor>;
  /** What gradients() returned, by key: a tensor's id, or what else it was ("a number"). */
  returned?: Record<string, number | string>;
  /** Each hooked gradient's tensor (its id) and its values when its line ran. */
  recorded: Record<string, { id: number; atLine: WireTensor }>;
  /** What it threw, when it threw. */
  threw?: Thrown;
  /** The gradient whose line was running when it threw, when it threw there. */
  threwIn?: string;
  /** Which ArrayBuffer holds each forward tensor and parameter (`fwd.h`, `params.W1`). */
  forward: Record<string, number>;
  /** The forward tensors the call changed in place. */
  changedForward: string[];
}

/**
 * The lines of the sandbox's stdout that are messages, not the learner's
 * output: {@linkcode MARK} and a kind.
 *
 * @example
 * ```ts
 * import { MARK } from "./marks.ts";
 * frameLine("commit", { name: "dprobs", value: { other: "a number" } }).startsWith(MARK); // true
 * ```
 */
export function frameLine(kind: "commit" | "report", body: Commit | CallReport): string {
  return `${MARK}${kind} ${JSON.stringify(body)}\n`;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isShape = (x: unknown) => Array.isArray(x) && x.every((d) => Number.isInteger(d) && d >= 0);
const isWireTensor = (x: unknown) =>
  isObject(x) && isShape(x.shape) && (x.f32 === undefined || typeof x.f32 === "string") &&
  typeof x.buffer === "number";
const isThrown = (x: unknown) => isObject(x) && typeof x.text === "string";
const values = (x: unknown, ok: (v: unknown) => boolean) => isObject(x) && Object.values(x).every(ok);

/** Whether `x` has the shape of a {@linkcode Commit} (a line printed by the learner's code may look like one). */
function isCommit(x: unknown): x is Commit {
  if (!isObject(x) || typeof x.name !== "string" || !isObject(x.value)) return false;
  const v = x.value;
  return isWireTensor(v) || typeof v.other === "string" || isThrown(v.threw);
}

/** Whether `x` has the shape of a {@linkcode CallReport}. */
function isReport(x: unknown): x is CallReport {
  return isObject(x) && ["returned", "threw", "promise", "no-function", "load"].includes(x.ended as string) &&
    values(x.tensors, isWireTensor) &&
    (x.returned === undefined || values(x.returned, (v) => typeof v === "number" || typeof v === "string")) &&
    values(x.recorded, (r) => isObject(r) && typeof r.id === "number" && isWireTensor(r.atLine)) &&
    (x.threw === undefined || isThrown(x.threw)) && values(x.forward, (v) => typeof v === "number") &&
    Array.isArray(x.changedForward) && x.changedForward.every((k) => typeof k === "string");
}

/**
 * A line of the sandbox's stdout after {@linkcode MARK}, read: a frame and
 * its body, a timer mark (`timer load`, `at in 66 dprobs`, …), or undefined
 * for a frame that does not parse or has not the shape of one.
 *
 * @example
 * ```ts
 * readMark('commit {"name":"dprobs","value":{"other":"a number"}}')?.kind; // "commit"
 * readMark("timer off"); // { kind: "mark", text: "timer off" }
 * readMark('report {"ended":"promise"}'); // undefined: a report has its tensors, even none
 * ```
 */
export function readMark(
  text: string,
):
  | { kind: "commit"; body: Commit }
  | { kind: "report"; body: CallReport }
  | { kind: "mark"; text: string }
  | undefined {
  const frame = text.match(/^(commit|report) /);
  if (!frame) return { kind: "mark", text };
  let body: unknown;
  try {
    body = JSON.parse(text.slice(frame[0].length));
  } catch {
    return undefined;
  }
  if (frame[1] === "commit") return isCommit(body) ? { kind: "commit", body } : undefined;
  return isReport(body) ? { kind: "report", body } : undefined;
}
