// A notebook cell's function put where its gradient's todo(…) line was, and
// the places of the module mapped back into the function's own text.

import assert from "node:assert/strict";
import { cellModule, placeInCell } from "./cell_source.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";

const STUB_URL = "file:///w/chapters/exercises/05_batchnorm.ts";

Deno.test("the cell's function replaces its gradient's todo line, called and typed as a Tensor", () => {
  const cell = cellModule(EXERCISES[5].stub, STUB_URL, "dbnraw", "()=>bngain * dhpreact");
  const lines = cell.code.split("\n");
  assert.equal(lines[cell.line - 1], "  const dbnraw: Tensor = (()=>bngain * dhpreact)(); // [n, 64]");
  assert.equal(lines[cell.line - 1].slice(cell.column - 1, cell.column + 3), "()=>");
  assert.match(cell.code, /from "file:\/\/\/w\/lib\/tensor\.ts"/, "the stub's relative imports are absolute");
  assert.match(cell.code, /const dbngain = todo\(bngain\);/, "the other gradients keep their todo lines");
  assert.throws(() => cellModule(EXERCISES[5].stub, STUB_URL, "dfoo", "()=>x"), /no line `const dfoo = todo/);
});

Deno.test("a place in the module is a place in the function, or nothing outside it", () => {
  const cell = cellModule(
    EXERCISES[5].stub,
    STUB_URL,
    "dbnvarInv",
    "()=>{\n  const t = bndiff * dbnraw;\n  return t;\n}",
  );
  const head = "  const dbnvarInv: Tensor = (".length;
  assert.deepEqual(placeInCell(cell, cell.line, head + 1), { line: 1, column: 1 });
  assert.deepEqual(placeInCell(cell, cell.line + 1, 13), { line: 2, column: 13 });
  assert.deepEqual(placeInCell(cell, cell.line, 9), { line: 1, column: 1 }, "the declared name: the function's start");
  assert.equal(placeInCell(cell, cell.line - 1, 3), undefined);
  assert.equal(placeInCell(cell, cell.line + 4, 3), undefined);
});
