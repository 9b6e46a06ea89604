// The translations of the lecture's PyTorch are code a learner can paste:
// each expression a translation suggests, put in place of the PyTorch it
// translates in the learner's file, type-checks and passes with
// `deno task exercise N`.
// Needs --allow-read --allow-write --allow-run; plain `deno test` skips this visibly.

import assert from "node:assert/strict";
import { canUseFiles, checkText, edited, fsTest as test, SKIP, solvedStub } from "./testing.ts";

if (!canUseFiles) console.log(`translation_compiles_fs_test.ts: file-system tests ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) =>
  test("translation_compiles_fs_test.ts", name, fn);

/** The expression the check's output suggests after `write ` (up to ` or ` or the echoed line, `echo`). */
function suggestion(flat: string, echo: string): string {
  const at = flat.indexOf(echo.trim().slice(0, 12), flat.search(/write (the whole expression as )?/));
  const said = flat.slice(0, at).match(/write (?:the whole expression as )?(.+?)(?: or .*| \(TypeScript.*)? $/);
  assert.ok(said, flat);
  return said[1];
}

/**
 * Checks exercise `chapter` with `solved` replaced by `pasted`: one
 * translation, whose suggestion put back as `fixed(suggestion)` passes.
 */
async function pasteBack(ws: string, chapter: number, solved: string, pasted: string, fixed: (s: string) => string) {
  const wrong = edited(solvedStub(chapter), [[solved, pasted]]);
  const said = await checkText(ws, chapter, wrong);
  assert.equal(said.result, 1);
  assert.match(said.flat, /has a type error, so it was not run/, said.output);
  const suggested = suggestion(said.flat, wrong.split("\n")[said.lineOf(pasted) - 1]);
  assert.doesNotMatch(suggested, /torch|F\.|_/, suggested);
  const back = await checkText(ws, chapter, edited(wrong, [[pasted, fixed(suggested)]]));
  assert.equal(back.result, 0, `${suggested}:\n${back.output}`);
  return suggested;
}

fsTest("exercise 5's dbndiff2 as the lecture writes it translates to code that passes", async (ws) => {
  const suggested = await pasteBack(
    ws,
    5,
    "mul(1 / (n - 1), ones(bndiff2.shape)).mul(dbnvar)",
    "(1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar",
    (s) => s,
  );
  assert.equal(suggested, "ones(bndiff2.shape).mul(1.0 / (n - 1)).mul(dbnvar)");
});

fsTest("exercise 3's one-hot of the max as the lecture writes it translates to code that passes", async (ws) => {
  const suggested = await pasteBack(
    ws,
    3,
    "oneHot(logits.max(1).indices, vocabSize).mul(dlogitMaxes)",
    "F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogitMaxes",
    (s) => s,
  );
  assert.equal(suggested, "oneHot(logits.max(1).indices, logits.shape[1]).mul(dlogitMaxes)");
});

fsTest("exercise 8's one-liner assigned undeclared translates to code that passes", async (ws) => {
  const pasted =
    "dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))";
  const wrong = edited(solvedStub(8), [[/const dhprebn = [^\n]*/, pasted]]);
  const said = await checkText(ws, 8, wrong);
  assert.equal(said.result, 1);
  const declare = said.flat.search(/Python assigns without declaring/);
  assert.ok(declare > 0, said.output);
  const suggested = suggestion(said.flat.slice(declare + 40), pasted);
  assert.match(suggested, /dhpreact\.mul\(n\)/);
  const back = await checkText(ws, 8, edited(wrong, [[pasted, `const dhprebn = ${suggested};`]]));
  assert.equal(back.result, 0, `${suggested}:\n${back.output}`);
});
