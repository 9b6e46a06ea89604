import assert from "node:assert/strict";
import { changedInputs, type SiteStamp, staleReason, stampDigest } from "./stamp.ts";

const INPUTS = { "chapters/03_cross_entropy.ts": "aa", "deno.lock": "bb", "lib/tensor.ts": "cc" };
const OUTPUTS = { "index.html": { bytes: 8000, mtime: 5 }, "js/chapter.js": { bytes: 90000, mtime: 6 } };
const STAMP: SiteStamp = {
  deno: "2.1.4",
  inputs: INPUTS,
  outputs: OUTPUTS,
  pages: [{ file: "index.html", bytes: 8000 }],
  unreadable: [],
  builtAt: "2026-12-02T21:00:00.000Z",
  seconds: 20,
};

Deno.test("the stamp's digest changes when an input's contents, name or presence, or Deno, changes, and not otherwise", async () => {
  const digest = await stampDigest(INPUTS, "2.1.4");
  assert.match(digest, /^[0-9a-f]{12}$/);
  // The same inputs in another order, or copied: the same digest.
  const reordered = { "lib/tensor.ts": "cc", "deno.lock": "bb", "chapters/03_cross_entropy.ts": "aa" };
  assert.equal(await stampDigest(reordered, "2.1.4"), digest);
  assert.equal(await stampDigest({ ...INPUTS }, "2.1.4"), digest);
  const changed = [
    await stampDigest({ ...INPUTS, "lib/tensor.ts": "cd" }, "2.1.4"),
    await stampDigest({ ...INPUTS, "lib/new.ts": "dd" }, "2.1.4"),
    await stampDigest({ "chapters/03_cross_entropy.ts": "aa", "deno.lock": "bb" }, "2.1.4"),
    await stampDigest({ "chapters/03_cross_entropy.ts": "aa", "deno.lock": "bb", "lib/tensor2.ts": "cc" }, "2.1.4"),
    await stampDigest(INPUTS, "2.1.5"),
  ];
  for (const other of changed) assert.notEqual(other, digest);
  assert.equal(new Set(changed).size, changed.length);
});

Deno.test("changedInputs names the inputs edited, added and removed, sorted", () => {
  assert.deepEqual(changedInputs(INPUTS, { ...INPUTS }), []);
  const now: Record<string, string> = { ...INPUTS, "lib/tensor.ts": "cd", "lib/a.ts": "ee" };
  delete now["deno.lock"];
  assert.deepEqual(changedInputs(INPUTS, now), ["deno.lock", "lib/a.ts", "lib/tensor.ts"]);
});

Deno.test("staleReason reuses a build only with the same inputs, the same Deno, and its files as it wrote them", () => {
  assert.equal(staleReason(STAMP, { ...INPUTS }, "2.1.4", structuredClone(OUTPUTS)), null);
  // A file the build did not write is no reason to build again.
  assert.equal(staleReason(STAMP, INPUTS, "2.1.4", { ...OUTPUTS, "notes.txt": { bytes: 1, mtime: 1 } }), null);
  assert.equal(staleReason(null, INPUTS, "2.1.4", OUTPUTS), "there is no finished build to reuse");
  assert.equal(staleReason(STAMP, INPUTS, "2.2.0", OUTPUTS), "Deno is 2.2.0 now, the last build's was 2.1.4");
  assert.equal(
    staleReason(STAMP, { ...INPUTS, "lib/tensor.ts": "cd" }, "2.1.4", OUTPUTS),
    "lib/tensor.ts changed since the last build",
  );
  const many = { "a.ts": "1", "b.ts": "2", "c.ts": "3", "d.ts": "4" };
  assert.equal(
    staleReason(STAMP, { ...INPUTS, ...many }, "2.1.4", OUTPUTS),
    "a.ts, b.ts and 2 more changed since the last build",
  );
  const { "js/chapter.js": _, ...withoutScript } = OUTPUTS;
  assert.equal(
    staleReason(STAMP, INPUTS, "2.1.4", withoutScript),
    "js/chapter.js in the site's folder changed or went away since it was built",
  );
  assert.equal(
    staleReason(STAMP, INPUTS, "2.1.4", { ...OUTPUTS, "index.html": { bytes: 8000, mtime: 7 } }),
    "index.html in the site's folder changed or went away since it was built",
  );
});
