// Exercise 9's spec: the kernels' gradients it is checked against agree
// with TensorFlow.js's, and its solution is the chapters' own lines.

import assert from "node:assert/strict";
import { EXERCISES } from "./specs.ts";
import { kernelGradients } from "./training_spec.ts";
import { exerciseContext } from "../../lib/commands/exercise/context.ts";
import { extractSolution } from "../../lib/exercise/checker.ts";
import { PARAM_NAMES } from "../../lib/model.ts";
import { maxAbsDiff } from "../../lib/check/compare.ts";

Deno.test("the kernels' step gives the parameter gradients TensorFlow.js gives, within float32 rounding", () => {
  const { input, ref } = exerciseContext();
  const kernels = kernelGradients(input);
  for (const name of PARAM_NAMES) {
    const scale = Math.max(...Array.from(ref[name].data, Math.abs));
    assert.deepEqual(kernels[name]?.shape, ref[name].shape, name);
    assert.ok(maxAbsDiff(kernels[name]!.data, ref[name].data) <= 1e-5 * scale + 1e-8, name);
  }
  assert.ok(input.params.W1.data.every((x, i) => x === exerciseContext().input.params.W1.data[i]), "nothing moved");
});

Deno.test("exercise 9 asks for every gradient from the loss down, each computed from the one above it", () => {
  const spec = EXERCISES[9];
  const names = spec.gradients.map((g) => g.name);
  for (const p of PARAM_NAMES) assert.ok(names.includes(`d${p}`), `d${p}`);
  for (const g of spec.gradients) {
    for (const d of g.deps) assert.ok(names.indexOf(d) < names.indexOf(g.name), `${d} comes before ${g.name}`);
  }
  assert.deepEqual(spec.given, []);
  assert.equal(spec.trains, true);
});

Deno.test("exercise 9's solution is the lines of chapters 4 to 8, in the order of a training step", () => {
  const spec = EXERCISES[9];
  const lines = extractSolution(spec.source, spec.solvedIn, spec.gradients.flatMap((g) => g.solution ?? [g.name]));
  assert.equal(lines[0], extractSolution(EXERCISES[7].source, "crossEntropyBackward", ["dlogits"])[0]);
  assert.equal(lines.at(-1), extractSolution(EXERCISES[6].source, "backpropFirstLayer", ["dC"])[0]);
  assert.equal(lines.length, 16); // thirteen gradients, dhprebn in four statements
});
