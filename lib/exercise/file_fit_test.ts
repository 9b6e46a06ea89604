import assert from "node:assert/strict";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { fileFit, fitLine } from "./file_fit.ts";

const exercises = Object.values(EXERCISES).map((s) => ({
  chapter: s.chapter,
  title: s.title,
  file: s.file,
  names: s.gradients.map((g) => g.name),
}));

Deno.test("every exercise's stub fits its own exercise", () => {
  for (const spec of Object.values(EXERCISES)) {
    const fit = fileFit(spec.stub, spec.chapter, exercises);
    assert.deepEqual([fit.extra, fit.missing, fit.seemsFor], [[], [], undefined], `exercise ${spec.chapter}`);
    assert.equal(fitLine(fit, spec.chapter), null);
  }
});

Deno.test("exercise 5's file in exercise 8 is named as exercise 5's, with the gradients exercise 8 does not ask for", () => {
  const fit = fileFit(EXERCISES[5].stub, 8, exercises);
  assert.equal(fit.seemsFor?.chapter, 5);
  assert.deepEqual(fit.extra, EXERCISES[5].gradients.map((g) => g.name).filter((n) => n !== "dhprebn"));
  assert.deepEqual(fit.missing, []);
  assert.equal(
    fitLine(fit, 8),
    `it seems to be exercise 5's file (${
      EXERCISES[5].title
    }), not exercise 8's: it defines dbngain, dbnbias, dbnraw, ` +
      "dbnvarInv, dbnvar and 3 more, which exercise 8 does not ask for",
  );
});

Deno.test("exercise 8's file in exercise 5 lacks what exercise 5 asks for", () => {
  const fit = fileFit(EXERCISES[8].stub, 5, exercises);
  assert.equal(fit.seemsFor?.chapter, 8);
  assert.deepEqual(fit.extra, []);
  assert.equal(fit.missing.length, EXERCISES[5].gradients.length - 1);
  assert.match(
    fitLine(fit, 5)!,
    /: it lacks dbngain, dbnbias, dbnraw, dbnvarInv, dbnvar and 3 more, which exercise 5 asks for$/,
  );
});

Deno.test("without a header, the exercise whose gradients the file matches best is named", () => {
  const text = "export function gradients() {\n  const dlogits = 1; // const dprobs = 2\n  return { dlogits };\n}\n";
  const fit = fileFit(text, 8, exercises);
  assert.deepEqual([fit.defined, fit.extra, fit.missing, fit.seemsFor?.chapter], [["dlogits"], ["dlogits"], [
    "dhprebn",
  ], 7]);
  assert.equal(
    fitLine(fit, 8),
    `it seems to be exercise 7's file (${
      EXERCISES[7].title
    }), not exercise 8's: it defines dlogits, which exercise 8 ` +
      "does not ask for, and lacks dhprebn, which it asks for",
  );
});

Deno.test("a learner's file of this exercise with a gradient deleted lacks it, and names no other exercise", () => {
  const text = EXERCISES[4].stub.replace(/\n {2}const db2 = [^\n]*/, "").replace("db2, ", "");
  const fit = fileFit(text, 4, exercises);
  assert.deepEqual([fit.missing, fit.seemsFor], [["db2"], undefined]);
  assert.equal(fitLine(fit, 4), "it lacks db2, which exercise 4 asks for");
});
