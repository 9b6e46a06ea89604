/**
 * Command-line plumbing shared by `main.ts` and the tasks: a usage error that
 * ends the program with one clear line and exit code 2, and a stop (a file
 * that could not be written, say) with one line and exit code 1, never a
 * stack trace.
 *
 * @example
 * ```ts
 * import { runCli, UsageError } from "./cli.ts";
 * async function main(args: string[]): Promise<number> {
 *   const steps = Number(args[0]);
 *   if (!Number.isSafeInteger(steps) || steps < 1) {
 *     throw new UsageError(`--steps must be a whole number ≥ 1, got ${args[0]}`);
 *   }
 *   return 0;
 * }
 * await runCli(() => main(["5000"])); // exit code 0; with ["-5"]: `error: --steps must be …, got -5` and exit code 2
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import { closestFlags, UsageError } from "./flags.ts";

export { choiceFlag, closestFlags, limitedFlag, pathFlag, positiveFlag, UsageError, wholeFlag } from "./flags.ts";

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
 * const chapter = (n: number) => {
 *   if (n < 1 || n > 9) throw new UsageError(`There is no chapter ${n}: the chapters are 1 to 9`);
 *   return Promise.resolve(0);
 * };
 * await runCli(() => chapter(3)); // exit code 0; chapter(10) prints `error: There is no chapter 10: …`, exit code 2
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
