// The committed kernels.wasm is the module the trainer loads (whose bytes
// kernels_wasm.ts holds, and which wasm/step_test.ts rebuilds from source);
// and the WebAssembly step, which a browser page will run, touches no Deno
// API, nor does anything it imports. Reading the files needs --allow-read,
// which .ci/run gives.

import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fromFileUrl } from "../paths.ts";
import { KERNELS_WASM_BASE64 } from "./wasm/kernels_wasm.ts";

const canRead = (await Deno.permissions.query({ name: "read" })).state === "granted";

Deno.test({
  name: `kernels.wasm holds the same bytes as kernels_wasm.ts${
    canRead ? "" : " (skipped: needs --allow-read (.ci/run grants it))"
  }`,
  ignore: !canRead,
  fn() {
    const file = Deno.readFileSync(new URL("./wasm/kernels.wasm", import.meta.url));
    const committed = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    assert.deepEqual(file, committed, "kernels.wasm and kernels_wasm.ts differ: run `deno task wasm`");
  },
});

/**
 * The modules `path` loads at run time, itself included: relative imports
 * and re-exports that start a line, except `import type` (erased).
 */
function runtimeGraph(path: string, seen = new Set<string>()): Set<string> {
  if (seen.has(path)) return seen;
  seen.add(path);
  const text = Deno.readTextFileSync(path);
  for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?\bfrom\s*["'](\.[^"']+)["']/gm)) {
    runtimeGraph(join(dirname(path), m[1]), seen);
  }
  return seen;
}

Deno.test({
  name: `the WebAssembly step and every module it loads use no Deno API and no text import${
    canRead ? "" : " (skipped: needs --allow-read (.ci/run grants it))"
  }`,
  ignore: !canRead,
  fn() {
    const root = fromFileUrl(new URL("../..", import.meta.url));
    const modules = [...runtimeGraph(fromFileUrl(new URL("./wasm/step.ts", import.meta.url)))];
    assert.ok(modules.length >= 8, `only ${modules.length} modules: ${modules.join(", ")}`);
    for (const path of modules) {
      // Comments may name Deno (as this module's do); code may not.
      const code = Deno.readTextFileSync(path).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      const name = relative(root, path);
      assert.doesNotMatch(code, /\bDeno\./, `${name} uses the Deno API`);
      assert.doesNotMatch(code, /with\s*\{\s*type:\s*"text"/, `${name} imports text, which a browser cannot`);
    }
  },
});
