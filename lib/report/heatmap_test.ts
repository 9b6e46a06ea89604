import assert from "node:assert/strict";
import { heatmap, RAMP } from "./heatmap.ts";
import { tensor, zeros } from "../tensor.ts";

Deno.test("the plain heat map puts the smallest value at the start of the ramp and the largest at the end", () => {
  const lines = heatmap(tensor([[-1, 0], [1, 0.5]]), { color: false }).split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[0][0], RAMP[0]);
  assert.equal(lines[1][0], RAMP.at(-1));
  assert.match(lines[2], /= -1\.00, .* = 1\.00/);
});

Deno.test("the colour heat map uses the 24 greys of the 256-colour palette", () => {
  const text = heatmap(tensor([[0, 1]]), { color: true });
  assert.equal(text.split("\n")[0], "\x1b[48;5;232m  \x1b[48;5;255m  \x1b[0m");
});

Deno.test("a constant matrix draws without dividing by zero, and a vector is refused", () => {
  assert.doesNotMatch(heatmap(zeros([2, 2]), { color: false }), /NaN/);
  assert.throws(() => heatmap(zeros([3]), { color: false }), TypeError);
});
