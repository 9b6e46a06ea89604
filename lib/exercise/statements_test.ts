// The statements of a pasted line, each alone at its own columns.

import assert from "node:assert/strict";
import { statementAt, statementOf, statementSpans } from "./statements.ts";

const LECTURE = "  dlogits = F.softmax(logits, 1); dlogits[range(n), Yb] -= 1; dlogits /= n // [n, 27]";

Deno.test("a line is split at each ; outside brackets and strings, its comment going with the last statement", () => {
  const texts = statementSpans(LECTURE).map((s) => LECTURE.slice(s.start, s.end).trim());
  assert.deepEqual(texts, [
    "dlogits = F.softmax(logits, 1);",
    "dlogits[range(n), Yb] -= 1;",
    "dlogits /= n // [n, 27]",
  ]);
  assert.equal(statementSpans('f(";"); g(a; b)').length, 2);
  assert.equal(statementSpans("  const d = a; // b; c").length, 1);
  assert.equal(statementSpans("").length, 1);
});

Deno.test("the statement at a column is alone on its line, at the same columns", () => {
  const column = LECTURE.indexOf("range") + 1;
  const alone = statementOf(LECTURE, column);
  assert.equal(alone.length, LECTURE.length);
  assert.equal(alone.trim(), "dlogits[range(n), Yb] -= 1;");
  assert.equal(alone.indexOf("range") + 1, column);
  assert.equal(statementOf(LECTURE, LECTURE.length).trim(), "dlogits /= n // [n, 27]");
  assert.deepEqual(statementAt("a = 1; b = 2;", 6), { start: 0, end: 6 });
});
