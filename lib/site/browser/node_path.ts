/**
 * What a page's bundle gets for `node:path`: the build maps the specifier
 * here, because `lib/train/checkpoint.ts` imports `dirname` at its top for
 * the saving that only the command line does. A page never saves a file, so
 * these functions only say so if they are ever called.
 *
 * @example
 * ```ts
 * import { dirname } from "./node_path.ts";
 * try {
 *   dirname("a/b");
 * } catch (error) {
 *   console.log((error as Error).message); // "node:path's dirname is not available in a browser page"
 * }
 * ```
 * @module
 */

function unavailable(name: string): never {
  throw new Error(`node:path's ${name} is not available in a browser page`);
}

/**
 * Not available in a page: throws.
 *
 * @example
 * ```ts
 * try { dirname("a/b"); } catch { console.log("a page saves no file"); }
 * ```
 */
export function dirname(_path: string): string {
  return unavailable("dirname");
}

/**
 * Not available in a page: throws.
 *
 * @example
 * ```ts
 * try { basename("a/b"); } catch { console.log("a page saves no file"); }
 * ```
 */
export function basename(_path: string): string {
  return unavailable("basename");
}

/**
 * Not available in a page: throws.
 *
 * @example
 * ```ts
 * try { join("a", "b"); } catch { console.log("a page saves no file"); }
 * ```
 */
export function join(..._paths: string[]): string {
  return unavailable("join");
}

/**
 * Not available in a page: throws.
 *
 * @example
 * ```ts
 * try { resolve("a"); } catch { console.log("a page saves no file"); }
 * ```
 */
export function resolve(..._paths: string[]): string {
  return unavailable("resolve");
}
