import assert from "node:assert/strict";
import { editDistance } from "./spelling.ts";

Deno.test("editDistance counts inserts, deletes, replacements and swaps of neighbours", () => {
  assert.equal(editDistance("hiddne", "hidden"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("dbnBias", "dbnbias"), 1);
});
