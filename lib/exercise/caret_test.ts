import assert from "node:assert/strict";
import { caret, locate, withCaret } from "./caret.ts";

Deno.test("the caret stands under the column of the trimmed line, and at its start for a column in the indent", () => {
  assert.equal(caret(["    const b = a * c;"], 1, 19), "    const b = a * c;\n                  ^");
  assert.equal(caret(["    x"], 1, 2), "    x\n    ^");
  assert.equal(caret([], 3, 1), "    \n    ^");
});

Deno.test("a located message names the place, then shows the line", () => {
  assert.equal(locate("f.ts", ["a", "bad(x)"], 2, 5, "no"), "f.ts:2:5: no\n    bad(x)\n        ^");
});

Deno.test("the caret goes under a verdict's whole entry, or under the paragraph that names the place", () => {
  const lines = ["a", "dh = x;"];
  const verdict = "line 2, dh: wrong at f.ts:2:6:\n    more of it\nline 3, dW2: exact";
  assert.equal(
    withCaret(verdict, "f.ts", lines),
    "line 2, dh: wrong at f.ts:2:6:\n    more of it\n    dh = x;\n         ^\nline 3, dW2: exact",
  );
  const paragraphs = "It threw at f.ts:2:1: boom\nstill this paragraph\n\nnext";
  assert.equal(
    withCaret(paragraphs, "f.ts", lines),
    "It threw at f.ts:2:1: boom\nstill this paragraph\n    dh = x;\n    ^\n\nnext",
  );
  assert.equal(withCaret("no place here", "f.ts", lines), "no place here");
});
