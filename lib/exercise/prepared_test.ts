import assert from "node:assert/strict";
import { placeIn, prepareProgram } from "./prepared.ts";

const text =
  'import { todo } from "../lib/exercise/learner.ts";\nexport function gradients() {\n  const dprobs = todo(x);\n  return { dprobs };\n}\n';

Deno.test("the program hooks the gradients, makes imports absolute and adds the checker's two lines after the learner's", () => {
  const prepared = prepareProgram(
    ["dprobs"],
    "file:///r/chapters/yours/03.ts",
    text,
    "file:///r/lib/exercise/hooks.ts",
  );
  const lines = prepared.code.split("\n");
  assert.equal(prepared.lastLine, 6);
  assert.equal(prepared.lines.dprobs, 3);
  assert.match(lines[0], /"file:\/\/\/r\/chapters\/lib\/exercise\/learner\.ts"/);
  assert.match(lines[2], /__exercise\.fix\(__exercise\.enter\("dprobs", 3\)/);
  assert.equal(lines[6], 'import * as __exercise from "file:///r/lib/exercise/hooks.ts";');
  assert.match(lines[7], /^export const __gradients = typeof gradients === "undefined" \? undefined : gradients;$/);
});

Deno.test("a place maps to the learner's column on the learner's lines, and to nothing after them", () => {
  const prepared = prepareProgram(["dprobs"], "file:///r/chapters/yours/03.ts", text, "file:///h.ts");
  const place = placeIn(prepared, "03.ts");
  // The hook's text before the expression is not the learner's: its column maps back.
  const hooked = prepared.code.split("\n")[2];
  assert.equal(place({ line: 3, column: hooked.indexOf("todo(x)") + 1 }), "03.ts:3:18");
  assert.equal(place({ line: 7, column: 1 }), undefined);
});
