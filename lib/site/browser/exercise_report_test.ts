import assert from "node:assert/strict";
import { marksIn, type Prepared, reportCheck } from "./exercise_report.ts";

const shown = "chapters/yours/03_cross_entropy.ts";
const prepared: Prepared = { code: "", lines: { dlogprobs: 2, dprobs: 4 }, column: (_, c) => c, lastLine: 5 };

Deno.test("a verdict's detail and a located message become marks at their lines", () => {
  const text = `${shown}:3:7: \`*\` does not multiply tensors: write a.mul(b) or mul(a, b)\n    x * y\n      ^\n\n` +
    "line 4, dprobs: the sign is flipped:\n    it is minus the right answer\nline 2, dlogprobs (right): exact";
  const marks = marksIn(text, shown);
  assert.deepEqual(marks.map((m) => [m.line, m.column, m.severity]), [[3, 7, "error"], [4, 1, "error"], [
    2,
    1,
    "info",
  ]]);
  assert.equal(marks[0].message, "`*` does not multiply tensors: write a.mul(b) or mul(a, b)");
  assert.equal(marks[1].message, "dprobs: the sign is flipped: it is minus the right answer");
});

Deno.test("type errors read as the terminal's: counted, located, with the line and a caret", () => {
  const text = "const a = 1;\nconst b = a * c;\n";
  const said = reportCheck(
    {
      types: [{
        code: "TS2304",
        message: "Cannot find name 'c'.",
        sourceLine: "const b = a * c;",
        line: 2,
        column: 15,
      }],
    },
    shown,
    text,
  );
  const [head, , located, line, caret] = said.text.replace(/\n(?! {4})(?=\S)(?!chapters)/g, " ").split("\n");
  assert.equal(head, `${shown} has a type error, so it was not run:`);
  assert.match(located, new RegExp(`^${shown}:2:15: .*Cannot find name 'c'\\.$`));
  assert.deepEqual([line, caret], ["    const b = a * c;", "                  ^"]);
  assert.equal(said.code, 1);
  assert.deepEqual(said.marks.map((m) => m.line), [2]);
});

Deno.test("a runaway gradients() is said with where it ran, and marked at that line", () => {
  const said = reportCheck(
    {
      run: {
        prepared,
        out: [],
        cut: 0,
        stop: { why: "timer", what: "gradients", reached: ["at", "after", "2", "dlogprobs"] },
      },
    },
    shown,
    "a\nb\nc\nd\ne",
  );
  assert.match(
    said.text.replace(/\s+/g, " "),
    /It was running after line 2 \(dlogprobs\), before line 4 \(dprobs\) of /,
  );
  assert.deepEqual(said.marks.map((m) => m.line), [2]);
});

Deno.test("the learner's output comes first, its places in the program named in the file, then what was cut", () => {
  const verdict = { text: "All 2 gradients of exercise 3 are right. Well done!", code: 0 };
  const said = reportCheck(
    { run: { prepared, out: ["at data:application/typescript;base64,learner:3:9"], cut: 2, verdict } },
    shown,
    "",
  );
  assert.equal(said.text, `at ${shown}:3:9\n… 2 more lines cut\n\n${verdict.text}`);
  assert.equal(said.code, 0);
});

Deno.test("the status line's summary: the errors that kept the file from running, or how many gradients are right", () => {
  const error = {
    code: "TS2304",
    message: "Cannot find name 'c'.",
    sourceLine: "const b = a * c;",
    line: 2,
    column: 15,
  };
  const text = "const a = 1;\nconst b = a * c;\nconst d = e;\n";
  const other = { ...error, message: "Cannot find name 'e'.", sourceLine: "const d = e;", line: 3, column: 11 };
  assert.equal(reportCheck({ types: [error, other] }, shown, text).summary, "2 type errors, nothing run");
  const syntax = { ...error, code: "TS1005", message: "';' expected." };
  assert.equal(reportCheck({ types: [syntax] }, shown, text).summary, "1 syntax error, nothing run");
  const refused = [{ line: 1, column: 1, message: "no" }, { line: 2, column: 1, message: "no" }];
  assert.equal(reportCheck({ refused }, shown, text).summary, "2 imports refused, nothing run");
  const ran = (code: number, done: number, of: number) =>
    reportCheck({ run: { prepared, out: [], cut: 0, verdict: { text: "", code, right: { done, of } } } }, shown, "")
      .summary;
  assert.equal(ran(1, 3, 9), "3 of 9 gradients right");
  assert.equal(ran(1, 0, 1), "0 of 1 gradient right");
  assert.equal(ran(0, 9, 9), "all 9 right");
  assert.equal(ran(1, 9, 9), "all 9 right, but see What the checker says");
  const stopped = { prepared, out: [], cut: 0, stop: { why: "timer" as const, what: "gradients" } };
  assert.equal(reportCheck({ run: stopped }, shown, "").summary, "stopped at the time limit, nothing checked");
});
