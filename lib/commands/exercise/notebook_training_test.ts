// The notebook's training cell on the stub; training_fs_test.ts trains with a whole backward pass.

import assert from "node:assert/strict";
import { trainInNotebook } from "./notebook_training.ts";
import { quietly } from "../../testing.ts";
import * as stub from "../../../chapters/exercises/09_training.ts";

Deno.test("in a notebook, the stub is checked and nothing is trained", async () => {
  const { output } = await quietly(() => trainInNotebook(9, stub.gradients, 10));
  assert.match(output, /dlogits\s+TODO/);
  assert.match(output, /Training starts once every gradient is right/);
  assert.doesNotMatch(output, /step \d+ of/);
  assert.match(output.replace(/\s+/g, " "), /your gradients\(\) cell has not run since\. Deno's kernel refuses/);
});

Deno.test("a function with a gradient written is not told its cell did not run", async () => {
  const some = (input: Parameters<typeof stub.gradients>[0]) => ({
    ...stub.gradients(input),
    dlogits: input.dlogits.mul(2),
  });
  const { output } = await quietly(() => trainInNotebook(9, some, 10));
  assert.match(output, /dlogits\s+wrong/);
  assert.doesNotMatch(output, /has not run since/);
});
