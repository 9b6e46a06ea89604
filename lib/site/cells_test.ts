import assert from "node:assert/strict";
import chapter3 from "../../chapters/03_cross_entropy.ts" with { type: "text" };
import chapter7 from "../../chapters/07_fused_cross_entropy.ts" with { type: "text" };
import { chapterCells, pictureImport, shareScope } from "./cells.ts";

Deno.test("shareScope declares top-level names with var, and leaves nested ones and template text alone", () => {
  assert.equal(
    shareScope("const { a } = f();\nlet b = 1;\nfunction g() {\n  const c = 2;\n}\nsay(`x\nconst d`);"),
    "var { a } = f();\nvar b = 1;\nfunction g() {\n  const c = 2;\n}\nsay(`x\nconst d`);",
  );
});

Deno.test("pictureImport sends the notebook's showPicture and colorWanted to the page's, and leaves other imports alone", () => {
  assert.equal(
    pictureImport('import { colorWanted, showPicture } from "../../lib/notebook/picture.ts";', "site/.cells"),
    'import { colorWanted, showPicture } from "../../lib/site/run/picture.ts";',
  );
  assert.equal(
    pictureImport('import { showPicture } from "../../lib/notebook/picture.ts";', "site/.cells"),
    'import { showPicture } from "../../lib/site/run/picture.ts";',
  );
  const other = 'import { say } from "../../lib/report/print.ts";';
  assert.equal(pictureImport(other, "site/.cells"), other);
});

Deno.test("chapter 3 becomes the notebook's cells, its module imports relative to the folder it is written in", () => {
  const c = chapterCells({ path: "chapters/03_cross_entropy.ts", text: chapter3 }, "site/.cells");
  assert.equal(c.number, 3);
  assert.equal(c.title, "Backprop through cross-entropy");
  assert.deepEqual(c.cells.slice(0, 2).map((x) => x.kind), ["prose", "imports"]);
  const code = c.cells.filter((x) => x.kind === "code");
  assert.equal(code.length, c.runs);
  assert.deepEqual(code.map((x) => x.kind === "code" && x.run), [...Array(c.runs).keys()]);
  // The last cell is run(): what `deno task chapter 3` prints.
  assert.deepEqual(c.chapterRuns, [c.runs - 1]);
  assert.match(c.module, /^import \{ cell, done \} from "\.\.\/\.\.\/lib\/site\/run\/runtime\.ts";$/m);
  assert.match(c.module, /from "\.\.\/\.\.\/chapters\/02_forward\.ts";/);
  assert.match(c.module, /\ncell\(3\);\nvar dlogprobs = /);
  assert.ok(c.module.trimEnd().endsWith("done();"));
  assert.ok(!/^(const|let) /m.test(c.module), "a top-level const or let is left");
});

Deno.test("with an absolute folder and root, the imports are relative between the two", () => {
  const c = chapterCells({ path: "chapters/07_fused_cross_entropy.ts", text: chapter7 }, "/tmp/out/.cells", "/repo");
  assert.match(c.module, /from "\.\.\/\.\.\/\.\.\/repo\/lib\/site\/run\/picture\.ts";/);
  assert.match(c.module, /import \{ colorWanted, showPicture \} from "[./]*\/repo\/lib\/site\/run\/picture\.ts";/);
  assert.ok(!c.module.includes("lib/notebook/picture.ts"));
});

Deno.test("a chapter without a '# Chapter N. Title' doc is refused, naming the file", () => {
  assert.throws(() => chapterCells({ path: "chapters/10_x.ts", text: "const a = 1;\n" }, "site/.cells"), /10_x\.ts/);
});
