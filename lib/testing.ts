/**
 * Helpers for tests: run a chapter's `run()` without flooding the test
 * output, and keep what it printed for assertions; compare a fast kernel's
 * buffer with the tensor module's result.
 *
 * @example
 * ```ts
 * import { quietly } from "./testing.ts";
 * const { result, output } = await quietly(() => 42);
 * ```
 * @module
 */

import assert from "node:assert/strict";
import type { Tensor } from "./tensor.ts";

/**
 * Calls `fn` with `console.log` captured, and returns its result and output.
 *
 * @example
 * ```ts
 * const { output } = await quietly(() => console.log("hi")); // output === "hi\n"
 * ```
 */
export async function quietly<T>(fn: () => T | Promise<T>): Promise<{ result: T; output: string }> {
  const original = console.log;
  let output = "";
  console.log = (...args: unknown[]) => {
    output += args.map(String).join(" ") + "\n";
  };
  try {
    const result = await fn();
    return { result, output };
  } finally {
    console.log = original;
  }
}

/**
 * Asserts that a buffer of a fast kernel matches a float32 tensor of the plain
 * tensor module within `tol` relative to the tensor's largest entry.
 *
 * @example
 * ```ts
 * import { tensor } from "./tensor.ts";
 * assertClose(new Float64Array([1, 2]), tensor([1, 2]), "x");
 * ```
 */
export function assertClose(ours: ArrayLike<number>, plain: Tensor, what: string, tol = 1e-5): void {
  assert.equal(ours.length, plain.size, `${what}: size`);
  let scale = 0;
  for (const v of plain.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < ours.length; i++) {
    assert.ok(
      Math.abs(ours[i] - plain.data[i]) <= tol * Math.max(scale, 1e-3),
      `${what}[${i}]: fast ${ours[i]}, plain ${plain.data[i]}`,
    );
  }
}
