// A learner's file as people write it: without semicolons (each statement
// ends where the language ends it, whatever the next line starts with), and
// with a helper of its own that returns several gradients at once, taken
// apart by a pattern. Needs --allow-read --allow-write --allow-run; plain
// `deno test` skips these visibly and .ci/run runs them.

import assert from "node:assert/strict";
import { canUseFiles, checkText, edited, fsTest as test, SKIP, solvedStub } from "./testing.ts";

if (!canUseFiles) console.log(`asi_fs_test.ts: ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) => test("asi_fs_test.ts", name, fn);

/** `text` with the `;` that ends each line removed (before a trailing comment too). */
const withoutSemicolons = (text: string) => text.replace(/;([ \t]*(?:\/\/[^\n]*)?)$/gm, "$1");

fsTest("every exercise's solution with no semicolon at all passes", async (workspace) => {
  for (const chapter of [3, 4, 5, 6, 7, 8, 9]) {
    const text = withoutSemicolons(solvedStub(chapter));
    assert.doesNotMatch(text, /;\s*$/m);
    const { result, output } = await checkText(workspace, chapter, text, { trainSteps: 20 });
    assert.equal(result, 0, `exercise ${chapter}:\n${output}`);
    assert.match(output, new RegExp(`(All \\d+ gradients|The 1 gradient) of exercise ${chapter} (are|is) right`));
  }
});

fsTest(
  "a gradient's line without a `;`, then a line that prints: the check runs and the print shows",
  async (workspace) => {
    const text = edited(withoutSemicolons(solvedStub(4)), [[
      /(const dh = dlogits\.matmul\(W2\.T\))[^\n]*/,
      "$1\n  console.log(`dh is ${dh.shape}`)\n  // a comment, then a line that starts with (\n  ;(dh.shape)",
    ]]);
    const { result, output } = await checkText(workspace, 4, text);
    assert.equal(result, 0, output);
    assert.match(output, /^dh is 32,64$/m);
    assert.match(output, /All 4 gradients of exercise 4 are right/);
    assert.doesNotMatch(output, /SyntaxError|could not be run/);
  },
);

fsTest(
  "a helper that returns several gradients: each is judged on its line, and the next line's error is shown on its own",
  async (workspace) => {
    const helper = [
      "function linearBackward(x: Tensor, w: Tensor, dout: Tensor) {",
      "  return { dx: dout.matmul(w.T), dw: x.T.matmul(dout), db: dout.sum(0) }",
      "}",
      "",
      "/** Your gradients of the second",
    ].join("\n");
    const text = edited(solvedStub(4), [
      ["/** Your gradients of the second", helper],
      [
        /const dh = .*\n\s*const dW2 = .*\n\s*const db2 = .*/,
        "const { dx: dh, dw: dW2, db: db2 } = linearBackward(h, W2, dlogits);",
      ],
      [/const dhpreact = .*/, "const dhpreact = sub(1.0, h.pow(2)).mul(dh.T)"],
    ]);
    const { result, flat, lineOf } = await checkText(workspace, 4, text);
    assert.equal(result, 1);
    const at = lineOf("linearBackward(h, W2");
    for (const name of ["dh", "dW2", "db2"]) assert.match(flat, new RegExp(`${name} ${at} approximately equal`));
    const line = lineOf("const dhpreact");
    assert.match(flat, new RegExp(`dhpreact ${line} wrong`));
    assert.match(
      flat,
      new RegExp(
        `line ${line}, dhpreact: threw at \\S*04_output_layer\\.ts:${line}:\\d+: Cannot multiply \\[32, 64\\] and \\[64, 32\\]`,
      ),
    );
    assert.match(flat, /3 of 4 done\. Next: dhpreact/);
    assert.doesNotMatch(flat, /not reached|unreached|finish that first/);
  },
);
