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

/** A mistake in how the program was called, or in a file it was given. */
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
