// Exercise mode as a learner uses it, with files: the stub is copied on the
// first run and never overwritten, the chapter's solution lines pasted in
// pass, and --reset keeps a backup. Needs --allow-read --allow-write; plain
// `deno test` skips these visibly and .ci/run runs them.

import assert from "node:assert/strict";
import { join } from "node:path";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { extractSolution } from "../exercise/checker.ts";
import { exerciseCommand } from "./exercise.ts";
import { fromFileUrl } from "../paths.ts";
import { quietly } from "../testing.ts";

const granted = async (name: "read" | "write") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const SKIP = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
if (!canUseFiles) console.log(`exercise_fs_test.ts: file-system tests ${SKIP}`);

/** A workspace beside chapters/yours, so the stubs' relative imports resolve; removed afterwards. */
function fsTest(name: string, fn: (workspace: string) => Promise<void>): void {
  Deno.test({
    name: canUseFiles ? name : `${name} (${SKIP})`,
    ignore: !canUseFiles,
    async fn() {
      const workspace = fromFileUrl(
        new URL(`../../chapters/yours-test-${crypto.randomUUID().slice(0, 8)}/`, import.meta.url),
      );
      try {
        await fn(workspace);
      } finally {
        await Deno.remove(workspace, { recursive: true }).catch(() => {});
      }
    },
  });
}

/** The stub with every `todo(...)` line replaced by the chapter's solution statements. */
function solvedStub(chapter: number): string {
  const spec = EXERCISES[chapter];
  let text = spec.stub;
  for (const g of spec.gradients) {
    const solution = extractSolution(spec.source, spec.solvedIn, g.solution ?? [g.name]).join("\n  ");
    const line = new RegExp(`const ${g.name} = todo\\(\\w+\\);.*`);
    assert.match(text, line, `the stub of exercise ${chapter} has a todo line for ${g.name}`);
    text = text.replace(line, () => solution);
  }
  return text;
}

fsTest("the first run copies the stub and reports every gradient as TODO, exiting non-zero", async (workspace) => {
  const { result, output } = await quietly(() => exerciseCommand(["3"], workspace));
  assert.equal(result, 1);
  assert.match(output, /Created .*03_cross_entropy\.ts from the stub/);
  assert.equal(output.match(/ TODO/g)?.length, 8);
  assert.equal(await Deno.readTextFile(join(workspace, "03_cross_entropy.ts")), EXERCISES[3].stub);
});

fsTest("a learner's file is never overwritten, and --reset keeps it as a backup", async (workspace) => {
  await quietly(() => exerciseCommand(["4"], workspace));
  const path = join(workspace, "04_output_layer.ts");
  const mine = EXERCISES[4].stub.replace(
    "const dh = todo(h); // [n, 64]",
    "const dh = matmul(dlogits, transpose(W2)); // mine",
  );
  await Deno.writeTextFile(path, mine);
  const again = await quietly(() => exerciseCommand(["4"], workspace));
  assert.equal(await Deno.readTextFile(path), mine);
  assert.match(again.output, /dh\s+approximately equal/);
  const reset = await quietly(() => exerciseCommand(["4", "--reset"], workspace));
  assert.match(reset.output, /Moved your .*04_output_layer\.ts to .*04_output_layer\.ts\..*\.bak/);
  assert.equal(await Deno.readTextFile(path), EXERCISES[4].stub);
  const backups = [...Deno.readDirSync(workspace)].filter((e) => e.name.endsWith(".bak"));
  assert.equal(backups.length, 1);
  assert.equal(await Deno.readTextFile(join(workspace, backups[0].name)), mine);
});

fsTest("with the chapters' solution lines filled in, every exercise passes", async (workspace) => {
  await Deno.mkdir(workspace, { recursive: true });
  for (const chapter of [3, 4, 5, 6, 7, 8]) {
    await Deno.writeTextFile(join(workspace, EXERCISES[chapter].file), solvedStub(chapter));
    const { result, output } = await quietly(() => exerciseCommand([String(chapter)], workspace));
    assert.equal(result, 0, output);
    assert.match(output, new RegExp(`All \\d gradients of exercise ${chapter} are right`));
  }
});

fsTest("an error in the learner's code names the line", async (workspace) => {
  await Deno.mkdir(workspace, { recursive: true });
  const path = join(workspace, "04_output_layer.ts");
  await Deno.writeTextFile(
    path,
    EXERCISES[4].stub.replace("const dh = todo(h); // [n, 64]", "const dh = matmul(dlogits, W2);"),
  );
  const { result, output } = await quietly(() => exerciseCommand(["4"], workspace));
  assert.equal(result, 1);
  assert.match(
    output,
    /Your gradients\(\) threw at .*04_output_layer\.ts:\d+:\d+:\n {2}Cannot matmul \[32, 27\] by \[64, 27\]/,
  );
});
