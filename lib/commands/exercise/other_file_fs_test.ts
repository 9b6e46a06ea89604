// `deno task exercise N` on a file of another exercise (exercise 5's saved
// as exercise 8's): one line says so, as the exercise page does when such a
// file is opened, and the file is still checked. Needs --allow-read
// --allow-write --allow-run; plain `deno test` skips these visibly.

import assert from "node:assert/strict";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { canUseFiles, checkText, fsTest as test, SKIP, solvedStub } from "./testing.ts";
import { otherExerciseLine } from "./context.ts";

if (!canUseFiles) console.log(`other_file_fs_test.ts: file-system tests ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) => test("other_file_fs_test.ts", name, fn);

fsTest(
  "exercise 5's file checked as exercise 8's gets the page's one line first, then its check",
  async (workspace) => {
    const { result, output } = await checkText(workspace, 8, solvedStub(5));
    const shown = output.match(/^(\S*08_fused_batchnorm\.ts) is checked as exercise 8, but /m)?.[1];
    assert.ok(shown, output);
    const line = otherExerciseLine(EXERCISES[8], solvedStub(5), shown)!;
    assert.match(line, /it seems to be exercise 5's file \(.*\), not exercise 8's: it defines dbngain, /);
    assert.ok(output.includes(`${line}\n`), output);
    // Then the CLI's check, which passes: the file's dhprebn is right.
    assert.match(output, /dhprebn\s+\d+\s+(?:exact|approximately equal)/);
    assert.ok(output.indexOf(line) < output.search(/dhprebn\s+\d+/), "the line comes before the check");
    assert.equal(result, 0);
  },
);

fsTest("the exercise's own file, and its stub, get no such line", async (workspace) => {
  for (const text of [solvedStub(4), EXERCISES[4].stub]) {
    const { output } = await checkText(workspace, 4, text);
    assert.doesNotMatch(output, /is checked as exercise|seems to be exercise/);
    assert.match(output, /dh\s+\d+\s+/);
  }
});
