/**
 * The pages' scripts and the workers, bundled for the browser at build time
 * by `deno bundle --platform browser`: our modules, TensorFlow.js and the
 * WebAssembly kernels in ES modules that import their shared chunks, so that
 * a page loads only what it needs and a worker only what it runs.
 *
 * The bundle uses the project's import map (deno.json's `imports`) as it is:
 * what the pages and workers import is browser-clean (no Deno API, no `node:`
 * module; `lib/browser_clean_fs_test.ts` checks it).
 *
 * @example
 * ```ts ignore
 * import { bundleForBrowser } from "./bundle.ts";
 * await bundleForBrowser(["lib/site/browser/chapter.ts"], "site/js", "/repo", "site/.cells");
 * ```
 * @module
 */

import { join, resolve } from "node:path";

/**
 * A bundle that failed, with what `deno bundle` said.
 *
 * @example
 * ```ts
 * new BundleError("deno bundle failed (exit code 1)").name; // "BundleError"
 * ```
 */
export class BundleError extends Error {
  override name = "BundleError";
}

/** The import map for the bundle: deno.json's `imports`. */
async function importMap(root: string): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  return JSON.stringify({ imports: config.imports }, null, 2);
}

/**
 * Bundles `entries` (paths from `root`) into `outdir`, each as
 * `outdir/<name>.js`, with shared chunks beside them; minified. `scratch` is
 * a folder for the import map (both absolute, or relative to `root`).
 *
 * @example
 * ```ts ignore
 * await bundleForBrowser(["site/.cells/03_cross_entropy.ts"], "site/js", Deno.cwd(), "site/.cells");
 * ```
 */
export async function bundleForBrowser(
  entries: string[],
  outdir: string,
  root: string,
  scratch: string,
): Promise<void> {
  const map = resolve(root, scratch, "import_map.json");
  await Deno.writeTextFile(map, await importMap(root));
  const { code, stderr } = await new Deno.Command("deno", {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--code-splitting",
      "--minify",
      "--import-map",
      map,
      "--outdir",
      outdir,
      ...entries,
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const said = new TextDecoder().decode(stderr).trim();
    throw new BundleError(`deno bundle failed (exit code ${code}):\n${said}`);
  }
}

/**
 * The bytes a script loads: its own and those of every chunk it imports, directly or not.
 *
 * @example
 * ```ts ignore
 * await scriptBytes("site/js", "03_cross_entropy.js"); // about 1,800,000
 * ```
 */
export async function scriptBytes(dir: string, file: string): Promise<number> {
  const seen = new Set<string>();
  const visit = async (name: string): Promise<number> => {
    if (seen.has(name)) return 0;
    seen.add(name);
    const text = await Deno.readTextFile(join(dir, name));
    let bytes = new TextEncoder().encode(text).length;
    for (const [, chunk] of text.matchAll(/["']\.\/([\w.-]+\.js)["']/g)) bytes += await visit(chunk);
    return bytes;
  };
  return await visit(file);
}
