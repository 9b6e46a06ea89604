// Where a learner's file assigns its gradients, by the parser: where each
// statement ends (ASI's `;` where none is written), the gradients of a
// pattern with their paths, and what is left alone.

import assert from "node:assert/strict";
import { gradientAssignments } from "./assignments.ts";

const NAMES = ["dh", "dW2", "db2"];

/** The text of each assignment's expression, and where ASI ended its statement (as the text before that place). */
function read(source: string) {
  return gradientAssignments(source, NAMES).map((a) => ({
    expression: source.slice(a.start, a.end),
    asi: a.semicolon === undefined ? undefined : source.slice(0, a.semicolon).split("\n").at(-1),
  }));
}

Deno.test("a statement without a `;` ends where ASI ends it, and goes on where the next line continues it", () => {
  assert.deepEqual(read("const dh = f(x)\nconsole.log(dh)\n"), [{ expression: "f(x)", asi: "const dh = f(x)" }]);
  assert.deepEqual(read("const dh = f(x) // [n, 64]\n// note\ng()\n"), [{
    expression: "f(x)",
    asi: "const dh = f(x)",
  }]);
  assert.deepEqual(read("dh = f\n(x)\n"), [{ expression: "f\n(x)", asi: "(x)" }]);
  assert.deepEqual(read("dh = a\n[0]\n"), [{ expression: "a\n[0]", asi: "[0]" }]);
  assert.deepEqual(read("dh = t\n`x`\n"), [{ expression: "t\n`x`", asi: "`x`" }]);
  assert.deepEqual(read("dh = a\n- b\n"), [{ expression: "a\n- b", asi: "- b" }]);
  assert.deepEqual(read("const dh = f(x); g()\n"), [{ expression: "f(x)", asi: undefined }]);
});

Deno.test("a pattern gives each gradient its path; rests, computed keys and other names are left out", () => {
  const [a] = gradientAssignments("const { dx: dh, 'w': [, dW2 = 0], [k]: db2, ...rest } = f()\n", NAMES);
  assert.equal(a.pattern, true);
  assert.deepEqual(a.targets, [{ name: "dh", line: 1, path: ["dx"] }, { name: "dW2", line: 1, path: ["w", 1] }]);
  const [b] = gradientAssignments("let x;\n[dh,\n  ...db2] = g();\n", NAMES);
  assert.deepEqual(b.targets, [{ name: "dh", line: 2, path: [0] }]);
  assert.equal(gradientAssignments("const { other } = f();\n", NAMES).length, 0);
});

Deno.test("a loop's head, a file that does not parse, and `+=` are left alone; an await is noted", () => {
  assert.deepEqual(read("for (let dh = 0; dh < 2; dh++) {}\n"), []);
  assert.deepEqual(read("const dh = f(;\n"), []);
  assert.deepEqual(read("dh += f()\n"), []);
  const [a] = gradientAssignments("const dh = await f(async () => await g())\n", NAMES);
  const [b] = gradientAssignments("const dh = f(async () => await g())\n", NAMES);
  assert.deepEqual([a.awaits, b.awaits], [true, false]);
});
