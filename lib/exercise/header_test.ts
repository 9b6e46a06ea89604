import assert from "node:assert/strict";
import { tensor } from "../tensor.ts";
import type { ExerciseInput } from "./learner.ts";
import { answerOf, headerOf } from "./header.ts";

const input = { dlogits: tensor([1]), dhpreact: tensor([2]), dhprebn: tensor([3]), n: 32 } as unknown as ExerciseInput;

Deno.test("the header gives the upstream gradients the exercise starts from, and withholds the others with why", () => {
  const spec = {
    chapter: 8,
    given: ["dhprebn" as const],
    gradients: [{ name: "dhpreact", deps: ["dhprebn"], of: "x" }],
  };
  const header = headerOf(spec, { lines: { dhpreact: 9 }, code: "code" }, input, undefined);
  assert.deepEqual(Object.keys(header.input as object).sort(), ["dhprebn", "n"]);
  assert.deepEqual(header.withheld, {
    dlogits: "exercise 8 does not give input.dlogits: it starts from dhprebn",
    dhpreact: "exercise 8 does not give input.dhpreact: it starts from dhprebn",
  });
  assert.deepEqual(header.gradients, [{ name: "dhpreact", deps: ["dhprebn"] }]);
  assert.deepEqual([header.program, header.lines, header.chapter], ["code", { dhpreact: 9 }, 8]);
});

Deno.test("a commit is answered with the correct value's bytes, and a name the exercise does not know with nothing", () => {
  assert.deepEqual(answerOf({ dprobs: tensor([1, 2]) }, "dprobs").shape, [2]);
  assert.deepEqual(answerOf({ dprobs: tensor([1]) }, "__proto__"), { shape: [0], f32: "" });
});
