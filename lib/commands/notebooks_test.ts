// The committed notebooks are what the generator makes from today's chapters
// and stubs (outputs aside): change a chapter without `deno task notebooks`
// and this fails. Reads them as text imports, so it needs no permissions.

import assert from "node:assert/strict";
import nb1 from "../../chapters/notebooks/01_data_and_model.ipynb" with { type: "text" };
import nb2 from "../../chapters/notebooks/02_forward.ipynb" with { type: "text" };
import nb3 from "../../chapters/notebooks/03_cross_entropy.ipynb" with { type: "text" };
import nb4 from "../../chapters/notebooks/04_output_layer.ipynb" with { type: "text" };
import nb5 from "../../chapters/notebooks/05_batchnorm.ipynb" with { type: "text" };
import nb6 from "../../chapters/notebooks/06_first_layer.ipynb" with { type: "text" };
import nb7 from "../../chapters/notebooks/07_fused_cross_entropy.ipynb" with { type: "text" };
import nb8 from "../../chapters/notebooks/08_fused_batchnorm.ipynb" with { type: "text" };
import nb9 from "../../chapters/notebooks/09_training.ipynb" with { type: "text" };
import nb10 from "../../chapters/notebooks/exercises/03_cross_entropy.ipynb" with { type: "text" };
import nb11 from "../../chapters/notebooks/exercises/04_output_layer.ipynb" with { type: "text" };
import nb12 from "../../chapters/notebooks/exercises/05_batchnorm.ipynb" with { type: "text" };
import nb13 from "../../chapters/notebooks/exercises/06_first_layer.ipynb" with { type: "text" };
import nb14 from "../../chapters/notebooks/exercises/07_fused_cross_entropy.ipynb" with { type: "text" };
import nb15 from "../../chapters/notebooks/exercises/08_fused_batchnorm.ipynb" with { type: "text" };
import nb16 from "../../chapters/notebooks/exercises/09_training.ipynb" with { type: "text" };
import { sources } from "../notebook/ipynb.ts";
import { editedCopyPath, generateNotebooks, notebooksCommand, parseNotebook } from "./notebooks.ts";
import { UsageError } from "../cli.ts";
import { quietly } from "../testing.ts";

/** Every committed notebook, by path. */
const COMMITTED = new Map<string, string>([
  ["chapters/notebooks/01_data_and_model.ipynb", nb1],
  ["chapters/notebooks/02_forward.ipynb", nb2],
  ["chapters/notebooks/03_cross_entropy.ipynb", nb3],
  ["chapters/notebooks/04_output_layer.ipynb", nb4],
  ["chapters/notebooks/05_batchnorm.ipynb", nb5],
  ["chapters/notebooks/06_first_layer.ipynb", nb6],
  ["chapters/notebooks/07_fused_cross_entropy.ipynb", nb7],
  ["chapters/notebooks/08_fused_batchnorm.ipynb", nb8],
  ["chapters/notebooks/09_training.ipynb", nb9],
  ["chapters/notebooks/exercises/03_cross_entropy.ipynb", nb10],
  ["chapters/notebooks/exercises/04_output_layer.ipynb", nb11],
  ["chapters/notebooks/exercises/05_batchnorm.ipynb", nb12],
  ["chapters/notebooks/exercises/06_first_layer.ipynb", nb13],
  ["chapters/notebooks/exercises/07_fused_cross_entropy.ipynb", nb14],
  ["chapters/notebooks/exercises/08_fused_batchnorm.ipynb", nb15],
  ["chapters/notebooks/exercises/09_training.ipynb", nb16],
]);

const FIX = "run `deno task notebooks`, then `deno task notebooks --execute` to refresh the outputs";

Deno.test("there is a committed notebook for every chapter and exercise, and no other", () => {
  assert.deepEqual(generateNotebooks().map((g) => g.path).sort(), [...COMMITTED.keys()].sort(), FIX);
});

for (const { path, notebook } of generateNotebooks()) {
  Deno.test(`${path} has the cells its source makes`, () => {
    const committed = JSON.parse(COMMITTED.get(path) ?? '{"cells":[]}');
    const ours = sources(notebook).map((cell, i) => [...cell, notebook.cells[i].id]);
    const theirs = sources(committed).map((cell, i) => [...cell, committed.cells[i].id]);
    const at = ours.findIndex((cell, i) => JSON.stringify(cell) !== JSON.stringify(theirs[i]));
    assert.equal(
      at === -1 && ours.length === theirs.length,
      true,
      `${path} differs from its source at cell ${at === -1 ? theirs.length + 1 : at + 1}: ${FIX}`,
    );
  });
}

Deno.test("the committed notebooks were run: every code cell has been executed, and none shows an error", () => {
  for (const [path, text] of COMMITTED) {
    const cells = JSON.parse(text).cells as {
      cell_type: string;
      execution_count: number | null;
      outputs?: { output_type: string }[];
    }[];
    const code = cells.filter((c) => c.cell_type === "code");
    assert.ok(
      code.every((c) => c.execution_count !== null),
      `${path} has cells never run: deno task notebooks --execute`,
    );
    assert.ok(code.every((c) => !c.outputs?.some((o) => o.output_type === "error")), `${path} shows an error`);
    const shown = code.findIndex((c) => c.outputs?.some((o) => o.output_type === "execute_result"));
    assert.equal(shown, -1, `${path}: code cell ${shown + 1} shows the value of its last line (a stray output)`);
  }
});

Deno.test("the dlogits heat map and the loss curve are PNG images in the run notebooks, which nbconvert keeps", () => {
  for (const path of ["chapters/notebooks/07_fused_cross_entropy.ipynb", "chapters/notebooks/09_training.ipynb"]) {
    assert.match(COMMITTED.get(path)!, /"image\/png": "iVBORw0KGgo/, path); // base64 of the PNG signature
    assert.doesNotMatch(COMMITTED.get(path)!, /"image\/svg\+xml"/, `${path}: an SVG, which nbconvert 6.5 would strip`);
  }
});

Deno.test("a learner's edited notebook is kept beside it as an .ipynb Jupyter lists, not as a .bak", () => {
  const when = new Date("2026-11-23T03:40:05.123Z");
  assert.equal(
    editedCopyPath("chapters/notebooks/exercises/03_cross_entropy.ipynb", when),
    "chapters/notebooks/exercises/03_cross_entropy.edited-2026-11-23T03-40-05.ipynb",
  );
});

Deno.test("a half-saved notebook (not JSON) is one clear usage error naming it, not a crash", () => {
  const path = "chapters/notebooks/03_cross_entropy.ipynb";
  const half = COMMITTED.get(path)!.slice(0, 200);
  assert.throws(() => parseNotebook(path, half), (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(
      error.message,
      /^chapters\/notebooks\/03_cross_entropy\.ipynb is not valid notebook JSON \(.+\): fix it, or move it away to regenerate it$/,
    );
    return true;
  });
  assert.deepEqual(parseNotebook(path, COMMITTED.get(path)!), JSON.parse(COMMITTED.get(path)!));
});

Deno.test("--verify runs the committed notebooks; with --execute it is a usage error, before anything is read", async () => {
  const { result, output } = await quietly(() => notebooksCommand(["--help"]));
  assert.equal(result, 0);
  assert.match(output, /^ {2}--verify {4}run every committed notebook in Jupyter/m);
  await assert.rejects(() => notebooksCommand(["--execute", "--verify"]), {
    name: "UsageError",
    message: "--execute and --verify do not go together",
  });
});
