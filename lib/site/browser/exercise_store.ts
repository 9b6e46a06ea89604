/**
 * The learner's code of an exercise page, kept in the browser's storage:
 * the current text, saved on every edit, and the version before the last
 * Reset or Open (as `deno task exercise N --reset` keeps a `.bak`), so that
 * either can be undone. Nothing is dropped: a text is replaced only after
 * it was kept.
 *
 * @example
 * ```ts
 * import { ExerciseStore } from "./exercise_store.ts";
 * const memory = new Map<string, string>();
 * const storage = { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => void memory.set(k, v) };
 * const store = new ExerciseStore(storage, 3, "stub");
 * store.text(); // "stub"
 * ```
 * @module
 */

/** The part of the Web Storage API the store uses. */
export interface TextStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * One exercise's texts in `storage`.
 *
 * @example
 * ```ts
 * const memory = new Map<string, string>();
 * const storage = { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => void memory.set(k, v) };
 * const store = new ExerciseStore(storage, 3, "stub");
 * store.save("mine");
 * store.reset("mine"); // "stub"
 * store.undo("stub"); // "mine"
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

  /** The version kept by the last Reset or Open, if any. */
  previous(): string | null {
    return this.#storage.getItem(`${this.#key}:previous`);
  }

  /** Saves `text` as the learner's (throws when the storage is full or refused). */
  save(text: string): void {
    this.#storage.setItem(`${this.#key}:code`, text);
  }

  /** Keeps `current` as the previous version, then makes `next` the learner's text. */
  replace(current: string, next: string): void {
    this.#storage.setItem(`${this.#key}:previous`, current);
    this.save(next);
  }

  /** Reset: keeps `current`, and starts over from the stub. */
  reset(current: string): string {
    this.replace(current, this.#stub);
    return this.#stub;
  }

  /** Undo: the previous version becomes the learner's again, and `current` is kept in its place. */
  undo(current: string): string | null {
    const previous = this.previous();
    if (previous === null) return null;
    this.replace(current, previous);
    return previous;
  }
}
