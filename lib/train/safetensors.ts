/**
 * Reading and writing the `.safetensors` format: an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte
 * range, then the raw little-endian data. PyTorch's tools (the `safetensors`
 * package, `safetensors.torch.load_file`) read it, and so can a learner with
 * a hex viewer. String metadata goes under the header's `__metadata__` key.
 *
 * Only float32 (`F32`) tensors are written and read, which is all the model has.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ W: { shape: [2], data: new Float32Array([1, 2]) } }, { step: "7" });
 * decodeSafetensors(bytes, "memory").metadata.step; // "7"
 * ```
 * @module
 */

/** A float32 tensor as stored in the file. */
export interface StoredTensor {
  /** The size of each axis. */
  shape: number[];
  /** The numbers, row-major. */
  data: Float32Array;
}

/** What a file holds: named tensors and string metadata. */
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
 * decodeSafetensors(new Uint8Array(3), "tiny.safetensors"); // throws SafetensorsError
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

/**
 * Parses a safetensors file, checking every length and offset. `source`
 * (a path) goes into the error messages.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = decodeSafetensors(await Deno.readFile(path), path);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): Safetensors {
  const fail = (why: string): never => {
    throw new SafetensorsError(`${source} is not a usable safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) {
    fail(`the header claims ${headerLength} bytes but the file has ${bytes.length - 8} after the length (truncated?)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return fail("its header is not valid JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("its header is not a JSON object");
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      for (const [k, v] of Object.entries((entry ?? {}) as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`metadata ${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as {
      dtype?: unknown;
      shape?: unknown;
      data_offsets?: unknown;
    };
    if (dtype !== "F32") fail(`tensor ${name} has dtype ${JSON.stringify(dtype)}; only F32 is supported`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`tensor ${name} has no valid shape`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
      fail(`tensor ${name} has no valid data_offsets`);
    }
    const [begin, end] = offsets as number[];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== 4 * size) {
      fail(`tensor ${name} has shape [${(shape as number[]).join(", ")}] but ${end - begin} bytes`);
    }
    if (begin < 0 || end > dataLength) fail(`tensor ${name} runs past the end of the file (truncated?)`);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + begin + 4 * i, true);
    tensors[name] = { shape: shape as number[], data };
  }
  return { tensors, metadata };
}
