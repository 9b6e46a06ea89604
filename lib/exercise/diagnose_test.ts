// The diagnoses, rule by rule: each rule names its cause on a small tensor
// that shows the mistake, and says nothing of a right answer (nor of another
// mistake it does not explain); diagnose tries the rules in order, and when
// none explains the numbers says where they are off.

import assert from "node:assert/strict";
import {
  type Contribution,
  diagnose,
  type DiagnoseContext,
  type Formula,
  nonFinite,
  type Rule,
  type Scatter,
  SHAPE_RULES,
  type Term,
  VALUE_RULES,
  whereOff,
} from "./diagnose.ts";
import {
  add,
  fromArray,
  mul,
  reshape,
  sub,
  sum,
  sumToShape,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from "../tensor.ts";

/** The batch size 4 makes n, 1/n, n − 1 and Bessel's 3/4 and 4/3 distinct factors. */
const CONTEXT: DiagnoseContext = { n: 4, name: "dx", of: "x" };
/** The expected gradient of most tests: [2, 3]. */
const X = tensor([[1, 2, 3], [4, 5, 6]]);

function rule(name: string): Rule {
  const found = [...SHAPE_RULES, ...VALUE_RULES].find((r) => r.name === name);
  assert.ok(found, `there is a rule "${name}"`);
  return found;
}

/**
 * Asserts that rule `name` explains `ours` (against `expected`) with a
 * message matching `message`, that diagnose names the same cause, and that
 * the rule says nothing of the right answer.
 */
function assertRuleNames(
  name: string,
  ours: Tensor,
  expected: Tensor,
  context: DiagnoseContext,
  message: RegExp,
): void {
  const said = rule(name).explain(ours, expected, context);
  assert.match(said ?? "(nothing)", message);
  assert.equal(diagnose(ours, expected, context).detail, said, "diagnose names the first rule that explains it");
  assert.equal(rule(name).explain(expected, expected, context), undefined, `${name} fires on a right answer`);
  assert.equal(rule(name).explain(add(expected, 0), expected, context), undefined, `${name} fires on a right copy`);
}

/** Asserts that rule `name` does not explain `ours`. */
function assertSilent(name: string, ours: Tensor, expected: Tensor, context = CONTEXT): void {
  assert.equal(rule(name).explain(ours, expected, context), undefined);
}

Deno.test("the rules have distinct names, shape rules first", () => {
  const names = [...SHAPE_RULES, ...VALUE_RULES].map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(SHAPE_RULES.length, 9);
  assert.equal(VALUE_RULES.length, 12);
});

// ## Shape rules

Deno.test("rule transposed: the right numbers with the axes swapped", () => {
  assertRuleNames(
    "transposed",
    transpose(X),
    X,
    CONTEXT,
    /^shape \[3, 2\], expected \[2, 3\] \(x's shape\): it is transposed; transpose the product \(for a\.matmul\(b\), write b\.T\.matmul\(a\.T\): swapping the operands alone is not it\)$/,
  );
  // With the named tensors it is made of, the whole right product: (AB)ᵀ is BᵀAᵀ, so swapping a and b is not it.
  const a = tensor([[1, 2], [3, 4], [5, 6]]), b = tensor([[1, 0, 2], [0, 1, 3], [1, 1, 1]]);
  const expected = transpose(a).matmul(b); // [2, 3]
  assertRuleNames(
    "transposed",
    transpose(b).matmul(a),
    expected,
    { ...CONTEXT, upstream: { dout: b }, formula: { compute: () => expected, values: { a }, forward: ["a"] } },
    /: it is transposed; write a\.T\.matmul\(dout\), or transpose the product you have$/,
  );
  assertSilent("transposed", reshape(X, [3, 2]), X);
  assertSilent("transposed", transpose(mul(X, 2)), X);
});

Deno.test("rule dropped keepdim: a row sum without its reduced axis", () => {
  const expected = sum(X, 1, true); // [2, 1]
  assertRuleNames(
    "dropped keepdim",
    sum(X, 1),
    expected,
    CONTEXT,
    /^shape \[2\], expected \[2, 1\] \(x's shape\): the numbers are right; keep the reduced axis \(keepdim = true\)$/,
  );
  assertSilent("dropped keepdim", fromArray([6, 16], [2]), expected);
});

Deno.test("rule kept keepdim: a sum that kept the axis the gradient does not have", () => {
  const expected = sum(X, 0); // [3]
  assertRuleNames(
    "kept keepdim",
    sum(X, 0, true),
    expected,
    { ...CONTEXT, upstream: { dout: X } },
    /^shape \[1, 3\], expected \[3\] \(x's shape\): the numbers are right, but the sum kept its reduced axis: drop the keepdim, dout\.sum\(0\), not dout\.sum\(0, true\)$/,
  );
  assert.match(
    rule("kept keepdim").explain(sum(X, 0, true), expected, CONTEXT)!,
    /drop the keepdim, \.sum\(0\), not \.sum\(0, true\)$/,
  );
  assertSilent("kept keepdim", sum(mul(X, 2), 0, true), expected);
  assertSilent("kept keepdim", reshape(X, [3, 2]), X);
});

Deno.test("rule another layout: the right numbers, reshaped", () => {
  assertRuleNames(
    "another layout",
    reshape(X, [3, 2]),
    X,
    CONTEXT,
    /^shape \[3, 2\], expected \[2, 3\] \(x's shape\): the numbers are right but laid out as \[3, 2\]; reshape\(…, \[2, 3\]\)$/,
  );
  assertSilent("another layout", transpose(X), X);
});

Deno.test("rule sum over the wrong axis: names the sum made and the one to make", () => {
  const expected = sum(X, 1, true); // [2, 1]
  assertRuleNames(
    "sum over the wrong axis",
    sum(X, 0, true), // [1, 3]
    expected,
    { ...CONTEXT, broadcastAxes: [1] },
    /^shape \[1, 3\], expected \[2, 1\] \(x's shape\): that is a sum over axis 0, but x was broadcast over axis 1 in the forward pass, so dx sums over axis 1 \(keepdim = true\)$/,
  );
  assertRuleNames(
    "sum over the wrong axis",
    sum(X, 0, true),
    expected,
    CONTEXT,
    /: that is a sum over axis 0, but x is \[2, 1\]: one number per row$/,
  );
  assertSilent("sum over the wrong axis", sum(X, 1), expected);
});

Deno.test("rule missing sum over a broadcast axis: only where the forward pass broadcast", () => {
  const context = { n: 4, name: "db", of: "b", broadcastAxes: [0] };
  assertRuleNames(
    "missing sum over a broadcast axis",
    X,
    sum(X, 0), // [3]
    context,
    /^shape \[2, 3\], expected \[3\] \(b's shape\): b was broadcast over axis 0 in the forward pass, so db sums over axis 0 \(the numbers are right once summed\)$/,
  );
  const wrong = rule("missing sum over a broadcast axis").explain(mul(X, 2), sum(X, 0), context);
  assert.match(wrong ?? "", /sums over axis 0$/, "wrong numbers: the sum is still advised, not called right");
  assertSilent("missing sum over a broadcast axis", X, sum(X, 0), { ...context, broadcastAxes: undefined });
});

Deno.test("rule extra axis from an [n, 1] index: no sum advised, the diagonal checked", () => {
  const ours = add(reshape(X, [2, 1, 3]), zeros([2, 2, 3])); // [2, 2, 3]: ours[i, i, :] is X[i, :]
  assertRuleNames(
    "extra axis from an [n, 1] index",
    ours,
    X,
    CONTEXT,
    /^shape \[2, 2, 3\], expected \[2, 3\] \(x's shape\): an \[n, 1\] tensor was broadcast against an \[n, …\] one and made an axis too many; its entries \[i, i, …\] are the right numbers\. x was not broadcast in the forward pass, so no sum fixes this/,
  );
  const off = rule("extra axis from an [n, 1] index").explain(mul(ours, 2), X, CONTEXT);
  assert.match(off ?? "", /made an axis too many\. x was not broadcast/, "wrong diagonal: not called right");
  assertSilent("extra axis from an [n, 1] index", ours, X, { ...CONTEXT, broadcastAxes: [0] });
  // The logits' argmax is named, with the two ways to an [n, 27] one-hot, only for the logits' gradient.
  assert.doesNotMatch(rule("extra axis from an [n, 1] index").explain(ours, X, CONTEXT) ?? "", /logitArgmax/);
  const logits = rule("extra axis from an [n, 1] index").explain(ours, X, {
    ...CONTEXT,
    name: "dlogits",
    of: "logits",
  });
  assert.match(
    logits ?? "",
    /of shape \[n, 1\]\. oneHot\(logitArgmax, vocabSize\) is \[n, 1, 27\]: take the indices without keepdim, as the lecture does, oneHot\(logits\.max\(1\)\.indices, vocabSize\), or reshape the one-hot, oneHot\(logitArgmax, vocabSize\)\.reshape\(\[n, vocabSize\]\)$/,
  );
  assert.doesNotMatch(logits ?? "", /indexTensor/);
});

Deno.test("rule extra axis the forward pass did not broadcast: no sum fixes it", () => {
  const ours = add(reshape(X, [1, 2, 3]), zeros([3, 2, 3])); // [3, 2, 3]
  assertRuleNames(
    "extra axis the forward pass did not broadcast",
    ours,
    X,
    CONTEXT,
    /^shape \[3, 2, 3\], expected \[2, 3\] \(x's shape\): x was not broadcast over axis 0 in the forward pass, so no sum fixes this; find the line where the extra size came in$/,
  );
  assertSilent("extra axis the forward pass did not broadcast", ours, X, { ...CONTEXT, broadcastAxes: [0] });
  assertSilent("extra axis the forward pass did not broadcast", sum(X, 0), X);
});

Deno.test("rule missing broadcast: one right row where every row is needed", () => {
  const expected = tensor([[1, 2, 3], [1, 2, 3]]);
  assertRuleNames(
    "missing broadcast",
    tensor([[1, 2, 3]]),
    expected,
    CONTEXT,
    /^shape \[1, 3\], expected \[2, 3\] \(x's shape\): the numbers are right for every row, but x is \[2, 3\], so its gradient needs all of them: broadcast it, e\.g\. mul\(ones\(x\.shape\), …\)$/,
  );
  assertSilent("missing broadcast", tensor([[1, 2, 3]]), X);
});

Deno.test("a wrong shape no rule explains: the shapes, and which axes to sum over when there are some", () => {
  assert.equal(diagnose(tensor([1, 2]), X, CONTEXT).detail, "shape [2], expected [2, 3] (x's shape)");
  assert.equal(
    diagnose(tensor([1, 2]), tensor([1, 2, 3]), { n: 4, name: "db", of: "b", broadcastAxes: [0] }).detail,
    "shape [2], expected [3] (b's shape); b was broadcast over axis 0 in the forward pass, so db sums over axis 0",
  );
});

// ## Value rules

Deno.test("rule sign flipped: the whole gradient negated", () => {
  assertRuleNames(
    "sign flipped",
    mul(X, -1),
    X,
    CONTEXT,
    /^the sign is flipped: check the minus signs of the local derivative$/,
  );
  assertSilent("sign flipped", mul(X, 2), X);
  assertSilent("sign flipped", tensor([[-1, -2, -3], [4, 5, 6]]), X);
});

Deno.test("rule known factor: n, 1/n, n − 1, Bessel's correction, 2 and ½ on the whole gradient", () => {
  const factors: [number, RegExp][] = [
    [4, /^off by a factor of n = 4: a mean divides by n: multiply by 1\/n$/],
    [1 / 4, /^off by a factor of 1\/n = 1\/4: there is a 1\/n too many$/],
    [3 / 4, /^off by a factor of \(n − 1\)\/n = 3\/4: the variance divides by n − 1 \(Bessel's correction\), not n$/],
    [
      4 / 3,
      /^off by a factor of n\/\(n − 1\) = 4\/3: a 1\/\(n − 1\) stands where the forward pass divides by n \(only/,
    ],
    [3, /^off by a factor of n − 1 = 3: the variance divides by n − 1/],
    [1 / 3, /^off by a factor of 1\/\(n − 1\): there is a 1\/\(n − 1\) too many$/],
    [2, /^off by a factor of 2: there is a factor 2 too many \(d\/dx x² = 2x has one 2/],
    [0.5, /^off by a factor of ½: a factor 2 is missing: d\/dx x² = 2x$/],
    [
      (1 / 4 - 1) * 3,
      /^off by a factor of \(1\/n − 1\)·\(n − 1\) = -2\.250: that is 1\.0\/n - 1 where 1\.0\/\(n - 1\) belongs: \/ binds tighter than -/,
    ],
    [-3, /^off by a factor of 1 − n = -3: that is 1\.0\/n - 1 where 1\.0\/n belongs/],
  ];
  for (const [factor, message] of factors) assertRuleNames("known factor", mul(X, factor), X, CONTEXT, message);
  assertSilent("known factor", mul(X, -1), X);
  assertSilent("known factor", mul(X, 1.7), X);
});

/** A gradient with two contributions, as a tensor used twice has. */
const A = tensor([[1, 0, 2], [0, 1, 1]]);
const B = tensor([[2, 1, 0], [1, 1, 3]]);
const TWO: DiagnoseContext = {
  ...CONTEXT,
  contributions: [
    { label: "the gradient through y = x · w", tensor: A, advice: "add the other contribution too" },
    { label: "the gradient through s = Σ x", tensor: B, advice: "add the contribution through y too" },
  ] satisfies Contribution[],
};

Deno.test("rule contribution left out: one of the two uses of a tensor", () => {
  assertRuleNames(
    "contribution left out",
    A,
    add(A, B),
    TWO,
    /^this is only the gradient through y = x · w: add the other contribution too$/,
  );
  assertSilent("contribution left out", add(A, mul(B, 2)), add(A, B), TWO);
  assertSilent("contribution left out", A, add(A, B));
});

Deno.test("rule one term off by a factor: a factor or the sign of one contribution", () => {
  assertRuleNames(
    "one term off by a factor",
    add(A, mul(B, 2)),
    add(A, B),
    TWO,
    /^the term through s = Σ x is off by a factor of 2: there is a factor 2 too many/,
  );
  assertRuleNames(
    "one term off by a factor",
    add(mul(A, 4), B),
    add(A, B),
    TWO,
    /^the term through y = x · w is off by a factor of n = 4: a mean divides by n/,
  );
  assertRuleNames(
    "one term off by a factor",
    sub(A, B),
    add(A, B),
    TWO,
    /^the term through s = Σ x has the wrong sign$/,
  );
  assertSilent("one term off by a factor", A, add(A, B), TWO);
  assertSilent("one term off by a factor", add(A, mul(B, 2)), add(A, B));
});

Deno.test("rule known mistake: a wrong formula the exercise knows", () => {
  const mistake = tensor([[1, 2, 3], [4, 5, 7]]);
  const context = { ...CONTEXT, mistakes: [{ label: "this uses x without the 1e-5: keep it", tensor: mistake }] };
  assertRuleNames("known mistake", mistake, X, context, /^this uses x without the 1e-5: keep it$/);
  assertSilent("known mistake", tensor([[1, 2, 3], [4, 5, 8]]), X, context);
});

/** A one-line formula of three terms, the first carrying a factor n = 4 (as exercise 8's n · dhpreact does). */
const TERMS: Term[] = [
  { label: "n · a", tensor: mul(A, 4), factor: { value: 4, name: "n", why: "the 1/n in front is shared" } },
  { label: "−b", tensor: mul(B, -1) },
  { label: "c", tensor: tensor([[0, 3, 1], [1, 0, 2]]) },
];
const FORMULA: DiagnoseContext = { ...CONTEXT, terms: TERMS };
const termsExcept = (which: number, by: number) =>
  TERMS.reduce((acc, t, i) => add(acc, mul(t.tensor, i === which ? by : 1)), zeros([2, 3]));

Deno.test("rule one term of a formula off: missing, the wrong sign, its own factor left off, another factor", () => {
  const expected = termsExcept(-1, 1);
  const name = "one term of a formula off";
  assertRuleNames(name, termsExcept(1, 0), expected, FORMULA, /^the term −b is missing$/);
  assertRuleNames(name, termsExcept(2, -1), expected, FORMULA, /^the term c has the wrong sign$/);
  assertRuleNames(
    name,
    termsExcept(0, 1 / 4),
    expected,
    FORMULA,
    /^the term n · a lacks its factor n: the 1\/n in front is shared$/,
  );
  assertRuleNames(
    name,
    termsExcept(2, 2),
    expected,
    FORMULA,
    /^the term c is off by a factor of 2 \(yours ÷ expected\)$/,
  );
  assertSilent(name, termsExcept(2, 1.7), expected, FORMULA);
  assertSilent(name, termsExcept(1, 0), expected, { ...CONTEXT, terms: TERMS.slice(0, 1) });
});

/** A table of 3 rows, width 2, that 4 rows are sent to: row 0 twice, rows 1 and 2 once. */
const SCATTER: Scatter = {
  indices: { data: [0, 2, 0, 1], shape: [4] },
  indexName: "Xb",
  src: tensor([[1, 2], [3, 4], [5, 6], [7, 8]]),
  srcName: "demb",
  row: "character",
};

Deno.test("rule scatter that assigns: the rows named twice hold one of their rows, the others are right", () => {
  const expected = tensor([[6, 8], [7, 8], [3, 4]]); // row 0 gets [1, 2] + [5, 6]
  const context = { ...CONTEXT, name: "dC", of: "C", scatter: SCATTER };
  const name = "scatter that assigns";
  assertRuleNames(
    name,
    tensor([[5, 6], [7, 8], [3, 4]]), // the last row sent to row 0 wins
    expected,
    context,
    /^rows 0 \(1 of 3: the characters Xb names more than once\) each hold one of the demb rows sent to them, not their sum: your scatter assigns where it must add\. A row named twice gets both: scatterAddRows\(zeros\(…\), Xb, demb\)/,
  );
  assert.match(
    rule(name).explain(tensor([[1, 2], [7, 8], [3, 4]]), expected, context) ?? "",
    /^rows 0 /,
    "the first wins",
  );
  assertSilent(name, tensor([[5, 6], [7, 8], [3, 5]]), expected, context);
  assertSilent(name, tensor([[5, 7], [7, 8], [3, 4]]), expected, context);
  assertSilent(name, tensor([[5, 6], [7, 8], [3, 4]]), expected, CONTEXT);
});

/** A formula over forward tensors a and b (the same shape) and an upstream gradient g: a · g + a. */
const SWAPPABLE: Formula = {
  compute: (v) => add(mul(v.a, v.g), v.a),
  values: { a: X, b: tensor([[2, 1, 0], [1, 3, 5]]), s: tensor([[1, 2, 3]]), g: tensor([[2, 1, 0.5], [1, 3, 2]]) },
  forward: ["a", "b", "s"],
};

Deno.test("rule forward tensor swapped: another forward tensor of the same shape in all uses, or in one", () => {
  const { a, b, g } = SWAPPABLE.values;
  const expected = add(mul(a, g), a);
  const context = { ...CONTEXT, formula: SWAPPABLE };
  const name = "forward tensor swapped";
  assertRuleNames(
    name,
    add(mul(b, g), b),
    expected,
    context,
    /^this is the right formula with b where a belongs \(both \[2, 3\]\): write a there$/,
  );
  assertRuleNames(name, add(mul(a, g), b), expected, context, /with b where a belongs in one of its 2 uses/);
  assertSilent(name, add(mul(b, g), mul(b, 2)), expected, context);
  assertSilent(name, add(mul(b, g), b), expected, CONTEXT);
});

Deno.test("rule chain rule left out: the local derivative without the upstream gradient, also before a sum", () => {
  const local = tensor([[1, 2, 3], [4, 5, 6]]);
  const dy = tensor([[2, 1, 0.5], [1, 3, 2]]);
  const context = { ...CONTEXT, upstream: { dy } };
  assertRuleNames(
    "chain rule left out",
    local,
    mul(local, dy),
    context,
    /^this is the local derivative alone: multiply it by the upstream dy \(the chain rule\)$/,
  );
  const summed = tensor([[1], [2]]); // [2, 1]: the local derivative of a row sum, broadcast against dy
  assertRuleNames("chain rule left out", summed, sumToShape(mul(summed, dy), [2, 1]), context, /upstream dy/);
  assertSilent("chain rule left out", mul(local, 2), mul(local, dy), context);
});

Deno.test("rule transposed square: a square gradient with its axes swapped", () => {
  const square = tensor([[1, 2], [3, 4]]);
  assertRuleNames("transposed square", transpose(square), square, CONTEXT, /^it is transposed$/);
  assertSilent("transposed square", transpose(mul(square, 2)), square);
});

Deno.test("rule constant factor: any other factor, said as yours ÷ expected", () => {
  assertRuleNames(
    "constant factor",
    mul(X, 1.7),
    X,
    CONTEXT,
    /^off by a constant factor of about 1\.700 \(yours ÷ expected\)$/,
  );
  assertSilent("constant factor", add(X, 1), X);
});

Deno.test("rule all zeros: a gradient never filled in", () => {
  assertRuleNames("all zeros", zeros([2, 3]), X, CONTEXT, /^it is all zeros$/);
  assertSilent("all zeros", tensor([[0, 0, 0], [0, 0, 1]]), X);
});

// ## diagnose: the order, the statuses, and what it says when no rule explains the numbers

Deno.test("diagnose names the first rule in order: a flipped sign, not a constant factor of −1", () => {
  assert.match(rule("constant factor").explain(mul(X, -1), X, CONTEXT) ?? "", /about -1\.000/);
  assert.match(diagnose(mul(X, -1), X, CONTEXT).detail, /^the sign is flipped/);
});

Deno.test("no rule fires on a right answer, nor on one within rounding", () => {
  const nearly = add(X, 1e-7);
  const contexts = [
    CONTEXT,
    TWO,
    FORMULA,
    { ...CONTEXT, formula: SWAPPABLE, scatter: SCATTER },
    { ...CONTEXT, broadcastAxes: [0], upstream: { dy: X } },
  ];
  for (const context of contexts) {
    for (const r of [...SHAPE_RULES, ...VALUE_RULES]) {
      assert.equal(r.explain(X, X, context), undefined, r.name);
      assert.equal(r.explain(nearly, X, context), undefined, r.name);
    }
  }
  assert.deepEqual(diagnose(X, X, CONTEXT), { status: "exact", detail: "", maxdiff: 0 });
  assert.equal(diagnose(nearly, X, CONTEXT).status, "approximate");
});

Deno.test("numbers no rule explains are located: rows, columns and the largest difference", () => {
  const ours = tensor([[1, 2, 3], [4, 5, 7]]);
  assert.equal(
    diagnose(ours, X, CONTEXT).detail,
    "the numbers are off in row 1 (1 of 2), column 2 (1 of 3); the largest difference is 1.00e+0 at [1, 2] (yours 7.000, expected 6.000)",
  );
  assert.equal(diagnose(ours, X, CONTEXT).detail, whereOff(ours, X));
});

Deno.test("NaN and Infinity are said with the first entry, also beside a wrong shape", () => {
  const ours = tensor([[1, NaN, 3], [Infinity, 5, 6]]);
  assert.equal(
    nonFinite(ours),
    "NaN first appears at [0, 1] (2 of 6 entries are NaN or ±Infinity): a division by zero or the log of 0?",
  );
  assert.equal(nonFinite(X), "");
  assert.equal(diagnose(ours, X, CONTEXT).detail, nonFinite(ours));
  assert.match(
    diagnose(transpose(ours), X, CONTEXT).detail,
    /^shape \[3, 2\], expected \[2, 3\] \(x's shape\); also, Infinity first appears at \[0, 1\]/,
  );
});
