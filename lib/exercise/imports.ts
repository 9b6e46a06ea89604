/**
 * What a learner's file may import: lib/tensor.ts and lib/exercise/learner.ts,
 * nothing else (no other file, no JSON or text import, no URL, no npm
 * package, not the chapters, which are the solutions, nor the checker's
 * reference). {@linkcode refusedImports} reads the module graph Deno itself
 * resolves (`deno info --json`, the resolver `deno run` uses) and names
 * every import of the learner's file outside that list, with its place, so
 * the file is refused before it runs; the sandbox's process refuses a
 * computed one (`import(a + b)`) when it runs, having no permissions.
 *
 * @example
 * ```ts
 * import { refusedImports } from "./imports.ts";
 * const graph = {
 *   roots: ["file:///w/chapters/yours/03.ts"],
 *   modules: [{
 *     specifier: "file:///w/chapters/yours/03.ts",
 *     dependencies: [{
 *       specifier: "/etc/passwd",
 *       code: { specifier: "file:///etc/passwd", span: { start: { line: 1, character: 14 } } },
 *     }],
 *   }],
 * };
 * refusedImports(graph, ["file:///w/lib/tensor.ts"]);
 * // [{ specifier: "/etc/passwd", line: 2, column: 15 }]
 * ```
 * @module
 */

/** A place in a module, 0-based, as `deno info --json` gives it. */
interface Span {
  start: { line: number; character: number };
}

/** One resolution of an import (as code, or as types), as `deno info --json` gives it. */
interface Resolution {
  specifier?: string;
  error?: string;
  span: Span;
}

/** The parts of `deno info --json` read here. */
export interface ModuleGraph {
  roots: string[];
  modules: {
    specifier: string;
    error?: string;
    dependencies?: { specifier: string; code?: Resolution; type?: Resolution }[];
  }[];
}

/** An import the learner's file may not make: as written, and where (1-based). */
export interface Refusal {
  specifier: string;
  line: number;
  column: number;
}

/**
 * The imports of the graph's root module (the learner's file) that resolve
 * to anything but the `allowed` URLs, or to nothing: each once, where it is
 * written. Empty when the root could not be read (a syntax error: the type
 * check says where).
 *
 * @example
 * ```ts
 * refusedImports({ roots: ["file:///a.ts"], modules: [] }, []); // []
 * ```
 */
export function refusedImports(graph: ModuleGraph, allowed: string[]): Refusal[] {
  const root = graph.modules.find((m) => m.specifier === graph.roots[0]);
  if (!root || root.error) return [];
  const refusals: Refusal[] = [];
  for (const dependency of root.dependencies ?? []) {
    const resolutions = [dependency.code, dependency.type].filter((r): r is Resolution => r !== undefined);
    const refused = resolutions.find((r) => r.error !== undefined || !allowed.includes(r.specifier ?? ""));
    if (!refused) continue;
    refusals.push({
      specifier: dependency.specifier,
      line: refused.span.start.line + 1,
      column: refused.span.start.character + 1,
    });
  }
  return refusals;
}
