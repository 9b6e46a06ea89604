// Writing a learner's files so that nothing is lost: a failed write (a full
// disk, half way) leaves the old file whole and no temporary file, a new
// file is whole or absent and never replaces one made meanwhile, and copies
// kept at once get names of their own. On a real full disk and a real
// read-only folder too, where a tmpfs can be mounted (root). Needs
// --allow-read --allow-write --allow-run; skips visibly without them.

import assert from "node:assert/strict";
import { join } from "node:path";
import { createFile, keepAs, replaceFile, type Write } from "./files.ts";
import { StopError } from "../cli.ts";
import { onSmallDisk } from "./testing.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const permitted = (await granted("read")) && (await granted("write")) && (await granted("run"));
const SKIP = "skipped: needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (!permitted) console.log(`files_fs_test.ts: ${SKIP}`);

/** A test in a temporary folder of its own. */
function test(name: string, fn: (dir: string) => Promise<void>): void {
  Deno.test({
    name: permitted ? name : `${name} (${SKIP})`,
    ignore: !permitted,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "files-test-" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

/** A write that stops half way, as a full disk makes it. */
const halfWrite: Write = async (path, data, options) => {
  await Deno.writeFile(path, data.subarray(0, data.length >> 1), options);
  throw new Error("No space left on device (os error 28)");
};

const entries = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

test("a failed write leaves the old file whole, no temporary file, and says so in one line", async (dir) => {
  const path = join(dir, "nb.ipynb");
  await Deno.writeTextFile(path, "old and whole");
  await assert.rejects(() => replaceFile(path, "new text", "nb.ipynb", halfWrite), {
    name: "StopError",
    message: "cannot write nb.ipynb: No space left on device (os error 28); it is unchanged",
  });
  assert.equal(await Deno.readTextFile(path), "old and whole");
  assert.deepEqual(entries(dir), ["nb.ipynb"]);
  await replaceFile(path, "new text");
  assert.equal(await Deno.readTextFile(path), "new text");
});

test("a new file is whole or absent, and never replaces one that exists", async (dir) => {
  const path = join(dir, "03.ts");
  await assert.rejects(() => createFile(path, "stub", "03.ts", halfWrite), StopError);
  assert.deepEqual(entries(dir), [], "no empty file left for a later run to take for the learner's");
  assert.equal(await createFile(path, "stub"), true);
  await Deno.writeTextFile(path, "mine");
  assert.equal(await createFile(path, "stub"), false);
  assert.equal(await Deno.readTextFile(path), "mine");
  assert.deepEqual(entries(dir), ["03.ts"]);
});

test("copies kept at once get names of their own, and each keeps the file", async (dir) => {
  const path = join(dir, "nb.ipynb");
  await Deno.writeTextFile(path, "edited");
  const names = await Promise.all([1, 2, 3].map(() => keepAs(path, (k) => join(dir, `nb.copy-${k}.ipynb`))));
  assert.deepEqual(names.map((n) => n!.slice(dir.length + 1)).sort(), [1, 2, 3].map((k) => `nb.copy-${k}.ipynb`));
  for (const name of names) assert.equal(await Deno.readTextFile(name!), "edited");
  assert.equal(await keepAs(join(dir, "gone"), (k) => join(dir, `gone-${k}`)), undefined);
});

test("on a real full disk and in a real read-only folder, nothing is lost (a tmpfs; root only)", async () => {
  const setUp = (dir: string) => Deno.writeTextFile(join(dir, "nb.ipynb"), "old and whole");
  const full = await onSmallDisk({ full: true, setUp }, async (dir) => {
    const path = join(dir, "nb.ipynb");
    await assert.rejects(() => replaceFile(path, "x".repeat(1 << 20), "nb.ipynb"), {
      message: /^cannot write nb\.ipynb: No space left on device.*; it is unchanged$/,
    });
    assert.equal(await Deno.readTextFile(path), "old and whole");
    await assert.rejects(() => createFile(join(dir, "03.ts"), "y".repeat(1 << 20), "03.ts"), /cannot create 03\.ts/);
    assert.deepEqual(entries(dir), [".filler", "nb.ipynb"]);
  });
  const readOnly = await onSmallDisk({ readOnly: true, setUp }, async (dir) => {
    const path = join(dir, "nb.ipynb");
    await assert.rejects(() => replaceFile(path, "new", "nb.ipynb"), {
      name: "StopError",
      message: /^cannot write nb\.ipynb: Read-only file system.*; it is unchanged$/,
    });
    await assert.rejects(() => keepAs(path, (k) => `${path}.${k}`), {
      name: "StopError",
      message: /^cannot keep a copy of .*nb\.ipynb: Read-only file system \(os error 30\); it is left as it is$/,
    });
    assert.equal(await Deno.readTextFile(path), "old and whole");
  });
  if (!full || !readOnly) {
    console.log("files_fs_test.ts: the real full disk and read-only folder were skipped: no tmpfs");
  }
});
