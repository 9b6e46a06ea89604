// The hooks inside the sandbox's process: what a call reports, what a thrown
// value reads as, and, in the fed call, that a line's own value is committed
// before the correct one is handed over (also when the line throws, and for
// a gradient finished in place, when a line that uses it starts).

import assert from "node:assert/strict";
import { callGradients, configure, describeThrown, enter, enterEach, fix, fixEach } from "./hooks.ts";
import { todo } from "./learner.ts";
import type { ExerciseInput } from "./learner.ts";
import { floatsOf, type Header } from "./wire.ts";
import { mul, type Tensor, tensor } from "../tensor.ts";
import type { Commit } from "./wire.ts";

/** A small input: a forward tensor and a parameter. */
const inputOf = () => ({ fwd: { probs: tensor([0.5, 0.25]) }, params: { W: tensor([1]) } }) as unknown as ExerciseInput;

/** Sets the hooks up with `feed`, a channel answering every commit with `correct`; the commits and marks. */
function setUp(feed?: Header["feed"], correct = tensor([7, 7])) {
  const commits: Commit[] = [];
  const marks: string[] = [];
  configure({ mark: (m) => marks.push(m), commit: (c) => (commits.push(c), correct) }, {
    chapter: 3,
    gradients: [{ name: "dprobs", deps: [] }, { name: "dcounts", deps: ["dprobs"] }],
    lines: { dprobs: 10, dcounts: 12 },
    program: "",
    input: {},
    withheld: {},
    feed,
  });
  return { commits, marks };
}

const bytes = (w: { f32?: string; shape: number[] }) => [...floatsOf(w.f32!, w.shape.reduce((a, b) => a * b, 1))];

Deno.test("a thrown value reads as itself: throw 42 is 42, throw null is null, an error its message", () => {
  assert.deepEqual(describeThrown(42), { text: "42", value: true });
  assert.deepEqual(describeThrown(null), { text: "null", value: true });
  assert.deepEqual(describeThrown(undefined), { text: "undefined", value: true });
  assert.equal(describeThrown("oops").text, '"oops"');
  assert.equal(describeThrown({ a: 1 }).text, '{"a":1}');
  assert.equal(describeThrown(new RangeError("Cannot matmul")).text, "Cannot matmul");
  assert.equal(describeThrown(new TypeError("")).text, "TypeError");
  const hostile = {
    toJSON() {
      throw new Error("no");
    },
  };
  assert.equal(describeThrown(hostile).text, "[object Object]");
});

Deno.test("a call reports what gradients() returned, by id and bytes, and how it ended", () => {
  const { marks } = setUp();
  const t = tensor([1, 2]);
  const report = callGradients(() => ({ dprobs: t, again: t, n: 5, gone: undefined }), inputOf());
  assert.equal(report.ended, "returned");
  assert.equal(report.returned!.dprobs, report.returned!.again, "one tensor under two names: one id");
  assert.equal(report.returned!.n, "a number");
  assert.equal(report.returned!.gone, "undefined");
  assert.deepEqual(bytes(report.tensors[report.returned!.dprobs as number]), [1, 2]);
  assert.deepEqual(marks, ["timer gradients", "timer off"]);
  assert.equal(callGradients(() => Promise.resolve({}), inputOf()).ended, "promise");
  assert.equal(callGradients(() => ({ then() {} }), inputOf()).ended, "promise");
  assert.equal(callGradients(undefined, inputOf()).ended, "no-function");
  const threw = callGradients(() => {
    throw null;
  }, inputOf());
  assert.deepEqual([threw.ended, threw.threw], ["threw", { text: "null", value: true }]);
});

Deno.test("a call reports a forward tensor changed in place, and the forward tensors' storage", () => {
  setUp();
  const input = inputOf();
  const report = callGradients((i: ExerciseInput) => ({ dprobs: i.fwd.probs }), input);
  input.fwd.probs.data[0] = 1;
  assert.deepEqual(report.changedForward, []);
  const changed = callGradients((i: ExerciseInput) => (i.fwd.probs.data[0] = 9, {}), inputOf());
  assert.deepEqual(changed.changedForward, ["probs"]);
  assert.equal(report.tensors[report.returned!.dprobs as number].buffer, report.forward["fwd.probs"]);
});

Deno.test("in the call as written, a hooked line records its value at the line, and a throw ends the call", () => {
  setUp();
  const report = callGradients(() => {
    const dprobs = fix(enter("dprobs", 10), () => mul(tensor([1, 2]), 2));
    dprobs.data[0] = 5; // finished in place after its line
    fix(enter("dcounts", 12), () => {
      throw new RangeError("Cannot multiply");
    });
    return { dprobs };
  }, inputOf());
  assert.equal(report.ended, "threw");
  assert.equal(report.threwIn, "dcounts");
  assert.deepEqual(bytes(report.recorded.dprobs.atLine), [2, 4]);
  assert.deepEqual(bytes(report.tensors[report.recorded.dprobs.id]), [5, 4]);
  assert.equal(report.recorded.dprobs.atLine.todo, undefined);
  const stub = callGradients(() => ({ dprobs: fix("dprobs", () => todo(tensor([1]))) }), inputOf());
  assert.equal(stub.tensors[stub.recorded.dprobs.id].todo, true, "an untouched todo is sent as one");
});

Deno.test("in the fed call, a line commits its own value before it gets the correct one, also when it throws", () => {
  const { commits } = setUp({ substitutes: ["dprobs", "dcounts"], late: [], shapes: { dprobs: [2], dcounts: [2] } });
  let got: Tensor[] = [];
  const report = callGradients(() => {
    const dprobs = fix(enter("dprobs", 10), () => tensor([1, 2]));
    const dcounts = fix(enter("dcounts", 12), (): Tensor => {
      throw 42;
    });
    got = [dprobs, dcounts];
    return { dprobs, dcounts };
  }, inputOf());
  assert.equal(report.ended, "returned", "the line that threw was handed over, and the call went on");
  assert.deepEqual(got.map((t) => [...t.data]), [[7, 7], [7, 7]]);
  assert.equal(commits[0].name, "dprobs");
  assert.deepEqual(bytes(commits[0].value as { f32: string; shape: number[] }), [1, 2], "its own value, first");
  assert.deepEqual(commits[1], { name: "dcounts", value: { threw: { text: "42", value: true } } });
});

Deno.test("in the fed call, a gradient finished in place is committed when a line that uses it starts", () => {
  const { commits } = setUp({ substitutes: ["dprobs"], late: ["dprobs"], shapes: { dprobs: [2] } });
  let seen: number[] = [];
  callGradients(() => {
    const dprobs = fix(enter("dprobs", 10), () => tensor([0, 0]));
    dprobs.data[1] = 3; // finished after its line
    assert.equal(commits.length, 0, "not yet: it is not finished at its line");
    const dcounts = fix(enter("dcounts", 12), () => mul(dprobs, 1));
    seen = [...dcounts.data];
    return { dprobs, dcounts };
  }, inputOf());
  assert.deepEqual(bytes(commits[0].value as { f32: string; shape: number[] }), [0, 3]);
  assert.deepEqual(seen, [7, 7], "the line below got the correct values");
});

Deno.test("a pattern's gradients are each recorded in the call as written, and the value is the learner's own", () => {
  setUp();
  const own = { dx: tensor([1, 2]), dw: tensor([3, 4]), extra: 5 };
  let got: unknown;
  const report = callGradients(() => {
    got = fixEach(enterEach([["dprobs", 10, ["dx"]], ["dcounts", 12, ["dw"]]]), () => own);
    return {};
  }, inputOf());
  assert.equal(got, own, "nothing handed over: the very object");
  assert.deepEqual(bytes(report.recorded.dprobs.atLine), [1, 2]);
  assert.deepEqual(bytes(report.recorded.dcounts.atLine), [3, 4]);
  setUp();
  const threw = callGradients(() => fixEach([["dprobs", 10, [0]], ["dcounts", 12, [1]]], () => [][0]!), inputOf());
  assert.equal(threw.ended, "returned", "a missing element is the learner's destructuring's business");
  const broken = callGradients(() =>
    fixEach([["dprobs", 10, ["dx"]]], () => {
      throw new RangeError("Cannot multiply");
    }), inputOf());
  assert.deepEqual([broken.ended, broken.threwIn], ["threw", "dprobs"]);
});

Deno.test("in the fed call, a pattern's gradients are each committed and read back correct, also when it throws", () => {
  const { commits } = setUp({ substitutes: ["dprobs", "dcounts"], late: [], shapes: { dprobs: [2], dcounts: [2] } });
  let got: number[][] = [];
  callGradients(() => {
    const { dx: dprobs, more: [, dcounts], n } = fixEach(
      enterEach([["dprobs", 10, ["dx"]], ["dcounts", 10, ["more", 1]]]),
      () => ({ dx: tensor([1, 2]), more: [0, tensor([3, 4])], n: 5 }),
    );
    got = [[...dprobs.data], [...(dcounts as Tensor).data], [n]];
    return {};
  }, inputOf());
  assert.deepEqual(got, [[7, 7], [7, 7], [5]], "the correct values, and the rest as the learner's");
  assert.deepEqual(commits.map((c) => [c.name, bytes(c.value as { f32: string; shape: number[] })]), [
    ["dprobs", [1, 2]],
    ["dcounts", [3, 4]],
  ]);
  commits.length = 0;
  callGradients(() => {
    const { dx: dprobs } = fixEach([["dprobs", 10, ["dx"]]], (): { dx: Tensor } => {
      throw 42;
    });
    got = [[...dprobs.data]];
    return {};
  }, inputOf());
  assert.deepEqual(commits, [{ name: "dprobs", value: { threw: { text: "42", value: true } } }]);
  assert.deepEqual(got, [[7, 7]], "the lines below get the correct value");
});
