// The hints come in steps: the forward line and the shapes, the local
// derivative, the structure of the answer, and the chapter's own lines only
// when asked for. Every gradient has every step, and no step below the
// solution gives the solution away.

import assert from "node:assert/strict";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { extractSolution } from "../../exercise/checker.ts";
import { exerciseInput } from "./context.ts";
import { hint } from "./hints.ts";

const input = exerciseInput();

Deno.test("hints come in steps: shapes and the forward line, the rule, the structure, then the solution", () => {
  const spec = EXERCISES[3];
  assert.match(
    hint(spec, "dprobs", 1, input),
    /dprobs inverts the forward line `logprobs = log\(probs\)`.*shape \[32, 27\]/s,
  );
  assert.doesNotMatch(hint(spec, "dprobs", 1, input), /pow/);
  assert.match(hint(spec, "dprobs", 2, input), /d\/dx log\(x\) = 1\/x.*More: --hint dprobs --level 3/s);
  assert.match(hint(spec, "dprobs", 3, input), /^dprobs = \(the derivative of log.*--solution dprobs/s);
  assert.match(hint(spec, "dprobs", "solution", input), /const dprobs = mul\(pow\(probs, -1\), dlogprobs\);/);
  assert.throws(() => hint(spec, "dfoo", 1, input), { name: "UsageError", message: /has no gradient "dfoo"/ });
});

/** Code without its spaces, and without the `v.` a spec's formula reads its tensors through. */
const bare = (code: string) => code.replace(/\bv\./g, "").replace(/\s+/g, "");

Deno.test("every gradient of every exercise has every level, and none below the solution holds its code", () => {
  for (const spec of Object.values(EXERCISES)) {
    for (const g of spec.gradients) {
      const what = `exercise ${spec.chapter}, ${g.name}`;
      const solution = extractSolution(spec.source, spec.solvedIn, g.solution ?? [g.name]);
      assert.ok(solution.length > 0, `${what}: a solution`);
      // Each statement's right-hand side, and the spec's formula, as code.
      const code = [
        ...solution.map((line) => line.replace(/^(?:const |let )?\w+ = /, "").replace(/;\s*(\/\/.*)?$/, "")),
        g.formula!.toString().replace(/^[^=]*=>\s*/, ""),
      ].map(bare);
      for (const level of [1, 2, 3] as const) {
        const text = hint(spec, g.name, level, input);
        assert.ok(text.length > 40, `${what}: level ${level} says something`);
        for (const c of code) assert.ok(!bare(text).includes(c), `${what}: level ${level} holds ${c}`);
      }
      assert.notEqual(hint(spec, g.name, 2, input), hint(spec, g.name, 3, input), `${what}: levels 2 and 3 differ`);
    }
  }
});

Deno.test("exercise 8's hints below the solution name the three terms without writing the formula", () => {
  const spec = EXERCISES[8];
  const below = ([1, 2, 3] as const).map((level) => hint(spec, "dhprebn", level, input).replace(/\s+/g, " "));
  for (const text of below) assert.doesNotMatch(text, /n · dhpreact − Σ dhpreact|n\/\(n − 1\) · bnraw · Σ/);
  assert.match(below[1], /three paths: straight.*through the mean.*through the variance/);
  assert.match(below[2], /The straight path: .*The mean's path: .*The variance's path: /);
});

// Seen by a learner: the lecture's names and case slips were refused without a "did you mean".
Deno.test("a gradient is found by the lecture's snake_case name or a case slip, and a near miss is named", () => {
  assert.match(hint(EXERCISES[5], "dbnvar_inv", 2, input), /^dbnvarInv: /);
  assert.match(hint(EXERCISES[3], "dcounts_sum_inv", "solution", input), /const dcountsSumInv = /);
  assert.match(hint(EXERCISES[5], "dbnVar", 1, input), /^dbnvar inverts/);
  assert.throws(() => hint(EXERCISES[5], "dbnvarr", 1, input), {
    name: "UsageError",
    message: /has no gradient "dbnvarr" \(did you mean dbnvar\?\): its gradients are dbngain/,
  });
  assert.throws(() => hint(EXERCISES[9], "dbnvar_inv", 1, input), {
    message:
      /^exercise 9 has no gradient "dbnvar_inv" \(dbnvarInv is exercise 5's: deno task exercise 5 --hint dbnvarInv\)/,
  });
});
