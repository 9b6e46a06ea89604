// The lecture's Python as it reaches TypeScript: names, keywords, and lines the parser rejects.

import assert from "node:assert/strict";
import { camelCase, explainPythonSyntax, fileNameFor, positional, renamed } from "./python.ts";

Deno.test("a snake_case name is the file's camelCase one only when the file has it", () => {
  assert.equal(camelCase("dlogit_maxes"), "dlogitMaxes");
  assert.equal(camelCase("_private"), "_private");
  const lines = ["  const { bnvarInv, countsSum } = fwd;", "  return { dbnvarInv };"];
  assert.equal(fileNameFor("bnvar_inv", lines), "bnvarInv");
  assert.equal(fileNameFor("counts_sum_inv", lines), undefined); // countsSum is not countsSumInv
  assert.equal(fileNameFor("dprobs", lines), undefined); // no _ to rename
  assert.equal(renamed("F.one_hot(bnvar_inv, counts_sum_inv)", lines), "F.one_hot(bnvarInv, counts_sum_inv)");
});

Deno.test("keyword arguments are dropped and named; Python's constants become TypeScript's", () => {
  assert.deepEqual(positional("x.max(1, keepdim=False).values"), {
    code: "x.max(1, false).values",
    keywords: ["keepdim"],
  });
  assert.deepEqual(positional("f(a == b, c)"), { code: "f(a == b, c)", keywords: [] });
  assert.deepEqual(positional("g(x, dim=1, out=None)").keywords, ["dim", "out"]);
});

Deno.test("the parser's errors on Python are said only for the habits they are", () => {
  assert.match(
    explainPythonSyntax("  d = -h**2 * x", "Expected ';'", 11) ?? "",
    /write -h\*\*2 as h\.pow\(2\)\.neg\(\)$/,
  );
  assert.match(explainPythonSyntax("  d = f(-counts.sum(1)**2)", "x", 1) ?? "", /counts\.sum\(1\)\.pow\(2\)\.neg\(\)/);
  assert.equal(explainPythonSyntax("  d = a - h**2", "Expected ';'", 11), undefined);
  assert.match(
    explainPythonSyntax("for i, x in enumerate(xs):", "Expected '(', got 'i'", 5) ?? "",
    /for \(const i of …\)/,
  );
  // A loop not over Xb does not mention the dC loop.
  assert.doesNotMatch(explainPythonSyntax("for i in range(n):", "Expected '(', got 'i'", 5) ?? "", /dC/);
  assert.equal(explainPythonSyntax("for (let i = 0; i < n; i++) {", "Expected '(', got 'i'", 5), undefined);
});
