import assert from "node:assert/strict";
import { checkSizeNote, tooSlowText, wholeRunText } from "./training_report.ts";

Deno.test("a long time limit is said in hours and minutes", () => {
  assert.match(
    tooSlowText(8_000_000, 12_345, 200_000),
    /took more than 2 h 13 min, so it was stopped after step 12,345/,
  );
});

Deno.test("after a short run the lecture's whole training with your gradients() is named; after the whole one, not", () => {
  assert.match(wholeRunText(3_000), /deno task exercise 9 --steps 200000/);
  assert.doesNotMatch(wholeRunText(200_000), /--steps/);
});

Deno.test("an error that names the check's 64 hidden units at training's 200 says a size was written as a number", () => {
  const note = checkSizeNote("Cannot reshape [32, 200] to [32, 64]: 6400 numbers cannot fill 2048");
  assert.match(note, /check ran with 64 hidden units and the training runs with 200: a size written as the number 64/);
  assert.equal(checkSizeNote("Cannot matmul [32, 30] by [640, 200]: inner dimensions 30 and 640 must match"), "");
});
