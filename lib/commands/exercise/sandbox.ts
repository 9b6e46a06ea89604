/**
 * The sandbox a learner's file runs in for `deno task exercise N`: a
 * separate `deno` process with no permissions, fed on its stdin the file
 * rewritten by lib/exercise/instrument.ts (its gradients hooked, its relative
 * imports absolute) with a last line that hands `gradients` to the
 * learner-side runtime (runtime.ts). The process type-checks the file first;
 * the runtime's marks ({@linkcode MARK}) start and stop the time limit on the
 * learner's code, and say which line it reached, so that a file that never
 * returns is stopped after {@linkcode TIME_LIMIT_MS} and the learner told
 * where it was (see report.ts).
 *
 * @example
 * ```ts
 * import { runInSandbox } from "./sandbox.ts";
 * import { specOf } from "./context.ts";
 * // Needs --allow-read and --allow-run=deno:
 * async function verdictLines(path: string): Promise<string[]> {
 *   const run = await runInSandbox(specOf(3), path, await Deno.readTextFile(path));
 *   return run.out; // the runtime's table of verdicts, line by line
 * }
 * ```
 * @module
 */

import { UsageError } from "../../cli.ts";
import type { ExerciseSpec } from "../../exercise/checker.ts";
import { type DenoErrors, parseDenoErrors } from "../../exercise/errors.ts";
import { instrument, type Instrumented } from "../../exercise/instrument.ts";
import { MARK } from "../../exercise/marks.ts";
import { fromFileUrl, toFileUrl } from "../../paths.ts";

/**
 * How long the learner's code may run (its top level, or one call of
 * gradients()) before it is stopped, in milliseconds.
 *
 * @example
 * ```ts
 * `stopped after ${TIME_LIMIT_MS / 1000} s`; // "stopped after 5 s"
 * ```
 */
export const TIME_LIMIT_MS = 5000;

const ROOT = fromFileUrl(new URL("../../../", import.meta.url));
const RUNTIME = new URL("./runtime.ts", import.meta.url).href;

/** The learner's file as the sandbox runs it: the rewritten text, and how to map places back. */
export interface Prepared extends Instrumented {
  /** The last line of the learner's own text (the lines after it are the runtime's). */
  lastLine: number;
}

/**
 * The text of the learner's file at `path`, rewritten to run from stdin with
 * the runtime's hooks and a last line that runs it.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * const ready = prepare(specOf(3), "/tmp/03_cross_entropy.ts", "export function gradients() {}\n");
 * ready.code.includes("__exercise.run(3, gradients, {});"); // true
 * ready.lastLine; // 2
 * ```
 */
export function prepare(spec: ExerciseSpec, path: string, text: string): Prepared {
  const ready = instrument(text, toFileUrl(path).href, spec.gradients.map((g) => g.name), "__exercise");
  const lastLine = text.split("\n").length;
  const code = `${ready.code}\nimport * as __exercise from "${RUNTIME}";\n__exercise.run(${spec.chapter}, gradients, ${
    JSON.stringify(ready.lines)
  });\n`;
  return { ...ready, code, lastLine };
}

/** Starts the sandbox's `deno` process (type checking first, no permissions) on `code`, given on its stdin. */
async function startSandbox(code: string): Promise<Deno.ChildProcess> {
  const command = new Deno.Command("deno", {
    args: ["run", "--check", "--quiet", "--no-prompt", "-"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  let child: Deno.ChildProcess;
  try {
    child = command.spawn();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied)) throw error;
    throw new UsageError(
      "exercise mode runs your file in a separate deno process and needs --allow-run=deno (deno task exercise grants it)",
    );
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(code));
  await writer.close();
  return child;
}

/** What the sandbox printed, read with the time limit. */
export interface SandboxOutput {
  /** Its lines, without the marks. */
  out: string[];
  /** What ran too long and was stopped ("load", or "gradients"), or "". */
  ranTooLong: string;
  /** The last hook the learner's code passed: ["at", "in" | "after", line, name]. */
  reached?: string[];
}

/**
 * Reads the sandbox's stdout, acting on its marks ({@linkcode MARK}): each
 * `timer …` mark starts the time limit on the learner's code (killing the
 * process when it runs out), `timer off` stops it, and `at …` marks say where
 * the code got to.
 */
async function readMarks(child: Deno.ChildProcess, limitMs: number): Promise<SandboxOutput> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result: SandboxOutput = { out: [], ranTooLong: "" };
  let pending = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const complete = pending.split("\n");
    pending = complete.pop()!;
    for (const line of complete) {
      if (!line.startsWith(MARK)) {
        result.out.push(line);
        continue;
      }
      const what = line.slice(MARK.length);
      if (what.startsWith("at ")) {
        result.reached = what.split(" ");
        continue;
      }
      clearTimeout(timer);
      if (what === "timer off") continue;
      result.reached = undefined;
      timer = setTimeout(() => {
        result.ranTooLong = what.replace(/^timer /, "");
        child.kill("SIGKILL");
      }, limitMs);
    }
  }
  if (pending) result.out.push(pending);
  clearTimeout(timer);
  return result;
}

/** One run of a learner's file in the sandbox: what it printed, how it ended, and its errors. */
export interface SandboxRun extends SandboxOutput {
  /** The file as it ran, to map places back to the learner's. */
  prepared: Prepared;
  /** Whether the process exited with code 0 (every gradient right). */
  success: boolean;
  /** What deno printed on stderr: type errors, or the error that stopped the file. */
  errors: DenoErrors;
}

/**
 * Runs the learner's file (its `text`, from `path`) in the sandbox: type
 * checked first, no permissions, stopped after `limitMs` of running the
 * learner's code.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * // Needs --allow-read and --allow-run=deno:
 * async function allRight(path: string): Promise<boolean> {
 *   const run = await runInSandbox(specOf(3), path, await Deno.readTextFile(path));
 *   return run.success;
 * }
 * ```
 */
export async function runInSandbox(
  spec: ExerciseSpec,
  path: string,
  text: string,
  limitMs = TIME_LIMIT_MS,
): Promise<SandboxRun> {
  const prepared = prepare(spec, path, text);
  const child = await startSandbox(prepared.code);
  const stderr = new Response(child.stderr).text();
  const output = await readMarks(child, limitMs);
  const status = await child.status;
  return { ...output, prepared, success: status.success, errors: parseDenoErrors(await stderr) };
}
