// What a learner's file may import, read from the module graph deno resolves:
// every import outside the list is named where it is written, as code or as
// types, resolved or not.

import assert from "node:assert/strict";
import { type ModuleGraph, refusedImports } from "./imports.ts";

const ROOT = "file:///w/chapters/yours/03.ts";
const ALLOWED = ["file:///w/lib/tensor.ts", "file:///w/lib/exercise/learner.ts"];
const at = (line: number, character: number) => ({ start: { line, character } });

Deno.test("imports outside the list are refused where they are written; the list's are not", () => {
  const graph: ModuleGraph = {
    roots: [ROOT],
    modules: [{
      specifier: ROOT,
      dependencies: [
        { specifier: "../../lib/tensor.ts", code: { specifier: ALLOWED[0], span: at(0, 20) } },
        { specifier: "../../lib/exercise/learner.ts", code: { specifier: ALLOWED[1], span: at(1, 20) } },
        { specifier: "/etc/passwd", code: { specifier: "file:///etc/passwd", span: at(2, 14) } },
        {
          specifier: "../03_cross_entropy.ts",
          code: { specifier: "file:///w/chapters/03_cross_entropy.ts", span: at(3, 9) },
        },
        { specifier: "../../lib/model.ts", type: { specifier: "file:///w/lib/model.ts", span: at(4, 30) } },
        { specifier: "@tensorflow/tfjs", code: { error: "not a dependency", span: at(5, 15) } },
        { specifier: "https://x.test/a.ts", code: { specifier: "https://x.test/a.ts", span: at(6, 20) } },
        // A tensor.ts import whose types come from elsewhere (`// @ts-types`) is refused too.
        {
          specifier: "../../lib/tensor.ts",
          code: { specifier: ALLOWED[0], span: at(7, 0) },
          type: { specifier: "file:///x.d.ts", span: at(8, 1) },
        },
      ],
    }],
  };
  assert.deepEqual(refusedImports(graph, ALLOWED).map((r) => `${r.line}:${r.column} ${r.specifier}`), [
    "3:15 /etc/passwd",
    "4:10 ../03_cross_entropy.ts",
    "5:31 ../../lib/model.ts",
    "6:16 @tensorflow/tfjs",
    "7:21 https://x.test/a.ts",
    "9:2 ../../lib/tensor.ts",
  ]);
});

Deno.test("a file deno could not read as a module is left to the type check", () => {
  assert.deepEqual(
    refusedImports({ roots: [ROOT], modules: [{ specifier: ROOT, error: "SyntaxError" }] }, ALLOWED),
    [],
  );
});
