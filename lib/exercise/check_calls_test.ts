// The calls of a check: the call as written alone when every line's upstream is right, a fed call after it when a
// line's upstream is wrong (its header naming the gradients to hand over), a stop in either ending the check, and the
// caller's advice for a stuck learner in the verdicts.

import assert from "node:assert/strict";
import { checkCalls } from "./check_calls.ts";
import type { CallReport, Header, WireTensor } from "./wire.ts";
import { toBase64 } from "./wire.ts";
import type { ExerciseInput } from "./learner.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { backpropCrossEntropy } from "../../chapters/03_cross_entropy.ts";
import { exerciseContext } from "../commands/exercise/context.ts";
import type { Tensor } from "../tensor.ts";

const context = exerciseContext();
const solved = { ...backpropCrossEntropy(context.input.fwd, context.input.batch.Yb) } as Record<string, Tensor>;
const spec = EXERCISES[3];
const lines = Object.fromEntries(spec.gradients.map((g, i) => [g.name, 65 + i]));
const prepared = { code: "program", lines, column: (_: number, c: number) => c, lastLine: 99 };
const wire = (t: Tensor, buffer: number): WireTensor => ({ shape: [...t.shape], f32: toBase64(t.data), buffer });

/** A report of a call that returned `returned`, each recorded at its line as it is now. */
function reportOf(returned: Record<string, Tensor>): CallReport {
  const names = Object.keys(returned);
  const tensors = Object.fromEntries(names.map((k, i) => [i + 1, wire(returned[k], i + 1)]));
  const ids = Object.fromEntries(names.map((k, i) => [k, i + 1]));
  const recorded = Object.fromEntries(names.map((k, i) => [k, { id: i + 1, atLine: wire(returned[k], 0) }]));
  return { ended: "returned", tensors, returned: ids, recorded, forward: {}, changedForward: [] };
}

const ways = (reports: (CallReport | undefined)[], headers: Header[]) => ({
  call: (header: Header) => {
    headers.push(header);
    const report = reports.shift();
    return Promise.resolve({ report, commits: new Map(), stop: report ? undefined : "timer", out: [] as string[] });
  },
  input: () => ({ ...context.input }) as ExerciseInput,
  place: () => undefined,
});

Deno.test("every gradient right: one call, judged, and the first call's outcome handed back", async () => {
  const headers: Header[] = [];
  const { first, end } = await checkCalls(spec, prepared, context, ways([reportOf(solved)], headers));
  assert.equal(headers.length, 1);
  assert.equal(headers[0].program, "program");
  assert.equal(headers[0].feed, undefined);
  assert.deepEqual(first.out, []);
  assert.ok("verdict" in end && end.verdict.code === 0, JSON.stringify(end));
});

Deno.test("a wrong upstream brings the fed call, which hands the wrong gradient over; the caller's advice is said", async () => {
  const headers: Header[] = [];
  const wrong = { ...solved, dlogprobs: solved.dlogprobs.mul(2) };
  let fed = 0;
  const { end } = await checkCalls(spec, prepared, context, {
    ...ways([reportOf(wrong), reportOf(wrong)], headers),
    stuck: (name) => `stuck? press Hint beside ${name}`,
    onFed: () => fed++,
  });
  assert.equal(fed, 1);
  assert.equal(headers[1].feed?.substitutes[0], "dlogprobs");
  assert.ok("verdict" in end && end.verdict.code === 1);
  assert.match(
    "verdict" in end ? end.verdict.text.replace(/\s+/g, " ") : "",
    /Next: dlogprobs \(stuck\? press Hint beside dlogprobs\)$/,
  );
});

Deno.test("a stop in either call ends the check with it; a top level that threw is a load stop", async () => {
  const wrong = { ...solved, dlogprobs: solved.dlogprobs.mul(2) };
  const stopped = await checkCalls(spec, prepared, context, ways([reportOf(wrong), undefined], []));
  assert.deepEqual(stopped.end, { stop: "timer" });
  const load: CallReport = {
    ended: "load",
    threw: { text: "boom" },
    tensors: {},
    recorded: {},
    forward: {},
    changedForward: [],
  };
  const threw = await checkCalls(spec, prepared, context, ways([load], []));
  assert.deepEqual(threw.end, { stop: { why: "load", report: load } });
});
