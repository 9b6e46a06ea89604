import assert from "node:assert/strict";
import { fixture, fixtureFloats } from "../check/fixture.ts";
import { TorchGenerator } from "./torch.ts";

/** The index of the first difference between two float32 arrays, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

Deno.test("the first draws for seed 2147483647 are PyTorch's", () => {
  const g = new TorchGenerator(2147483647);
  assert.equal(g.random(), 1689602031);
});

Deno.test("randn is bit-identical to PyTorch for every size and seed of the fixture", () => {
  for (const { seed, sizes, values } of fixture.randn.fixed) {
    const g = new TorchGenerator(BigInt(seed));
    const ours = new Float32Array(sizes.reduce((a, b) => a + b, 0));
    let offset = 0;
    for (const k of sizes) {
      ours.set(g.randn(k), offset);
      offset += k;
    }
    const theirs = fixtureFloats(values);
    const at = firstDifference(ours, theirs);
    assert.equal(at, -1, `seed ${seed}: first difference at value ${at}: ours ${ours[at]}, PyTorch ${theirs[at]}`);
  }
});

Deno.test("randn is bit-identical to PyTorch for every size from 1 to 4097", async () => {
  const { seed, groups } = fixture.randn.sweep;
  const g = new TorchGenerator(BigInt(seed));
  for (const group of groups) {
    const chunks: Float32Array[] = [];
    for (let k = group.from; k <= group.to; k++) chunks.push(g.randn(k));
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const c of chunks) {
      bytes.set(new Uint8Array(c.buffer), offset);
      offset += c.byteLength;
    }
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(hex, group.sha256, `sizes ${group.from} to ${group.to} differ from PyTorch`);
  }
});

Deno.test("randint matches PyTorch, including ranges of 2^32 and more and negative lows", () => {
  for (const { seed, low, high, values } of fixture.randint) {
    const g = new TorchGenerator(BigInt(seed));
    assert.deepEqual(g.randint(low, high, values.length), values, `seed ${seed}, [${low}, ${high})`);
  }
});

Deno.test("multinomial with one sample matches PyTorch draw for draw", () => {
  const { seed, probs, rows, cols, samples } = fixture.multinomial;
  const p = fixtureFloats(probs);
  const g = new TorchGenerator(BigInt(seed));
  const ours = Array.from({ length: rows }, (_, i) => g.multinomial(p.subarray(i * cols, (i + 1) * cols)));
  assert.deepEqual(ours, samples);
});

Deno.test("a saved state resumes the exact same stream, cached normal included", () => {
  const g = new TorchGenerator(7);
  g.randn(3); // leaves a cached second normal behind
  const saved = structuredClone(g.getState());
  const expected = [...g.randn(5), ...g.randint(0, 1000, 4), ...g.randn(40)];
  const h = new TorchGenerator(0);
  h.setState(saved);
  assert.deepEqual([...h.randn(5), ...h.randint(0, 1000, 4), ...h.randn(40)], expected);
});

Deno.test("bad arguments are RangeErrors that say what is allowed", () => {
  const g = new TorchGenerator(1);
  assert.throws(() => g.randint(5, 5, 1), { name: "RangeError", message: /low < high/ });
  assert.throws(() => g.randn(-1), { name: "RangeError", message: /≥ 0/ });
  assert.throws(() => g.manualSeed(-1), { name: "RangeError", message: /\[0, 2\^64\)/ });
  assert.throws(() => g.multinomial([0, 0]), { name: "RangeError", message: /sum to zero/ });
  assert.throws(() => g.multinomial([0.5, NaN]), { name: "RangeError", message: /probability 1 is NaN/ });
});
