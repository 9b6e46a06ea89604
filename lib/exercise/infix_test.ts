// The lecture's infix arithmetic read with its precedence and written with this project's calls, each operand's
// type taken from the compiler's errors, then from its form, then from its name.

import assert from "node:assert/strict";
import { expressionStart, type Facts, noFacts, parseExpression, translateArithmetic } from "./infix.ts";
import { FROM_PYTORCH } from "./pytorch.ts";

/** The expression of `line` (after its `=`) written with calls, every operand typed from its form and name. */
const written = (line: string, facts: Facts = noFacts()) =>
  translateArithmetic(line, expressionStart(line) + 1, facts)?.code;

Deno.test("precedence: * and / before + and -, brackets first, ** before unary minus, left to right", () => {
  const e = parseExpression("a - b / c * d ** 2", 0)!;
  assert.ok(e.kind === "binary" && e.op === "-" && e.right.kind === "binary" && e.right.op === "*");
  assert.equal(written("d = a + b * c"), "a.add(b.mul(c))");
  assert.equal(written("d = a - b / c"), "a.sub(b.div(c))");
  assert.equal(written("d = (a + b) * c"), "a.add(b).mul(c)");
  assert.equal(written("d = a * b + c"), "a.mul(b).add(c)");
  assert.equal(written("d = a - b - c"), "a.sub(b).sub(c)");
  assert.equal(written("d = a - (b - c)"), "a.sub(b.sub(c))");
  assert.equal(written("d = -a * b"), "a.neg().mul(b)");
  assert.equal(written("d = -h ** 2"), "h.pow(2).neg()");
  assert.equal(written("d = x @ W + b"), "x.matmul(W).add(b)");
});

Deno.test("a number stays a number: it is an argument, first only where the API takes it first", () => {
  assert.equal(written("d = 1.0 / n * t"), "t.mul(1.0 / n)");
  assert.equal(written("d = n * dout"), "dout.mul(n)");
  assert.equal(written("d = 1 - h ** 2"), "sub(1, h.pow(2))");
  assert.equal(written("d = 1 / x"), "div(1, x)");
  assert.equal(written("d = -0.5 * x.shape[1] * t"), "t.mul(-0.5 * x.shape[1])");
  assert.equal(written("d = n / (n - 1) * t"), "t.mul(n / (n - 1))");
  assert.equal(written("d = n - 1"), undefined, "no Tensor, nothing to translate");
});

Deno.test("calls keep their arguments, each argument's arithmetic its own; brackets around a Tensor go", () => {
  assert.equal(written("d = (a * b).sum(0, true) / n"), "a.mul(b).sum(0, true).div(n)");
  assert.equal(written("d = x.sum(1, keepdim=True) * y"), "x.sum(1, keepdim=True).mul(y)");
  assert.equal(written("d = sub(1, h.pow(2)).mul(1 - h)"), undefined, "the arithmetic is in an argument");
  const line = "d = sub(1, h.pow(2)).mul(1 - h)";
  assert.equal(translateArithmetic(line, line.indexOf("1 - h") + 1, noFacts())?.code, "sub(1, h)");
  assert.equal(written("return -x.log() * probs[0]"), "x.log().neg().mul(probs[0])");
});

Deno.test("the compiler's errors type the operands: a name it did not flag beside * is a number", () => {
  const line = "d = k * x - w";
  // As names alone, k is a number and x, w are tensors.
  assert.equal(written(line), "x.mul(k).sub(w)");
  // The compiler flagged k and x (TS2362, TS2363) and not w: w is a number.
  const facts: Facts = { ...noFacts(), tensorAt: new Set([4, 8]), checked: true };
  assert.equal(written(line, facts), "k.mul(x).sub(w)");
  // A `+` the compiler typed (TS2365) types its sides.
  const plus: Facts = { ...noFacts(), plusAt: new Map([[4, ["number", "Tensor"]]]), checked: true };
  assert.equal(written("d = w + x", plus), "x.add(w)");
  // A name flagged elsewhere in the file is a Tensor under a minus too.
  assert.equal(written("d = -k * x", { ...noFacts(), tensorNames: new Set(["k"]) }), "k.neg().mul(x)");
});

Deno.test("an expression that is not a statement's right-hand side is read from what encloses it", () => {
  const line = "  return { dprobs: (a + b) * c, dh: h };";
  assert.equal(translateArithmetic(line, line.indexOf("b)") + 1, noFacts())?.code, "a.add(b).mul(c)");
  const call = "  f(1, -x * y);";
  assert.equal(translateArithmetic(call, call.indexOf("y") + 1, noFacts())?.code, "x.neg().mul(y)");
  const arrow = "  const d = check(() => bngain * dhpreact);";
  assert.equal(translateArithmetic(arrow, arrow.indexOf("dh") + 1, noFacts())?.code, "bngain.mul(dhpreact)");
});

Deno.test("where an expression starts: after =, op= or return", () => {
  assert.equal(expressionStart("  const d = a;"), 12);
  assert.equal(expressionStart("  dlogits[range(n), Yb] -= 1;"), 27);
  assert.equal(expressionStart("  return a * b;"), 9);
  assert.equal(expressionStart("  f(a);"), 2);
  assert.equal(parseExpression("  = a", 2), undefined);
});

Deno.test("the API card's rows of PyTorch arithmetic are what the translation writes", () => {
  // The rows of operators alone: `a * b, a + b, …`, `x**2, -x, 1 - x`, `a @ b`, `a + b * c, …`.
  const rows = FROM_PYTORCH.filter((row) => /^[-\w()\s*+/@,]+$/.test(row.pytorch) && /[-+*/@]/.test(row.pytorch));
  assert.equal(rows.length, 4);
  for (const row of rows) {
    const pytorch = row.pytorch.split(", ");
    const here = row.here.replace(/ \([^()]*\)$/, "").split(/, (?![^(]*\))/); // at the commas outside brackets
    pytorch.forEach((line, i) => assert.equal(written(`d = ${line}`), here[i], line));
  }
});
