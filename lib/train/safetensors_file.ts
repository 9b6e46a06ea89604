/**
 * Reading a `.safetensors` file from disk without trusting it. It is a
 * module of its own because it reads files with Deno's API, while the format
 * and the checks of a header (`safetensors.ts`) use none and run in a browser
 * page too.
 *
 * @example
 * ```ts
 * import { readSafetensors } from "./safetensors_file.ts";
 * // With --allow-read: a checkpoint's metadata, reading no more than its header.
 * const metadataOf = async (path: string) => (await readSafetensors(path, 0, true)).metadata;
 * ```
 * @module
 */

import { decodeTensors, failer, headerLength, parseHeader, type Safetensors, sizeMismatch } from "./safetensors.ts";

const count = (n: number) => n.toLocaleString("en-US");

/** Reads exactly `into.length` bytes, or fewer only at the end of the file; returns how many. */
async function readFully(file: Deno.FsFile, into: Uint8Array): Promise<number> {
  let got = 0;
  while (got < into.length) {
    const n = await file.read(into.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got;
}

/**
 * Reads a safetensors file from disk without trusting it: only a regular file
 * (a folder, a device such as `/dev/zero` or a FIFO is refused before it is
 * opened), the header length checked before the header is read, the data
 * length declared by the header checked against the file's size and against
 * `maxDataBytes` before the data is read, and then exactly that many bytes.
 * File-system errors (not found, no permission) are thrown as they are.
 *
 * @example
 * ```ts
 * // With --allow-read: the step a checkpoint reached, reading no more than its header.
 * async function stepOf(path: string): Promise<string | undefined> {
 *   return (await readSafetensors(path, 0, true)).metadata.step;
 * }
 * ```
 */
export async function readSafetensors(path: string, maxDataBytes: number, headerOnly = false): Promise<Safetensors> {
  const fail = failer(path);
  const notRegular = (info: Deno.FileInfo) =>
    !info.isFile && fail(`it is not a regular file but ${info.isDirectory ? "a folder" : "a device, pipe or socket"}`);
  notRegular(await Deno.stat(path));
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  notRegular(info);
  const start = new Uint8Array(9);
  const length = headerLength(start.subarray(0, await readFully(file, start)), info.size, path);
  await file.seek(8, Deno.SeekMode.Start);
  const json = new Uint8Array(length);
  if (await readFully(file, json) < length) sizeMismatch(path, length, 0);
  const { metadata, entries, dataLength } = parseHeader(json, path);
  if (headerOnly) return { metadata, tensors: {} };
  if (info.size - 8 - length !== dataLength) sizeMismatch(path, dataLength, info.size - 8 - length);
  if (dataLength > maxDataBytes) {
    fail(`its header declares ${count(dataLength)} bytes of tensors, more than the limit of ${count(maxDataBytes)}`);
  }
  const data = new Uint8Array(dataLength);
  const got = await readFully(file, data);
  if (got < dataLength) sizeMismatch(path, dataLength, got);
  if (await file.read(new Uint8Array(1)) !== null) fail("it grew while it was being read");
  return { metadata, tensors: decodeTensors(entries, data) };
}
