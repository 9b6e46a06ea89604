// A notebook run in real Jupyter on Deno's kernel, as .ci/run runs all of
// them (`deno task notebooks --check`). Needs --allow-read --allow-write
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
