// The hints come in steps: the forward line and the shapes, the local
// derivative, and the chapter's own lines only when asked for.

import assert from "node:assert/strict";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { exerciseInput } from "./context.ts";
import { hint } from "./hints.ts";

const input = exerciseInput();

Deno.test("hints come in steps: shapes and the forward line, the rule, then only on request the solution", () => {
  const spec = EXERCISES[3];
  assert.match(
    hint(spec, "dprobs", 1, input),
    /dprobs inverts the forward line `logprobs = log\(probs\)`.*shape \[32, 27\]/s,
  );
  assert.doesNotMatch(hint(spec, "dprobs", 1, input), /pow/);
  assert.match(hint(spec, "dprobs", 2, input), /d\/dx log\(x\) = 1\/x/);
  assert.match(hint(spec, "dprobs", "solution", input), /const dprobs = mul\(pow\(probs, -1\), dlogprobs\);/);
  assert.throws(() => hint(spec, "dfoo", 1, input), { name: "UsageError", message: /has no gradient "dfoo"/ });
});
