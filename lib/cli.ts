/**
 * Command-line plumbing shared by `main.ts` and the tasks: a usage error that
 * ends the program with one clear line and exit code 2, and a stop (a file
 * that could not be written, say) with one line and exit code 1, never a
 * stack trace.
 *
 * @example
 * ```ts
 * import { UsageError } from "./cli.ts";
 * throw new UsageError("--steps must be a whole number ≥ 1, got -5");
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import { editDistance } from "./spelling.ts";

/**
 * A mistake in how the program was called, or in a file it was given.
 *
 * @example
 * ```ts
 * throw new UsageError("--steps must be a whole number ≥ 0, got \"-3\"");
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Why a run had to stop, when that is no mistake in how it was called: a
 * full disk, a folder that cannot be written. One line, exit code 1.
 *
 * @example
 * ```ts
 * function diskFull(): never {
 *   throw new StopError("cannot write chapters/notebooks/02_forward.ipynb: No space left on device; it is unchanged");
 * }
 * ```
 */
export class StopError extends Error {
  override name = "StopError";
}

/**
 * Runs `main`, turning a {@linkcode UsageError} into `error: …` on stderr
 * and exit code 2, and a {@linkcode StopError} into `error: …` and exit
 * code 1. Anything else is a bug and keeps its stack trace.
 *
 * @example
 * ```ts
 * await runCli(async () => { throw new UsageError("no such chapter"); }); // exit code 2
 * ```
 */
export async function runCli(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    if (typeof code === "number") Deno.exitCode = code;
  } catch (error) {
    if (error instanceof UsageError || error instanceof StopError) {
      console.error(`error: ${error.message}`);
      Deno.exitCode = error instanceof UsageError ? 2 : 1;
      return;
    }
    throw error;
  }
}

/**
 * The flags a command accepts, as `node:util`'s `parseArgs` describes them.
 *
 * @example
 * ```ts
 * const options: FlagOptions = { steps: { type: "string" }, help: { type: "boolean", short: "h" } };
 * ```
 */
export type FlagOptions = Record<string, { type: "string" | "boolean"; short?: string }>;

/**
 * What {@linkcode parseFlags} returns.
 *
 * @example
 * ```ts
 * const { values, positionals }: ParsedFlags = parseFlags(["--steps", "10"], { steps: { type: "string" } }, "train");
 * ```
 */
export interface ParsedFlags {
  /** The flags' values by name (strings and booleans). */
  values: Record<string, string | boolean | undefined>;
  /** The arguments that are not flags. */
  positionals: string[];
}

/** What a negative number looks like after a value flag: a minus, then a digit, a point, or inf/infinity/nan. */
const NEGATIVE_NUMBER = /^-(?:[\d.]|inf(?:inity)?$|nan$)/i;

/**
 * Parses a command's flags strictly with `node:util`'s `parseArgs`: an
 * unknown flag, a missing value or (unless allowed) a stray argument is a
 * {@linkcode UsageError} that points at `deno task <command> --help`; an
 * unknown flag also names the flags it is closest to (`--step`: "did you
 * mean --steps?", see {@linkcode closestFlags}). A value
 * that looks like a negative number (`--steps -3`, `--lr -.5`, `--lr -1e3`,
 * `--lr -Infinity`) is taken as the flag's value, so that the value check can
 * say what is wrong with it instead of `parseArgs` calling it ambiguous.
 *
 * @example
 * ```ts
 * const { values } = parseFlags(["--steps", "10"], { steps: { type: "string" } }, "train");
 * values.steps; // "10"
 * ```
 */
export function parseFlags(
  args: string[],
  options: FlagOptions,
  command: string,
  allowPositionals = false,
): ParsedFlags {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (
      /^--[\w-]+$/.test(args[i]) && options[args[i].slice(2)]?.type === "string" &&
      NEGATIVE_NUMBER.test(args[i + 1] ?? "")
    ) {
      joined.push(`${args[i]}=${args[++i]}`);
    } else {
      joined.push(args[i]);
    }
  }
  try {
    const { values, positionals } = parseArgs({ args: joined, options, strict: true, allowPositionals });
    return { values, positionals };
  } catch (error) {
    let message = (error as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
    const unknown = message.match(/^Unknown option '(-[^']*)'$/)?.[1];
    if (unknown !== undefined) {
      // "-step" reaches parseArgs as the short options -s -t -e -p: name the word that was typed.
      const typed = unknown.startsWith("--") ? unknown : args.find((a) => a.startsWith(unknown) && !a.startsWith("--"));
      const name = (typed ?? unknown).replace(/^--?/, "").split("=")[0];
      const near = closestFlags(name, Object.keys(options));
      message = `Unknown option '${typed ?? unknown}'${near.length > 0 ? `: did you mean ${orList(near)}?` : ""}`;
    }
    throw new UsageError(`${message} (see \`deno task ${command} --help\`)`);
  }
}

/** "--a", "--a or --b", "--a, --b or --c". */
function orList(flags: string[]): string {
  const named = flags.map((f) => `--${f}`);
  return named.length === 1 ? named[0] : `${named.slice(0, -1).join(", ")} or ${named.at(-1)}`;
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
