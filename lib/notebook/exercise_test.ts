import assert from "node:assert/strict";
import { exerciseNotebook } from "./exercise.ts";
import { sources } from "./ipynb.ts";

const STUB = `// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 4. Yours
 *
 * @module
 */

import { mul } from "../../lib/tensor.ts";
import { type ExerciseInput, todo } from "../../lib/exercise/checker.ts";

/** Your gradients. */
export function gradients({ fwd, params }: ExerciseInput): Record<string, Tensor> {
  // h = tanh(hpreact)
  const { h } = fwd;

  const dh = todo(h); // [n, 64]
  const dhpreact = todo(hpreact); // [n, 64]

  return { dh, dhpreact };
}
`;

const CHECK = { name: "checkInNotebook", input: "exerciseInput", module: "lib/commands/notebook_check.ts" };
const notes = [{ name: "dh", forward: "logits = h @ W2 + b2" }, { name: "dhpreact", forward: "h = tanh(hpreact)" }];

Deno.test("each todo of a stub becomes a cell that checks itself with everything computed so far", () => {
  const cells = sources(
    exerciseNotebook({ path: "chapters/exercises/04_x.ts", text: STUB }, notes, "chapters/notebooks/exercises", CHECK),
  );
  assert.match(cells[0][1], /^# Exercise 4\. Yours\n\n## In this notebook/);
  assert.equal(
    cells[1][1],
    'import { mul } from "../../../lib/tensor.ts";\nimport { type ExerciseInput, todo } from "../../../lib/exercise/checker.ts";\n' +
      'import { exerciseInput, checkInNotebook } from "../../../lib/commands/notebook_check.ts";',
  );
  assert.equal(cells[3][1], "const { fwd, params } = exerciseInput();\n// h = tanh(hpreact)\nconst { h } = fwd;");
  assert.deepEqual(cells.slice(4, 8), [
    ["markdown", "### `dh`\n\ndh inverts `logits = h @ W2 + b2`."],
    ["code", 'const dh = todo(h); // [n, 64]\n\ncheckInNotebook(4, { dh }, "dh");'],
    ["markdown", "### `dhpreact`\n\ndhpreact inverts `h = tanh(hpreact)`."],
    ["code", 'const dhpreact = todo(hpreact); // [n, 64]\n\ncheckInNotebook(4, { dh, dhpreact }, "dhpreact");'],
  ]);
  assert.equal(cells.at(-1)![1], "checkInNotebook(4, { dh, dhpreact });");
});

Deno.test("a stub without todo lines or a gradient the spec does not know is refused", () => {
  const dir = "chapters/notebooks/exercises";
  assert.throws(
    () => exerciseNotebook({ path: "x/04_x.ts", text: STUB.replaceAll("todo(", "f(") }, notes, dir, CHECK),
    {
      message: /must assign each gradient with todo/,
    },
  );
  assert.throws(() => exerciseNotebook({ path: "x/04_x.ts", text: STUB }, notes.slice(0, 1), dir, CHECK), {
    message: "x/04_x.ts: the exercise has no gradient dhpreact",
  });
});
