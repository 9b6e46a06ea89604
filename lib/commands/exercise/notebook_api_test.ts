import assert from "node:assert/strict";
import { checkLines, isDone, todo } from "../../exercise/checker.ts";
import { mul, oneHot, pow, sum, Tensor } from "../../tensor.ts";
import { quietly } from "../../testing.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { checkOne, exerciseContext, upstreamFor } from "./context.ts";
import { STATUS_WORDS } from "../../exercise/verdicts.ts";
import { formatNumber } from "../../check/compare.ts";
import { checkCell, exerciseInput, notebookChecker, notebookSummary } from "./notebook_api.ts";

const { fwd, batch, n } = exerciseInput();
const vocabSize = fwd.logprobs.shape[1];
const right = mul(oneHot(batch.Yb, vocabSize), -1 / n);

Deno.test("a todo gradient's cell says TODO, where the hints are, and hands on the correct value", () => {
  const { text, value } = checkCell(3, "dlogprobs", todo(fwd.logprobs));
  assert.match(text, /^dlogprobs: TODO\n/);
  assert.match(
    text,
    /Replace todo\(…\) with your dlogprobs and run this cell again\.\s+The\s+cells\s+below\s+get\s+the\s+correct\s+dlogprobs\.\s+Stuck\?\s+deno\s+task\s+exercise\s+3\s+--hint\s+dlogprobs/,
  );
  assert.deepEqual(value, upstreamFor(3).dlogprobs);
  assert.notEqual(value, upstreamFor(3).dlogprobs);
});

Deno.test("a cell that edits the correct value it was handed, in place, cannot corrupt later checks", async () => {
  const { value: handed } = checkCell(3, "dnormLogits", todo(fwd.normLogits));
  const answer = upstreamFor(3).dnormLogits.data.slice(); // the right answer, copied before the edit
  handed.data[0] += 1;
  assert.equal(upstreamFor(3).dnormLogits.data[0], answer[0]);
  const { verdict } = checkCell(3, "dnormLogits", new Tensor(answer, handed.shape));
  assert.equal(verdict.status, "exact");

  const input = exerciseInput();
  assert.notEqual(input.fwd, exerciseContext().input.fwd);
  assert.notEqual(input.dlogits, exerciseContext().input.dlogits);
  assert.deepEqual(input.dlogits, exerciseContext().input.dlogits);
  input.fwd.probs.data[0] += 1;
  const { output } = await quietly(() => notebookChecker(3)("dlogprobs", right));
  assert.match(output, /^dlogprobs: (exact|approximately equal)/);
});

Deno.test("a right gradient's cell says so, without the hint, and hands on the learner's own tensor", () => {
  const { text, value } = checkCell(3, "dlogprobs", right);
  assert.match(text, /^dlogprobs: (exact|approximately equal)/);
  assert.match(text, /dlogprobs is right\.$/);
  assert.equal(value, right);
});

Deno.test("a cell that gives no tensor is wrong, says what it got, and hands on the correct value", () => {
  const { text, value } = checkCell(3, "dlogprobs", undefined);
  assert.match(text, /^dlogprobs: wrong\. it is undefined, not a Tensor\n/);
  assert.deepEqual(value, upstreamFor(3).dlogprobs);
  assert.notEqual(value, upstreamFor(3).dlogprobs);
});

/**
 * The learner's trial: dlogprobs right, dprobs without the chain rule,
 * dcountsSumInv right (computed from the dprobs its cell was handed),
 * dcountsSum left TODO, dcounts with only the contribution through probs.
 */
function learnersCells(dprobsIn: (d: Tensor) => Tensor) {
  const { probs, counts, countsSumInv } = fwd;
  const dlogprobs = right;
  const dprobs = dprobsIn(dlogprobs);
  return {
    dlogprobs,
    dprobs,
    dcountsSumInv: (dprobs: Tensor) => sum(mul(counts, dprobs), 1, true), // [n, 1]
    dcounts: (dprobs: Tensor) => mul(countsSumInv, dprobs), // [n, 27]: the countsSum contribution is missing
    noChainRule: pow(probs, -1),
  };
}

Deno.test("the learner's trial: each cell is judged on its own, with the texts `deno task exercise 3` gives", async () => {
  const { noChainRule, dlogprobs: mine, dcountsSumInv, dcounts } = learnersCells((d) => d);
  const check = notebookChecker(3);
  const { output, result: handed } = await quietly(() => {
    const dlogprobs = check("dlogprobs", mine);
    const dprobs = check("dprobs", noChainRule);
    const dcsi = check("dcountsSumInv", dcountsSumInv(dprobs));
    const dcs = check("dcountsSum", todo(fwd.countsSum));
    const dc = check("dcounts", dcounts(dprobs));
    return { dlogprobs, dprobs, dcsi, dcs, dc };
  });
  const correct = upstreamFor(3);
  assert.equal(handed.dlogprobs, mine);
  assert.deepEqual(handed.dprobs, correct.dprobs);
  assert.notEqual(handed.dprobs, correct.dprobs);
  assert.deepEqual(handed.dcs, correct.dcountsSum);
  assert.deepEqual(handed.dc, correct.dcounts);

  // What the CLI's checker says of the same lines: its own values, and each line's value from correct upstreams.
  const returned = {
    dlogprobs: mine,
    dprobs: noChainRule,
    dcountsSumInv: dcountsSumInv(noChainRule),
    dcountsSum: todo(fwd.countsSum),
    dcounts: dcounts(noChainRule),
  };
  const isolated = { ...returned, dcountsSumInv: dcountsSumInv(correct.dprobs), dcounts: dcounts(correct.dprobs) };
  const cli = checkLines(
    EXERCISES[3],
    { returned, isolated, substituted: new Set(["dprobs", "dcountsSum"]) },
    exerciseContext(),
  );
  for (const name of Object.keys(returned)) {
    const verdict = cli.find((v) => v.name === name)!;
    const { text } = checkOne(3, name, isolated[name as keyof typeof isolated]);
    assert.ok(output.includes(text), `the notebook prints ${JSON.stringify(text)} under ${name}:\n${output}`);
    const notebook = checkCell(3, name, isolated[name as keyof typeof isolated]).verdict;
    assert.deepEqual({ status: notebook.status, detail: notebook.detail, maxdiff: notebook.maxdiff }, {
      status: verdict.status,
      detail: verdict.detail,
      maxdiff: verdict.maxdiff,
    }, name);
    // The cell's line has the maxdiff of the terminal's table, as the table writes it.
    const figure = verdict.maxdiff === undefined ? null : `(maxdiff ${formatNumber(verdict.maxdiff)})`;
    if (figure) assert.ok(text.startsWith(`${name}: ${STATUS_WORDS[verdict.status]} ${figure}`), text);
    else assert.doesNotMatch(text, /maxdiff/);
  }
  assert.match(output, /^dcountsSumInv: (exact|approximately equal) \(maxdiff [\d.e-]+\)$/m);
  assert.doesNotMatch(output, /waiting/);
  assert.match(output, /dprobs: wrong \(maxdiff [\d.e-]+\)\. .*chain rule/s);
  assert.match(output, /The cells below get the correct dprobs\./);
  assert.match(
    output,
    /dcounts: wrong \(maxdiff [\d.e-]+\)\. this is only the gradient through probs[\s\S]*in the same\sdeclaration: const dcounts = add\(<what you have>, …\)/,
  );
});

Deno.test("the summary cell prints the exercise's table from each cell's last check", async () => {
  const check = notebookChecker(7);
  assert.match(notebookSummary(7), /dlogits\s+not reached/);
  await quietly(() => check("dlogits", todo(fwd.logits)));
  const { output } = await quietly(() => console.log(notebookSummary(7)));
  assert.match(output, /dlogits\s+TODO/);
  assert.match(output, /0 of 1 done\. Next: dlogits/);
  assert.throws(() => notebookChecker(2), { message: /There is no exercise 2/ });
  assert.throws(() => checkCell(3, "dx", right), {
    message: /Exercise 3 has no gradient dx: its gradients are dlogprobs/,
  });
});

Deno.test("a cell's function is run and judged as its tensor would be; a number is said as what an operator makes", () => {
  assert.match(checkCell(3, "dlogprobs", () => right).text, /^dlogprobs: (exact|approximately equal)/);
  assert.match(checkCell(3, "dlogprobs", () => todo(fwd.logprobs)).text, /^dlogprobs: TODO\n/);
  // Its text has no type error to find but a number (with --allow-run=deno the type check says it, else the run).
  const number = checkCell(3, "dlogprobs", () => Number.NaN);
  assert.equal(number.verdict.status, "wrong");
  assert.match(
    number.text.replace(/\s+/g, " "),
    /a number.* not a Tensor: an operator on tensors \(-x, a \* b, a \+ b\)/,
  );
  assert.match(notATensorText(Number.NaN), /^it is a number \(NaN\), not a Tensor: an operator on tensors/);
  const zero = checkCell(4, "dhpreact", () => 0);
  assert.equal(
    zero.verdict.detail,
    "dhpreact is 0, a number, not a Tensor: a gradient of zeros is zeros(hpreact.shape)",
  );
  const thrown = checkCell(3, "dlogprobs", () => fwd.logprobs.matmul(fwd.logprobs));
  assert.match(thrown.text, /^dlogprobs: wrong\. your function threw: Cannot matmul \[32, 27\] by \[32, 27\]/);
  assert.deepEqual(thrown.value, upstreamFor(3).dlogprobs);
  const misspelt = checkCell(3, "dnormLogits", () => {
    throw new ReferenceError("dcount is not defined"); // what `counts.mul(dcount)` throws in the kernel
  });
  assert.equal(misspelt.verdict.detail, "dcount is not defined: did you mean dcounts?");
  const elsewhere = checkCell(3, "dnormLogits", () => {
    throw new ReferenceError("helper is not defined");
  });
  assert.match(elsewhere.verdict.detail, /^helper is not defined: is the cell that makes it below this one/);
});

// Names the kernel never declared, as when their cells did not run (`@` in dprobs's cell makes the kernel refuse it).
declare const dprobs: Tensor, dcountsSum: Tensor;

Deno.test("a cell using a gradient whose cell has not run is checked with its correct value, and says to run that cell", () => {
  const before = Object.keys(globalThis).length;
  const right = checkCell(3, "dcountsSumInv", () => fwd.counts.mul(dprobs).sum(1, true));
  assert.ok(isDone(right.verdict), right.verdict.status);
  assert.match(
    right.text.replace(/\s+/g, " "),
    /^dprobs's cell has not run \(or failed\): run it first\. \(A syntax error, such as `a @ b` for a\.matmul\(b\)/,
  );
  assert.match(right.text.replace(/\s+/g, " "), /checked with the correct dprobs: dcountsSumInv: (exact|approx)/);
  assert.match(right.text, /dcountsSumInv is right\.$/);
  assert.equal(Object.keys(globalThis).length, before, "the lent value is taken back");
  assert.throws(() => dprobs, ReferenceError);
  const both = checkCell(3, "dcounts", () => fwd.countsSumInv.mul(dprobs).add(dcountsSum));
  assert.match(
    both.text.replace(/\s+/g, " "),
    /^the cells of dprobs and dcountsSum have not run \(or failed\): run them first/,
  );
  const wrong = checkCell(3, "dcountsSumInv", () => fwd.counts.mul(dprobs).sum(1));
  assert.equal(wrong.verdict.status, "wrong", "a wrong formula is still wrong");
  assert.doesNotMatch(wrong.verdict.detail, /not defined/);
});

/** What a cell that gave `value` says, by way of the tensor form (no function, no type check). */
function notATensorText(value: unknown): string {
  return checkCell(3, "dlogprobs", value).verdict.detail;
}
