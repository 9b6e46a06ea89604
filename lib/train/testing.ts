/**
 * For tests: damaged checkpoints on demand. {@linkcode rewriteHeader} edits a
 * checkpoint's JSON header (its metadata, a tensor's dtype, shape or offsets)
 * and keeps the data bytes, so each test can break exactly one field;
 * {@linkcode tempDirTest} gives a file-system test a folder of its own.
 *
 * @example
 * ```ts
 * import { rewriteHeader } from "./testing.ts";
 * import { encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } }, { generator: "{}" });
 * const broken = rewriteHeader(bytes, (h) => (h.__metadata__.generator = "null"));
 * ```
 * @module
 */

/**
 * A safetensors header as JSON: `__metadata__` strings and one entry per tensor.
 *
 * @example
 * ```ts
 * const header: Header = { __metadata__: { step: "0" }, C: { dtype: "F32", shape: [27, 10], data_offsets: [0, 1080] } };
 * ```
 */
// deno-lint-ignore no-explicit-any
export type Header = Record<string, any>;

/**
 * Returns new file bytes whose header is `edit`'s change of `bytes`' header,
 * followed by the same data bytes and `trailing` more.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([0.5]) } });
 * const f16 = rewriteHeader(bytes, (h) => (h.b.dtype = "F16"));
 * try {
 *   decodeSafetensors(f16, "f16.safetensors");
 * } catch (error) {
 *   (error as Error).message; // "… tensor b has dtype "F16"; only F32 is supported"
 * }
 * ```
 */
export function rewriteHeader(bytes: Uint8Array, edit: (header: Header) => void, trailing = 0): Uint8Array {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const data = bytes.subarray(8 + length);
  const out = new Uint8Array(8 + json.length + data.length + trailing);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/**
 * The first 8 bytes of a safetensors file claiming a header of `length` bytes.
 *
 * @example
 * ```ts
 * headerLengthBytes(2n ** 62n);
 * ```
 */
export function headerLengthBytes(length: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, length, true);
  return out;
}

/**
 * A test in a fresh temporary folder, removed afterwards. Without the
 * permissions it needs (`allowed` false) it is skipped, its name saying why
 * (`skip`), so plain `deno test` shows it.
 *
 * @example
 * ```ts
 * // At the top level of a *_fs_test.ts file:
 * function register(canUseFiles: boolean) {
 *   tempDirTest("a file written reads back", canUseFiles, "skipped: needs --allow-read --allow-write", async (dir) => {
 *     await Deno.writeTextFile(`${dir}/a.txt`, "a");
 *   });
 * }
 * ```
 */
export function tempDirTest(name: string, allowed: boolean, skip: string, fn: (dir: string) => Promise<void>): void {
  Deno.test({
    name: allowed ? name : `${name} (${skip})`,
    ignore: !allowed,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "backprop-ninja-" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
