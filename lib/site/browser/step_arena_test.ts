import assert from "node:assert/strict";
import { type ArrayScope, stepArena } from "./step_arena.ts";

/** A scope of the real constructors, for the arena to replace (the worker gives it its global scope). */
const newScope = (): ArrayScope => ({ Float32Array, Int32Array, Float64Array });
type Ctor = new (...args: unknown[]) => Float32Array;

Deno.test("a step's large arrays are zeroed views of the arena's buffers, each a real typed array", () => {
  const scope = newScope();
  const arena = stepArena(scope);
  try {
    arena.startStep();
    const F32 = scope.Float32Array as Ctor;
    const [a, b] = [new F32(2000), new F32(1500)]; // [2000], [1500]
    assert.ok(a instanceof Float32Array && a instanceof F32);
    assert.equal(a.length, 2000);
    assert.equal(a.buffer, b.buffer, "one buffer holds both");
    assert.ok(a.buffer.byteLength > 2000 * 4);
    assert.equal(b.byteOffset % 64, 0);
    assert.ok(b.byteOffset >= a.byteLength, "b does not overlap a");
    a.fill(1);
    assert.ok(b.every((x) => x === 0));
    const i32 = new (scope.Int32Array as new (n: number) => Int32Array)(1024); // [1024]
    assert.ok(i32 instanceof Int32Array);
    assert.equal(i32.buffer, a.buffer);
    assert.equal(arena.served, 3);
    // Below a page, arrays are allocated as usual.
    const small = new F32(100); // [100]
    assert.equal(small.buffer.byteLength, 400);
  } finally {
    arena.uninstall();
  }
});

Deno.test("the next step takes the arrays back: the old ones read as empty, the memory comes back zeroed", () => {
  const scope = newScope();
  const arena = stepArena(scope);
  try {
    const F32 = scope.Float32Array as Ctor;
    arena.startStep();
    const first = new F32(4096); // [4096]
    first.fill(7);
    arena.startStep();
    assert.equal(first.length, 0, "an array of the step before is detached");
    assert.equal(first[0], undefined);
    const second = new F32(4096); // [4096]
    assert.equal(second.byteOffset, 0, "the same memory serves the next step");
    assert.ok(second.every((x) => x === 0));
    assert.equal(arena.bytes, second.buffer.byteLength, "no new buffer was needed");
  } finally {
    arena.uninstall();
  }
});

Deno.test("outside the steps, and for every other form of new, the constructors allocate as usual", () => {
  const scope = newScope();
  const arena = stepArena(scope);
  const F32 = scope.Float32Array as Ctor;
  assert.notEqual(F32, Float32Array);
  assert.equal(F32.name, "Float32Array");
  assert.equal((F32 as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT, 4);
  assert.equal(new F32(4096).buffer.byteLength, 4096 * 4, "before the first step");
  arena.startStep();
  assert.deepEqual([...new F32([1, 2, 3])], [1, 2, 3]);
  const own = new ArrayBuffer(8192);
  assert.equal(new F32(own, 4096, 1024).buffer, own);
  assert.deepEqual([...(F32 as unknown as typeof Float32Array).from([4, 5])], [4, 5]);
  class Sub extends (F32 as unknown as typeof Float32Array) {}
  const sub = new Sub(2048); // [2048]
  assert.ok(sub instanceof Sub);
  assert.equal(sub.buffer.byteLength, 2048 * 4, "a subclass allocates its own");
  assert.throws(() => (F32 as unknown as (n: number) => unknown)(4), TypeError);
  assert.equal(arena.served, 0);
  arena.uninstall();
  assert.equal(scope.Float32Array, Float32Array);
  assert.equal(scope.Int32Array, Int32Array);
});
