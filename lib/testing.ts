/**
 * Helpers for tests: run a chapter's `run()` without flooding the test
 * output, and keep what it printed for assertions.
 *
 * @example
 * ```ts
 * import { quietly } from "./testing.ts";
 * const { result, output } = await quietly(() => 42);
 * ```
 * @module
 */

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
