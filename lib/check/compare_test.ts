import assert from "node:assert/strict";
import { compareGradient, formatTable } from "./compare.ts";
import { fromArray, tensor } from "../tensor.ts";

Deno.test("identical gradients are exact; within allclose's tolerance approximate", () => {
  const a = tensor([[0.5, -0.25]]);
  assert.deepEqual(
    { ...compareGradient("x", a, tensor([[0.5, -0.25]])), shape: [], expectedShape: [] },
    { name: "x", exact: true, approximate: true, maxdiff: 0, shape: [], expectedShape: [] },
  );
  const near = compareGradient("x", tensor([1.000001]), tensor([1]));
  assert.equal(near.exact, false);
  assert.equal(near.approximate, true);
  assert.ok(near.maxdiff > 0 && near.maxdiff < 2e-6);
});

Deno.test("a difference beyond 1e-8 + 1e-5·|reference| is not approximate", () => {
  assert.equal(compareGradient("x", tensor([1.00002]), tensor([1])).approximate, false);
  assert.equal(compareGradient("x", tensor([2e-8]), tensor([0])).approximate, false);
  assert.equal(compareGradient("x", tensor([NaN]), tensor([0])).approximate, false);
});

Deno.test("a wrong shape is neither exact nor approximate, even with equal numbers", () => {
  const row = compareGradient("dbnmeani", fromArray([1, 2], [2]), fromArray([1, 2], [1, 2]));
  assert.equal(row.approximate, false);
  assert.match(formatTable([row]), /shape \[2\], expected \[1, 2\]/);
});

Deno.test("the table has aligned columns", () => {
  const rows = [
    compareGradient("logprobs", tensor([1]), tensor([1])),
    compareGradient("C", tensor([1]), tensor([1.5])),
  ];
  const lines = formatTable(rows).split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^name\s+\| exact \| approximate \| maxdiff$/);
  assert.equal(lines[1].indexOf("+"), lines[0].indexOf("|"));
  const bars = [lines[0], lines[2], lines[3]].map((l) => l.indexOf("|"));
  assert.ok(bars.every((b) => b === bars[0]), "the first column is padded to one width");
});
