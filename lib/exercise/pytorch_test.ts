// The lecture's PyTorch habits, translated: every operation a translation
// names is one lib/tensor.ts has, so the table cannot drift from it.

import assert from "node:assert/strict";
import { everyTranslation, FROM_PYTORCH, pytorchCard, pytorchName } from "./pytorch.ts";
import { readApi } from "./api_card.ts";

Deno.test("every translation calls only operations of lib/tensor.ts", () => {
  const known = new Set([...readApi().entries.map((e) => e.name), "data", "shape", "values"]);
  let calls = 0;
  for (const here of everyTranslation()) {
    for (const [, member, call] of here.matchAll(/\.([a-zA-Z]\w*)|\b([a-zA-Z]\w*)\(/g)) {
      calls++;
      assert.ok(known.has(member ?? call), `${here}: lib/tensor.ts has no ${member ?? call}`);
    }
  }
  assert.ok(calls > 30, `only ${calls} operations named`);
});

Deno.test("torch. and F. names are looked up by module, and a name PyTorch alone has is undefined", () => {
  assert.equal(pytorchName("torch", "zeros_like"), "zeros(x.shape)");
  assert.equal(pytorchName("F", "one_hot"), "oneHot(Yb, numClasses)");
  assert.equal(pytorchName("F", "cross_entropy"), undefined);
  assert.equal(pytorchName("torch", "constructor"), undefined);
  assert.equal(pytorchCard().split("\n").length, FROM_PYTORCH.length + 2);
});
