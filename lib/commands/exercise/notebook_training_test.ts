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
});
