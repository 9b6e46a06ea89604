// The rewriting of a learner's file: hooks on each gradient's last
// assignment, absolute imports, and columns mapped back to the learner's.

import assert from "node:assert/strict";
import { instrument } from "./instrument.ts";

const FILE = "file:///work/chapters/yours/03_cross_entropy.ts";

Deno.test("the last assignment of each gradient is hooked, over several lines and past strings and comments", () => {
  const source = [
    'import { mul } from "../../lib/tensor.ts";',
    "let dcounts = mul(a, b); // first part",
    "dcounts = add(",
    '  dcounts, f(";", c), // a ; in a string',
    ");",
    "const dprobs: Tensor = g(x); /* dprobs = no */",
  ].join("\n");
  const ready = instrument(source, FILE, ["dcounts", "dprobs", "dlogits"], "__h");
  const lines = ready.code.split("\n");
  assert.equal(lines.length, 6, "line for line");
  assert.equal(lines[0], 'import { mul } from "file:///work/lib/tensor.ts";');
  assert.equal(lines[1], 'let dcounts = (__h.enter("dcounts", 2), mul(a, b)); // first part', "the first: entered");
  assert.equal(lines[2], 'dcounts = __h.fix(__h.enter("dcounts", 3), () => (add(', "the last: entered and fixed");
  assert.equal(lines[4], ")));");
  assert.equal(lines[5], 'const dprobs: Tensor = __h.fix(__h.enter("dprobs", 6), () => (g(x))); /* dprobs = no */');
  assert.deepEqual(ready.lines, { dcounts: 3, dprobs: 6 }, "dlogits is never assigned, so not hooked");
});

Deno.test("columns of the rewritten text map back to the learner's", () => {
  const source = "const dprobs = pow(probs, -1) * 2;\n";
  const ready = instrument(source, FILE, ["dprobs"], "__h");
  const line = ready.code.split("\n")[0];
  const star = line.indexOf("*") + 1;
  assert.equal(ready.column(1, star), source.indexOf("*") + 1);
  assert.equal(ready.column(1, 7), 7, "before the hook nothing moves");
  assert.equal(
    ready.column(1, line.indexOf("__h") + 3),
    source.indexOf("pow") + 1,
    "inside the hook: where it was put",
  );
});

Deno.test("a statement that does not end cleanly is left alone", () => {
  const ready = instrument("const dprobs = pow(probs, -1;\n", FILE, ["dprobs"], "__h");
  assert.equal(ready.code, "const dprobs = pow(probs, -1;\n");
  assert.deepEqual(ready.lines, {});
});

Deno.test("a statement without a `;` ends at its line, before a trailing comment", () => {
  const source = "const dprobs = mul(a,\n  b) // [n, 27]\nconst dcounts = f(dprobs)\nreturn { dprobs, dcounts }\n";
  const ready = instrument(source, FILE, ["dprobs", "dcounts"], "__h");
  assert.equal(
    ready.code,
    'const dprobs = __h.fix(__h.enter("dprobs", 1), () => (mul(a,\n  b))) // [n, 27]\nconst dcounts = __h.fix(__h.enter("dcounts", 3), () => (f(dprobs)))\nreturn { dprobs, dcounts }\n',
  );
});

Deno.test("an expression that awaits is hooked as its value; an object literal stays one", () => {
  const source = 'const dprobs = await f(x);\nconst dcounts = { a: 1 }["a"];\nconst dlogits = g("await");\n';
  const ready = instrument(source, FILE, ["dprobs", "dcounts", "dlogits"], "__h");
  assert.deepEqual(ready.code.split("\n").slice(0, 3), [
    'const dprobs = __h.fixValue(__h.enter("dprobs", 1), await f(x));',
    'const dcounts = __h.fix(__h.enter("dcounts", 2), () => ({ a: 1 }["a"]));',
    'const dlogits = __h.fix(__h.enter("dlogits", 3), () => (g("await")));',
  ]);
});
