/**
 * File URLs and paths, both ways, without a dependency: Deno has no
 * `fromFileUrl` of its own outside the standard library (which JSR would
 * bring), and Node's `url` module does it for us.
 *
 * @example
 * ```ts
 * import { fromFileUrl, toFileUrl } from "./paths.ts";
 * fromFileUrl(new URL("file:///tmp/a.ts")); // "/tmp/a.ts"
 * ```
 * @module
 */

import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * A file URL as a path.
 *
 * @example
 * ```ts
 * fromFileUrl("file:///tmp/a.ts"); // "/tmp/a.ts"
 * ```
 */
export function fromFileUrl(url: URL | string): string {
  return fileURLToPath(url);
}

/**
 * A path as a file URL.
 *
 * @example
 * ```ts
 * toFileUrl("/tmp/a.ts").href; // "file:///tmp/a.ts"
 * ```
 */
export function toFileUrl(path: string): URL {
  return pathToFileURL(path);
}
