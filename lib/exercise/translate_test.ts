// Type and syntax errors in tensor terms, translation by translation, on the
// messages deno prints for the lecture's PyTorch habits (copied from real
// runs of `deno check` on a learner's file); and a file's errors reduced to
// their causes.

import assert from "node:assert/strict";
import { explainErrors, explainTypeError, type SourceError, TRANSLATIONS } from "./translate.ts";

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
    /to put -1 \/ n at \[i, Yb\[i\]\] of every row i, build the tensor whole: dlogprobs = oneHot\(Yb, dlogprobs\.shape\[1\]\)\.mul\(-1 \/ n\)/,
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
    /^torch\.zeros_like is PyTorch's: here it is zeros\(x\.shape\)/,
  );
  assertTranslates(
    "torch. or F.",
    at("TS2304", "Cannot find name 'F'.", "  const m = F.one_hot(Yb, 27);", "F"),
    /^F\.one_hot is PyTorch's: here it is oneHot\(Yb, numClasses\)/,
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
    /^`\*` does not multiply tensors \(in TypeScript each makes a number\): write the whole expression as bnvar\.pow\(-1\.5\)\.mul\(-0\.5\)\.mul\(dbnvarInv\)$/,
  );
});

Deno.test("a product of two tensors is said once, though the compiler reports both sides", () => {
  const product = "  const d = probs * dlogprobs;";
  const said = explainErrors([at("TS2362", LEFT, product, "probs", 7), at("TS2363", RIGHT, product, "dlogprobs", 7)]);
  assert.deepEqual(said.map((s) => s.text), [
    "`*` does not multiply tensors: write probs.mul(dlogprobs) or mul(probs, dlogprobs)",
  ]);
});
