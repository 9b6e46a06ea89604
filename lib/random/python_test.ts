import assert from "node:assert/strict";
import { loadNames } from "../data.ts";
import { fixture } from "../check/fixture.ts";
import { PythonRandom } from "./python.ts";

Deno.test("random.seed(42); random.shuffle(words) gives CPython's order, word for word", async () => {
  const words = new PythonRandom(42).shuffle(loadNames());
  assert.equal(words.length, fixture.shuffle.count);
  assert.deepEqual(words.slice(0, 10), fixture.shuffle.first);
  assert.deepEqual(words.slice(-10), fixture.shuffle.last);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(words.join("\n"))));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, fixture.shuffle.sha256, "the full shuffled order differs from CPython's");
});

Deno.test("randbelow stays below its bound and covers it", () => {
  const rng = new PythonRandom(1);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const r = rng.randbelow(5);
    assert.ok(r >= 0 && r < 5);
    seen.add(r);
  }
  assert.equal(seen.size, 5);
});

Deno.test("seeds are taken by absolute value and in 32-bit words, as CPython does", () => {
  const a = new PythonRandom(-42).getrandbits(32);
  const b = new PythonRandom(42).getrandbits(32);
  assert.equal(a, b);
  assert.notEqual(new PythonRandom(2n ** 32n + 42n).getrandbits(32), b);
  assert.throws(() => new PythonRandom(1).getrandbits(33), RangeError);
});
