/**
 * Checking a command's flags: the {@linkcode UsageError} a bad one is, and
 * the checks of a value (a choice, a whole number, a number > 0, a path, a
 * whole number under a limit), each of which names the flag and what it got.
 * It uses no Deno API and no `node:` module, so a browser page checks its
 * form's fields with the command's own checks (the training page does);
 * `cli.ts` parses a command line with it and re-exports it.
 *
 * @example
 * ```ts
 * import { limitedFlag, UsageError } from "./flags.ts";
 * try {
 *   limitedFlag({ samples: "2000000" }, "samples", 1, 1_000_000);
 * } catch (error) {
 *   (error as UsageError).message; // "--samples 2,000,000 is more than the limit of 1,000,000"
 * }
 * ```
 * @module
 */

import { editDistance } from "./spelling.ts";

/**
 * A mistake in how the program was called, or in a file it was given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const parse = (text: string) => {
 *   if (!/^\d+$/.test(text)) throw new UsageError(`--steps must be a whole number ≥ 0, got "${text}"`);
 *   return Number(text);
 * };
 * assert.throws(() => parse("-3"), UsageError);
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The flags a mistyped `name` most likely meant: those within 2 edits of it
 * (fewer edits than it has letters), or, failing those, those it begins (at
 * most three, else none: `--s` could be anything).
 *
 * @example
 * ```ts
 * closestFlags("step", ["steps", "seed", "lr"]); // ["steps"]
 * closestFlags("temp", ["temperature", "steps"]); // ["temperature"]
 * ```
 */
export function closestFlags(name: string, flags: string[]): string[] {
  const distances = flags.map((flag) => ({ flag, d: editDistance(name, flag) }))
    .filter(({ d }) => d <= 2 && d < name.length);
  if (distances.length > 0) {
    const best = Math.min(...distances.map(({ d }) => d));
    return distances.filter(({ d }) => d === best).map(({ flag }) => flag);
  }
  const extending = name === "" ? [] : flags.filter((flag) => flag.startsWith(name));
  return extending.length <= 3 ? extending : [];
}

/**
 * A flag whose value must be one of `choices`; `undefined` when absent.
 *
 * @example
 * ```ts
 * choiceFlag({ kernels: "ts" }, "kernels", ["wasm", "ts"]); // "ts"
 * ```
 */
export function choiceFlag<T extends string>(
  values: Record<string, unknown>,
  flag: string,
  choices: readonly T[],
): T | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    throw new UsageError(`--${flag} must be ${choices.join(" or ")}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/**
 * A whole-number flag, at least `min` (`_` may group digits); `undefined` when absent.
 *
 * @example
 * ```ts
 * wholeFlag({ steps: "200_000" }, "steps", 0); // 200000
 * ```
 */
export function wholeFlag(values: Record<string, unknown>, flag: string, min: number): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).replaceAll("_", "");
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * A positive number flag; `undefined` when absent.
 *
 * @example
 * ```ts
 * positiveFlag({ lr: "0.1" }, "lr"); // 0.1
 * ```
 */
export function positiveFlag(values: Record<string, unknown>, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (String(raw).trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${flag} must be a number > 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * A path flag: present and not empty; `undefined` when absent.
 *
 * @example
 * ```ts
 * pathFlag({ out: "run.safetensors" }, "out"); // "run.safetensors"
 * ```
 */
export function pathFlag(values: Record<string, unknown>, flag: string): string | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || raw.trim() === "") throw new UsageError(`--${flag} needs a file path`);
  return raw;
}

/**
 * A whole-number flag from `min` to `max`, whose error names the flag and the limit; `undefined` when absent.
 *
 * @example
 * ```ts
 * limitedFlag({ samples: "20" }, "samples", 1, 1_000_000); // 20
 * ```
 */
export function limitedFlag(
  values: Record<string, unknown>,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  const n = wholeFlag(values, flag, min);
  if (n !== undefined && n > max) {
    const grouped = (k: number) => k.toLocaleString("en-US");
    throw new UsageError(`--${flag} ${grouped(n)} is more than the limit of ${grouped(max)}`);
  }
  return n;
}
