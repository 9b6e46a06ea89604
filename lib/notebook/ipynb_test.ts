import assert from "node:assert/strict";
import { code, errorsOf, markdown, notebook, notebookJson, refuseShownValue, sources, withOutputs } from "./ipynb.ts";

Deno.test("cells store their text as nbformat's lines", () => {
  assert.deepEqual(code("a;\nb;\n").source, ["a;\n", "b;"]);
  assert.deepEqual(sources(notebook([markdown("# T"), code("x;")])), [["markdown", "# T"], ["code", "x;"]]);
  assert.match(notebookJson(notebook([])), /"kernelspec": {\n {3}"display_name": "Deno"/);
});

Deno.test("withOutputs keeps only the outputs and counts of a run, and refuses other cells", () => {
  const generated = notebook([markdown("# T"), code("x;")]);
  const executed = {
    cells: [
      { ...generated.cells[0], metadata: { execution: { start: "now" } } },
      {
        ...generated.cells[1],
        metadata: { execution: { start: "now" } },
        execution_count: 1,
        outputs: [{ output_type: "display_data", data: { "text/plain": ["1"] }, metadata: { x: 1 } }],
      },
    ],
  };
  const merged = withOutputs(generated, executed);
  assert.deepEqual(merged.cells[1].metadata, {});
  assert.equal(merged.cells[1].execution_count, 1);
  assert.deepEqual(merged.cells[1].outputs, [{
    output_type: "display_data",
    data: { "text/plain": ["1"] },
    metadata: {},
  }]);
  assert.throws(() => withOutputs(generated, { cells: [generated.cells[0]] }), { message: /cells differ/ });
});

Deno.test("errorsOf names each error output and each write to stderr", () => {
  const nb = notebook([code("a;"), code("b;")]);
  nb.cells[0].outputs = [{ output_type: "error", ename: "Error", evalue: "boom" }];
  nb.cells[1].outputs = [{ output_type: "stream", name: "stderr", text: ["warning: x\n", "more\n"] }];
  assert.deepEqual(errorsOf(nb), ["cell 1: Error: boom", "cell 2 wrote to stderr: warning: x"]);
  assert.deepEqual(errorsOf(notebook([code("c;")])), []);
});

Deno.test("every cell gets an nbformat 4.5 id made from its text: the same on each run, unique in the notebook", () => {
  const make = () => notebook([markdown("# T"), code("x;"), code("x;"), code("y;")]);
  const ids = make().cells.map((c) => c.id!);
  assert.deepEqual(make().cells.map((c) => c.id), ids);
  assert.equal(new Set(ids).size, 4);
  assert.equal(ids[2], `${ids[1]}-2`);
  assert.ok(ids.every((id) => /^[a-zA-Z0-9_-]{1,64}$/.test(id)), ids.join());
  assert.deepEqual(notebook([code("z;"), code("y;")]).cells[1].id, ids[3], "a cell's id does not depend on the others");
  assert.match(notebookJson(make()), /"cell_type": "markdown",\n {3}"id": "[0-9a-f]{8}",/);
});

Deno.test("a code cell ending in a bare assignment is refused: Deno's kernel would show its value", () => {
  for (const text of ["ok &&= val < 2.4;", "let x = 1;\nx = 2; // set", "total += 1;", "a.b[0] = 3;"]) {
    assert.throws(() => refuseShownValue(text), { message: /would show its value under the cell/ }, text);
    assert.throws(() => notebook([code(text)]), { message: /would show its value/ }, text);
  }
  for (
    const text of ["let ok = true;", 'ok &&= val < 2.4;\nsay("done");', "const { a } = b;", "console.log(x === 2);"]
  ) {
    refuseShownValue(text);
  }
  notebook([markdown("x = 1")]);
});
