/**
 * The learner's side of a check, inside the sandbox's process: the hooks a
 * learner's rewritten module calls on each gradient's line (instrument.ts
 * puts them there) and one call of its gradients(), reported as names,
 * shapes and bytes ({@linkcode CallReport}). No verdict is made here and no
 * correct value is held here, except one handed over (through a
 * {@linkcode Channel}) after the line's own value was committed: the
 * checker, in another process, decides everything from what is sent.
 *
 * In the call as written there is nothing to hand over: a line that throws
 * ends the call. In the fed call (`header.feed`), each gradient named there
 * is committed and replaced by its correct value at its line (a gradient
 * finished in place after its line: when a line that uses it starts), and a
 * line that throws commits what it threw and gets its correct value too, so
 * that every line below it is still checked.
 *
 * @example
 * ```ts
 * import { enter, fix } from "./hooks.ts";
 * import { mul, tensor } from "../tensor.ts";
 * const probs = tensor([0.5, 0.25]);
 * // Line 66 of a learner's file, `const dprobs = mul(probs, 2);`, as the sandbox runs it:
 * const dprobs = fix(enter("dprobs", 66), () => mul(probs, 2)); // outside a call: just the value
 * ```
 * @module
 */

import { clone, Tensor } from "../tensor.ts";
import { type ExerciseInput, isTodo } from "./learner.ts";
import { type CallReport, type Commit, type Header, type Thrown, toBase64, type WireTensor } from "./wire.ts";

/** How the hooks reach the checker: timer marks, and commits answered with the correct value. */
export interface Channel {
  /** Tells the checker what runs (`timer gradients`, `at in 66 dprobs`, …). */
  mark(text: string): void;
  /** Sends `commit` and waits for the correct value of its gradient. */
  commit(commit: Commit): Tensor;
}

/** At most this many numbers of one tensor, and of one report, are sent; beyond, only shapes. */
const MAX_TENSOR = 1 << 20;
const MAX_REPORT = 1 << 22;

/** Ids for objects and ArrayBuffers, so that the checker sees which tensors are one. */
class Ids {
  #ids = new WeakMap<object, number>();
  #next = 1;
  of(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) this.#ids.set(o, id = this.#next++);
    return id;
  }
}

/** The call in progress: what is handed over, what the hooks recorded. */
interface Call {
  feed?: { substitutes: Set<string>; late: Set<string>; shapes: Record<string, number[]> };
  /** Each hooked gradient's tensor, with its values when its line ran, and whether it was handed over. */
  recorded: Map<string, { tensor: Tensor; atLine: Tensor; settled?: boolean }>;
  /** The gradient whose line threw, in the call as written. */
  threwIn?: string;
}

/** The first frame of an error's stack in the learner's program (a data: URL), as line and column. */
function whereIn(error: Error): Thrown["at"] {
  let stack = "";
  try {
    stack = String(error.stack ?? "");
  } catch { /* a getter that throws: no place */ }
  const at = stack.match(/data:application\/typescript;base64,[^\s):]*:(\d+):(\d+)/);
  return at ? { line: Number(at[1]), column: Number(at[2]) } : undefined;
}

/**
 * A value as the learner reads it in a message: `42`, `null`, `"oops"`,
 * `a function f`, `{"a":1}`.
 *
 * @example
 * ```ts
 * describeValue(null); // "null"
 * describeValue("oops"); // '"oops"'
 * ```
 */
export function describeValue(value: unknown): string {
  try {
    if (typeof value === "string") return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "function") return `a function${value.name ? ` ${value.name}` : ""}`;
    if (typeof value !== "object" || value === null) return String(value);
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch { /* a getter or toJSON that throws */ }
  return Object.prototype.toString.call(value);
}

/**
 * What was thrown, as the learner reads it: an error's message (its name
 * when it has none) and where in the program it was made; any other value
 * as itself (`throw 42` → `42`, `throw null` → `null`).
 *
 * @example
 * ```ts
 * describeThrown(42).text; // "42"
 * describeThrown(new RangeError("Cannot matmul")).text; // "Cannot matmul"
 * ```
 */
export function describeThrown(error: unknown): Thrown {
  if (!(error instanceof Error)) return { text: describeValue(error), value: true };
  let text = "";
  try {
    text = String(error.message ?? "") || String(error.name ?? "an Error");
  } catch {
    text = "an Error";
  }
  return { text: text.length > 500 ? `${text.slice(0, 500)}…` : text, at: whereIn(error) };
}

/** What a value that is no Tensor is: "a number", "undefined", "an object", … */
function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" ? "an object" : `a${/^[aeiou]/.test(type) ? "n" : ""} ${type}`;
}

/** Whether a value is a Promise, or anything with a then(). */
function isThenable(value: unknown): boolean {
  try {
    return value instanceof Promise ||
      (typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function");
  } catch {
    return false;
  }
}

/**
 * The hooks' state: the exercise being run (each gradient's dependencies,
 * what the fed call hands over) and the call in progress.
 */
class Hooks {
  #channel?: Channel;
  #header?: Header;
  #deps: Record<string, string[]> = {};
  #call?: Call;

  configure(channel: Channel, header: Header): void {
    this.#channel = channel;
    this.#header = header;
    this.#deps = Object.fromEntries(header.gradients.map((g) => [g.name, g.deps]));
  }

  enter(name: string, line: number): string {
    this.#channel?.mark(`at in ${line} ${name}`);
    const late = this.#call?.feed?.late;
    for (const d of this.#deps[name] ?? []) if (late?.has(d)) this.#settle(d);
    return name;
  }

  fix<T>(name: string, compute: () => T): T {
    const feed = this.#call?.feed;
    if (!feed) {
      try {
        return this.#keep(name, compute());
      } catch (error) {
        if (this.#call) this.#call.threwIn ??= name;
        throw error;
      }
    }
    let value: T;
    try {
      value = compute();
    } catch (error) {
      this.#after(name);
      return this.#hand({ name, value: { threw: describeThrown(error) } }) as T;
    }
    this.#after(name);
    if (!(value instanceof Tensor)) {
      return feed.substitutes.has(name) ? this.#hand({ name, value: { other: kindOf(value) } }) as T : value;
    }
    this.#record(name, value);
    if (!feed.substitutes.has(name)) return value;
    if (feed.late.has(name) && value.shape.join() === feed.shapes[name]?.join()) return value;
    this.#call!.recorded.get(name)!.settled = true;
    return this.#hand({ name, value: wire(value, new Ids(), { left: MAX_TENSOR }) }) as T;
  }

  fixEach<T>(targets: Target[], compute: () => T): T {
    let value: T;
    let error: { thrown: unknown } | undefined;
    try {
      value = compute();
    } catch (thrown) {
      error = { thrown };
    }
    // Each gradient as if it had a line of its own: the first throws what the line threw, in the call as written.
    const own = targets.map(([, , path]) => error ? undefined : pick(value, path));
    const handed = targets.map(([name], i) =>
      this.fix(name, () => {
        if (error) throw error.thrown;
        return own[i];
      })
    );
    if (handed.every((h, i) => h === own[i])) return value!;
    return overlay(value!, targets.map(([, , path], i) => ({ path, value: handed[i] }))) as T;
  }

  /** The call as written: records the line's value and passes it on. */
  #keep<T>(name: string, value: T): T {
    if (this.#call) this.#call.threwIn = undefined; // an error thrown by a line above was caught
    this.#after(name);
    if (this.#call && value instanceof Tensor) this.#record(name, value);
    return value;
  }

  #after(name: string): void {
    this.#channel?.mark(`at after ${this.#header?.lines[name] ?? 0} ${name}`);
  }

  #record(name: string, tensor: Tensor): void {
    let atLine: Tensor;
    try {
      atLine = clone(tensor);
    } catch {
      return; // a tensor whose numbers cannot be read: reported as what it is at the end
    }
    this.#call!.recorded.set(name, { tensor, atLine });
  }

  /** Commits a line's value and returns the correct one, which the checker sends back. */
  #hand(commit: Commit): Tensor {
    return clone(this.#channel!.commit(commit));
  }

  /** A late substitute, finished in place by now: commits its values, then writes the correct ones into it. */
  #settle(name: string): void {
    const r = this.#call?.recorded.get(name);
    if (!r || r.settled) return;
    r.settled = true;
    const correct = this.#hand({ name, value: wire(r.tensor, new Ids(), { left: MAX_TENSOR }) });
    try {
      r.tensor.data.set(correct.data);
    } catch { /* its numbers were replaced by something else: the lines below get the learner's */ }
  }

  call(gradients: unknown, input: ExerciseInput): CallReport {
    const feed = this.#header?.feed;
    this.#call = {
      recorded: new Map(),
      feed: feed && { substitutes: new Set(feed.substitutes), late: new Set(feed.late), shapes: feed.shapes },
    };
    const before = Object.entries(input.fwd).filter(([, t]) => t instanceof Tensor)
      .map(([k, t]) => [k, clone(t)] as [string, Tensor]);
    this.#channel?.mark("timer gradients");
    try {
      if (typeof gradients !== "function") return report({ ended: "no-function" }, this.#call, input, before);
      let returned: unknown;
      try {
        returned = gradients(input);
      } catch (error) {
        return report({ ended: "threw", threw: describeThrown(error) }, this.#call, input, before);
      }
      if (isThenable(returned)) return report({ ended: "promise" }, this.#call, input, before);
      return report({ ended: "returned", value: returned }, this.#call, input, before);
    } finally {
      this.#call = undefined;
      this.#channel?.mark("timer off");
    }
  }
}

/** A gradient assigned through a pattern: its name, its line, the keys from the statement's value to its own. */
export type Target = [name: string, line: number, path: (string | number)[]];

/** The value at `path` in `value`, or undefined where a key leads nowhere (the learner's destructuring then throws). */
function pick(value: unknown, path: Target[2]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || at === undefined) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/**
 * `value` as the pattern reads it, but with each entry's value at its path
 * instead: a view (a Proxy), so that everything else reads as the learner's.
 */
function overlay(value: unknown, entries: { path: Target[2]; value: unknown }[]): unknown {
  const here = entries.find((e) => e.path.length === 0);
  if (here) return here.value;
  const keys = new Map<string, { path: Target[2]; value: unknown }[]>();
  for (const e of entries) {
    const key = String(e.path[0]);
    keys.set(key, [...keys.get(key) ?? [], { path: e.path.slice(1), value: e.value }]);
  }
  const base = typeof value === "object" && value !== null ? value : typeof entries[0].path[0] === "number" ? [] : {};
  const children = new Map([...keys].map(([k, es]) => [k, overlay(pick(base, [k]), es)]));
  return new Proxy(base, {
    get: (target, key, receiver) =>
      typeof key === "string" && children.has(key) ? children.get(key) : Reflect.get(target, key, receiver),
  });
}

/**
 * A tensor as sent: shape, bytes while `budget` lasts, whether it is a todo,
 * which buffer. One whose numbers are not a Float32Array of its shape's
 * size (the learner replaced them) is sent without them.
 */
function wire(t: Tensor, ids: Ids, budget: { left: number }): WireTensor {
  try {
    const shape = t.shape.map(Number);
    const out: WireTensor = { shape, buffer: ids.of(t.data.buffer) };
    if (isTodo(t)) out.todo = true;
    const size = shape.reduce((a, b) => a * b, 1);
    if (t.data instanceof Float32Array && t.data.length === size && size <= Math.min(MAX_TENSOR, budget.left)) {
      budget.left -= size;
      out.f32 = toBase64(t.data);
    }
    return out;
  } catch {
    return { shape: [], buffer: 0 };
  }
}

/** How a call ended, before it is reported. */
type Ending =
  | { ended: "returned"; value: unknown }
  | { ended: "threw"; threw: Thrown }
  | { ended: "promise" | "no-function" };

/**
 * The report of a call: the returned object's keys (tensors by id, the rest
 * by kind), each hooked gradient's tensor and its values at its line, every
 * tensor named, once, with its values now, and the forward tensors' storage
 * and whether the call changed them.
 */
function report(ending: Ending, call: Call, input: ExerciseInput, before: [string, Tensor][]): CallReport {
  const ids = new Ids();
  const budget = { left: MAX_REPORT };
  const tensors: Record<number, WireTensor> = {};
  const idOf = (t: Tensor) => {
    const id = ids.of(t);
    tensors[id] ??= wire(t, ids, budget);
    return id;
  };
  const out: CallReport = { ended: ending.ended, tensors, recorded: {}, forward: {}, changedForward: [] };
  if (ending.ended === "threw") Object.assign(out, { threw: ending.threw, threwIn: call.threwIn });
  if (ending.ended === "returned") {
    const value = ending.value;
    out.returned = {};
    if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) out.returned[k] = v instanceof Tensor ? idOf(v) : kindOf(v);
    }
  }
  for (const [name, r] of call.recorded) {
    out.recorded[name] = { id: idOf(r.tensor), atLine: wire(r.atLine, ids, budget) };
  }
  for (const [group, o] of [["fwd", input.fwd], ["params", input.params]] as const) {
    for (const [k, t] of Object.entries(o)) {
      if (t instanceof Tensor) out.forward[`${group}.${k}`] = ids.of(t.data.buffer);
    }
  }
  const fwd = input.fwd as unknown as Record<string, Tensor>;
  for (const [k, old] of before) {
    const now = fwd[k];
    if (!(now instanceof Tensor) || !now.data.every((x, i) => Object.is(x, old.data[i]))) out.changedForward.push(k);
  }
  return out;
}

const hooks = new Hooks();

/**
 * Sets the hooks up for the exercise in `header`, talking through `channel`
 * (the sandbox's runtime does this once, before the learner's module loads).
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const marks: string[] = [];
 * configure({ mark: (m) => marks.push(m), commit: () => tensor([0]) }, {
 *   chapter: 3, gradients: [{ name: "dprobs", deps: [] }], lines: { dprobs: 66 }, program: "", input: {}, withheld: {},
 * });
 * ```
 */
export function configure(channel: Channel, header: Header): void {
  hooks.configure(channel, header);
}

/**
 * The hook at the start of a gradient's line: says where the code is, and
 * (in the fed call) hands over the gradients this line uses that were
 * finished in place. Returns the name, for {@linkcode fix}.
 *
 * @example
 * ```ts
 * enter("dprobs", 66); // "dprobs"
 * ```
 */
export function enter(name: string, line: number): string {
  return hooks.enter(name, line);
}

/**
 * The hook on a gradient's last assignment: computes the line's value,
 * records it, and in the fed call commits it and returns the correct one
 * instead (also when the line throws).
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * fix("dprobs", () => tensor([1, 2])).data; // Float32Array [1, 2]
 * ```
 */
export function fix<T>(name: string, compute: () => T): T {
  return hooks.fix(name, compute);
}

/**
 * The hook at the start of a statement that assigns several gradients
 * through a pattern (`const { dx: dh, dw: dW2 } = …`): {@linkcode enter}
 * for each. Returns the targets, for {@linkcode fixEach}.
 *
 * @example
 * ```ts
 * enterEach([["dh", 88, ["dx"]]]); // [["dh", 88, ["dx"]]]
 * ```
 */
export function enterEach(targets: Target[]): Target[] {
  for (const [name, line] of targets) hooks.enter(name, line);
  return targets;
}

/**
 * The hook on a statement that assigns several gradients through a
 * pattern: {@linkcode fix} for each gradient, at its path in the value; in
 * the fed call the pattern then reads the correct values handed over.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const { dx: dh } = fixEach([["dh", 88, ["dx"]]], () => ({ dx: tensor([1, 2]) }));
 * dh.shape; // [2]
 * ```
 */
export function fixEach<T>(targets: Target[], compute: () => T): T {
  return hooks.fixEach(targets, compute);
}

/**
 * {@linkcode fixEach} when the statement's expression awaits (an async
 * gradients(), which is reported as such): on its value.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * fixEachValue([["dh", 88, [0]]], [tensor([1])])[0].shape; // [1]
 * ```
 */
export function fixEachValue<T>(targets: Target[], value: T): T {
  return hooks.fixEach(targets, () => value);
}

/**
 * The hook on a gradient's last assignment when its expression awaits
 * (an async gradients(), which is reported as such): the value, recorded.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * fixValue("dprobs", tensor([1])).shape; // [1]
 * ```
 */
export function fixValue<T>(name: string, value: T): T {
  return hooks.fix(name, () => value);
}

/**
 * One call of the learner's `gradients` on `input`, timed by the checker
 * (`timer gradients` … `timer off`), reported.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * import type { ExerciseInput } from "./learner.ts";
 * const input = { fwd: { probs: tensor([0.5]) }, params: {} } as unknown as ExerciseInput;
 * callGradients(() => ({ dprobs: tensor([2]) }), input).ended; // "returned"
 * callGradients(() => { throw 42; }, input).threw?.text; // "42"
 * ```
 */
export function callGradients(gradients: unknown, input: ExerciseInput): CallReport {
  return hooks.call(gradients, input);
}
