import assert from "node:assert/strict";
import { ExerciseStore, type TextStorage } from "./exercise_store.ts";

/** A storage in memory, which can be made to refuse writes (a full quota). */
function memoryStorage(): TextStorage & { full: boolean; items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    full: false,
    getItem: (key) => items.get(key) ?? null,
    setItem(key, value) {
      if (this.full) throw new DOMException("the quota is exceeded", "QuotaExceededError");
      items.set(key, value);
    },
  };
}

Deno.test("the store gives the stub first, then the last text saved, also to a new store (a reload)", () => {
  const storage = memoryStorage();
  assert.equal(new ExerciseStore(storage, 3, "stub").text(), "stub");
  new ExerciseStore(storage, 3, "stub").save("mine");
  assert.equal(new ExerciseStore(storage, 3, "stub").text(), "mine");
  assert.equal(new ExerciseStore(storage, 4, "stub 4").text(), "stub 4", "each exercise has its own text");
});

Deno.test("Reset keeps the learner's text, and Undo brings it back, keeping the stub in its place", () => {
  const store = new ExerciseStore(memoryStorage(), 5, "stub");
  store.save("mine");
  assert.equal(store.previous(), null);
  assert.equal(store.reset("mine"), "stub");
  assert.equal(store.text(), "stub");
  assert.equal(store.previous(), "mine");
  assert.equal(store.undo("stub"), "mine");
  assert.equal(store.text(), "mine");
  assert.equal(store.previous(), "stub");
});

Deno.test("a full storage throws on save, and the text saved before stays", () => {
  const storage = memoryStorage();
  const store = new ExerciseStore(storage, 3, "stub");
  store.save("first");
  storage.full = true;
  assert.throws(() => store.save("second"), /quota/);
  assert.equal(store.text(), "first");
});
