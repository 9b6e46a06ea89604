// The advice for exercise 3's one-hot of logitArgmax (an [n, 1] index, so
// the one-hot is [n, 1, 27]) is code a learner can paste: each of the two
// fixes the diagnosis offers, put in place of the line's one-hot in the
// learner's file, type-checks and passes with `deno task exercise 3`.
// Needs --allow-read --allow-write --allow-run; plain `deno test` skips this visibly.

import assert from "node:assert/strict";
import { canUseFiles, checkText, edited, fsTest as test, SKIP, solvedStub } from "./testing.ts";

if (!canUseFiles) console.log(`argmax_advice_fs_test.ts: file-system tests ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) => test("argmax_advice_fs_test.ts", name, fn);

fsTest(
  "each fix the diagnosis gives for oneHot(logitArgmax, …) compiles and passes in the learner's file",
  async (ws) => {
    const mistake = "oneHot(logitArgmax, vocabSize)";
    const wrong = edited(solvedStub(3), [["oneHot(logits.max(1).indices, vocabSize)", mistake]]);
    const said = await checkText(ws, 3, wrong);
    assert.equal(said.result, 1);
    assert.match(said.flat, /dlogits: shape \[32, 32, 27\], expected \[32, 27\]/);
    const advice = said.flat.match(/as the lecture does, (oneHot\(.*?\)), or reshape the one-hot, (oneHot\(.*?\]\))/);
    assert.ok(advice, said.output);
    const fixes = advice.slice(1);
    assert.deepEqual(fixes, [
      "oneHot(logits.max(1).indices, vocabSize)",
      "oneHot(logitArgmax, vocabSize).reshape([n, vocabSize])",
    ]);
    for (const fix of fixes) {
      const fixed = await checkText(ws, 3, edited(wrong, [[mistake, fix]]));
      assert.equal(fixed.result, 0, `${fix}:\n${fixed.output}`);
      assert.match(fixed.output, /All 8 gradients of exercise 3 are right/);
    }
  },
);
