/**
 * The learner's code of an exercise page, kept in the browser's storage:
 * the current text, saved on every edit, and the version before the last
 * Reset or Open (as `deno task exercise N --reset` keeps a `.bak`). That
 * Reset or Open can be undone once, until the learner edits past it.
 * Nothing is dropped: a text is replaced only after it was kept.
 *
 * @example
 * ```ts
 * import { ExerciseStore } from "./exercise_store.ts";
 * const memory = new Map<string, string>();
 * const storage = {
 *   getItem: (k: string) => memory.get(k) ?? null,
 *   setItem: (k: string, v: string) => void memory.set(k, v),
 *   removeItem: (k: string) => void memory.delete(k),
 * };
 * const store = new ExerciseStore(storage, 3, "stub");
 * store.text(); // "stub"
 * ```
 * @module
 */

/** The part of the Web Storage API the store uses. */
export interface TextStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What a Reset or an Open replaced, while it can be undone. */
export interface Undoable {
  /** What replaced the learner's text: Reset (the stub) or Open (a file). */
  what: "reset" | "open";
  /** The learner's text before it. */
  previous: string;
}

/**
 * One exercise's texts in `storage`.
 *
 * @example
 * ```ts
 * const memory = new Map<string, string>();
 * const storage = {
 *   getItem: (k: string) => memory.get(k) ?? null,
 *   setItem: (k: string, v: string) => void memory.set(k, v),
 *   removeItem: (k: string) => void memory.delete(k),
 * };
 * const store = new ExerciseStore(storage, 3, "stub");
 * store.save("mine");
 * store.reset("mine"); // "stub"
 * store.undoable()?.what; // "reset"
 * store.undo(); // "mine"
 * store.undoable(); // null
 * ```
 */
export class ExerciseStore {
  #storage: TextStorage;
  #key: string;
  #stub: string;

  constructor(storage: TextStorage, chapter: number, stub: string) {
    this.#storage = storage;
    this.#key = `backprop-ninja:exercise:${chapter}`;
    this.#stub = stub;
  }

  /** The learner's text: the last one saved, or the stub. */
  text(): string {
    return this.#storage.getItem(`${this.#key}:code`) ?? this.#stub;
  }

  /** The version kept by the last Reset or Open, if any (kept after an undo or an edit too). */
  previous(): string | null {
    return this.#storage.getItem(`${this.#key}:previous`);
  }

  /**
   * What the last Reset or Open replaced, while it can be undone: until it
   * was undone, or the text was edited since (then undoing would drop the
   * edits); null otherwise.
   */
  undoable(): Undoable | null {
    const previous = this.previous();
    const replaced = this.#storage.getItem(`${this.#key}:replaced`);
    if (previous === null || replaced === null) return null;
    const { what, text } = parseReplaced(replaced) ?? {};
    return what && text === this.text() ? { what, previous } : null;
  }

  /** Saves `text` as the learner's (throws when the storage is full or refused). */
  save(text: string): void {
    this.#storage.setItem(`${this.#key}:code`, text);
  }

  /** Keeps `current` as the previous version, then makes `next` the learner's text, undoable as `what`. */
  replace(current: string, next: string, what: Undoable["what"] = "open"): void {
    this.#storage.setItem(`${this.#key}:previous`, current);
    this.#storage.setItem(`${this.#key}:replaced`, JSON.stringify({ what, text: next }));
    this.save(next);
  }

  /** Reset: keeps `current`, and starts over from the stub. */
  reset(current: string): string {
    this.replace(current, this.#stub, "reset");
    return this.#stub;
  }

  /**
   * Undo: the version the last Reset or Open replaced becomes the learner's
   * again, once (what replaced it, the stub or an opened file, is not kept);
   * null when there is nothing to undo.
   */
  undo(): string | null {
    const undoable = this.undoable();
    if (undoable === null) return null;
    this.save(undoable.previous);
    this.#storage.removeItem(`${this.#key}:replaced`);
    return undoable.previous;
  }
}

/** The stored record of a replacement, or null when it is not one (an older page's, or damaged). */
function parseReplaced(json: string): { what: Undoable["what"]; text: string } | null {
  try {
    const { what, text } = JSON.parse(json);
    return (what === "reset" || what === "open") && typeof text === "string" ? { what, text } : null;
  } catch {
    return null;
  }
}
