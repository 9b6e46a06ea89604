// Exercise 3's notebook run in real Jupyter on Deno's kernel with a learner's
// `@` in dprobs's cell: the kernel refuses that cell (it says only "Execution
// failed"), and the next cell, which uses dprobs, says to run dprobs's cell
// first and is judged with the correct dprobs, not marked wrong. Needs
// --allow-read --allow-write --allow-run and Jupyter with Deno's kernel;
// without them it skips, saying which is missing.

import assert from "node:assert/strict";
import { relative } from "node:path";
import { cellText, type Notebook } from "../../notebook/ipynb.ts";
import { quietly } from "../../testing.ts";
import { fromFileUrl } from "../../paths.ts";
import { executeNotebooks, jupyterReady } from "../notebooks.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const permitted = (await granted("read")) && (await granted("write")) && (await granted("run"));
const missing = permitted ? await jupyterReady() : "needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (missing) console.log(`notebook_cells_fs_test.ts: running exercise 3's notebook in Jupyter skipped: ${missing}`);

const ROOT = fromFileUrl(new URL("../../../", import.meta.url));
const FOLDER = fromFileUrl(new URL("../../../chapters/notebooks/exercises/", import.meta.url));

/** Exercise 3's notebook with `edits` (gradient name to the cell's new text) run in Jupyter; each cell's printed text. */
async function runEdited(edits: Record<string, string>): Promise<string[]> {
  const notebook: Notebook = JSON.parse(await Deno.readTextFile(`${FOLDER}03_cross_entropy.ipynb`));
  for (const cell of notebook.cells) {
    const name = cellText(cell).match(/^let (\w+) = check\(/)?.[1];
    if (name && name in edits) cell.source = [edits[name]];
  }
  // Beside the original, so its relative imports work; a name of its own, removed after.
  const path = await Deno.makeTempFile({ dir: FOLDER, prefix: ".cells-test-", suffix: ".ipynb" });
  try {
    await Deno.writeTextFile(path, JSON.stringify(notebook));
    const { result: [run] } = await quietly(() => executeNotebooks([relative(ROOT, path)]));
    return run.executed.cells.map((c) =>
      (c.outputs ?? []).map((o) => cellText({ source: o.text as string[] ?? [] })).join("")
    );
  } finally {
    await Deno.remove(path);
  }
}

Deno.test({
  name: missing
    ? `a cell after one the kernel refused says to run that one first (skipped: ${missing})`
    : "a cell after one the kernel refused (`@`) says to run that one first, and is judged with the correct value",
  ignore: missing !== undefined,
  async fn() {
    const printed = await runEdited({
      dlogprobs: 'let dlogprobs = check("dlogprobs", () => oneHot(Yb, 27).mul(-1 / n));',
      dprobs: 'let dprobs = check("dprobs", () => probs.pow(-1) @ dlogprobs);',
      dcountsSumInv: 'let dcountsSumInv = check("dcountsSumInv", () => counts.mul(dprobs).sum(1, true));',
    });
    const dprobsCell = printed.findIndex((text) => text.startsWith("dlogprobs: ")) + 1;
    assert.equal(printed[dprobsCell], "", "Deno's kernel refuses the whole cell and prints nothing");
    const next = printed.find((text) => text.includes("dcountsSumInv:"))!.replace(/\s+/g, " ");
    assert.match(next, /^dprobs's cell has not run \(or failed\): run it first\. \(A syntax error, such as `a @ b`/);
    assert.match(next, /dcountsSumInv: approximately equal \(maxdiff [\d.e-]+\) dcountsSumInv is right\./);
    const summary = printed.at(-1)!;
    assert.match(summary, /dprobs +not reached/);
    assert.match(summary, /dcountsSumInv +approximate/);
    assert.doesNotMatch(summary, /not defined/);
  },
});
