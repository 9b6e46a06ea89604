// A notebook run in real Jupyter on Deno's kernel, as .ci/run runs all of
// them (`deno task notebooks --verify`), and what `deno task notebooks`
// writes. Needs --allow-read --allow-write --allow-run (and Jupyter with
// Deno's kernel to run one); without them it skips, saying which is missing.

import assert from "node:assert/strict";
import { join } from "node:path";
import { cellText, notebookJson } from "../notebook/ipynb.ts";
import { quietly } from "../testing.ts";
import {
  editedCopyPath,
  executeNotebooks,
  type GeneratedNotebook,
  generateNotebooks,
  jupyterReady,
  NOTEBOOK_DIR,
  writeChanged,
} from "./notebooks.ts";
import { onSmallDisk } from "./testing.ts";

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

// What `deno task notebooks` writes, in a folder of its own: nothing a
// learner edits is lost, and a bad file where a notebook belongs is one line.

const writable = permitted;
const WRITE_SKIP = "needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (!writable) console.log(`notebooks_fs_test.ts: writing notebooks skipped: ${WRITE_SKIP}`);

/** A test with a folder of its own standing for the repository, and chapter 2's notebook as generated. */
function writeTest(name: string, fn: (root: string, generated: GeneratedNotebook[]) => Promise<void>): void {
  Deno.test({
    name: writable ? name : `${name} (skipped: ${WRITE_SKIP})`,
    ignore: !writable,
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "notebooks-test-" });
      try {
        await Deno.mkdir(join(root, NOTEBOOK_DIR), { recursive: true });
        await quietly(() => fn(root, generateNotebooks().slice(1, 2)));
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

/** The generated notebook with a learner's cell added: an edit made in Jupyter. */
const editedText = (g: GeneratedNotebook, edit: string) =>
  notebookJson({ ...g.notebook, cells: [...g.notebook.cells, { cell_type: "code", source: [edit], metadata: {} }] });

const git = async (root: string, ...args: string[]) =>
  (await new Deno.Command("git", { args: ["-C", root, ...args], stdout: "null", stderr: "null" }).output().catch(
    () => ({ success: false }),
  )).success;

writeTest("two runs within one second keep both edits, under names that cannot collide", async (root, generated) => {
  const path = generated[0].path;
  const second = new Date("2026-01-02T03:04:05Z");
  for (const edit of ["first edit", "second edit"]) {
    await Deno.writeTextFile(join(root, path), editedText(generated[0], edit));
    assert.deepEqual(await writeChanged(generated, root, () => second), [path]);
  }
  const copies = [...Deno.readDirSync(join(root, NOTEBOOK_DIR))].map((e) => e.name).filter((n) => /edited/.test(n));
  assert.deepEqual(copies.sort(), [
    "02_forward.edited-2026-01-02T03-04-05-2.ipynb",
    "02_forward.edited-2026-01-02T03-04-05.ipynb",
  ]);
  assert.match(await Deno.readTextFile(join(root, NOTEBOOK_DIR, copies.sort()[1])), /first edit/);
  assert.match(await Deno.readTextFile(join(root, NOTEBOOK_DIR, copies.sort()[0])), /second edit/);
  assert.equal(await Deno.readTextFile(join(root, path)), notebookJson(generated[0].notebook));
});

writeTest("a notebook git does not track is kept before it is remade", async (root, generated) => {
  if (
    !(await git(root, "init", "-q")) ||
    !(await git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "empty"))
  ) {
    console.log("notebooks_fs_test.ts: the untracked notebook was skipped: no git");
    return;
  }
  const path = generated[0].path;
  await Deno.writeTextFile(join(root, path), editedText(generated[0], "mine, never committed"));
  await writeChanged(generated, root, () => new Date(0));
  const copy = join(root, editedCopyPath(path, new Date(0)));
  assert.match(await Deno.readTextFile(copy), /mine, never committed/);
});

writeTest("a notebook that is {}, empty or a folder is one line, or made again", async (root, generated) => {
  const path = generated[0].path;
  await Deno.writeTextFile(join(root, path), "{}");
  await assert.rejects(() => writeChanged(generated, root), {
    name: "UsageError",
    message:
      `${path} is not a notebook (it has no list of cells with their source): fix it, or move it away to regenerate it`,
  });
  await Deno.writeTextFile(join(root, path), "");
  assert.deepEqual(await writeChanged(generated, root), [path], "an empty file, as a full disk left it, is remade");
  await Deno.remove(join(root, path));
  await Deno.mkdir(join(root, path));
  await assert.rejects(() => writeChanged(generated, root), {
    name: "UsageError",
    message: `${path} is a folder, not a notebook: move it away, and \`deno task notebooks\` makes the notebook again`,
  });
});

writeTest(
  "a full disk or a read-only folder leaves every notebook whole, in one line (a tmpfs; root only)",
  async (_, generated) => {
    const path = generated[0].path;
    const old = editedText(generated[0], "learner's work");
    const setUp = async (dir: string) => {
      await Deno.mkdir(join(dir, NOTEBOOK_DIR), { recursive: true });
      await Deno.writeTextFile(join(dir, path), old);
    };
    const full = await onSmallDisk({ full: true, setUp }, async (dir) => {
      await assert.rejects(() => writeChanged(generated, dir), {
        name: "StopError",
        message: new RegExp(`^cannot write ${path}: No space left on device.*; it is unchanged$`),
      });
      assert.equal(await Deno.readTextFile(join(dir, path)), old);
    });
    const readOnly = await onSmallDisk({ readOnly: true, setUp }, async (dir) => {
      await assert.rejects(() => writeChanged(generated, dir), { name: "StopError", message: /Read-only file system/ });
      assert.equal(await Deno.readTextFile(join(dir, path)), old);
    });
    if (!full || !readOnly) {
      console.log(
        "notebooks_fs_test.ts: the full disk and read-only folder were skipped: no tmpfs",
      );
    }
  },
);
