import assert from "node:assert/strict";
import { exerciseNotebook } from "./exercise.ts";
import { sources } from "./ipynb.ts";

const STUB = `// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 4. Yours
 *
 * Replace each \`todo(...)\` with your gradient, then check your work with
 *
 *     deno task exercise 4
 *
 * which says which are right. \`deno task exercise 4 --watch\` checks again
 * every time you save.
 *
 * The tensor functions are those of lib/tensor.ts.
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

const CHECK = {
  name: "notebookChecker",
  input: "exerciseInput",
  summary: "notebookSummary",
  module: "lib/commands/exercise/notebook_api.ts",
};
const notes = [{ name: "dh", forward: "logits = h @ W2 + b2" }, { name: "dhpreact", forward: "h = tanh(hpreact)" }];

Deno.test("each todo of a stub becomes a cell that checks itself and hands on a correct value", () => {
  const cells = sources(
    exerciseNotebook({ path: "chapters/exercises/04_x.ts", text: STUB }, notes, "chapters/notebooks/exercises", CHECK),
  );
  assert.match(cells[0][1], /^# Exercise 4\. Yours\n\nReplace each `todo\(\.\.\.\)` inside `check\("…", \(\) => …\)` /);
  assert.match(cells[0][1], /the check type-checks your function as `deno task exercise 4` type-checks a file/);
  assert.match(cells[0][1], /prints under the cell the verdict that command gives for that line/);
  assert.match(cells[0][1], /--hint NAME --level 3` the structure of the answer/);
  assert.doesNotMatch(cells[0][1], /then check your work with|--watch/);
  assert.match(cells[0][1], /\n\nThe tensor functions are those of lib\/tensor\.ts\.\n\n## In this notebook/);
  assert.match(cells[0][1], /save a copy in this same folder .*`mine_04_x\.ipynb`.*`Module not found`/s);
  assert.equal(
    cells[1][1],
    'import { mul } from "../../../lib/tensor.ts";\nimport { type ExerciseInput, todo } from "../../../lib/exercise/checker.ts";\n' +
      'import { exerciseInput, notebookChecker, notebookSummary } from "../../../lib/commands/exercise/notebook_api.ts";',
  );
  assert.equal(
    cells[3][1],
    "const { fwd, params } = exerciseInput();\nconst check = notebookChecker(4);\n// h = tanh(hpreact)\nconst { h } = fwd;",
  );
  assert.deepEqual(cells.slice(4, 8), [
    ["markdown", "### `dh`\n\ndh inverts `logits = h @ W2 + b2`."],
    ["code", 'let dh = check("dh", () => todo(h)); // [n, 64]'],
    ["markdown", "### `dhpreact`\n\ndhpreact inverts `h = tanh(hpreact)`."],
    ["code", 'let dhpreact = check("dhpreact", () => todo(hpreact)); // [n, 64]'],
  ]);
  assert.equal(cells.at(-1)![1], "console.log(notebookSummary(4));");
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
  assert.throws(
    () => exerciseNotebook({ path: "x/04_x.ts", text: STUB.replace("every time you save.", "") }, notes, dir, CHECK),
    { message: /x\/04_x\.ts: its doc must say how to check/ },
  );
});

Deno.test("an exercise that trains ends with the whole function to fill in and the call that trains with it", () => {
  const train = { ...CHECK, train: "trainInNotebook" };
  const cells = sources(
    exerciseNotebook({ path: "chapters/exercises/09_x.ts", text: STUB }, notes, "chapters/notebooks/exercises", train),
  );
  assert.match(cells[1][1], /import \{ exerciseInput, notebookChecker, notebookSummary, trainInNotebook \} from/);
  const at = cells.findIndex(([, text]) => text === "console.log(notebookSummary(9));");
  assert.match(cells[at + 1][1], /^## Training with your backward pass\n\nThe lecture's exercise 4\./);
  assert.equal(cells[at + 2][1], STUB.slice(STUB.indexOf("function gradients("), -1));
  assert.equal(cells[at + 3][1], "trainInNotebook(9, gradients);");
  assert.equal(cells.length, at + 4);
});
