import assert from "node:assert/strict";
import { code, errorsOf, markdown, notebook, notebookJson, sources, withOutputs } from "./ipynb.ts";

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
