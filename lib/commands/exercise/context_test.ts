// Exercise mode: the untouched stubs are all TODO, the chapters' own
// solutions pass, and seeded mistakes get the right diagnosis.

import assert from "node:assert/strict";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import * as stub3 from "../../../chapters/exercises/03_cross_entropy.ts";
import * as stub4 from "../../../chapters/exercises/04_output_layer.ts";
import * as stub5 from "../../../chapters/exercises/05_batchnorm.ts";
import * as stub6 from "../../../chapters/exercises/06_first_layer.ts";
import * as stub7 from "../../../chapters/exercises/07_fused_cross_entropy.ts";
import * as stub8 from "../../../chapters/exercises/08_fused_batchnorm.ts";
import { backpropCrossEntropy } from "../../../chapters/03_cross_entropy.ts";
import { backpropOutputLayer } from "../../../chapters/04_output_layer.ts";
import { backpropBatchnorm } from "../../../chapters/05_batchnorm.ts";
import { backpropFirstLayer } from "../../../chapters/06_first_layer.ts";
import { crossEntropyBackward } from "../../../chapters/07_fused_cross_entropy.ts";
import { batchnormBackward } from "../../../chapters/08_fused_batchnorm.ts";
import { checkExercise, correctGradients, type ExerciseInput, isDone, type Verdict } from "../../exercise/checker.ts";
import { compareGradient } from "../../check/compare.ts";
import { formatVerdicts } from "../../exercise/verdicts.ts";
import {
  checkLearner,
  checkOne,
  exerciseContext,
  exerciseInput,
  type LearnerModule,
  otherExerciseLine,
  upstreamFor,
} from "./context.ts";
import { referenceGradients } from "../../check/reference.ts";
import { solvedStub } from "./testing.ts";
import {
  add,
  div,
  indexTensor,
  mul,
  neg,
  oneHot,
  ones,
  pow,
  scatterAddRows,
  sub,
  sum,
  Tensor,
  zeros,
} from "../../tensor.ts";

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
    assert.match(
      formatVerdicts(EXERCISES[chapter], done),
      /(All \d+ gradients|The 1 gradient) of exercise \d (are|is) right/,
    );
    const notes = done.filter((v) => v.detail).map((v) => v.name);
    assert.deepEqual(notes, { 3: ["dlogitMaxes"], 6: ["db1"] }[chapter] ?? [], "only the zero gradients carry a note");
  });
}

Deno.test("a dropped keepdim is named, with the shapes", () => {
  const v = verdictWith(3, "dcountsSumInv", ({ fwd }, r) => sum(mul(fwd.counts, r.dprobs), 1));
  assert.equal(v.status, "wrong");
  assert.equal(
    v.detail,
    "shape [32], expected [32, 1] (countsSumInv's shape): the numbers are right; keep the reduced axis (keepdim = true)",
  );
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
  assert.match(
    fused.detail,
    /^the term −n\/\(n − 1\) · bnraw · Σ \(dhpreact · bnraw\) lacks its factor n\/\(n − 1\): the forward pass divides the variance by n − 1/,
  );
});

Deno.test("a flipped sign is named", () => {
  const v = verdictWith(3, "dcountsSum", ({ fwd }, r) => mul(pow(fwd.countsSum, -2), r.dcountsSumInv));
  assert.match(v.detail, /^the sign is flipped/);
});

Deno.test("a transposed product is named with the whole right product, not 'swap the operands'", () => {
  const v = verdictWith(4, "dW2", ({ fwd, dlogits }) => dlogits.T.matmul(fwd.h));
  assert.equal(
    v.detail,
    "shape [27, 64], expected [64, 27] (W2's shape): it is transposed; write h.T.matmul(dlogits), or transpose the product you have",
  );
  const dh = verdictWith(4, "dh", ({ params, dlogits }) => params.W2.matmul(dlogits.T));
  assert.match(dh.detail, /it is transposed; write dlogits\.matmul\(W2\.T\), or transpose the product you have$/);
  const dW1 = verdictWith(6, "dW1", ({ fwd, dhprebn }) => dhprebn.T.matmul(fwd.embcat));
  assert.match(dW1.detail, /it is transposed; write embcat\.T\.matmul\(dhprebn\), or transpose/);
});

Deno.test("1.0/n - 1 where 1.0/(n - 1) belongs is named as the precedence slip it is", () => {
  const v = verdictWith(5, "dbndiff2", ({ fwd, n }, r) => mul(mul(1.0 / n - 1, ones(fwd.bndiff2.shape)), r.dbnvar));
  assert.match(
    v.detail,
    /^off by a factor of \(1\/n − 1\)·\(n − 1\) = -30\.03: that is 1\.0\/n - 1 where 1\.0\/\(n - 1\) belongs/,
  );
});

Deno.test("a bias gradient summed with keepdim says to drop the keepdim, not to reshape", () => {
  const db2 = verdictWith(4, "db2", ({ dlogits }) => dlogits.sum(0, true));
  assert.equal(
    db2.detail,
    "shape [1, 27], expected [27] (b2's shape): the numbers are right, but the sum kept its reduced axis: drop the keepdim, dlogits.sum(0), not dlogits.sum(0, true)",
  );
  const db1 = verdictWith(6, "db1", ({ dhprebn }) => dhprebn.sum(0, true));
  assert.match(db1.detail, /drop the keepdim, dhprebn\.sum\(0\), not dhprebn\.sum\(0, true\)$/);
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
    "shape [32, 27], expected [27] (b2's shape): b2 was broadcast over axis 0 in the forward pass, so db2 sums over axis 0 (the numbers are right once summed)",
  );
});

Deno.test("the chain rule left out is named, with the upstream gradient", () => {
  const dprobs = verdictWith(3, "dprobs", ({ fwd }) => pow(fwd.probs, -1));
  assert.match(
    dprobs.detail,
    /^this is the local derivative alone: multiply it by the upstream dlogprobs \(the chain rule\)/,
  );
  const dhpreact = verdictWith(4, "dhpreact", ({ fwd }) => sub(1, pow(fwd.h, 2)));
  assert.match(dhpreact.detail, /upstream dh \(the chain rule\)/);
  const sumFirst = verdictWith(3, "dcountsSumInv", ({ fwd }) => sum(fwd.counts, 1, true));
  assert.match(
    sumFirst.detail,
    /without dprobs: multiply counts by the upstream dprobs before summing \(the chain rule\)/,
  );
});

Deno.test("a factor on one term of a tensor used twice is named: 2 in d(x²), 1/n of the mean", () => {
  const noTwo = verdictWith(
    5,
    "dbndiff",
    ({ fwd }, r) => add(mul(fwd.bnvarInv, r.dbnraw), mul(fwd.bndiff, r.dbndiff2)),
  );
  assert.match(noTwo.detail, /^the term through bndiff2 = bndiff² is off by a factor of ½: a factor 2 is missing/);
  const noMean = verdictWith(5, "dhprebn", (_, r) => add(r.dbndiff, mul(ones([32, 64]), r.dbnmeani)));
  assert.match(noMean.detail, /^the term through bnmeani = 1\/n · Σ hprebn is off by a factor of n = 32/);
  const sign = verdictWith(
    3,
    "dcounts",
    ({ fwd }, r) => sub(mul(fwd.countsSumInv, r.dprobs), mul(ones([32, 27]), r.dcountsSum)),
  );
  assert.match(sign.detail, /^the term through countsSum = Σ counts has the wrong sign/);
});

Deno.test("each gradient's formula, terms and scatter, on correct upstream values, give TensorFlow.js's gradient", () => {
  const forward = Object.fromEntries(
    [...Object.entries(input.fwd), ...Object.entries(input.params)].filter(([, t]) => t instanceof Tensor),
  );
  for (const spec of Object.values(EXERCISES)) {
    const values = { ...forward, ...correctGradients(spec, { input, ref }) };
    for (const g of spec.gradients) {
      const expected = ref[g.of];
      const what = `exercise ${spec.chapter}, ${g.name}`;
      assert.ok(g.formula, `${what} has a formula`);
      assert.ok(compareGradient(g.name, g.formula(values, input), expected).approximate, `${what}: its formula`);
      const terms = g.terms?.(input, ref);
      if (terms) {
        const total = terms.reduce((acc, t) => add(acc, t.tensor), zeros(expected.shape));
        assert.ok(compareGradient(g.name, total, expected).approximate, `${what}: its terms`);
      }
      const scatter = g.scatter?.(input, ref);
      if (scatter) {
        const table = scatterAddRows(
          zeros(expected.shape),
          indexTensor(scatter.indices.data, scatter.indices.shape),
          scatter.src,
        );
        assert.ok(compareGradient(g.name, table, expected).approximate, `${what}: its scatter`);
      }
    }
  }
});

Deno.test("a forward tensor swapped for another of the same shape is named, in all its uses or in one", () => {
  const { fwd } = input;
  const h = verdictWith(4, "dhpreact", (_, r) => mul(sub(1, pow(fwd.hpreact, 2)), r.dh));
  assert.match(h.detail, /^this is the right formula with hpreact where h belongs \(both \[32, 64\]\): write h there$/);
  const bndiff = verdictWith(5, "dbnvarInv", (_, r) => sum(mul(fwd.bnraw, r.dbnraw), 0, true));
  assert.match(bndiff.detail, /^this is the right formula with bnraw where bndiff belongs \(both \[32, 64\]\)/);
  const once = verdictWith(8, "dhprebn", ({ params, n, dhpreact }) => {
    const inner = mul(n, dhpreact).sub(dhpreact.sum(0, true))
      .sub(mul(n / (n - 1), fwd.bnraw.mul(dhpreact.mul(fwd.bndiff).sum(0, true))));
    return params.bngain.mul(fwd.bnvarInv).div(n).mul(inner);
  });
  assert.match(once.detail, /^this is the right formula with bndiff where bnraw belongs in one of its 2 uses/);
});

Deno.test("exercise 8's one-line formula: a term missing or without its factor n or n/(n − 1) is named", () => {
  const { fwd, params, n, dhpreact } = input;
  const formula = (first: number, second: number, third: number) => () => {
    const inner = mul(first, dhpreact).sub(dhpreact.sum(0, true).mul(second))
      .sub(mul(third, fwd.bnraw.mul(dhpreact.mul(fwd.bnraw).sum(0, true))));
    return params.bngain.mul(fwd.bnvarInv).div(n).mul(inner);
  };
  assert.ok(isDone(verdictWith(8, "dhprebn", formula(n, 1, n / (n - 1)))));
  assert.match(
    verdictWith(8, "dhprebn", formula(1, 1, n / (n - 1))).detail,
    /^the term n · dhpreact lacks its factor n: the 1\/n in front of the bracket is shared by the three terms/,
  );
  assert.match(verdictWith(8, "dhprebn", formula(n, 0, n / (n - 1))).detail, /^the term −Σ dhpreact is missing$/);
  assert.match(
    verdictWith(8, "dhprebn", formula(n, 1, 1 / (n - 1))).detail,
    /^the term −n\/\(n − 1\) · bnraw · Σ \(dhpreact · bnraw\) is off by a factor of 1\/n = 1\/32/,
  );
  const oneHotUndivided = verdictWith(
    7,
    "dlogits",
    ({ fwd, batch }) => fwd.logits.softmax(1).div(n).sub(oneHot(batch.Yb, 27)),
  );
  assert.match(
    oneHotUndivided.detail,
    /^the term −oneHot\(Yb\) lacks its factor 1\/n: the loss is a mean over the n rows/,
  );
});

Deno.test("a dC scatter that assigns instead of adding is named with the rows used more than once", () => {
  const { batch, params } = input;
  const v = verdictWith(6, "dC", (_, r) => {
    const dC = zeros(params.C.shape); // [27, 10]
    for (let k = 0; k < batch.Xb.data.length; k++) {
      for (let d = 0; d < 10; d++) dC.data[batch.Xb.data[k] * 10 + d] = r.demb.data[k * 10 + d];
    }
    return dC;
  });
  const shared = new Set([...batch.Xb.data].filter((x, i, all) => all.indexOf(x) !== i));
  assert.match(
    v.detail,
    new RegExp(
      `^rows [\\d, …]+ \\(${shared.size} of 27: the characters Xb names more than once\\) each hold one of the demb rows`,
    ),
  );
  assert.doesNotMatch(v.detail, /\+=/);
});

Deno.test("a dropped 1e-5 is named; dbnvar, dprobs, dlogits and dhprebn written other ways pass", () => {
  const { fwd } = input;
  const dropped = verdictWith(5, "dbnvar", (_, r) => mul(mul(-0.5, pow(fwd.bnvar, -1.5)), r.dbnvarInv));
  assert.match(dropped.detail, /without the 1e-5: .* the 1e-5 stays/);
  const cubed = verdictWith(5, "dbnvar", (_, r) => mul(mul(-0.5, pow(fwd.bnvarInv, 3)), r.dbnvarInv));
  assert.ok(isDone(cubed), cubed.detail);
  assert.equal(cubed.detail, "");
  const divided = verdictWith(3, "dprobs", ({ fwd }, r) => div(r.dlogprobs, fwd.probs));
  assert.ok(isDone(divided));
  const fusedLogits = verdictWith(3, "dlogits", (i) => crossEntropyBackward(i.fwd.logits, i.batch.Yb));
  assert.ok(isDone(fusedLogits), fusedLogits.detail);
  const fusedBatchnorm = verdictWith(
    5,
    "dhprebn",
    (i) => batchnormBackward(i.dhpreact, i.fwd.bnraw, i.fwd.bnvarInv, i.params.bngain),
  );
  assert.ok(isDone(fusedBatchnorm), fusedBatchnorm.detail);
  assert.equal(fusedBatchnorm.detail, "");
});

Deno.test("a sum over the wrong axis names the right one; a missing broadcast is named", () => {
  const axis = verdictWith(3, "dcountsSumInv", ({ fwd }, r) => sum(mul(fwd.counts, r.dprobs), 0, true));
  assert.match(
    axis.detail,
    /shape \[1, 27\], expected \[32, 1\].*a sum over axis 0, .*broadcast over axis 1 .*sums over axis 1/,
  );
  const spread = verdictWith(5, "dbndiff2", ({ n }, r) => mul(1 / (n - 1), r.dbnvar));
  assert.match(spread.detail, /shape \[1, 64\], expected \[32, 64\].*right for every row.*broadcast it/);
});

Deno.test("an extra axis from an [n, 1] index is not advised to be summed", () => {
  const v = verdictWith(
    3,
    "dlogits",
    ({ fwd }, r) => add(r.dnormLogits, mul(oneHot(fwd.logitArgmax, 27), r.dlogitMaxes)),
  );
  assert.match(v.detail, /shape \[32, 32, 27\], expected \[32, 27\]/);
  assert.match(v.detail, /no sum fixes this/);
  assert.doesNotMatch(v.detail, /sums? over axis/);
  // Both fixes it offers pass, written with the stub's names as the advice writes them.
  assert.match(v.detail, /oneHot\(logits\.max\(1\)\.indices, vocabSize\)/);
  assert.match(v.detail, /oneHot\(logitArgmax, vocabSize\)\.reshape\(\[n, vocabSize\]\)/);
  const vocabSize = 27;
  const lectures = verdictWith(
    3,
    "dlogits",
    ({ fwd: { logits } }, r) => add(r.dnormLogits, oneHot(logits.max(1).indices, vocabSize).mul(r.dlogitMaxes)),
  );
  const reshaped = verdictWith(
    3,
    "dlogits",
    ({ fwd: { logitArgmax }, n }, r) =>
      add(r.dnormLogits, oneHot(logitArgmax, vocabSize).reshape([n, vocabSize]).mul(r.dlogitMaxes)),
  );
  assert.ok(isDone(lectures), lectures.detail);
  assert.ok(isDone(reshaped), reshaped.detail);
});

Deno.test("zero gradients pass with a note, and so does dlogits without the max branch", () => {
  const zero = verdictWith(3, "dlogitMaxes", ({ fwd }) => zeros(fwd.logitMaxes.shape));
  assert.ok(isDone(zero));
  assert.match(zero.detail, /zero in exact arithmetic \(shifting a row of logits does not change the softmax\)/);
  const db1 = verdictWith(6, "db1", ({ dhprebn }) => sum(dhprebn, 0));
  assert.ok(isDone(db1));
  assert.match(db1.detail, /zero in exact arithmetic \(batchnorm subtracts the batch mean/);
  const shortcut = verdictWith(3, "dlogits", (_, r) => r.dnormLogits);
  assert.ok(isDone(shortcut));
  assert.match(shortcut.detail, /skips the branch through logitMaxes; that is right, since dlogitMaxes is zero/);
});

Deno.test("NaN and Infinity are said plainly with the first entry", () => {
  const v = verdictWith(3, "dprobs", ({ fwd }, r) => div(r.dlogprobs, sub(fwd.probs, fwd.probs)));
  assert.match(v.detail, /^(NaN|−?Infinity) first appears at \[0, 0\] \(864 of 864 entries are NaN or ±Infinity\)/);
});

Deno.test("numbers nothing explains are located: rows, columns and the largest difference", () => {
  const v = verdictWith(4, "dh", (_, r) => {
    const t = add(r.dh, zeros(r.dh.shape));
    t.data[3 * 64 + 5] += 1;
    return t;
  });
  assert.match(
    v.detail,
    /^the numbers are off in row 3 \(1 of 32\), column 5 \(1 of 64\); the largest difference is 1\.00e\+0 at \[3, 5\]/,
  );
});

Deno.test("checkOne checks a single gradient in-process, as a notebook cell does", () => {
  const { dlogprobs } = upstreamFor(3);
  assert.match(
    checkOne(3, "dprobs", mul(pow(input.fwd.probs, -1), dlogprobs)).text,
    /^dprobs: (exact|approximately equal) \(maxdiff [\d.e-]+\)$/,
  );
  const wrong = checkOne(3, "dprobs", neg(mul(pow(input.fwd.probs, -1), dlogprobs)));
  assert.equal(wrong.verdict.status, "wrong");
  assert.match(wrong.text, /^dprobs: wrong \(maxdiff [\d.e-]+\)\. the sign is flipped/);
  assert.throws(() => checkOne(3, "dfoo", dlogprobs), /no gradient dfoo/);
});

Deno.test("no advice, hint or stub teaches `+=` on tensors or assigns a const again: each says const name = add(…)", () => {
  for (const spec of Object.values(EXERCISES)) {
    const texts = [spec.stub, ...spec.gradients.flatMap((g) => [g.rule, g.structure])];
    for (const g of spec.gradients) {
      texts.push(...(g.partials?.(input, ref) ?? []).map((p) => p.advice));
      texts.push(...(g.mistakes?.(input, ref) ?? []).map((m) => m.label));
      texts.push(...(g.terms?.(input, ref) ?? []).map((t) => t.factor?.why ?? ""));
    }
    for (const text of texts) {
      assert.doesNotMatch(text, /\+=/, `exercise ${spec.chapter}: ${text}`);
      // The stub declares every gradient const: a suggested line declares it, it never assigns it again.
      assert.doesNotMatch(text, /(^|[^\w ]|[^t] )\s*(d\w+) = (add|\2\.)/, `exercise ${spec.chapter}: ${text}`);
    }
    for (const g of spec.gradients) {
      for (const p of g.partials?.(input, ref) ?? []) {
        assert.match(p.advice, new RegExp(`: const ${g.name} = add\\([^)]*\\)$`), p.advice);
      }
    }
  }
  const counts = verdictWith(3, "dcounts", ({ fwd }, r) => mul(fwd.countsSumInv, r.dprobs));
  assert.match(
    counts.detail,
    /add that contribution in the same declaration: const dcounts = add\(<what you have>, …\)$/,
  );
  const hprebn = verdictWith(5, "dhprebn", (_, r) => r.dbndiff);
  assert.match(hprebn.detail, /: const dhprebn = add\(dbndiff, …\)$/);
});

Deno.test("exercise 8: a sum over axis 1 inside the one-line formula is named, with the right axis", () => {
  const { fwd, params, n } = input;
  const formula = (axisTotal: number, axisDot: number) => (i: ExerciseInput) => {
    const inner = sub(
      sub(mul(n, i.dhpreact), sum(i.dhpreact, axisTotal, true)),
      mul(mul(n / (n - 1), fwd.bnraw), sum(mul(i.dhpreact, fwd.bnraw), axisDot, true)),
    );
    return mul(div(mul(params.bngain, fwd.bnvarInv), n), inner);
  };
  const total = verdictWith(8, "dhprebn", formula(1, 0));
  assert.equal(total.status, "wrong");
  assert.match(total.detail, /^Σ dhpreact is a sum over axis 1; the batch statistics sum over the batch: axis 0/);
  const dot = verdictWith(8, "dhprebn", formula(0, 1));
  assert.match(dot.detail, /^Σ \(dhpreact · bnraw\) is a sum over axis 1; .*sum\(mul\(dhpreact, bnraw\), 0, true\)/);
  assert.match(verdictWith(8, "dhprebn", formula(1, 1)).detail, /^both sums are over axis 1/);
  assert.ok(isDone(verdictWith(8, "dhprebn", formula(0, 0))), "the same formula with axis 0 passes");
});

Deno.test("a learner that scribbles over its input cannot alter what checkLearner checks against", () => {
  const before = exerciseContext().input.fwd.probs.data.slice();
  for (const chapter of [3, 4, 5, 6, 7, 8]) {
    const scribbler: LearnerModule = {
      gradients(i) {
        const right = solved[chapter](i);
        for (const t of [...Object.values(i.fwd), i.dlogits, i.dhpreact, i.dhprebn]) {
          if (t?.data instanceof Float32Array) t.data.fill(NaN);
        }
        return right;
      },
    };
    assert.deepEqual(checkLearner(EXERCISES[chapter], scribbler).filter((v) => !isDone(v)), [], `exercise ${chapter}`);
  }
  assert.deepEqual(exerciseContext().input.fwd.probs.data, before);
});

Deno.test("a file of another exercise gets the page's one line, naming the exercise it seems to be for; its own none", () => {
  const chapters = Object.keys(EXERCISES).map(Number);
  for (const to of chapters) {
    for (const from of chapters) {
      for (const text of [EXERCISES[from].stub, solvedStub(from)]) {
        const line = otherExerciseLine(EXERCISES[to], text, "mine.ts");
        if (from === to) assert.equal(line, null, `exercise ${to}'s own file`);
        else {
          const said = line ?? "(none)";
          assert.ok(
            said.startsWith(`mine.ts is checked as exercise ${to}, but it seems to be exercise ${from}'s file`),
          );
          assert.ok(said.endsWith(".") && !said.includes("\n"), said);
        }
      }
    }
  }
  // Exercise 5's file checked as exercise 8's: the line the page gives it when it is opened there, after the file's name.
  assert.equal(
    otherExerciseLine(EXERCISES[8], solvedStub(5), "chapters/yours/08_fused_batchnorm.ts"),
    "chapters/yours/08_fused_batchnorm.ts is checked as exercise 8, but it seems to be exercise 5's file " +
      `(${EXERCISES[5].title}), not exercise 8's: it defines dbngain, dbnbias, dbnraw, dbnvarInv, dbnvar and 3 more, ` +
      "which exercise 8 does not ask for.",
  );
  // A file of this exercise with a gradient left out is not another exercise's: the check says it is missing.
  const without = solvedStub(8).replace(/return \{ dhprebn \}/, "return {}").replace(
    /const dhprebn =/,
    "const other =",
  );
  assert.equal(otherExerciseLine(EXERCISES[8], without, "mine.ts"), null);
});
