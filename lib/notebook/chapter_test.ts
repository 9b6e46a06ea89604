import assert from "node:assert/strict";
import { chapterNotebook } from "./chapter.ts";
import { sources } from "./ipynb.ts";

const CHAPTER = `/**
 * # Chapter 4. A lesson
 *
 * @module
 */

import { mul } from "../lib/tensor.ts";
import { checkStage } from "../lib/check/stage.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";

/** This chapter's title. */
export const title = "A lesson";

export function backpropTanh(dlogits: Tensor, fwd: Forward): Grads {
  const { h } = fwd;

  // ### logits = h @ W2
  //
  // Prose one.
  let dh = mul(dlogits, 2); // [n, 64]

  // ### h = tanh(hpreact)
  //
  // Prose two.
  dh = mul(dh, 3); // [n, 64]
  const dhpreact = mul(h, dh); // [n, 64]

  return { dh, dhpreact };
}

export function run(): boolean {
  heading(4, title);
  const { params, batch, fwd } = lectureForward();
  const g = backpropTanh(dlogits, fwd);
  say(\`One

  paragraph\`);

  // ## A section
  //
  // Its prose.
  if (bad) return false;
  return checkStage({ h: g.dh }, ref);
}

if (import.meta.main && !run()) Deno.exitCode = 1;
`;

const cells = sources(chapterNotebook({ path: "chapters/04_tanh.ts", text: CHAPTER }, "chapters/notebooks"));

Deno.test("a lesson function becomes a setup cell and a markdown and code cell per step", () => {
  assert.equal(cells[0][0], "markdown");
  assert.match(
    cells[0][1],
    /^# Chapter 4\. A lesson\n\n\*This notebook is made from \[`chapters\/04_tanh\.ts`\]\(\.\.\/04_tanh\.ts\)/,
  );
  assert.equal(
    cells[1][1],
    [
      'import { mul } from "../../lib/tensor.ts";',
      'import { checkStage } from "../../lib/check/stage.ts";',
      'import { referenceGradients } from "../../lib/check/reference.ts";',
      'import { lectureForward } from "../02_forward.ts";',
      'import { backpropCrossEntropy } from "../03_cross_entropy.ts";',
      'import { backpropTanh } from "../04_tanh.ts";',
    ].join("\n"),
  );
  assert.match(cells[2][1], /body of `backpropTanh`/);
  assert.match(cells[3][1], /^const \{ params, batch, fwd \} = lectureForward\(\);.*\nconst \{ Xb, Yb \} = batch;/);
  assert.match(cells[3][1], /\nconst \{ dlogits \} = backpropCrossEntropy\(fwd, Yb\);/);
  assert.deepEqual(cells.slice(4, 9), [
    ["code", "const { h } = fwd;"],
    ["markdown", "### logits = h @ W2\n\nProse one."],
    ["code", "let dh = mul(dlogits, 2); // [n, 64]"],
    ["markdown", "### h = tanh(hpreact)\n\nProse two."],
    [
      "code",
      "dh = mul(dh, 3); // [n, 64]\nconst dhpreact = mul(h, dh); // [n, 64]\n\n" +
      "void checkStage({ h: dh, hpreact: dhpreact }, ref); // this step's row of the lecture's table",
    ],
  ]);
});

Deno.test("run() becomes the last cells, a paragraph at a time, using the cells' own gradients", () => {
  const at = cells.findIndex(([, text]) => text.startsWith("## Running the chapter"));
  assert.deepEqual(cells.slice(at + 1), [
    [
      "code",
      "const { params, batch, fwd } = lectureForward();\nconst g = { dh, dhpreact };\nsay(`One\n\n  paragraph`);",
    ],
    ["markdown", "## A section\n\nIts prose."],
    [
      "code",
      'if (bad) throw new Error("A check of chapter 4 failed: see the output above.");\n' +
      'if (!(checkStage({ h: g.dh }, ref))) throw new Error("A check of chapter 4 failed: see the output above.");',
    ],
  ]);
  assert.ok(!cells.some(([, text]) => /title =|heading\(|import\.meta\.main/.test(text)));
});

Deno.test("a forward pass starts from chapter 1's batch and shows what its last step computed", () => {
  const forward = `/**
 * # Chapter 2. Forward
 *
 * @module
 */

import { setup } from "./01_data_and_model.ts";

export function forward(params: Params, Xb: IndexTensor, Yb: IndexTensor): Forward {
  // ### The loss
  const loss = 3; // a number
  return { loss };
}
`;
  const cells = sources(chapterNotebook({ path: "chapters/02_forward.ts", text: forward }, "chapters/notebooks"));
  assert.equal(
    cells[1][1],
    'import { setup } from "../01_data_and_model.ts";\nimport { forward } from "../02_forward.ts";',
  );
  assert.match(cells[3][1], /^const \{ params, batch \} = setup\(\);.*\nconst \{ Xb, Yb \} = batch;.*$/);
  assert.deepEqual(cells.slice(4), [
    ["markdown", "### The loss"],
    ["code", 'const loss = 3; // a number\n\nconsole.log("loss =", loss);'],
  ]);
});
