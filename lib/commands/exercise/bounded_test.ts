// The output of a bounded process, read without permissions: marks go to
// their handler wherever they start in a line, and the learner's lines are
// kept up to a count and a size, the rest only counted.

import assert from "node:assert/strict";
import { LineReader } from "./bounded.ts";
import { MARK } from "../../exercise/marks.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("marks are found wherever a line carries one, also split across chunks", () => {
  const marks: string[] = [];
  const reader = new LineReader({ deadlineMs: 0 }, (m) => marks.push(m));
  const text = `hello\nno newline yet${MARK}timer off\n${MARK}at in 66 dprobs\nlast`;
  for (let i = 0; i < text.length; i += 3) reader.push(bytes(text.slice(i, i + 3)));
  reader.end();
  assert.deepEqual(marks, ["timer off", "at in 66 dprobs"]);
  assert.deepEqual(reader.out, ["hello", "no newline yet", "last"]);
});

Deno.test("the learner's lines are kept up to the bounds, and the rest counted", () => {
  const reader = new LineReader({ deadlineMs: 0, keepLines: 3, keepBytes: 1000 }, () => {});
  reader.push(bytes("x\n".repeat(10)));
  assert.deepEqual([reader.out.length, reader.cut], [3, 7]);
  const bySize = new LineReader({ deadlineMs: 0, keepLines: 100, keepBytes: 200 }, () => {});
  bySize.push(bytes(`${"a".repeat(90)}\n${"b".repeat(100)}\n${"c".repeat(50)}\n`));
  assert.deepEqual(
    bySize.out,
    ["a".repeat(80) + "… (90 bytes)", "b".repeat(80) + "… (100 bytes)"],
    "long lines in part",
  );
  assert.equal(bySize.cut, 1, "then nothing more fits");
});
