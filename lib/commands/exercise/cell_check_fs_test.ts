// The type check of a notebook cell's function, as `deno task exercise N`
// type-checks a file: the same messages, placed in the function's text.
// Needs --allow-run=deno (a `deno` process type-checks the cell); plain
// `deno test` skips these visibly and .ci/run runs them.

import assert from "node:assert/strict";
import { typeCheckCell } from "./cell_check.ts";
import { checkCell } from "./notebook_api.ts";
import { specOf, upstreamFor } from "./context.ts";
import type { Tensor } from "../../tensor.ts";

const canRun = (await Deno.permissions.query({ name: "run", command: "deno" })).state === "granted";
const SKIP = "skipped: needs --allow-run=deno (.ci/run grants it)";
if (!canRun) console.log(`cell_check_fs_test.ts: type checks of notebook cells ${SKIP}`);

/** A cell's function as Deno's kernel hands it over: its text is what the learner typed (transpiled). */
function cellFunction(text: string, value: unknown = Number.NaN): () => Tensor {
  const fn = () => value as Tensor;
  fn.toString = () => text;
  return fn;
}

function runTest(name: string, fn: () => void): void {
  Deno.test({ name: canRun ? name : `${name} (${SKIP})`, ignore: !canRun, fn });
}

runTest("`bngain * dhpreact` in a cell gets the file's message, with the line and a caret", () => {
  const [error, ...rest] = typeCheckCell(specOf(5), "dbnraw", "()=>bngain * dhpreact")!;
  assert.deepEqual(rest, [], "the knock-on 'number is not a Tensor' is left out");
  assert.equal(error.text, "`*` does not multiply tensors: write bngain.mul(dhpreact) or mul(bngain, dhpreact)");
  assert.deepEqual([error.line, error.column, error.sourceLine], [1, 5, "()=>bngain * dhpreact"]);
  const { verdict, text, value } = checkCell(5, "dbnraw", cellFunction("()=>bngain * dhpreact"));
  assert.equal(verdict.status, "wrong");
  assert.match(
    text,
    /^dbnraw: a type error, so your function was not run:\n\n`\*` does not multiply tensors: write bngain\.mul\(dhpreact\) or mul\(bngain,\ndhpreact\)\n {4}\(\)=>bngain \* dhpreact\n {8}\^\n\nFix dbnraw/,
  );
  assert.deepEqual(value, upstreamFor(5).dbnraw, "the cells below get the correct value");
});

runTest("the lecture's PyTorch habits in a cell are translated, on the line of the function they are on", () => {
  const keepdim = typeCheckCell(
    specOf(5),
    "dbnvarInv",
    "()=>{\n  const t = bndiff.mul(dbnraw);\n  return t.sum(0, keepdim=True);\n}",
  )!;
  assert.deepEqual(keepdim.map((e) => [e.line, e.text.slice(0, 36)]), [[3, "TypeScript has no keyword arguments:"]]);
  assert.match(keepdim[0].text, /Pass it by position: t\.sum\(0, true\)$/);
  const index = typeCheckCell(
    specOf(3),
    "dlogprobs",
    "()=>{\n  const d = zeros(logprobs.shape);\n  d[range(n), Yb] = -1 / n;\n  return d;\n}",
  )!;
  assert.equal(index.length, 1, "range( is said with the indexing");
  assert.match(index[0].text, /d = oneHot\(Yb, d\.shape\[1\]\)\.mul\(-1 \/ n\)/);
  const grad = typeCheckCell(specOf(3), "dprobs", "()=>probs.grad")!;
  assert.match(grad[0].text, /^there is no autograd here/);
  const text = checkCell(3, "dprobs", cellFunction("()=>{\n  return probs.grad;\n}")).text;
  assert.match(
    text,
    /^dprobs: a type error, so your function was not run:\n\nthere is no autograd here.*\n {4}return probs\.grad;\n {17}\^/s,
  );
});

runTest("a cell without type errors is run; a name of another cell is left to the run", () => {
  assert.deepEqual(typeCheckCell(specOf(3), "dprobs", "()=>probs.pow(-1).mul(dlogprobs)"), []);
  assert.deepEqual(typeCheckCell(specOf(3), "dprobs", "()=>probs.pow(-1).mul(myHelper)"), []);
  const negated = typeCheckCell(specOf(5), "dbnraw", "()=>-bngain.mul(dhpreact)")!;
  assert.match(
    negated[0].text,
    /^dbnraw is a number here, not a Tensor: an operator on tensors \(-x, a \* b, a \+ b\)/,
  );
});

runTest("a cell whose function is a number literal is said as the tensor it stands for", () => {
  const [error] = typeCheckCell(specOf(4), "dhpreact", "() => 0")!;
  assert.equal(error.text, "dhpreact is 0, a number, not a Tensor: a gradient of zeros is zeros(hpreact.shape)");
});
