// The layout record is written once, in layout.ts: the AssemblyScript class
// the kernels read it through is generated from it, field for field, and the
// kernels declare no record of their own.

import assert from "node:assert/strict";
import source from "./kernels.as.ts" with { type: "text" };
import { LAYOUT, layoutSource } from "./layout.ts";

Deno.test("the generated Layout class declares LAYOUT's fields in order, each 4 bytes", () => {
  const generated = layoutSource();
  const declared = [...generated.matchAll(/^ {2}(\w+): (\w+);/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(declared, LAYOUT.map(([name, type]) => [name, type]));
  for (const [, type] of declared) assert.ok(type === "i32" || type === "usize", `${type} is not 4 bytes in wasm32`);
  assert.match(generated, /^@unmanaged\nexport class Layout \{$/m);
});

Deno.test("the kernels import the generated Layout and read only its fields", () => {
  assert.match(source, /^import \{ Layout \} from "\.\/layout";$/m);
  assert.doesNotMatch(source, /\bclass Layout\b/, "a second Layout in kernels.as.ts");
  const fields = new Set<string>(LAYOUT.map(([name]) => name));
  const read = new Set([...source.matchAll(/\bs\.(\w+)/g)].map((m) => m[1]));
  assert.ok(read.size > 30, `only ${read.size} fields read through s.`);
  for (const name of read) assert.ok(fields.has(name), `kernels.as.ts reads s.${name}, which LAYOUT does not have`);
});
