// The layering, read from the source: no module imports itself through a
// chain of others, and only the front ends (lib/commands/ and main.ts) import
// a chapter. Reading the tree needs --allow-read, which .ci/run gives.

import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fromFileUrl } from "./paths.ts";

const canRead = (await Deno.permissions.query({ name: "read" })).state === "granted";
const ROOT = resolve(fromFileUrl(new URL("..", import.meta.url)));

/** The project's TypeScript modules, as paths from the root (tests, learners' files and notebooks left out). */
function sourceFiles(dir = ROOT): string[] {
  const skip = new Set(["node_modules", ".git", "notebooks", "checkpoints"]);
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && !skip.has(entry.name) && !entry.name.startsWith("yours")) found.push(...sourceFiles(path));
    else if (entry.isFile && /\.ts$/.test(entry.name) && !/_test\.ts$|\.as\.ts$/.test(entry.name)) {
      found.push(relative(ROOT, path));
    }
  }
  return found.sort();
}

/**
 * The relative modules a file imports or re-exports, statically: statements
 * that start a line, so the examples in JSDoc comments do not count.
 */
function importsOf(path: string, text: string): string[] {
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm)].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith(".")).map((s) => relative(ROOT, resolve(ROOT, dirname(path), s)));
}

/** One cycle of the graph, as the chain of files that closes it, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const chain: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === "done") return null;
    if (state.get(file) === "open") return [...chain.slice(chain.indexOf(file)), file];
    state.set(file, "open");
    chain.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    chain.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

function importGraph(): Map<string, string[]> {
  return new Map(sourceFiles().map((f) => [f, importsOf(f, Deno.readTextFileSync(join(ROOT, f)))]));
}

const skipped = canRead ? "" : " (skipped: needs --allow-read (.ci/run grants it))";
// Read once, for both tests below.
const graph = canRead ? importGraph() : new Map<string, string[]>();

Deno.test({
  name: `no module imports itself through others${skipped}`,
  ignore: !canRead,
  fn() {
    assert.ok(graph.size > 50, `only ${graph.size} modules found under ${ROOT}`);
    const cycle = findCycle(graph);
    assert.equal(cycle, null, `import cycle: ${cycle?.join(" → ")}`);
  },
});

Deno.test({
  name: `only lib/commands/ and main.ts import the chapters${skipped}`,
  ignore: !canRead,
  fn() {
    const wrong = [...graph].flatMap(([file, imports]) =>
      file.startsWith("lib/") && !file.startsWith("lib/commands/")
        ? imports.filter((i) => i.startsWith("chapters/")).map((i) => `${file} imports ${i}`)
        : []
    );
    assert.deepEqual(wrong, []);
  },
});

Deno.test("findCycle finds a cycle of three and none in a chain", () => {
  const ring = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
  assert.deepEqual(findCycle(ring), ["a", "b", "c", "a"]);
  assert.equal(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]])), null);
});

Deno.test("importsOf reads multi-line imports and re-exports, not JSDoc examples", () => {
  const text = [
    "/**",
    ' * import { Trainer } from "./trainer.ts";',
    " */",
    "import {",
    "  a,",
    '} from "./a.ts";',
    'export { b } from "../b.ts";',
    'import ts from "npm:typescript";',
  ].join("\n");
  assert.deepEqual(importsOf("lib/x/y.ts", text), ["lib/x/a.ts", "lib/b.ts"]);
});
