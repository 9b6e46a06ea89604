/**
 * Command-line plumbing shared by `main.ts` and the tasks: a usage error that
 * ends the program with one clear line and exit code 2, never a stack trace.
 *
 * @example
 * ```ts
 * import { UsageError } from "./cli.ts";
 * throw new UsageError("--steps must be a whole number ≥ 1, got -5");
 * ```
 * @module
 */

import { parseArgs } from "node:util";

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
 * Runs `main`, turning a {@linkcode UsageError} (and the data module's
 * `RangeError`s about a bad file) into `error: …` on stderr and exit code 2.
 * Anything else is a bug and keeps its stack trace.
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
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      Deno.exitCode = 2;
      return;
    }
    throw error;
  }
}

/** The flags a command accepts, as `node:util`'s `parseArgs` describes them. */
export type FlagOptions = Record<string, { type: "string" | "boolean"; short?: string }>;

/** What {@linkcode parseFlags} returns. */
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
 * {@linkcode UsageError} that points at `deno task <command> --help`. A value
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
    const message = (error as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
    throw new UsageError(`${message} (see \`deno task ${command} --help\`)`);
  }
}
