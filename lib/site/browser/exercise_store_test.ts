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
    removeItem: (key) => void items.delete(key),
  };
}

Deno.test("the store gives the stub first, then the last text saved, also to a new store (a reload)", () => {
  const storage = memoryStorage();
  assert.equal(new ExerciseStore(storage, 3, "stub").text(), "stub");
  new ExerciseStore(storage, 3, "stub").save("mine");
  assert.equal(new ExerciseStore(storage, 3, "stub").text(), "mine");
  assert.equal(new ExerciseStore(storage, 4, "stub 4").text(), "stub 4", "each exercise has its own text");
});

Deno.test("Reset keeps the learner's text, and Undo brings it back once; then there is nothing to undo", () => {
  const store = new ExerciseStore(memoryStorage(), 5, "stub");
  store.save("mine");
  assert.equal(store.previous(), null);
  assert.equal(store.undoable(), null);
  assert.equal(store.undo(), null);
  assert.equal(store.reset("mine"), "stub");
  assert.equal(store.text(), "stub");
  assert.deepEqual(store.undoable(), { what: "reset", previous: "mine" });
  assert.equal(store.undo(), "mine");
  assert.equal(store.text(), "mine");
  assert.equal(store.undoable(), null, "an undo is used once: it is not a swap");
  assert.equal(store.undo(), null);
  assert.equal(store.text(), "mine");
});

Deno.test("an edit after a Reset or an Open ends its undo, across a reload, and the version before stays kept", () => {
  const storage = memoryStorage();
  const store = new ExerciseStore(storage, 3, "stub");
  store.save("mine");
  store.replace("mine", "opened file", "open");
  assert.deepEqual(new ExerciseStore(storage, 3, "stub").undoable(), { what: "open", previous: "mine" });
  store.save("opened file, edited");
  assert.equal(new ExerciseStore(storage, 3, "stub").undoable(), null);
  assert.equal(store.undo(), null);
  assert.equal(store.text(), "opened file, edited", "the edits are not dropped");
  assert.equal(store.previous(), "mine", "the version before the Open is still kept");
});

Deno.test("a replacement record of an older page or a damaged one is nothing to undo", () => {
  const storage = memoryStorage();
  const store = new ExerciseStore(storage, 3, "stub");
  storage.items.set("backprop-ninja:exercise:3:previous", "mine");
  assert.equal(store.undoable(), null);
  storage.items.set("backprop-ninja:exercise:3:replaced", "{not json");
  assert.equal(store.undoable(), null);
});

Deno.test("a full storage throws on save, and the text saved before stays", () => {
  const storage = memoryStorage();
  const store = new ExerciseStore(storage, 3, "stub");
  store.save("first");
  storage.full = true;
  assert.throws(() => store.save("second"), /quota/);
  assert.equal(store.text(), "first");
});
