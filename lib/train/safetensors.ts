/**
 * Reading and writing the `.safetensors` format: an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte
 * range, then the raw little-endian data. PyTorch's tools (the `safetensors`
 * package, `safetensors.torch.load_file`) read it, and so can a learner with
 * a hex viewer. String metadata goes under the header's `__metadata__` key.
 *
 * Only float32 (`F32`) tensors are written and read, which is all the model has.
 * Reading trusts nothing: the header length is checked against a limit before
 * the header is read, the tensors' byte ranges must tile the data exactly
 * (in range, no overlap, no gap, no trailing bytes), and a file on disk is read
 * only if it is a regular file, and never beyond what its header declares
 * (`safetensors_file.ts`, the only part that uses Deno's API).
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ W: { shape: [2], data: new Float32Array([1, 2]) } }, { step: "7" });
 * decodeSafetensors(bytes, "memory").metadata.step; // "7"
 * ```
 * @module
 */

/**
 * A float32 tensor as stored in the file.
 *
 * @example
 * ```ts
 * const t: StoredTensor = { shape: [2], data: new Float32Array([1, 2]) };
 * ```
 */
export interface StoredTensor {
  /** The size of each axis. */
  shape: number[];
  /** The numbers, row-major. */
  data: Float32Array;
}

/**
 * What a file holds: named tensors and string metadata.
 *
 * @example
 * ```ts
 * const file: Safetensors = { metadata: { step: "7" }, tensors: {} };
 * ```
 */
export interface Safetensors {
  /** The tensors, by name. */
  tensors: Record<string, StoredTensor>;
  /** The `__metadata__` strings. */
  metadata: Record<string, string>;
}

/**
 * A file that is not a valid float32 safetensors file; the message says what is wrong and where.
 *
 * @example
 * ```ts
 * try {
 *   decodeSafetensors(new Uint8Array(3), "tiny.safetensors");
 * } catch (error) {
 *   error instanceof SafetensorsError; // true: "… it has 3 bytes, fewer than the 8 of the header length"
 * }
 * ```
 */
export class SafetensorsError extends Error {
  override name = "SafetensorsError";
}

/**
 * Serialises tensors and metadata. The header is padded with spaces to a
 * multiple of 8 bytes, so the data that follows is aligned.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } });
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, StoredTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) {
      throw new TypeError(
        `Cannot store ${name}: shape [${t.shape.join(", ")}] needs ${size} numbers, got ${t.data.length}`,
      );
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += " ";
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/** The largest header we read, as the reference implementation: 100,000,000 bytes. */
const MAX_HEADER_BYTES = 100_000_000;

/** Where one tensor's bytes are, as the header declares them. */
interface TensorEntry {
  /** The tensor's name. */
  name: string;
  /** The size of each axis. */
  shape: number[];
  /** First byte, relative to the start of the data. */
  begin: number;
  /** One past the last byte. */
  end: number;
}

/** A parsed and checked header: the metadata, the tensors in file order, and how many data bytes follow. */
interface SafetensorsHeader {
  /** The `__metadata__` strings. */
  metadata: Record<string, string>;
  /** The tensors, sorted by where their bytes begin. */
  entries: TensorEntry[];
  /** The bytes of data the header accounts for. */
  dataLength: number;
}

const count = (n: number | bigint) => n.toLocaleString("en-US");

/**
 * The function that refuses a file: it throws a {@linkcode SafetensorsError}
 * that names `source` and says why.
 *
 * @example
 * ```ts
 * const fail = failer("run.safetensors");
 * try {
 *   fail("its header is not valid JSON");
 * } catch (error) {
 *   (error as Error).message; // "run.safetensors is not a usable safetensors file: its header is not valid JSON"
 * }
 * ```
 */
export function failer(source: string): (why: string) => never {
  return (why) => {
    throw new SafetensorsError(`${source} is not a usable safetensors file: ${why}`);
  };
}

/**
 * Reads the 8-byte header length and checks it against {@linkcode MAX_HEADER_BYTES}
 * and the file's size, before any of the header is read. `start` holds the
 * file's first 9 bytes (fewer if it is shorter), the 9th being where the
 * header's JSON begins with `{`. A length beyond the limit followed by
 * anything but `{` means the file is not safetensors at all (a text file's
 * first 8 letters read as a length of quintillions), and is said so; other
 * huge values are printed exactly (2^62 as 4,611,686,018,427,387,904).
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } });
 * headerLength(bytes.subarray(0, 9), bytes.length, "memory"); // the JSON header's length, a multiple of 8
 * ```
 */
export function headerLength(start: Uint8Array, fileSize: number, source: string): number {
  const fail = failer(source);
  if (fileSize < 8 || start.length < 8) fail(`it has ${count(fileSize)} bytes, fewer than the 8 of the header length`);
  const length = new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    if (start[8] !== "{".charCodeAt(0)) {
      throw new SafetensorsError(
        `${source} is not a safetensors checkpoint (it does not start with a safetensors header)`,
      );
    }
    fail(`its header length ${count(length)} is more than the ${count(MAX_HEADER_BYTES)} bytes a header may have`);
  }
  if (length > BigInt(fileSize - 8)) {
    fail(
      `the header claims ${count(length)} bytes but the file has ${count(fileSize - 8)} after the length (truncated?)`,
    );
  }
  return Number(length);
}

/**
 * Parses and checks a header: every tensor is F32 with a whole-number shape,
 * and the byte ranges, sorted, start at 0 and follow one another with no gap
 * and no overlap.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } }, { step: "7" });
 * const length = headerLength(bytes.subarray(0, 9), bytes.length, "memory");
 * parseHeader(bytes.subarray(8, 8 + length), "memory").dataLength; // 4: one float32
 * ```
 */
export function parseHeader(json: Uint8Array, source: string): SafetensorsHeader {
  const fail = failer(source);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    return fail("its header is not valid JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("its header is not a JSON object");
  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail("__metadata__ is not an object");
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`metadata ${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    entries.push(parseEntry(name, entry, fail));
  }
  entries.sort((a, b) => a.begin - b.begin);
  let at = 0;
  for (const e of entries) {
    if (e.begin < at) fail(`tensor ${e.name}'s bytes [${count(e.begin)}, ${count(e.end)}) overlap another tensor's`);
    if (e.begin > at) fail(`no tensor covers data bytes [${count(at)}, ${count(e.begin)})`);
    at = e.end;
  }
  return { metadata, entries, dataLength: at };
}

/** One tensor's header entry, checked. */
function parseEntry(name: string, entry: unknown, fail: (why: string) => never): TensorEntry {
  const { dtype, shape, data_offsets: offsets } = (typeof entry === "object" && entry !== null ? entry : {}) as {
    dtype?: unknown;
    shape?: unknown;
    data_offsets?: unknown;
  };
  if (dtype !== "F32") fail(`tensor ${name} has dtype ${JSON.stringify(dtype ?? null)}; only F32 is supported`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`tensor ${name} has no valid shape`);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    fail(`tensor ${name} has no valid data_offsets`);
  }
  const [begin, end] = offsets as number[];
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end - begin !== 4 * size) {
    fail(`tensor ${name} has shape [${(shape as number[]).join(", ")}] but ${count(end - begin)} bytes`);
  }
  return { name, shape: shape as number[], begin, end };
}

/**
 * The tensors of a checked header, decoded from exactly its data bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } });
 * const length = headerLength(bytes.subarray(0, 9), bytes.length, "memory");
 * const { entries } = parseHeader(bytes.subarray(8, 8 + length), "memory");
 * decodeTensors(entries, bytes.subarray(8 + length)).b.data[0]; // 0.5
 * ```
 */
export function decodeTensors(entries: TensorEntry[], data: Uint8Array): Record<string, StoredTensor> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors: Record<string, StoredTensor> = {};
  for (const { name, shape, begin, end } of entries) {
    const values = new Float32Array((end - begin) / 4);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(begin + 4 * i, true);
    tensors[name] = { shape, data: values };
  }
  return tensors;
}

/**
 * Refuses a file whose size does not match what its header declares.
 *
 * @example
 * ```ts
 * try {
 *   sizeMismatch("run.safetensors", 400, 100);
 * } catch (error) {
 *   (error as Error).message; // "… declares 400 bytes of data but the file has 100 (truncated?)"
 * }
 * ```
 */
export function sizeMismatch(source: string, declared: number, actual: number): never {
  return failer(source)(
    actual > declared
      ? `it has ${count(actual - declared)} bytes after the last tensor (trailing data)`
      : `its header declares ${count(declared)} bytes of data but the file has ${count(actual)} (truncated?)`,
  );
}

/**
 * Parses a safetensors file held in memory, checking every length and offset.
 * `source` (a path) goes into the error messages.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } }, { step: "7" });
 * const { tensors, metadata } = decodeSafetensors(bytes, "memory");
 * [tensors.b.data[0], metadata.step]; // [0.5, "7"]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): Safetensors {
  const length = headerLength(bytes.subarray(0, 9), bytes.length, source);
  const { metadata, entries, dataLength } = parseHeader(bytes.subarray(8, 8 + length), source);
  if (bytes.length - 8 - length !== dataLength) sizeMismatch(source, dataLength, bytes.length - 8 - length);
  return { metadata, tensors: decodeTensors(entries, bytes.subarray(8 + length)) };
}
