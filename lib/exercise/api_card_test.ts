import assert from "node:assert/strict";
import * as tensorModule from "../tensor.ts";
import { Tensor } from "../tensor.ts";
import { apiCard, asJsDoc, readApi, usedOperations, wholeApiCard } from "./api_card.ts";

const api = readApi();
const byName = (name: string) => api.entries.find((e) => e.name === name);

Deno.test("the card knows every exported function and every method of lib/tensor.ts", () => {
  const functions = Object.entries(tensorModule).filter(([, v]) => typeof v === "function").map(([k]) => k);
  const methods = Object.getOwnPropertyNames(Tensor.prototype).filter((k) => k !== "constructor");
  for (const name of [...functions, ...methods]) assert.ok(byName(name), `${name} is missing from the card`);
  // A method hides the function of the same name; the card says once that the function exists.
  assert.equal(byName("mul")?.signature, "a.mul(b)");
  assert.equal(api.entries.filter((e) => e.name === "sum").length, 1);
  assert.equal(byName("oneHot")?.signature, "oneHot(indices, numClasses)");
  assert.equal(byName("sum")?.signature, "t.sum(axis?, keepdim?)");
  assert.equal(byName("T")?.signature, "t.T");
  assert.equal(byName("at")?.signature, "t.at(...index)");
  assert.equal(byName("Tensor")?.signature, "new Tensor(data, shape)");
});

Deno.test("each line is the first sentence of the JSDoc, as plain text, in the receiver's name", () => {
  assert.equal(byName("add")?.summary, "Elementwise a + b, with broadcasting; b may be a number.");
  assert.equal(byName("pow")?.summary, "Elementwise t ** exponent.");
  assert.equal(byName("oneHot")?.summary, "One-hot rows: F.one_hot(idx, numClasses) as float32, [n, numClasses].");
  for (const { name, summary } of api.entries) {
    assert.match(summary, /\.$|\)$/, `${name}: a whole sentence`);
    assert.doesNotMatch(summary, /`|\{@link|\bSame as\b/, `${name}: plain text, first sentence only: ${summary}`);
  }
  const [tensorDoc, indexDoc] = api.layout.types;
  assert.match(
    tensorDoc.summary,
    /flat row-major data array .*\[i, j\] of a \[rows, cols\] tensor is data\[i \* cols \+ j\]/,
  );
  assert.match(indexDoc.summary, /Xb\[k, j\] is Xb\.data\[k \* 3 \+ j\]/);
  assert.deepEqual(api.layout.fields.map((f) => f.signature), ["t.data", "t.shape"]);
});

Deno.test("a card is read from the source it is given: a method hides its function, defaults are optional", () => {
  const source = `
/** A tensor: \`data\` and \`shape\`. More. */
export class Tensor {
  /** The numbers. */
  readonly data: Float32Array;

  /** Doubles \`this\`, e.g. twice. Same as {@linkcode twice}. */
  twice(by = 2): Tensor {
    return twice(this, by);
  }
}

/** Doubles \`t\`. */
export function twice(t: Tensor, by = 2): Tensor {
  return t;
}

/** Makes \`n\` zeros; \`n\` ≥ 0. */
export function zeros(n: number, dtype?: string): Tensor {
  return new Tensor();
}
`;
  const small = readApi(source);
  assert.deepEqual(small.entries.map((e) => [e.signature, e.summary]), [
    ["t.twice(by?)", "Doubles t, e.g. twice."],
    ["zeros(n, dtype?)", "Makes n zeros; n ≥ 0."],
  ]);
  assert.deepEqual(small.layout.types, [{ name: "Tensor", summary: "A tensor: data and shape. More." }]);
  assert.deepEqual(small.layout.fields.map((f) => [f.signature, f.summary]), [["t.data", "The numbers."]]);
});

Deno.test("usedOperations finds functions, methods and getters, and nothing that only looks like them", () => {
  assert.deepEqual(
    usedOperations("const dbnvar = mul(-0.5, bnvar.add(1e-5).pow(-1.5)).mul(dbnvarInv);"),
    ["add", "mul", "pow"],
  );
  assert.deepEqual(usedOperations("const dh = dlogits.matmul(W2.T);"), ["matmul", "T"]);
  assert.deepEqual(usedOperations("Math.max(1, 2); Math.exp(0); mysum(x); x.Total; const summary = 1;"), []);
  assert.deepEqual(usedOperations("scatterAddRows(zeros(C.shape), Xb, demb)"), ["scatterAddRows", "zeros"]);
});

Deno.test("the card lists what it is asked, in the module's order, within a stub's 120 columns", () => {
  const card = apiCard(["oneHot", "sum", "mul"]);
  const rows = card.split("\n").filter((l) => /^ {4}\S/.test(l));
  assert.deepEqual(rows.map((l) => l.trim().split(/\s{2,}/)[0]), [
    "Tensor",
    "IndexTensor",
    "t.data",
    "t.shape",
    "a.mul(b)",
    "t.sum(axis?, keepdim?)",
    "oneHot(indices, numClasses)",
  ]);
  assert.doesNotMatch(card, /a\.add\(b\)/);
  for (const line of asJsDoc(wholeApiCard()).split("\n")) assert.ok(line.length <= 116, `too wide: ${line}`);
  assert.throws(() => apiCard(["mul", "matmull"]), {
    name: "RangeError",
    message: "lib/tensor.ts has no operation matmull",
  });
});

Deno.test("the whole card lists every operation once but the helpers; as JSDoc, every line starts with ' *'", () => {
  const whole = wholeApiCard();
  const helpers = ["formatShape", "sizeOf", "broadcastShapes", "Tensor"];
  for (const { name, signature } of api.entries) {
    assert.equal(whole.split(`    ${signature}  `).length, helpers.includes(name) ? 1 : 2, signature);
  }
  assert.match(whole, /From the lecture's PyTorch:\n\n {4}a \* b, a \+ b/);
  assert.equal(asJsDoc("a\n\nb"), " * a\n *\n * b");
});
