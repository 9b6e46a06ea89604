// The layout record is written once, in layout.ts: the AssemblyScript class
// the kernels read it through is generated from it, field for field, the
// kernels declare no record of their own, and they use every field.

import assert from "node:assert/strict";
import source from "./kernels.as.ts" with { type: "text" };
import embeddingSource from "./embedding.as.ts" with { type: "text" };
import { LAYOUT, layoutSource } from "./layout.ts";

Deno.test("the generated Layout class declares LAYOUT's fields in order, each 4 bytes", () => {
  const generated = layoutSource();
  const declared = [...generated.matchAll(/^ {2}(\w+): (\w+);/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(declared, LAYOUT.map(([name, type]) => [name, type]));
  for (const [, type] of declared) assert.ok(type === "i32" || type === "usize", `${type} is not 4 bytes in wasm32`);
  assert.match(generated, /^@unmanaged\nexport class Layout \{$/m);
});

Deno.test("the kernels import the generated Layout and read only its fields", () => {
  const fields = new Set<string>(LAYOUT.map(([name]) => name));
  const read = new Set<string>();
  for (const [file, text] of [["kernels.as.ts", source], ["embedding.as.ts", embeddingSource]]) {
    assert.match(text, /^import \{ Layout \} from "\.\/layout";$/m, file);
    assert.doesNotMatch(text, /\bclass Layout\b/, `a second Layout in ${file}`);
    for (const [, name] of text.matchAll(/\bs\.(\w+)/g)) {
      assert.ok(fields.has(name), `${file} reads s.${name}, which LAYOUT does not have`);
      read.add(name);
    }
  }
  // And the step reads every field: the record lays out no buffer that nothing uses.
  assert.deepEqual([...fields].filter((name) => !read.has(name)), []);
});
