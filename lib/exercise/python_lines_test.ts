// The lines of a learner's file that are the lecture's Python, found by
// reading every line: what Deno's parser would reject after the first one it
// stops at, and names assigned that the file never declares.

import assert from "node:assert/strict";
import { codeOf, pythonCommentAt, pythonLines, withoutComment } from "./python_lines.ts";

Deno.test("a # starts a Python comment outside strings and // comments, not a private field nor a shebang", () => {
  assert.equal(pythonCommentAt("  # backward pass"), 2);
  assert.equal(pythonCommentAt("  dh = dlogits @ W2.T  # 2nd layer backprop"), 23);
  assert.equal(pythonCommentAt("  #tanh"), 2);
  assert.equal(pythonCommentAt('  console.log("# not one")'), undefined);
  assert.equal(pythonCommentAt("  const x = 1; // # not one"), undefined);
  assert.equal(pythonCommentAt("  #kinds = new Map();"), undefined);
  assert.equal(pythonCommentAt("  return this.#x;"), undefined);
  assert.equal(pythonCommentAt("#!/usr/bin/env -S deno run"), undefined);
  assert.equal(withoutComment("x = 1  # one"), "x = 1       ");
  assert.equal(codeOf('a("b\\"c") // d').length, 'a("b\\"c") // d'.length);
});

Deno.test("every @, for loop, -x**2, # and undeclared assignment is found, each at its column", () => {
  const lines = [
    "export function gradients({ fwd, n }: ExerciseInput) {",
    "  const { h, W2 } = fwd;",
    "  let dC = zeros([1]);",
    "  dh = dlogits @ W2.T  # the product",
    "  dC = dC.add(h)",
    "  for k in range(n):",
    "  const y = -h**2;",
    "  // dh = a @ b",
    " * dh = a @ b",
    "  const s = `# @ ${n}`;",
    "  x.y = 1; h.T == 1;",
  ];
  assert.deepEqual(pythonLines(lines).map((e) => [e.line, e.column, e.code, e.message]), [
    [4, 3, "TS2304", "Cannot find name 'dh'."],
    [4, 16, "", "Unexpected token `@`."],
    [4, 24, "", "A Python comment."],
    [6, 3, "", "Expected '(', got 'k'"],
    [7, 13, "", "Unary operator used immediately before exponentiation expression."],
  ]);
});
