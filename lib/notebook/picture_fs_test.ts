// A picture in a real notebook: chapter 7's notebook run in Jupyter on Deno's
// kernel, then exported with `jupyter nbconvert --to html`, as a learner
// shares a notebook. Debian's nbconvert (6.5) strips an SVG from the page,
// so the heat map must be in the notebook as a PNG and on the page as an
// <img>. Needs --allow-read --allow-write --allow-run (.ci/run grants them)
// and Jupyter with Deno's kernel; without them it skips, saying which is missing.

import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { executeNotebooks, jupyterReady } from "../commands/notebooks.ts";
import { quietly } from "../testing.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const permitted = (await granted("read")) && (await granted("write")) && (await granted("run"));
const missing = permitted ? await jupyterReady() : "needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (missing) console.log(`picture_fs_test.ts: a notebook's picture exported to HTML skipped: ${missing}`);

/** Exports a notebook to HTML with `jupyter nbconvert --to html` in a temporary folder; the page. */
async function exportHtml(notebook: unknown, name: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "notebook-html-" });
  try {
    const path = join(dir, name);
    await Deno.writeTextFile(path, JSON.stringify(notebook));
    const { code, stderr } = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--to", "html", path],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, `jupyter nbconvert --to html failed:\n${new TextDecoder().decode(stderr)}`);
    return await Deno.readTextFile(path.replace(/\.ipynb$/, ".html"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: missing
    ? `a notebook's picture survives the export to HTML (skipped: ${missing})`
    : "chapter 7's heat map is a PNG in the run notebook, and an <img> of that PNG in its export to HTML",
  ignore: missing !== undefined,
  async fn() {
    const path = "chapters/notebooks/07_fused_cross_entropy.ipynb";
    const { result: [run] } = await quietly(() => executeNotebooks([path]));
    assert.deepEqual(run.errors, []);
    const pictures = run.executed.cells.flatMap((c) => c.outputs ?? [])
      .map((o) => o.data as Record<string, unknown> | undefined)
      .filter((data) => data !== undefined && ("image/png" in data || "image/svg+xml" in data));
    assert.equal(pictures.length, 1, "one picture: the heat map of dlogits");
    const png = pictures[0]!["image/png"];
    assert.equal(typeof png, "string", "the picture is a PNG");
    assert.match(png as string, /^iVBORw0KGgo/, "base64 of a PNG file");
    assert.equal("image/svg+xml" in pictures[0]!, false, "no SVG for nbconvert to prefer and strip");
    const html = await exportHtml(run.executed, basename(path));
    const images = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1].trim());
    assert.deepEqual(images, [(png as string).trim()], "the page shows the notebook's PNG");
  },
});
