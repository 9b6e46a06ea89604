// The checker's side: verdicts decided from the sandbox's reports alone. A
// gradient handed over correct is judged by what it committed, never by what
// it holds afterwards; a line that threw is wrong with what it threw, and the
// lines below it are checked; a Promise, or no gradients(), is one line.

import assert from "node:assert/strict";
import { feedFor, judge, plainRefusal, readAsWritten, readFed } from "./judge.ts";
import type { CallReport, Commit, WireTensor } from "./wire.ts";
import { toBase64 } from "./wire.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { backpropCrossEntropy } from "../../chapters/03_cross_entropy.ts";
import { exerciseContext } from "../commands/exercise/context.ts";
import { mul, type Tensor } from "../tensor.ts";

const context = exerciseContext();
const solved = { ...backpropCrossEntropy(context.input.fwd, context.input.batch.Yb) } as Record<string, Tensor>;
const spec = EXERCISES[3];
const lines = Object.fromEntries(spec.gradients.map((g, i) => [g.name, 65 + i]));
const place = (at: { line: number; column: number }) => `03.ts:${at.line}:${at.column}`;

const wire = (t: Tensor, buffer: number): WireTensor => ({ shape: [...t.shape], f32: toBase64(t.data), buffer });

/** A report of a call that returned `returned` and recorded each of them at its line as it is now. */
function reportOf(returned: Record<string, Tensor>, extra: Partial<CallReport> = {}): CallReport {
  const tensors: Record<number, WireTensor> = {};
  const ids: Record<string, number> = {};
  Object.entries(returned).forEach(([name, t], i) => {
    ids[name] = i + 1;
    tensors[i + 1] = wire(t, i + 1);
  });
  const recorded = Object.fromEntries(
    Object.entries(returned).map(([k, t]) => [k, { id: ids[k], atLine: wire(t, 0) }]),
  );
  return { ended: "returned", tensors, returned: ids, recorded, forward: {}, changedForward: [], ...extra };
}

const commitOf = (name: string, t: Tensor): Commit => ({ name, value: wire(t, 0) });

Deno.test("the chapter's own gradients, as the sandbox reports them, pass with exit code 0", () => {
  const { text, code, right } = judge(spec, readAsWritten(reportOf(solved), lines), "", context);
  assert.equal(code, 0);
  assert.match(text, /All 8 gradients of exercise 3 are right\. Well done!/);
  assert.deepEqual(right, { done: 8, of: 8 });
});

Deno.test("a gradient handed over correct is judged by what it committed, not by what it holds afterwards", () => {
  const wrong = { ...solved, dlogprobs: mul(solved.dlogprobs, 2), dprobs: mul(solved.dprobs, 3) };
  const asWritten = readAsWritten(reportOf(wrong), lines);
  const feed = feedFor(spec, asWritten, context)!;
  assert.deepEqual(feed.substitutes.slice(0, 2), ["dlogprobs", "dprobs"], "and the lines waiting on them");
  // The fed call: dprobs committed wrong, then the correct values copied into the learner's own tensor.
  const fed = reportOf(solved);
  const commits = new Map([
    ["dlogprobs", commitOf("dlogprobs", wrong.dlogprobs)],
    ["dprobs", commitOf("dprobs", wrong.dprobs)],
  ]);
  assert.equal(readFed(asWritten, fed, commits, place), "");
  const { text, code, right } = judge(spec, asWritten, "", context);
  assert.equal(code, 1);
  assert.match(text, /dprobs\s+\d+\s+wrong \*/);
  const rows = text.split("\n").filter((l) => /^d\w+\s+\d+\s+(exact|approximately equal)/.test(l));
  assert.deepEqual(right, { done: rows.length, of: 8 }, text);
  assert.ok(rows.length < 8);
  assert.match(text, /dcountsSumInv\s+\d+\s+approximately equal \*/);
  // The same, had it committed the right values: then dprobs is right.
  const honest = readAsWritten(reportOf(wrong), lines);
  readFed(honest, fed, new Map([...commits, ["dprobs", commitOf("dprobs", solved.dprobs)]]), place);
  assert.match(judge(spec, honest, "", context).text, /dprobs\s+\d+\s+approximately equal \*/);
});

Deno.test("a line that threw is wrong with what it threw, on its line, and the lines below are checked", () => {
  const { dlogprobs } = solved;
  const plain = reportOf({ dlogprobs }, {
    ended: "threw",
    threw: { text: "Cannot multiply", at: { line: 66, column: 18 } },
  });
  plain.returned = undefined;
  plain.threwIn = "dprobs";
  const asWritten = readAsWritten(plain, lines);
  assert.equal(feedFor(spec, asWritten, context)!.substitutes.length, 8, "every line is handed over");
  const { dprobs: _, ...rest } = solved;
  // Every line commits, as each is handed over; dprobs's threw.
  const commits = new Map<string, Commit>(Object.entries(rest).map(([k, t]) => [k, commitOf(k, t)]));
  commits.set("dprobs", {
    name: "dprobs",
    value: { threw: { text: "Cannot multiply", at: { line: 66, column: 18 } } },
  });
  const said = readFed(asWritten, reportOf(rest), commits, place);
  assert.equal(said, "", "its own line's error is said on its line");
  const { text, code } = judge(spec, asWritten, said, context);
  assert.equal(code, 1);
  assert.match(text, /dprobs\s+66\s+wrong/);
  assert.match(text, /line 66, dprobs: threw at 03\.ts:66:18: Cannot multiply/);
  assert.match(text, /dcountsSumInv\s+67\s+approximately equal \*/);
  assert.match(text, /7 of 8 done\. Next: dprobs/);
});

Deno.test("a throw that correct upstream values avoid is blamed on the wrong gradient above it", () => {
  const plain = reportOf({ dlogprobs: solved.dlogprobs }, { ended: "threw", threw: { text: "42", value: true } });
  plain.returned = undefined;
  const asWritten = readAsWritten(plain, lines);
  const said = readFed(asWritten, reportOf(solved), new Map(), place);
  assert.match(
    said,
    /^With your own values, your gradients\(\) threw 42\. With correct upstream values every line ran/,
  );
  assert.equal(judge(spec, asWritten, said, context).code, 1);
});

Deno.test("a Promise, no gradients(), and a value that is no Tensor each say so", () => {
  const empty = { tensors: {}, recorded: {}, forward: {}, changedForward: [] };
  assert.deepEqual(judge(spec, readAsWritten({ ended: "promise", ...empty }, {}), "", context), {
    text: "gradients() must return the object, not a Promise: remove async/await",
    code: 1,
  });
  assert.match(
    judge(spec, readAsWritten({ ended: "no-function", ...empty }, {}), "", context).text,
    /export a function/,
  );
  const odd = readAsWritten({ ended: "returned", returned: { dlogprobs: "a number" }, ...empty }, {});
  assert.match(
    judge(spec, odd, "", context).text,
    /dlogprobs: gradients\(\) returned a number as dlogprobs, not a Tensor/,
  );
});

Deno.test("a permission the sandbox refuses is said in the learner's terms, not as a flag to add", () => {
  assert.equal(
    plainRefusal('Requires import access to "example.com:443", run again with the --allow-import flag'),
    'your code may not import from "example.com:443": exercise code runs with no permissions',
  );
  assert.equal(plainRefusal("Cannot matmul"), "Cannot matmul");
});
