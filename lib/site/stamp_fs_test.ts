// deno task site reuses a finished build when nothing it is made from
// changed, in a folder of its own with a stand-in for the build (the real
// one takes half a minute): a second run reuses, an edited input, a
// --rebuild, a changed output or a build stopped half-way builds again.
// Needs --allow-read --allow-write; skips visibly without them.

import assert from "node:assert/strict";
import { join } from "node:path";
import { buildOrReuse, readStamp, STAMP_FILE } from "./stamp.ts";
import { BUILD_MARK, type BuiltSite } from "./build.ts";

const granted = async (name: "read" | "write") => (await Deno.permissions.query({ name })).state === "granted";
const permitted = (await granted("read")) && (await granted("write"));
const SKIP = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
if (!permitted) console.log(`stamp_fs_test.ts: ${SKIP}`);

/** A repository's inputs in a temporary folder, and a stand-in build that counts its runs. */
async function repository(root: string) {
  for (const dir of ["chapters/exercises", "chapters/yours", "lib/site", "data"]) {
    await Deno.mkdir(join(root, dir), { recursive: true });
  }
  const files: Record<string, string> = {
    "chapters/03_cross_entropy.ts": "// chapter 3\n",
    "chapters/exercises/03_cross_entropy.ts": "// stub 3\n",
    "lib/tensor.ts": "// tensor\n",
    "lib/site/build.ts": "// builder\n",
    "data/names.txt": "emma\n",
    "deno.lock": "{}\n",
  };
  for (const [path, text] of Object.entries(files)) await Deno.writeTextFile(join(root, path), text);
  const dir = join(root, "site");
  const runs = { count: 0, stopAfterMark: false };
  const build = async (): Promise<BuiltSite> => {
    runs.count++;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, BUILD_MARK), "made by the test\n");
    if (runs.stopAfterMark) throw new Error("stopped half-way");
    await Deno.writeTextFile(join(dir, "index.html"), "<p>built</p>\n");
    return { pages: [{ file: "index.html", bytes: 13 }], unreadable: [] };
  };
  const run = (rebuild = false) => buildOrReuse({ root, dir, rebuild, build, deno: "2.0.0" });
  return { dir, runs, run };
}

function test(name: string, fn: (root: string) => Promise<void>): void {
  Deno.test({
    name: permitted ? name : `${name} (${SKIP})`,
    ignore: !permitted,
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "stamp-test-" });
      try {
        await fn(root);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

test("a second build reuses the first; an edited input, a new one, or --rebuild builds again", async (root) => {
  const { dir, runs, run } = await repository(root);
  const first = await run();
  assert.equal(first.rebuiltBecause, "there is no finished build to reuse");
  assert.equal(first.inputCount, 6);
  const second = await run();
  assert.equal(runs.count, 1, "the second run built again");
  assert.equal(second.rebuiltBecause, null);
  assert.equal(second.digest, first.digest);
  assert.deepEqual(second.site, { pages: [{ file: "index.html", bytes: 13 }], unreadable: [] });
  // The learner's files and tests are no input.
  await Deno.writeTextFile(join(root, "chapters/yours/03_cross_entropy.ts"), "// mine\n");
  await Deno.writeTextFile(join(root, "lib/tensor_test.ts"), "// a test\n");
  assert.equal((await run()).rebuiltBecause, null);
  await Deno.writeTextFile(join(root, "chapters/exercises/03_cross_entropy.ts"), "// stub 3, edited\n");
  const edited = await run();
  assert.equal(edited.rebuiltBecause, "chapters/exercises/03_cross_entropy.ts changed since the last build");
  assert.notEqual(edited.digest, first.digest);
  await Deno.writeTextFile(join(root, "lib/site/new.ts"), "// new\n");
  assert.equal((await run()).rebuiltBecause, "lib/site/new.ts changed since the last build");
  assert.equal((await run(true)).rebuiltBecause, "--rebuild asks for it");
  assert.equal((await run()).rebuiltBecause, null);
  assert.equal(runs.count, 4);
  assert.ok((await readStamp(dir))?.inputs["deno.lock"]);
});

test("a build stopped half-way is never reused, nor a site whose files changed", async (root) => {
  const { dir, runs, run } = await repository(root);
  await run();
  await Deno.writeTextFile(join(root, "lib/tensor.ts"), "// tensor, edited\n");
  runs.stopAfterMark = true;
  await assert.rejects(run, { message: "stopped half-way" });
  // The folder has the build's mark, and no stamp: the next run builds, although no input changed since.
  assert.equal(await readStamp(dir), null);
  await assert.rejects(Deno.stat(join(dir, STAMP_FILE)), Deno.errors.NotFound);
  runs.stopAfterMark = false;
  assert.equal((await run()).rebuiltBecause, "there is no finished build to reuse");
  assert.equal((await run()).rebuiltBecause, null);
  await Deno.remove(join(dir, "index.html"));
  assert.equal((await run()).rebuiltBecause, "index.html in the site's folder changed or went away since it was built");
  // A stamp that is not one is no finished build.
  await Deno.writeTextFile(join(dir, STAMP_FILE), "{");
  assert.equal((await run()).rebuiltBecause, "there is no finished build to reuse");
  assert.equal(runs.count, 5);
});
