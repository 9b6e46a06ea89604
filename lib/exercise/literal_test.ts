import assert from "node:assert/strict";
import { numberLiteralAdvice } from "./literal.ts";

Deno.test("a gradient declared as a number is said as the tensor it stands for, not as what an operator made", () => {
  const lines = ["  const dh = todo(h);", "  const dhpreact = 0; // [n, 64]", "  return { dh, dhpreact };"];
  assert.equal(
    numberLiteralAdvice("dhpreact", lines),
    "dhpreact is 0, a number, not a Tensor: a gradient of zeros is zeros(hpreact.shape)",
  );
  assert.equal(
    numberLiteralAdvice("dW2", ["let dW2 = 1.5;"]),
    "dW2 is 1.5, a number, not a Tensor: a gradient of 1.5 everywhere is mul(ones(W2.shape), 1.5)",
  );
  assert.equal(numberLiteralAdvice("dh", ["const dh = dlogits * W2;"]), undefined, "an operator made it");
  assert.equal(numberLiteralAdvice("dh", ["const dh = 0 * W2;"]), undefined);
});

Deno.test("a notebook cell's function that is a number literal is said with the cell's gradient", () => {
  assert.equal(
    numberLiteralAdvice("0", ['let dhpreact = check("dhpreact", () => 0);']),
    "0 is a number, not a Tensor: a gradient of zeros is zeros(hpreact.shape)",
  );
  assert.equal(numberLiteralAdvice("0", ["x"]), undefined);
  assert.equal(
    numberLiteralAdvice("dhpreact", ["  const dhpreact: Tensor = (() => 0)(); // [n, 64]"]),
    "dhpreact is 0, a number, not a Tensor: a gradient of zeros is zeros(hpreact.shape)",
    "as the check puts the cell's function in the stub",
  );
});
