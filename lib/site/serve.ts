/**
 * A small static file server for the built site, on localhost only: what
 * `deno task site --serve` runs, and what the browser tests load the pages
 * from. Paths that leave the folder are refused; `/` is `index.html`.
 *
 * @example
 * ```ts ignore
 * import { serveSite } from "./serve.ts";
 * const server = serveSite("site", 8000);
 * // … http://127.0.0.1:8000/ …
 * await server.shutdown();
 * ```
 * @module
 */

import { extname, join, normalize } from "node:path";

/** The content types of the files a build writes. */
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

/**
 * The file under `dir` that a request's path names, or null if it would leave `dir`.
 *
 * @example
 * ```ts
 * fileFor("site", "/"); // "site/index.html"
 * fileFor("site", "/../deno.json"); // null
 * ```
 */
export function fileFor(dir: string, pathname: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (path.includes("\0")) return null;
  const relative = normalize(path.endsWith("/") ? `${path}index.html` : path).replace(/^\/+/, "");
  if (relative.startsWith("..") || relative.split("/").some((part) => part.startsWith("."))) return null;
  return join(dir, relative);
}

/** Answers one request with a file of the site, or 404. */
async function answer(dir: string, request: Request): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") return new Response("Method not allowed", { status: 405 });
  const file = fileFor(dir, new URL(request.url).pathname);
  if (file === null) return new Response("Not found", { status: 404 });
  try {
    const body = await Deno.readFile(file);
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" };
    return new Response(request.method === "HEAD" ? null : body, { headers });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return new Response("Not found", { status: 404 });
    }
    throw error;
  }
}

/**
 * Serves the folder `dir` on 127.0.0.1 at `port` (0: any free port; the
 * server's `addr.port` says which).
 *
 * @example
 * ```ts ignore
 * const server = serveSite("site", 0);
 * console.log(`http://127.0.0.1:${server.addr.port}/`);
 * await server.shutdown();
 * ```
 */
export function serveSite(
  dir: string,
  port: number,
  onListen: (url: string) => void = () => {},
): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: "127.0.0.1", port, onListen: ({ port }) => onListen(`http://127.0.0.1:${port}/`) },
    (request) => answer(dir, request),
  );
}
