// Exercise mode: the untouched stubs are all TODO, the chapters' own
// solutions pass, and seeded mistakes get the right diagnosis.

import assert from "node:assert/strict";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import * as stub3 from "../../chapters/exercises/03_cross_entropy.ts";
import * as stub4 from "../../chapters/exercises/04_output_layer.ts";
import * as stub5 from "../../chapters/exercises/05_batchnorm.ts";
import * as stub6 from "../../chapters/exercises/06_first_layer.ts";
import * as stub7 from "../../chapters/exercises/07_fused_cross_entropy.ts";
import * as stub8 from "../../chapters/exercises/08_fused_batchnorm.ts";
import { backpropCrossEntropy } from "../../chapters/03_cross_entropy.ts";
import { backpropOutputLayer } from "../../chapters/04_output_layer.ts";
import { backpropBatchnorm } from "../../chapters/05_batchnorm.ts";
import { backpropFirstLayer } from "../../chapters/06_first_layer.ts";
import { crossEntropyBackward } from "../../chapters/07_fused_cross_entropy.ts";
import { batchnormBackward } from "../../chapters/08_fused_batchnorm.ts";
import { checkExercise, type ExerciseInput, extractSolution, isDone, type Verdict } from "../exercise/checker.ts";
import { checkLearner, exerciseCommand, exerciseInput, formatVerdicts, hint, type LearnerModule } from "./exercise.ts";
import { referenceGradients } from "../check/reference.ts";
import { mul, ones, pow, sub, sum, type Tensor, transpose } from "../tensor.ts";
import { UsageError } from "../cli.ts";
import { quietly } from "../testing.ts";

const input = exerciseInput();
const ref = referenceGradients(input.params, input.batch.Xb, input.batch.Yb).grads;
const stubs: Record<number, LearnerModule> = { 3: stub3, 4: stub4, 5: stub5, 6: stub6, 7: stub7, 8: stub8 };

/** The chapters' own solutions, as a learner would return them. */
const solved: Record<number, (i: ExerciseInput) => Record<string, Tensor>> = {
  3: (i) => ({ ...backpropCrossEntropy(i.fwd, i.batch.Yb) }),
  4: (i) => ({ ...backpropOutputLayer(i.dlogits, i.fwd, i.params) }),
  5: (i) => ({ ...backpropBatchnorm(i.dhpreact, i.fwd, i.params) }),
  6: (i) => ({ ...backpropFirstLayer(i.dhprebn, i.fwd, i.params, i.batch.Xb) }),
  7: (i) => ({ dlogits: crossEntropyBackward(i.fwd.logits, i.batch.Yb) }),
  8: (i) => ({ dhprebn: batchnormBackward(i.dhpreact, i.fwd.bnraw, i.fwd.bnvarInv, i.params.bngain) }),
};

/** Checks chapter `n` with the solution, one gradient replaced by a mistake; returns that gradient's verdict. */
function verdictWith(
  chapter: number,
  name: string,
  mistake: (i: ExerciseInput, right: Record<string, Tensor>) => Tensor,
): Verdict {
  const right = solved[chapter](input);
  const result = { ...right, [name]: mistake(input, right) };
  return checkExercise(EXERCISES[chapter], result, input, ref).find((v) => v.name === name)!;
}

for (const chapter of [3, 4, 5, 6, 7, 8]) {
  Deno.test(`exercise ${chapter}: the untouched stub is all TODO, the chapter's solution all right`, () => {
    const untouched = checkLearner(EXERCISES[chapter], stubs[chapter]);
    assert.deepEqual(untouched.map((v) => v.status), EXERCISES[chapter].gradients.map(() => "TODO"));
    assert.ok(!untouched.some(isDone));
    const done = checkExercise(EXERCISES[chapter], solved[chapter](input), input, ref);
    assert.deepEqual(done.filter((v) => !isDone(v)), []);
    assert.match(formatVerdicts(EXERCISES[chapter], done), /gradients of exercise \d are right/);
  });
}

Deno.test("a dropped keepdim is named, with the shapes", () => {
  const v = verdictWith(3, "dcountsSumInv", ({ fwd }, r) => sum(mul(fwd.counts, r.dprobs), 1));
  assert.equal(v.status, "wrong");
  assert.equal(v.detail, "shape [32], expected [32, 1]: the numbers are right; keep the reduced axis (keepdim = true)");
});

Deno.test("a factor of n is named", () => {
  const v = verdictWith(3, "dlogprobs", (_, r) => mul(r.dlogprobs, 32));
  assert.match(v.detail, /^off by a factor of n = 32: a mean divides by n/);
});

Deno.test("n instead of n − 1 is named as Bessel's correction", () => {
  const v = verdictWith(5, "dbndiff2", ({ fwd, n }, r) => mul(mul(1 / n, ones(fwd.bndiff2.shape)), r.dbnvar));
  assert.match(
    v.detail,
    /^off by a factor of \(n − 1\)\/n = 31\/32: the variance divides by n − 1 \(Bessel's correction\)/,
  );
  const fused = verdictWith(8, "dhprebn", ({ fwd, params, n, dhpreact }) => {
    const inner = sub(
      sub(mul(n, dhpreact), sum(dhpreact, 0, true)),
      mul(fwd.bnraw, sum(mul(dhpreact, fwd.bnraw), 0, true)),
    );
    return mul(mul(mul(params.bngain, fwd.bnvarInv), 1 / n), inner);
  });
  assert.match(fused.detail, /^this is only the formula for the biased variance \(1\/n\): .* n\/\(n − 1\)/);
});

Deno.test("a flipped sign is named", () => {
  const v = verdictWith(3, "dcountsSum", ({ fwd }, r) => mul(pow(fwd.countsSum, -2), r.dcountsSumInv));
  assert.match(v.detail, /^the sign is flipped/);
});

Deno.test("a transpose is named", () => {
  const v = verdictWith(4, "dW2", (_, r) => transpose(r.dW2));
  assert.equal(v.detail, "shape [27, 64], expected [64, 27]: it is transposed");
});

Deno.test("a missing accumulation from a second use is named", () => {
  const counts = verdictWith(3, "dcounts", ({ fwd }, r) => mul(fwd.countsSumInv, r.dprobs));
  assert.match(counts.detail, /^this is only the gradient through probs = counts · countsSumInv: counts is used again/);
  const bndiff = verdictWith(5, "dbndiff", ({ fwd }, r) => mul(fwd.bnvarInv, r.dbnraw));
  assert.match(bndiff.detail, /^this is only the gradient through bnraw = bndiff · bnvarInv/);
  const hprebn = verdictWith(5, "dhprebn", (_, r) => r.dbndiff);
  assert.match(hprebn.detail, /^this is only the gradient through bndiff = hprebn − bnmeani/);
});

Deno.test("a missing sum over a broadcast axis is named", () => {
  const v = verdictWith(4, "db2", ({ dlogits }) => dlogits);
  assert.equal(
    v.detail,
    "shape [32, 27], expected [27]: that tensor was broadcast in the forward pass, so its gradient is summed over axis 0 (the numbers are right once summed)",
  );
});

Deno.test("a gradient computed from a wrong one waits instead of piling up errors", () => {
  const right = solved[3](input);
  const result = { ...right, dprobs: mul(right.dprobs, 2) };
  const verdicts = checkExercise(EXERCISES[3], result, input, ref);
  assert.equal(verdicts[1].status, "wrong");
  assert.match(verdicts[1].detail, /factor of 2/);
  assert.equal(verdicts[2].status, "waiting");
  assert.match(verdicts[2].detail, /computed from dprobs \(wrong\): finish that first/);
  const missing = checkExercise(EXERCISES[3], { ...right, dlogits: undefined }, input, ref).at(-1)!;
  assert.equal(missing.status, "missing");
});

Deno.test("hints come in steps: shapes and the forward line, the rule, then only on request the solution", () => {
  const spec = EXERCISES[3];
  assert.match(
    hint(spec, "dprobs", 1, input),
    /dprobs inverts the forward line `logprobs = log\(probs\)`.*shape \[32, 27\]/s,
  );
  assert.doesNotMatch(hint(spec, "dprobs", 1, input), /pow/);
  assert.match(hint(spec, "dprobs", 2, input), /d\/dx log\(x\) = 1\/x/);
  assert.match(hint(spec, "dprobs", "solution", input), /const dprobs = mul\(pow\(probs, -1\), dlogprobs\);/);
  assert.throws(() => hint(spec, "dfoo", 1, input), { name: "UsageError", message: /has no gradient "dfoo"/ });
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

Deno.test("exercise mode's bad input is one clear line", async () => {
  await assert.rejects(() => exerciseCommand(["9"]), {
    name: "UsageError",
    message: /no exercise "9": exercises are chapters 3 to 8/,
  });
  await assert.rejects(() => exerciseCommand(["3", "--level", "2"]), { message: "--level goes with --hint NAME" });
  await assert.rejects(() => exerciseCommand(["3", "--hint", "dprobs", "--level", "3"]), UsageError);
  await assert.rejects(() => exerciseCommand(["3", "--frob"]), UsageError);
  const { result, output } = await quietly(() => exerciseCommand([]));
  assert.equal(result, 0);
  assert.match(output, /3\. Backprop through cross-entropy/);
});
