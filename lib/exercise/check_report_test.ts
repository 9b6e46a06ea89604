import assert from "node:assert/strict";
import {
  deadlineText,
  loadText,
  refusalText,
  refusedText,
  runText,
  seconds,
  timerText,
  typeErrorsText,
} from "./check_report.ts";
import type { CallReport } from "./wire.ts";

const flat = (text: string) => text.replace(/\s+/g, " ");

Deno.test("a runaway gradients() is said with where it ran: between two hooked lines, in one, or before the first", () => {
  const lines = { dlogprobs: 2, dprobs: 4 };
  const after = timerText({ what: "gradients", reached: ["at", "after", "2", "dlogprobs"] }, lines, "f.ts", 5000);
  assert.match(after, /It was running after line 2 \(dlogprobs\), before line 4 \(dprobs\) of f\.ts: is there a loop/);
  const inside = timerText({ what: "gradients", reached: ["at", "in", "4", "dprobs"] }, lines, "f.ts", 5000);
  assert.match(inside, /It was running in line 4 \(dprobs\) of f\.ts/);
  assert.match(timerText({ what: "gradients" }, lines, "f.ts", 5000), /running before line 2 \(dlogprobs\)/);
  assert.match(timerText({ what: "gradients" }, {}, "f.ts", 5000), /stopped: is there a loop that never ends\?$/);
  assert.match(timerText({ what: "load" }, lines, "f.ts", 2500), /^The top level of f\.ts ran for 2\.5 s without/);
});

Deno.test("the deadline names the time taken and the limit, in seconds to a tenth", () => {
  assert.equal(seconds(12_345), "12.3 s");
  assert.equal(
    deadlineText("f.ts", 20_100, 20_000, "whatever it does."),
    "The run of f.ts took 20.1 s in all without finishing, so it was stopped: a run is stopped after 20 s, whatever it does.",
  );
});

Deno.test("a top level that threw is located when the place is in the file, and a refusal is said plainly", () => {
  const report = (threw: CallReport["threw"]): CallReport => ({
    ended: "load",
    threw,
    tensors: {},
    recorded: {},
    forward: {},
    changedForward: [],
  });
  const at = { line: 3, column: 9 };
  assert.equal(
    loadText(report({ text: "boom", at }), () => "f.ts:3:9", "f.ts"),
    "f.ts could not be run:\n\nf.ts:3:9: boom",
  );
  assert.equal(
    loadText(
      report({ text: 'Requires net access to "x.org", run again with the --allow-net flag' }),
      () => undefined,
      "f.ts",
    ),
    'f.ts could not be run: it threw your code may not connect to "x.org": exercise code runs with no permissions',
  );
  assert.equal(
    loadText(report({ text: "42", value: true }), () => undefined, "f.ts"),
    "f.ts could not be run: it threw 42",
  );
});

Deno.test("refused imports and type errors are counted and located", () => {
  const refused = refusedText([{ line: 1, column: 8, message: '"x" is refused' }], "f.ts", ["import x from 'x';"]);
  assert.equal(
    refused,
    "f.ts imports what an exercise file may not, so it was not run:\n\n" +
      "f.ts:1:8: \"x\" is refused\n    import x from 'x';\n           ^",
  );
  assert.equal(typeErrorsText(["f.ts:1:1: a"], "f.ts"), "f.ts has a type error, so it was not run:\n\nf.ts:1:1: a");
});

Deno.test("the learner's output comes first, its places in the program named in the file, then what was cut", () => {
  const prepared = { column: (_: number, c: number) => c - 1 };
  const out = ["at data:application/typescript;base64,learner:3:9", "at data:application/typescript;base64,AbC+/=:4:2"];
  const said = runText({ prepared, out, cut: 1, verdict: { text: "v", code: 0 } }, undefined, "f.ts", []);
  assert.deepEqual(said, { text: "at f.ts:3:8\nat f.ts:4:1\n… 1 more line cut\n\nv", code: 0 });
  const stopped = runText({ prepared, out: [], cut: 0 }, "It stopped at f.ts:1:2: x", "f.ts", ["ab"]);
  assert.deepEqual(flat(stopped.text), flat("It stopped at f.ts:1:2: x\n    ab\n     ^"));
  assert.equal(stopped.code, 1);
});

Deno.test("an import refused says what may be imported, and the checker's old home says the line to write", () => {
  assert.match(
    refusalText("https://x.org/m.ts", "../l.ts"),
    /^"https:\/\/x\.org\/m\.ts" is refused: an exercise file may import only/,
  );
  assert.equal(
    refusalText("../../lib/exercise/checker.ts", "../../lib/exercise/learner.ts"),
    'todo and ExerciseInput now come from lib/exercise/learner.ts: write import { type ExerciseInput, todo } from "../../lib/exercise/learner.ts";',
  );
});
