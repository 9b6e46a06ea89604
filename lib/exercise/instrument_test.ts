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

Deno.test("a statement without a `;` ends at its line, before a trailing comment, and gets the `;` ASI put there", () => {
  const source = "const dprobs = mul(a,\n  b) // [n, 27]\nconst dcounts = f(dprobs)\nreturn { dprobs, dcounts }\n";
  const ready = instrument(source, FILE, ["dprobs", "dcounts"], "__h");
  assert.equal(
    ready.code,
    'const dprobs = __h.fix(__h.enter("dprobs", 1), () => (mul(a,\n  b))); // [n, 27]\nconst dcounts = __h.fix(__h.enter("dcounts", 3), () => (f(dprobs)));\nreturn { dprobs, dcounts }\n',
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

/** What `code` returns when run with hooks that pass every value through. */
function run(code: string): unknown {
  const h = {
    enter: (name: string) => name,
    fix: (_: string, compute: () => unknown) => compute(),
    enterEach: (targets: unknown) => targets,
    fixEach: (_: unknown, compute: () => unknown) => compute(),
  };
  return new Function("__h", code)(h);
}

Deno.test("a line without a `;` ends where ASI ends it: the hooked file runs as the learner's", () => {
  const head = "const log = []; const f = (x) => (y) => [x, y]; const g = (x) => x * 2; const t = (s) => s[0];\n";
  const cases: [string, string][] = [
    ["a call on the next line", "let dh = g(2)\nlog.push(dh)\nreturn [dh, log]"],
    ["a `(` that continues it", "let dh = f(2)\n(3)\nreturn dh"],
    ["a `[` that continues it", "let dh = [[5, 6]]\n[0]\nreturn dh"],
    ["a template literal that continues it", "let dh = t\n`x`\nreturn dh"],
    ["a `-` line that continues it", "let dh = g(2)\n- 1\nreturn dh"],
    ["a comment, then a call", "let dh = g(2) // [n, 64]\n// more\nlog.push(dh)\nreturn [dh, log]"],
    ["a call after an `if` without braces", "let dh = 0\nif (true) dh = g(4)\nelse dh = 1\nreturn dh"],
    ["two declarations in one statement", "const dW2 = g(1), dh = g(3)\nlog.push(dh)\nreturn [dh, dW2]"],
  ];
  for (const [what, body] of cases) {
    const source = head + body + "\n";
    const ready = instrument(source, FILE, ["dh", "dW2"], "__h");
    assert.notEqual(ready.code, source, `${what}: hooked`);
    assert.equal(ready.code.split("\n").length, source.split("\n").length, `${what}: line for line`);
    assert.deepEqual(run(ready.code), run(source), `${what}: runs as written\n${ready.code}`);
  }
});

Deno.test("a statement that assigns several gradients through a pattern hooks each, with its line and path", () => {
  const source = [
    "const { dx: dh, dw: dW2, 'db': db2 } = linearBackward(h, W2, dlogits)",
    "const [dbngain, , { d: dbnbias = 0 }] = split()",
    "let q;",
    "({ dcounts: q, probs: dprobs } = other());",
  ].join("\n");
  const ready = instrument(source, FILE, ["dh", "dW2", "db2", "dbngain", "dbnbias", "dprobs"], "__h");
  assert.deepEqual(ready.code.split("\n"), [
    'const { dx: dh, dw: dW2, \'db\': db2 } = __h.fixEach(__h.enterEach([["dh", 1, ["dx"]], ["dW2", 1, ["dw"]], ["db2", 1, ["db"]]]), () => (linearBackward(h, W2, dlogits)));',
    'const [dbngain, , { d: dbnbias = 0 }] = __h.fixEach(__h.enterEach([["dbngain", 2, [0]], ["dbnbias", 2, [2, "d"]]]), () => (split()));',
    "let q;",
    '({ dcounts: q, probs: dprobs } = __h.fixEach(__h.enterEach([["dprobs", 4, ["probs"]]]), () => (other())));',
  ]);
  assert.deepEqual(ready.lines, { dh: 1, dW2: 1, db2: 1, dbngain: 2, dbnbias: 2, dprobs: 4 });
});
