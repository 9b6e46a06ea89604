// A notebook run in real Jupyter on Deno's kernel, as .ci/run runs all of
// them (`deno task notebooks --verify`). Needs --allow-read --allow-write
// --allow-run and Jupyter with Deno's kernel; without them it skips, saying
// which is missing.

import assert from "node:assert/strict";
import { cellText } from "../notebook/ipynb.ts";
import { quietly } from "../testing.ts";
import { executeNotebooks, jupyterReady } from "./notebooks.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const permitted = (await granted("read")) && (await granted("write")) && (await granted("run"));
const missing = permitted ? await jupyterReady() : "needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (missing) console.log(`notebooks_fs_test.ts: running a notebook in Jupyter skipped: ${missing}`);

Deno.test({
  name: missing
    ? `chapter 2's notebook runs in Jupyter (skipped: ${missing})`
    : "chapter 2's notebook runs in Jupyter without errors and prints the chapter's checks",
  ignore: missing !== undefined,
  async fn() {
    const path = "chapters/notebooks/02_forward.ipynb";
    const { result: [run] } = await quietly(() => executeNotebooks([path]));
    assert.deepEqual(run.errors, []);
    const printed = run.executed.cells.flatMap((c) => c.outputs ?? []).map((o) =>
      cellText({ source: o.text as string[] ?? [] })
    )
      .join("");
    assert.match(printed, /TensorFlow\.js\s+3\.33/);
  },
});

Deno.test({
  name: missing
    ? `a long output is kept whole (skipped: ${missing})`
    : "a long output is kept whole: chapter 6's last cell ends with the lecture's full table and its PyTorch line",
  ignore: missing !== undefined,
  async fn() {
    // Deno's kernel sends part of a long output after it reports the cell idle; plain nbconvert dropped that part.
    const path = "chapters/notebooks/06_first_layer.ipynb";
    const { result: [run] } = await quietly(() => executeNotebooks([path]));
    const last = run.executed.cells.filter((c) => c.cell_type === "code").at(-1)!;
    const text = (last.outputs ?? []).map((o) => cellText({ source: o.text as string[] ?? [] })).join("");
    assert.match(
      text,
      /C\s+\| false \| true\s+\| [\d.e-]+\n\nAgainst PyTorch 1\.13's autograd[\s\S]*all 26 approximately equal/,
    );
  },
});
