import assert from "node:assert/strict";
import { LINES_ABOVE, workPlace } from "./exercise_place.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { pageStub } from "../exercise_build.ts";

/** The 1-based line of an offset in `text`. */
const lineOf = (text: string, offset: number) => text.slice(0, offset).split("\n").length;

Deno.test("the editor opens on the first todo of the code, the function's line in sight, in every page's stub", () => {
  for (const spec of Object.values(EXERCISES)) {
    const stub = pageStub(spec.stub, spec.chapter === 9);
    const { cursor, top } = workPlace(stub);
    const first = spec.gradients[0].name;
    assert.match(stub.slice(cursor), new RegExp(`^todo\\(`), `exercise ${spec.chapter}`);
    assert.match(stub.split("\n")[lineOf(stub, cursor) - 1], new RegExp(`^\\s*const ${first} = todo\\(`));
    assert.match(stub.slice(top), /^export function gradients\(/, `exercise ${spec.chapter}: the function in sight`);
    assert.ok(lineOf(stub, cursor) - lineOf(stub, top) <= LINES_ABOVE);
  }
});

Deno.test("todo( in a comment or the import does not count; without a todo, the function; without it, the top", () => {
  const text = [
    "/** Replace each `todo(...)` with your gradient. */",
    'import { type ExerciseInput, todo } from "../../lib/exercise/learner.ts";',
    "export function gradients() {",
    "  // dx = todo(x) was here",
    "  const dx = mul(x, 2); // not todo(x)",
    "  const dy = todo(y); // [n, 27]",
    "}",
  ].join("\n");
  const { cursor, top } = workPlace(text);
  assert.equal(text.slice(cursor, cursor + 7), "todo(y)");
  assert.equal(text.slice(top, top + 15), "export function");
  const done = text.replace("todo(y)", "mul(y, 3)");
  assert.deepEqual(workPlace(done), { cursor: done.indexOf("export"), top: done.indexOf("export") });
  assert.deepEqual(workPlace("const x = 1;\n"), { cursor: 0, top: 0 });
});

Deno.test("a todo far below the function: the lines just above the cursor are in sight", () => {
  const text = ["export function gradients() {", ...Array(30).fill("  // the forward pass"), "  const dx = todo(x);"]
    .join("\n");
  const { cursor, top } = workPlace(text);
  assert.equal(lineOf(text, cursor), 32);
  assert.equal(lineOf(text, top), 18);
});
