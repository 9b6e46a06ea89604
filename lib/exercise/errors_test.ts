// deno's error output, located.

import assert from "node:assert/strict";
import { parseDenoErrors } from "./errors.ts";

Deno.test("type errors are found with their places, and other modules' types shortened", () => {
  const stderr =
    `TS2365 [ERROR]: Operator '+=' cannot be applied to types 'import("file:///w/lib/tensor.ts", { with: { "resolution-mode": "import" } }).Tensor' and 'number'.
  dcounts += 1;
  ~~~~~~~
    at file:///w/$deno$stdin.mts:70:3

TS2304 [ERROR]: Cannot find name 'dprob'.
  x
    at file:///w/$deno$stdin.mts:71:20

Found 2 errors.
`;
  const { type } = parseDenoErrors(stderr);
  assert.deepEqual(type.map((e) => [e.code, e.line, e.column]), [["TS2365", 70, 3], ["TS2304", 71, 20]]);
  assert.equal(type[0].message, "Operator '+=' cannot be applied to types 'Tensor' and 'number'.");
});

Deno.test("a syntax error and an uncaught error keep their places", () => {
  const syntax = parseDenoErrors(
    "error: SyntaxError: Expected ',', got ';'\n  |\n1 | f(1;\n  |    ~\n    at file:///w/$deno$stdin.mts:12:16\n",
  );
  assert.deepEqual(syntax.other, {
    url: "file:///w/$deno$stdin.mts",
    line: 12,
    column: 16,
    code: "",
    message: "SyntaxError: Expected ',', got ';'",
  });
  const thrown = parseDenoErrors("error: Uncaught (in promise) Error: x\n    at f (file:///w/a.ts:1:28)\n");
  assert.equal((thrown.other as { line: number }).line, 1);
  assert.deepEqual(parseDenoErrors("").type, []);
});
