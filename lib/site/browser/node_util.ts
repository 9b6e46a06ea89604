/**
 * What a page's bundle gets for `node:util`: the build maps the specifier
 * here, because `lib/cli.ts` imports `parseArgs` at its top to parse a
 * command line, and the training page uses only its flag checks. A page has
 * no command line, so `parseArgs` only says so if it is ever called.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./node_util.ts";
 * try {
 *   parseArgs();
 * } catch (error) {
 *   console.log((error as Error).message); // "node:util's parseArgs is not available in a browser page"
 * }
 * ```
 * @module
 */

/**
 * Not available in a page: throws.
 *
 * @example
 * ```ts
 * try {
 *   parseArgs({ args: [] });
 * } catch {
 *   // a page has no command line
 * }
 * ```
 */
export function parseArgs(_options?: unknown): never {
  throw new Error("node:util's parseArgs is not available in a browser page");
}
