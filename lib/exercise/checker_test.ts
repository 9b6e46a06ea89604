// The checker on its own: each line is checked on correct upstream values
// when the hooked run has them, and otherwise waits; what gradients() did not
// return is named, with the likely misspelling; when it threw, what it
// reached is checked; every gradient has its solution lines in its chapter.

import assert from "node:assert/strict";
import { checkExercise, checkLines, extractSolution, isDone } from "./checker.ts";
import { formatVerdicts } from "./verdicts.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { backpropCrossEntropy } from "../../chapters/03_cross_entropy.ts";
import { backpropBatchnorm } from "../../chapters/05_batchnorm.ts";
import { exerciseContext } from "../commands/exercise/context.ts";
import { mul } from "../tensor.ts";

const { input, ref } = exerciseContext();
/** The chapters' own solutions of exercises 3 and 5, as a learner would return them. */
const solved3 = { ...backpropCrossEntropy(input.fwd, input.batch.Yb) };
const solved5 = { ...backpropBatchnorm(input.dhpreact, input.fwd, input.params) };

Deno.test("a gradient computed from a wrong one waits instead of piling up errors", () => {
  const right = solved3;
  const result = { ...right, dprobs: mul(right.dprobs, 2) };
  const verdicts = checkExercise(EXERCISES[3], result, input, ref);
  assert.equal(verdicts[1].status, "wrong");
  assert.match(verdicts[1].detail, /factor of 2/);
  assert.equal(verdicts[2].status, "waiting");
  assert.match(verdicts[2].detail, /computed from dprobs \(wrong\): finish that first/);
  const missing = checkExercise(EXERCISES[3], { ...right, dlogits: undefined }, input, ref).at(-1)!;
  assert.equal(missing.status, "missing");
});

Deno.test("a wrong upstream does not cascade: the line below is checked on the correct one", () => {
  const right = solved3;
  const verdicts = checkLines(EXERCISES[3], {
    returned: { ...right, dlogprobs: mul(right.dlogprobs, 32), dprobs: mul(right.dprobs, 32) },
    isolated: { dprobs: right.dprobs, dcountsSumInv: right.dcountsSumInv },
    substituted: new Set(["dlogprobs", "dprobs"]),
  }, { input, ref });
  assert.match(verdicts[0].detail, /factor of n = 32/);
  assert.ok(isDone(verdicts[1]));
  assert.deepEqual(verdicts[1].fed, ["dlogprobs"]);
  assert.match(
    formatVerdicts(EXERCISES[3], verdicts),
    /dprobs\s+approximately equal \* {2}\d\.\d+e-\d+\n[\s\S]*\* = checked on the correct/,
  );
  assert.ok(isDone(verdicts[2]), "dcountsSumInv's line, fed the correct dprobs");
  const unfed = checkLines(EXERCISES[3], { returned: { ...right, dprobs: mul(right.dprobs, 2) } }, { input, ref });
  assert.equal(unfed[2].status, "waiting", "without the hooked run, a line below a wrong one waits");
});

Deno.test("when gradients() threw, the values it reached are checked as its own, without a feed", () => {
  const right = solved3;
  const verdicts = checkLines(EXERCISES[3], { reached: { dlogprobs: right.dlogprobs, dprobs: right.dprobs } }, {
    input,
    ref,
  });
  assert.ok(isDone(verdicts[0]) && isDone(verdicts[1]));
  assert.equal(verdicts[1].fed, undefined);
  assert.equal(verdicts[2].status, "unreached");
});

Deno.test("a misspelled key in the returned object is named, with the intended name", () => {
  const right = solved5;
  const { dbnbias, ...rest } = right;
  const verdicts = checkExercise(EXERCISES[5], { ...rest, dbnBias: dbnbias }, input, ref);
  const missing = verdicts.find((v) => v.name === "dbnbias")!;
  assert.equal(missing.status, "missing");
  assert.match(
    missing.detail,
    /^not returned, but your object has dbnBias, which exercise 5 does not know: did you mean dbnbias\? .*Its value is right: only the name is off/,
  );
  const typo = checkExercise(
    EXERCISES[3],
    { ...solved3, dlogit: right.dbnbias, dlogits: undefined },
    input,
    ref,
  );
  assert.match(typo.at(-1)!.detail, /your object has dlogit, .*did you mean dlogits\?/);
  assert.doesNotMatch(typo.at(-1)!.detail, /value is right/);
  const unrelated = checkExercise(
    EXERCISES[3],
    { ...solved3, dlogits: undefined, foo: right.dbnbias },
    input,
    ref,
  );
  assert.match(
    unrelated.at(-1)!.detail,
    /add dlogits to the object gradients\(\) returns \(it has foo, which exercise 3/,
  );
});

Deno.test("every gradient of every exercise has a solution in its chapter", () => {
  for (const spec of Object.values(EXERCISES)) {
    for (const g of spec.gradients) {
      const names = g.solution ?? [g.name];
      const lines = extractSolution(spec.source, spec.solvedIn, names);
      assert.ok(lines.length >= names.length, `${spec.chapter}: ${g.name}`);
    }
  }
  assert.deepEqual(
    extractSolution(EXERCISES[5].source, "backpropBatchnorm", ["dbndiff"]).length,
    2,
    "both uses of bndiff",
  );
});
