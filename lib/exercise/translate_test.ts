// Type and syntax errors in tensor terms, translation by translation, on the
// messages deno prints for the lecture's PyTorch habits (copied from real
// runs of `deno check` on a learner's file); and a file's errors reduced to
// their causes.

import assert from "node:assert/strict";
import { explainErrors, explainParseError, explainTypeError, type SourceError, TRANSLATIONS } from "./translate.ts";
import { zeros } from "../tensor.ts";

/** The error deno gives at the column of `needle` (not inside a longer name) on `sourceLine`. */
function at(code: string, message: string, sourceLine: string, needle: string, line = 1): SourceError {
  const column = sourceLine.search(new RegExp(`(?<![\\w$])${needle.replace(/[()*+.?[\]\\]/g, "\\$&")}`)) + 1;
  assert.ok(column > 0, `${needle} is on the line`);
  return { code, message, sourceLine, column, line };
}

/** Asserts that translation `name` is the first to explain `error`, with a text matching `text`. */
function assertTranslates(name: string, error: SourceError, text: RegExp): void {
  const first = TRANSLATIONS.find((t) => t.explain(error));
  assert.equal(first?.name, name, `${error.sourceLine.trim()}: ${first?.name}`);
  assert.match(explainTypeError(error.code, error.message, error.sourceLine, error.column), text);
}

const LEFT = "The left-hand side of an arithmetic operation must be of type 'any', 'number', 'bigint' or an enum type.";
const RIGHT =
  "The right-hand side of an arithmetic operation must be of type 'any', 'number', 'bigint' or an enum type.";

Deno.test("the translations have distinct names", () => {
  const names = TRANSLATIONS.map((t) => t.name);
  assert.equal(new Set(names).size, names.length);
});

Deno.test("an operator on tensors says the method and the function to call", () => {
  assertTranslates(
    "compound assignment",
    at(
      "TS2365",
      "Operator '+=' cannot be applied to types 'Tensor' and 'Tensor'.",
      "  dcounts += mul(a, b);",
      "dcounts",
    ),
    /^`\+=` does not add tensors: write `dcounts = dcounts\.add\(…\)` or `dcounts = add\(dcounts, …\)`$/,
  );
  assertTranslates(
    "compound assignment",
    at("TS2588", "Cannot assign to 'dcounts' because it is a constant.", "  dcounts += x;", "dcounts"),
    /\(and declare dcounts with let\)$/,
  );
  // The stubs declare every gradient with const: a += further down says so too, from the file's lines.
  const plus = at(
    "TS2365",
    "Operator '+=' cannot be applied to types 'Tensor' and 'Tensor'.",
    "  dcounts += mul(a, b);",
    "dcounts",
  );
  const stub = ["  const dcounts = mul(dcountsSumInv, x); // [n, 27]", "  dcounts += mul(a, b);"];
  assert.match(explainErrors([plus], stub)[0].text, /\(and declare dcounts with let\)$/);
  assert.doesNotMatch(explainErrors([plus], ["  let dcounts = x;", "  dcounts += mul(a, b);"])[0].text, /declare/);
  const product = "  const d = probs * dlogprobs;";
  assertTranslates(
    "arithmetic operator",
    at("TS2362", LEFT, product, "probs"),
    /^`\*` does not multiply tensors: write probs\.mul\(dlogprobs\) or mul\(probs, dlogprobs\)$/,
  );
  assertTranslates(
    "arithmetic operator, right-hand side",
    at("TS2363", RIGHT, product, "dlogprobs"),
    /write dlogprobs\.mul\(probs\) or mul\(probs, dlogprobs\)/,
  );
  assertTranslates(
    "arithmetic operator, right-hand side",
    at("TS2363", RIGHT, "  const d = sub(1, h.pow(2)).mul(1 - h);", "h)"),
    /^`-` does not subtract tensors: write sub\(1, h\)$/,
  );
  assertTranslates(
    "arithmetic operator",
    at("TS2362", LEFT, "  const d = -0.5 * bnvar.add(1e-5).pow(-1.5);", "-0.5"),
    /write bnvar\.add\(1e-5\)\.pow\(-1\.5\)\.mul\(-0\.5\) or mul\(-0\.5, bnvar\.add\(1e-5\)\.pow\(-1\.5\)\)$/,
  );
  assertTranslates(
    "arithmetic operator",
    at("TS2362", LEFT, "  const a = h ** 2;", "h"),
    /^`\*\*` does not raise a tensor to a power: write h\.pow\(2\) or pow\(h, 2\)$/,
  );
  assertTranslates(
    "const reassigned",
    at("TS2588", "Cannot assign to 'dx' because it is a constant.", "  dx = y;", "dx"),
    /^dx is a const: declare it with let to assign it again$/,
  );
});

Deno.test("`@` is a syntax error, said as matmul", () => {
  assertTranslates(
    "@",
    at("", "SyntaxError: Expected ',', got '@'", "  const dcounts = counts @ dprobs; // [n, 27]", "@"),
    /^`@` is Python's matrix product; TypeScript has no such operator: write counts\.matmul\(dprobs\) or matmul\(counts, dprobs\)$/,
  );
  assertTranslates(
    "@",
    at("TS1005", "',' expected.", "  let dcounts = countsSumInv @ dprobs; // [n, 27]", "@"),
    /^`@` is Python's matrix product; TypeScript has no such operator: write countsSumInv\.matmul\(dprobs\) or matmul\(countsSumInv, dprobs\)$/,
  );
  assert.equal(
    explainTypeError("", "SyntaxError: Expected ',', got ';'", "f(1;", 4),
    "SyntaxError: Expected ',', got ';'",
  );
  assert.equal(explainTypeError("TS1005", "',' expected.", "f(1;", 4), "',' expected.");
});

Deno.test("a per-row update keeps its sign: -= is translated to .sub, += to .add", () => {
  const minus = at(
    "TS2538",
    "Type 'IndexTensor' cannot be used as an index type.",
    "  dlogits[range(n), Yb] -= 1;",
    "range",
  );
  assertTranslates(
    "index with [ ]",
    minus,
    /to subtract 1 at \[i, Yb\[i\]\] of every row i, subtract a whole tensor: dlogits = dlogits\.sub\(oneHot\(Yb, dlogits\.shape\[1\]\)\.mul\(1\)\)/,
  );
  const plus = at(
    "TS2538",
    "Type 'IndexTensor' cannot be used as an index type.",
    "  dlogits[range(n), Yb] += 1;",
    "range",
  );
  assertTranslates("index with [ ]", plus, /dlogits = dlogits\.add\(oneHot\(Yb, dlogits\.shape\[1\]\)\.mul\(1\)\)/);
});

Deno.test("indexing a Tensor with [ ] says how it is laid out and what to write for the lecture's line", () => {
  const layout =
    /^a Tensor is not indexed with \[ \]: its numbers are a flat, row-major \.data with a \.shape \(entry \[i, j\] of a \[rows, cols\] tensor is \.data\[i \* cols \+ j\]\)\. Here, /;
  const set = "  dlogprobs[range(n), Yb] = -1 / n;";
  const asIndex = at("TS2538", "Type 'IndexTensor' cannot be used as an index type.", set, "range");
  assertTranslates("index with [ ]", asIndex, layout);
  assertTranslates(
    "index with [ ]",
    asIndex,
    /to put -1 \/ n at \[i, Yb\[i\]\] of every row i, build the tensor whole: const dlogprobs = oneHot\(Yb, logprobs\.shape\[1\]\)\.mul\(-1 \/ n\) \(oneHot makes the mask of those entries\), in place of the zeros it starts as and of this line/,
  );
  assertTranslates(
    "index with [ ]",
    at("TS2538", "Type 'IndexTensor' cannot be used as an index type.", "  const l = logprobs[range(n), Yb];", "range"),
    /Here, logprobs\.pickPerRow\(Yb\) picks entry \[i, Yb\[i\]\] of every row i$/,
  );
  assertTranslates(
    "index with [ ]",
    at("TS2538", "Type 'IndexTensor' cannot be used as an index type.", "  const emb = C[Xb];", "Xb"),
    /Here, C\.gatherRows\(Xb\) takes the rows of C that Xb names$/,
  );
  const read = "  const ix = Xb[k][j];";
  assertTranslates(
    "index with [ ]",
    at(
      "TS7053",
      "Element implicitly has an 'any' type because expression of type 'number' can't be used to index type 'IndexTensor'.",
      read,
      "Xb",
    ),
    /Here, entry \[k, j\] of Xb is Xb\.data\[k \* Xb\.shape\[1\] \+ j\]$/,
  );
  const scatter = "    dC[ix] += demb[k][j];";
  const anyIndex =
    "Element implicitly has an 'any' type because expression of type 'any' can't be used to index type 'Tensor'.";
  assertTranslates(
    "index with [ ]",
    at("TS7053", anyIndex, scatter, "dC"),
    /entry \[ix\] of dC is dC\.data\[ix\] when dC is a vector; row ix of a matrix is dC\.data\[ix \* dC\.shape\[1\] \+ j\] for each column j\. To add rows into the rows of dC that an index tensor names, dC\.scatterAddRows\(indices, rows\) does the whole loop$/,
  );
  const numberIndex =
    "Element implicitly has an 'any' type because expression of type 'number' can't be used to index type 'Tensor'.";
  assertTranslates(
    "index with [ ]",
    at("TS7053", numberIndex, scatter, "demb"),
    /entry \[k, j\] of demb is demb\.data\[k \* demb\.shape\[1\] \+ j\] when demb is a matrix \(demb\.at\(k, j\) reads it\); with a third axis, \[k, j\] is a row, whose entry d is demb\.data\[\(k \* demb\.shape\[1\] \+ j\) \* demb\.shape\[2\] \+ d\]$/,
  );
});

Deno.test("range, keepdim=True, True, torch. and F. are Python's, each with what to write here", () => {
  const set = "  dlogprobs[range(n), Yb] = -1 / n;";
  assertTranslates(
    "range",
    at("TS2304", "Cannot find name 'range'.", set, "range"),
    /^range\(n\) is Python's: .*pickPerRow/,
  );
  const kw = "  const s = counts.sum(1, keepdim=True);";
  assertTranslates(
    "keyword argument",
    at("TS2304", "Cannot find name 'keepdim'.", kw, "keepdim"),
    /^TypeScript has no keyword arguments: `keepdim=True` assigns to an undefined name keepdim\. Pass it by position: counts\.sum\(1, true\)$/,
  );
  assertTranslates(
    "keyword argument",
    at("TS2304", "Cannot find name 'dim'.", "  const i = h.sum(dim=1);", "dim"),
    /Pass it by position: h\.sum\(1\)$/,
  );
  assertTranslates(
    "Python constant",
    at("TS2304", "Cannot find name 'True'.", kw, "True"),
    /^True is Python's: TypeScript writes true$/,
  );
  const torch = "  const d = torch.zeros_like(logprobs);";
  assertTranslates(
    "torch. or F.",
    at("TS2304", "Cannot find name 'torch'.", torch, "torch"),
    /^torch\.zeros_like is PyTorch's: here it is zeros\(x\.shape\), so write zeros\(logprobs\.shape\)/,
  );
  assertTranslates(
    "torch. or F.",
    at("TS2304", "Cannot find name 'F'.", "  const m = F.one_hot(Yb, 27);", "F"),
    /^F\.one_hot is PyTorch's: here it is oneHot, so write oneHot\(Yb, 27\)/,
  );
  assertTranslates(
    "torch. or F.",
    at("TS2304", "Cannot find name 'F'.", "  const l = F.cross_entropy(logits, Yb);", "F"),
    /^F\.cross_entropy is PyTorch's; this project's operations are lib\/tensor\.ts's/,
  );
  assertTranslates(
    "unknown name",
    at("TS2304", "Cannot find name 'dprob'.", "  f(dprob)", "dprob"),
    /^dprob is not defined here \(is it computed further down, or spelt differently\?\)/,
  );
});

Deno.test(".grad, .view and other PyTorch properties of a Tensor say what there is instead", () => {
  const grad = "  const dprobs = probs.grad;";
  assertTranslates(
    "property PyTorch has",
    at("TS2339", "Property 'grad' does not exist on type 'Tensor'.", grad, "grad"),
    /^there is no autograd here: a Tensor has no \.grad\. You compute each gradient yourself/,
  );
  assertTranslates(
    "property PyTorch has",
    at("TS2339", "Property 'view' does not exist on type 'Tensor'.", "  const d = h.view(n, -1);", "view"),
    /^a Tensor has no \.view: x\.reshape\(\[n, -1\]\) is PyTorch's x\.view\(n, -1\)/,
  );
  assertTranslates(
    "property PyTorch has",
    at("TS2551", "Property 't' does not exist on type 'Tensor'. Did you mean 'T'?", "  const e = h.t();", "t("),
    /^a Tensor has no \.t: x\.T \(or transpose\(x\)\) transposes a matrix; did you mean \.T\?/,
  );
});

Deno.test("a number where a Tensor belongs names the variable, unless an operator error says why", () => {
  const error = at("TS2322", "Type 'number' is not assignable to type 'Tensor'.", "  return { dprobs };", "dprobs", 9);
  assertTranslates("number for a Tensor", error, /^dprobs is a number here, not a Tensor: an operator on tensors/);
  assert.equal(explainErrors([error]).length, 1);
  const cause = at("TS2362", LEFT, "  const dprobs = probs * dlogprobs;", "probs", 5);
  assert.deepEqual(explainErrors([cause, error]).map((e) => e.error.line), [5]);
});

Deno.test("explainErrors keeps the causes: one message per habit on a line", () => {
  const kw = "  const s = counts.sum(1, keepdim=True);";
  const set = "  dlogprobs[range(n), Yb] = -1 / n;";
  const product = "  const d = probs * dlogprobs;";
  const said = explainErrors([
    at("TS2304", "Cannot find name 'keepdim'.", kw, "keepdim", 3),
    at("TS2304", "Cannot find name 'True'.", kw, "True", 3),
    at("TS2304", "Cannot find name 'range'.", set, "range", 4),
    at("TS2538", "Type 'IndexTensor' cannot be used as an index type.", set, "range", 4),
    at("TS2362", LEFT, product, "probs", 5),
    at("TS2363", RIGHT, product, "dlogprobs", 5),
    at("TS2304", "Cannot find name 'True'.", "  f(True);", "True", 6),
  ]);
  assert.deepEqual(said.map((s) => [s.error.line, s.text.slice(0, 20)]), [
    [3, "TypeScript has no ke"],
    [4, "a Tensor is not inde"],
    [5, "`*` does not multipl"],
    [6, "True is Python's: Ty"],
  ]);
});

// Seen by a learner in the browser page: a number written with an exponent, a factor of a product written before a
// Tensor, and a bracketed left operand each got advice that did not compile, or the compiler's own words.
Deno.test("the operands of an operator are read whole: 1e-5, 1.0 / n, a bracketed expression", () => {
  assertTranslates(
    "arithmetic operator",
    at(
      "TS2365",
      "Operator '+' cannot be applied to types 'Tensor' and 'number'.",
      "  const s = bnvar + 1e-5;",
      "bnvar",
    ),
    /^`\+` does not add tensors: write bnvar\.add\(1e-5\) or add\(bnvar, 1e-5\)$/,
  );
  const line = "  const dhprebn = 1.0 / n * ones(hprebn.shape).mul(dbnmeani);";
  assertTranslates(
    "arithmetic operator, right-hand side",
    at("TS2363", RIGHT, line, "ones"),
    /^`\*` does not multiply tensors: write ones\(hprebn\.shape\)\.mul\(dbnmeani\)\.mul\(1\.0 \/ n\) or mul\(1\.0 \/ n, ones\(hprebn\.shape\)\.mul\(dbnmeani\)\)$/,
  );
  assertTranslates(
    "arithmetic operator, right-hand side",
    at("TS2363", RIGHT, "  const d = n * dhpreact;", "dhpreact"),
    /write dhpreact\.mul\(n\) or mul\(n, dhpreact\)$/,
  );
  // The bracket's own product is on a Tensor too: the whole expression is written with calls.
  assertTranslates(
    "arithmetic operator",
    at("TS2362", LEFT, "  const d = (-0.5 * bnvar.pow(-1.5)) * dbnvarInv;", "(-0.5"),
    /^`\*` does not multiply tensors \(in TypeScript it makes a number\): write the whole expression as bnvar\.pow\(-1\.5\)\.mul\(-0\.5\)\.mul\(dbnvarInv\)$/,
  );
});

Deno.test("a product of two tensors is said once, though the compiler reports both sides", () => {
  const product = "  const d = probs * dlogprobs;";
  const said = explainErrors([at("TS2362", LEFT, product, "probs", 7), at("TS2363", RIGHT, product, "dlogprobs", 7)]);
  assert.deepEqual(said.map((s) => s.text), [
    "`*` does not multiply tensors: write probs.mul(dlogprobs) or mul(probs, dlogprobs)",
  ]);
});

// A fresh learner's findings, each with the errors `deno check` gave on the exercise's file (exercises 7 and 8, the
// stub's line 81 replaced by the pasted line, its return on line 83).

/** The errors of a line: [code, message, column] each, on line `line` of text `sourceLine`. */
function onLine(sourceLine: string, errors: [string, string, number][], line = 81): SourceError[] {
  return errors.map(([code, message, column]) => ({ code, message, sourceLine, column, line }));
}

const NUMBER_RETURNED: [string, string, number] = ["TS2322", "Type 'number' is not assignable to type 'Tensor'.", 12];

Deno.test("a line of several statements gets a translation for each, read from its own statement", () => {
  const pasted = "  const dlogits = F.softmax(logits, 1); dlogits[range(n), Yb] -= 1; dlogits /= n";
  const said = explainErrors(onLine(pasted, [
    ["TS2304", "Cannot find name 'F'.", 19],
    ["TS2304", "Cannot find name 'range'.", 49],
    ["TS2588", "Cannot assign to 'dlogits' because it is a constant.", 69],
  ]));
  assert.deepEqual(said.map((s) => s.error.column), [19, 49, 69]);
  assert.match(said[0].text, /^F\.softmax is PyTorch's: here it is x\.softmax\(axis\), so write logits\.softmax\(1\)/);
  assert.match(said[1].text, /Here, to subtract 1 at \[i, Yb\[i\]\] of every row i, subtract a whole tensor: /);
  assert.match(said[1].text, /dlogits = dlogits\.sub\(oneHot\(Yb, dlogits\.shape\[1\]\)\.mul\(1\)\)/);
  assert.equal(
    said[2].text,
    "`/=` does not divide tensors: write `dlogits = dlogits.div(n)` or `dlogits = div(dlogits, n)` (and declare dlogits with let)",
  );
  // With dlogits a Tensor, the index and the `/=` are the compiler's errors; each reads its own statement.
  const typed = "  let dlogits = logits.softmax(1); dlogits[range(n), Yb] -= 1; dlogits /= n";
  const index = "Type 'IndexTensor' cannot be used as an index type.";
  const [access, divide] = explainErrors(onLine(typed, [
    ["TS2304", "Cannot find name 'range'.", 44],
    ["TS2538", index, 44],
    ["TS2362", LEFT, 64],
  ]));
  assert.match(access.text, /to subtract 1 at \[i, Yb\[i\]\]/);
  assert.doesNotMatch(access.text, /\/= n/);
  assert.match(divide.text, /^`\/=` does not divide tensors: write `dlogits = dlogits\.div\(n\)`/);
  // The first `op=` of the line is not the one at the column.
  const swapped = "  let dlogits = logits.softmax(1); dlogits *= 2; dlogits /= n";
  assert.match(explainTypeError("TS2362", LEFT, swapped, 50), /^`\/=` does not divide tensors/);
});

Deno.test("infix arithmetic on tensors is written whole with calls, with its precedence and every operand", () => {
  const cases: [string, [string, string, number][], string][] = [
    [
      "  const d = a + b * c;",
      [
        ["TS2365", "Operator '+' cannot be applied to types 'Tensor' and 'number'.", 13],
        ["TS2362", LEFT, 17],
        ["TS2363", RIGHT, 21],
      ],
      "`+` and `*` do not add or multiply tensors (in TypeScript each makes a number): write the whole expression as a.add(b.mul(c))",
    ],
    ["  const d = a - b / c;", [["TS2362", LEFT, 13], ["TS2362", LEFT, 17], ["TS2363", RIGHT, 21]], "a.sub(b.div(c))"],
    ["  const d = (a + b) * c;", [
      ["TS2365", "Operator '+' cannot be applied to types 'Tensor' and 'Tensor'.", 14],
      ["TS2363", RIGHT, 23],
    ], "a.add(b).mul(c)"],
    ["  const d = a * b + c;", [
      ["TS2362", LEFT, 13],
      ["TS2365", "Operator '+' cannot be applied to types 'number' and 'Tensor'.", 13],
      ["TS2363", RIGHT, 17],
    ], "a.mul(b).add(c)"],
    ["  const d = -a * b + a;", [["TS2363", RIGHT, 18], [
      "TS2365",
      "Operator '+' cannot be applied to types 'number' and 'Tensor'.",
      13,
    ]], "a.neg().mul(b).add(a)"],
    [
      "  const d = 1.0 / n * t;",
      [["TS2363", RIGHT, 23]],
      "`*` does not multiply tensors: write t.mul(1.0 / n) or mul(1.0 / n, t)",
    ],
    [
      "  const d = n * dout;",
      [["TS2363", RIGHT, 17]],
      "`*` does not multiply tensors: write dout.mul(n) or mul(n, dout)",
    ],
    ["  const d = 1 - h * h;", [["TS2362", LEFT, 17], ["TS2363", RIGHT, 21]], "sub(1, h.mul(h))"],
  ];
  for (const [line, errors, text] of cases) {
    const said = explainErrors(onLine(line, errors));
    assert.equal(said.length, 1, line);
    assert.ok(said[0].text.endsWith(text), `${line}: ${said[0].text}`);
  }
});

Deno.test("exercise 8's pasted one-liner gets one message: the whole formula in calls", () => {
  const pasted =
    "  const dhprebn = bngain*bnvarInv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0));";
  const errors = onLine(pasted, [
    ["TS2362", LEFT, 19],
    ["TS2363", RIGHT, 26],
    ["TS2363", RIGHT, 42],
    ["TS2363", RIGHT, 53],
    ["TS2363", RIGHT, 79],
    ["TS2362", LEFT, 86],
    ["TS2363", RIGHT, 95],
    ["TS2339", "Property 'sum' does not exist on type 'number'.", 102],
  ]);
  const returned = onLine("  return { dhprebn };", [NUMBER_RETURNED], 83);
  const said = explainErrors([...errors, ...returned]);
  assert.deepEqual(said.map((s) => [s.error.line, s.error.column]), [[81, 19]]);
  assert.equal(
    said[0].text,
    "`*`, `/` and `-` do not multiply, divide or subtract tensors (in TypeScript each makes a number): write the whole expression as " +
      "bngain.mul(bnvarInv).div(n).mul(dhpreact.mul(n).sub(dhpreact.sum(0)).sub(bnraw.mul(n / (n - 1)).mul(dhpreact.mul(bnraw).sum(0))))",
  );
  // Half translated, the operators left in a call's arguments are part of the one message.
  const half =
    "  const dhprebn = (bngain * bnvarInv / n) * (n * dhpreact - sum(dhpreact, 0) - mul(n / (n - 1) * bnraw, (dhpreact * bnraw).sum(0)));";
  const columns = [[20, LEFT], [29, RIGHT], [50, RIGHT], [61, RIGHT], [80, RIGHT], [98, RIGHT], [106, LEFT], [
    117,
    RIGHT,
  ]];
  const halfSaid = explainErrors(
    onLine(half, columns.map(([c, m]) => [m === LEFT ? "TS2362" : "TS2363", m as string, c as number])),
  );
  assert.deepEqual(halfSaid.map((s) => s.error.column), [20]);
  assert.match(halfSaid[0].text, /\.sub\(mul\(bnraw\.mul\(n \/ \(n - 1\)\), dhpreact\.mul\(bnraw\)\.sum\(0\)\)\)\)$/);
  // Alone, a method called on what an operator made says so, in tensor terms.
  const alone = explainErrors([errors[7]]);
  assert.match(alone[0].text, /^\.sum is called on a number, not a Tensor: an operator on tensors/);
});

Deno.test("a method called on a name that an operator on tensors made, on an earlier line, is left to that line", () => {
  const made = "  const dnormLogits = counts * dcounts; // [n, 27]";
  const used = "  let dlogits = dnormLogits.clone(); // [n, 27]";
  const member = "Property 'clone' does not exist on type 'number'.";
  const errors = [
    ...onLine(made, [["TS2362", LEFT, 23], ["TS2363", RIGHT, 32]], 106),
    ...onLine(used, [["TS2339", member, 29]], 107),
  ];
  const said = explainErrors(errors);
  assert.deepEqual(said.map((s) => s.error.line), [106]);
  assert.match(said[0].text, /counts\.mul\(dcounts\)/);
  // Without the operator's line, the method's error is said.
  assert.match(explainErrors(errors.slice(2))[0].text, /^\.clone is called on a number/);
  // Another name's method, on a number the operator did not make, is said too.
  const other = onLine("  let x = probs.clone();", [["TS2339", member, 17]], 108);
  assert.deepEqual(explainErrors([...errors, ...other]).map((s) => s.error.line), [106, 108]);
});

Deno.test("the parser's follow-on errors of a line already explained are left out", () => {
  const line = "  const dlogits = logits @ logits.T; // [n, 27]";
  const said = explainErrors(onLine(line, [["TS1005", "',' expected.", 26], ["TS1146", "Declaration expected.", 36]]));
  assert.deepEqual(said.map((s) => s.text), [
    "`@` is Python's matrix product; TypeScript has no such operator: write logits.matmul(logits.T) or matmul(logits, logits.T)",
  ]);
  // A syntax error no translation explains is still said.
  const unexplained = onLine("  const d = (a;", [["TS1005", "')' expected.", 16]]);
  assert.equal(explainErrors(unexplained).length, 1);
});

Deno.test("a unary minus on a Tensor is said where it is written, given the file's lines", () => {
  for (
    const [written, code] of [["-logits.log()", "logits.log().neg() or neg(logits.log())"], [
      "-dlogits",
      "dlogits.neg() or neg(dlogits)",
    ]]
  ) {
    const lines = Array(84).fill("");
    lines[80] = `  const dprobs = ${written}; // [n, 27]`;
    lines[82] = "  return { dprobs };";
    const returned = { ...onLine(lines[82], [NUMBER_RETURNED], 83)[0], column: 12 };
    const [said] = explainErrors([returned], lines);
    assert.deepEqual([said.error.line, said.error.column, said.rule], [81, 18, "unary minus"]);
    assert.equal(said.text, `unary \`-\` does not negate a tensor (it makes a number): write ${code}`);
    // Without the file, it is said where the number is used.
    assert.equal(explainErrors([returned])[0].error.line, 83);
  }
  // A minus in an argument is said where it is, file or not.
  const argument = "  const dh = dlogits.matmul(-W2.T); // [n, 64]";
  const [there] = explainErrors(onLine(argument, [
    ["TS2345", "Argument of type 'number' is not assignable to parameter of type 'Tensor'.", 29],
  ]));
  assert.equal(there.text, "unary `-` does not negate a tensor (it makes a number): write W2.T.neg() or neg(W2.T)");
  // A method called on the number a minus made, too; and a minus that an operator's error already says is said once.
  const lines = [
    "  const dprobs = -probs;",
    "  const d = dprobs.mul(2);",
    "  const e = -probs * h;",
    "  return { e };",
  ];
  const said = explainErrors([
    {
      code: "TS2339",
      message: "Property 'mul' does not exist on type 'number'.",
      sourceLine: lines[1],
      column: 20,
      line: 2,
    },
    { code: "TS2363", message: RIGHT, sourceLine: lines[2], column: 22, line: 3 },
    { code: "TS2322", message: NUMBER_RETURNED[1], sourceLine: lines[3], column: 12, line: 4 },
  ], lines);
  assert.deepEqual(said.map((s) => [s.error.line, s.error.column, s.rule]), [
    [1, 18, "unary minus"],
    [3, 22, "arithmetic operator, right-hand side"],
  ]);
  assert.match(said[1].text, /write the whole expression as probs\.neg\(\)\.mul\(h\)$/);
  // A minus on a number is not the cause: the use is said.
  const numbers = ["  const dprobs = -n;", "  return { dprobs };"];
  assert.equal(explainErrors(onLine(numbers[1], [NUMBER_RETURNED], 2), numbers)[0].error.line, 2);
});

/** Errors on the lines of `lines` (1-based line numbers), each at the column of its needle. */
function inFile(lines: string[], errors: [number, string, string, string][]): SourceError[] {
  return errors.map(([line, code, message, needle]) => at(code, message, lines[line - 1], needle, line));
}

const NOT_FOUND = (name: string, mean?: string) =>
  `Cannot find name '${name}'.${mean ? ` Did you mean '${mean}'?` : ""}`;
const SHORTHAND = (name: string) =>
  `No value exists in scope for the shorthand property '${name}'. Either declare one or provide an initializer.`;

Deno.test("the lecture's assignments, pasted, are said once each where first assigned; later uses are follow-ons", () => {
  const lines = [
    "  const { logprobs, probs, counts, countsSumInv } = fwd;",
    "  dlogprobs = torch.zeros_like(logprobs)",
    "  dlogprobs[range(n), Yb] = -1.0/n",
    "  dprobs = (1.0 / probs) * dlogprobs",
    "  dcounts_sum_inv = (counts * dprobs).sum(1, keepdim=True)",
    "  dcounts = counts_sum_inv * dprobs",
    "  return { dlogprobs, dprobs, dcountsSumInv, dcounts };",
  ];
  const errors = inFile(lines, [
    [2, "TS2552", NOT_FOUND("dlogprobs", "logprobs"), "dlogprobs"],
    [3, "TS2552", NOT_FOUND("dlogprobs", "logprobs"), "dlogprobs"],
    [4, "TS2552", NOT_FOUND("dprobs", "probs"), "dprobs"],
    [4, "TS2552", NOT_FOUND("dlogprobs", "logprobs"), "dlogprobs"],
    [5, "TS2552", NOT_FOUND("dcounts_sum_inv", "countsSumInv"), "dcounts_sum_inv"],
    [5, "TS2552", NOT_FOUND("dprobs", "probs"), "dprobs"],
    [6, "TS2304", NOT_FOUND("dcounts"), "dcounts"],
    [6, "TS2304", NOT_FOUND("counts_sum_inv"), "counts_sum_inv"],
    [6, "TS2304", NOT_FOUND("dprobs"), "dprobs"],
    ...["dlogprobs", "dprobs", "dcountsSumInv", "dcounts"].map((name) =>
      [7, "TS18004", SHORTHAND(name), name] as [number, string, string, string]
    ),
  ]);
  const said = explainErrors(errors, lines).filter((s) => s.rule !== "torch. or F." && s.rule !== "range");
  assert.deepEqual(said.map((s) => [s.error.line, s.error.column]), [[2, 3], [4, 3], [5, 3], [6, 3], [6, 13]]);
  assert.equal(
    said[0].text,
    "Python assigns without declaring; TypeScript declares a name once: const dlogprobs = … (let if you assign it again)",
  );
  assert.equal(
    said[2].text,
    "dcounts_sum_inv is the lecture's name; here it is dcountsSumInv (where you use it too). " +
      "Python assigns without declaring; TypeScript declares a name once: const dcountsSumInv = … (let if you assign it again)",
  );
  assert.equal(said[4].text, "counts_sum_inv is the lecture's name; here it is countsSumInv");
  // Used but never assigned, a gradient is not pointed to its forward tensor.
  const [used] = explainErrors(
    inFile(["  f(dlogprobs)"], [[1, "TS2552", NOT_FOUND("dlogprobs", "logprobs"), "dlogprobs"]]),
  );
  assert.equal(
    used.text,
    "dlogprobs is not defined here (is it computed further down, or spelt differently?): Cannot find name 'dlogprobs'.",
  );
  // A use above the first assignment is not its follow-on.
  const early = ["  f(dprobs)", "  dprobs = g(probs)"];
  const both = inFile(early, [[1, "TS2304", NOT_FOUND("dprobs"), "dprobs"], [
    2,
    "TS2304",
    NOT_FOUND("dprobs"),
    "dprobs",
  ]]);
  assert.deepEqual(explainErrors(both, early).map((s) => s.rule), ["unknown name", "assigned without declaring"]);
});

Deno.test("Python the parser rejects is said: a unary minus before **, and the for … in loop", () => {
  assert.equal(
    explainTypeError("", "Expected ';', '}' or <eof>", "  dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv", 33),
    "JavaScript does not allow a unary minus right before `**` (is it -(x**2) or (-x)**2?), and `**` does not raise " +
      "a tensor to a power: write -counts_sum**-2 as countsSum.pow(-2).neg() (the lecture's counts_sum is countsSum here)",
  );
  assert.equal(
    explainTypeError("", "Expected '(', got 'k'", "  for k in range(Xb.shape[0]):", 7),
    "`for k in range(Xb.shape[0]):` is Python's loop; TypeScript writes for (let k = 0; k < Xb.shape[0]; k++) { … }, " +
      "with braces around the body. The lecture's dC loop (each row of demb added into the row of dC that Xb names) " +
      "is one call here: dC = zeros(C.shape).scatterAddRows(Xb, demb) (see the API card)",
  );
  // The exercise pages' checker parses with TypeScript, whose words and codes differ: the same translations.
  const minus = "An unary expression with the '-' operator is not allowed in the left-hand side of an exponentiation " +
    "expression. Consider enclosing the expression in parentheses.";
  assert.match(
    explainTypeError("TS17006", minus, "  dcounts_sum = (-counts_sum**-2) * dcounts_sum_inv", 18),
    /^JavaScript does not allow a unary minus right before `\*\*`.*countsSum\.pow\(-2\)\.neg\(\)/,
  );
  assert.match(
    explainTypeError("TS1005", "'(' expected.", "  for k in range(Xb.shape[0]):", 7),
    /^`for k in range\(Xb\.shape\[0\]\):` is Python's loop.*scatterAddRows\(Xb, demb\)/,
  );
  // What the dC loop's translation calls is lib/tensor.ts's.
  assert.equal(typeof zeros([2, 1]).scatterAddRows, "function");
  // A binary minus before ** is not the habit; another parse error keeps deno's words.
  assert.equal(explainTypeError("", "Expected ';'", "  y = a - b**2 +", 15), "Expected ';'");
});

Deno.test("an expression with operators and keyword arguments gets one message whose suggestion compiles", () => {
  const line = "  const dbngain = (bnraw * dhpreact).sum(0, keepdim=True);";
  const said = explainErrors([
    at("TS2362", LEFT, line, "bnraw", 90),
    at("TS2363", RIGHT, line, "dhpreact", 90),
    at("TS2304", NOT_FOUND("keepdim"), line, "keepdim", 90),
    at("TS2304", NOT_FOUND("True"), line, "True", 90),
  ]);
  assert.deepEqual(said.map((s) => s.text), [
    "`*` does not multiply tensors: write bnraw.mul(dhpreact).sum(0, true) " +
    "(TypeScript has no keyword arguments: keepdim= goes by position)",
  ]);
  // Exercise 8's one-liner with the lecture's names: the suggestion uses the file's, and is the one message.
  const lines = ["  const { hprebn, bnraw, bnvarInv } = fwd;", "  const dhprebn = bngain*bnvar_inv/n * (n*dhpreact);"];
  const eight = explainErrors([
    at("TS2362", LEFT, lines[1], "bngain", 2),
    at("TS2552", NOT_FOUND("bnvar_inv", "bnvarInv"), lines[1], "bnvar_inv", 2),
    at("TS2363", RIGHT, lines[1], "dhpreact", 2),
  ], lines);
  assert.deepEqual(eight.map((s) => s.text), [
    "`*` and `/` do not multiply or divide tensors (in TypeScript each makes a number): write the whole expression as " +
    "bngain.mul(bnvarInv).div(n).mul(dhpreact.mul(n))",
  ]);
  // A negated bracket with a method: one message at the minus, keywords by position.
  const negated = ["  const dlogitMaxes = (-dnormLogits).sum(1, keepdim=True);"];
  const minus = explainErrors([
    at("TS2339", "Property 'sum' does not exist on type 'number'.", negated[0], "sum", 1),
    at("TS2304", NOT_FOUND("keepdim"), negated[0], "keepdim", 1),
    at("TS2304", NOT_FOUND("True"), negated[0], "True", 1),
  ], negated);
  assert.deepEqual(minus.map((s) => [s.error.column, s.text]), [[
    24,
    "unary `-` does not negate a tensor (it makes a number): write dnormLogits.neg().sum(1, true) " +
    "(TypeScript has no keyword arguments: keepdim= goes by position)",
  ]]);
});

Deno.test("F.one_hot is written with the learner's own arguments, by position", () => {
  const line = "  dlogits += F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogit_maxes";
  const said = explainErrors([
    at("TS2304", NOT_FOUND("F"), line, "F", 11),
    at("TS2304", NOT_FOUND("num_classes"), line, "num_classes", 11),
  ]);
  assert.deepEqual(said.map((s) => s.text), [
    "F.one_hot is PyTorch's: here it is oneHot, so write oneHot(logits.max(1).indices, logits.shape[1]) " +
    "(TypeScript has no keyword arguments: num_classes= goes by position) (the API card lists every operation)",
  ]);
});

// Seen by a learner: a `#` comment pasted from the lecture got the parser's and the checker's words on its text.
Deno.test("a # comment is one message at the #, and the other errors in it are left out", () => {
  const line = "  # comment: backward pass";
  const said = explainErrors([
    at("TS1127", "Invalid character.", line, "#", 4),
    at("TS2304", NOT_FOUND("comment"), line, "comment", 4),
    at("TS1005", "';' expected.", line, "backward", 4),
    at("TS2304", NOT_FOUND("backward"), line, "backward", 4),
    at("TS2304", NOT_FOUND("pass"), line, "pass", 4),
  ], ["", "", "", line]);
  assert.deepEqual(said.map((s) => [s.error.column, s.text]), [[3, "`#` starts a comment in Python: write `//`"]]);
  // After code, the code's own error is kept, read without the comment.
  const after = "  const dh = dlogits @ W2.T  # 2nd layer backprop";
  const both = explainErrors([
    at("TS1005", "',' expected.", after, "@", 5),
    at("TS1127", "Invalid character.", after, "#", 5),
    at("TS2304", NOT_FOUND("layer"), after, "layer", 5),
  ], [after]);
  assert.deepEqual(both.map((s) => s.text), [
    "`@` is Python's matrix product; TypeScript has no such operator: write dlogits.matmul(W2.T) or matmul(dlogits, W2.T)",
    "`#` starts a comment in Python: write `//`",
  ]);
});

Deno.test("print is said as console.log", () => {
  const line = "  print(dlogits.shape)";
  assert.deepEqual(explainErrors([at("TS2304", NOT_FOUND("print"), line, "print")]).map((s) => s.text), [
    "print is Python's: write console.log(dlogits.shape)",
  ]);
});

// Seen by a learner: Deno's parser stops at the first line it cannot read, so each `@` was said in a run of its own.
Deno.test("a file the parser stopped at gets every Python line it would reject, in one list", () => {
  const lines = [
    "export function gradients({ fwd, n }: ExerciseInput) {",
    "  const { h, W2, Xb } = fwd;",
    "  # 2nd layer backprop",
    "  dh = dlogits @ W2.T  # the product",
    "  dW2 = h.T @ dlogits",
    "  for k in range(Xb.shape[0]):",
    "    ix = Xb[k, 0]",
    "  const x = -h**2; // -h**2 @ x # not code",
    '  console.log("# @ not code")',
  ];
  const parser = { code: "", message: "Expected ';', '}' or <eof>", sourceLine: lines[2], column: 5, line: 3 };
  const said = explainParseError(parser, lines);
  assert.deepEqual(said.map((s) => `${s.error.line}:${s.error.column} ${s.text.slice(0, 30)}`), [
    "3:3 `#` starts a comment in Python",
    "4:3 Python assigns without declari",
    "4:16 `@` is Python's matrix product",
    "4:24 `#` starts a comment in Python",
    "5:3 Python assigns without declari",
    "5:13 `@` is Python's matrix product",
    "6:3 `for k in range(Xb.shape[0]):`",
    "7:5 Python assigns without declari",
    "8:13 JavaScript does not allow a un",
  ]);
  // A parse error on a line with no Python keeps the parser's words.
  const other = ["  const a = (1;"];
  assert.deepEqual(
    explainParseError({ code: "", message: "Expected ')'", sourceLine: other[0], column: 15, line: 1 }, other)
      .map((s) => s.text),
    ["Expected ')'"],
  );
});

// Seen by a learner in exercise 9: with dhpreact assigned undeclared, the checker says nothing of its type, and
// n * dhpreact was left a product of numbers (errors as `deno check` gave them).
Deno.test("a name assigned undeclared is read as a Tensor in an expression, not as a number", () => {
  const line =
    "  dhprebn = bngain*bnvar_inv/n * (n*dhpreact - dhpreact.sum(0) - n/(n-1)*bnraw*(dhpreact*bnraw).sum(0))";
  const lines = ["  const { hprebn, bnraw, bnvarInv, hpreact } = fwd;", line];
  const mean = (name: string) => `Cannot find name '${name}'. Did you mean '${name.slice(1)}'?`;
  const e = (code: string, message: string, column: number) => ({ code, message, sourceLine: line, column, line: 2 });
  const said = explainErrors([
    e("TS2552", mean("dhprebn"), 3),
    e("TS2362", LEFT, 13),
    e("TS2552", "Cannot find name 'bnvar_inv'. Did you mean 'bnvarInv'?", 20),
    e("TS2552", mean("dhpreact"), 37),
    e("TS2552", mean("dhpreact"), 48),
    e("TS2363", RIGHT, 74),
    e("TS2552", mean("dhpreact"), 81),
    e("TS2363", RIGHT, 90),
    e("TS2339", "Property 'sum' does not exist on type 'number'.", 97),
  ], lines);
  assert.match(
    said[1].text,
    /write the whole expression as bngain\.mul\(bnvarInv\)\.div\(n\)\.mul\(dhpreact\.mul\(n\)\./,
  );
});

Deno.test("torch. and F. calls in an expression are written as here, keywords named as written", () => {
  const ones = "  const dbndiff2 = (1.0/(n-1))*torch.ones_like(bndiff2) * dbnvar;";
  assert.deepEqual(
    explainErrors([at("TS2304", NOT_FOUND("torch"), ones, "torch"), at("TS2363", RIGHT, ones, "dbnvar;")], [ones])
      .map((s) => s.text),
    [
      "`*` does not multiply tensors (in TypeScript it makes a number): write the whole expression as " +
      "ones(bndiff2.shape).mul(1.0 / (n - 1)).mul(dbnvar)",
    ],
  );
  const hot = "  dlogits = add(dlogits, F.one_hot(logits.max(1).indices, num_classes=logits.shape[1]) * dlogitMaxes);";
  const card = "//   oneHot(indices, numClasses)";
  const said = explainErrors([
    at("TS2304", NOT_FOUND("F"), hot, "F"),
    at("TS2304", NOT_FOUND("num_classes"), hot, "num_classes"),
    at("TS2363", RIGHT, hot, "dlogitMaxes"),
  ], [card, hot]);
  assert.deepEqual(said.map((s) => s.text), [
    "`*` does not multiply tensors: write oneHot(logits.max(1).indices, logits.shape[1]).mul(dlogitMaxes) or " +
    "mul(oneHot(logits.max(1).indices, logits.shape[1]), dlogitMaxes) " +
    "(TypeScript has no keyword arguments: num_classes= goes by position)",
  ]);
});
