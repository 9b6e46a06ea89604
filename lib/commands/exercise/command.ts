/**
 * `deno task exercise N`: the learner's version of chapter N, checked.
 *
 * The learner's files live in `chapters/yours/` (ignored by git, so a pull
 * never touches them). The first run of an exercise copies its stub from
 * `chapters/exercises/` there; after that the file is the learner's and is
 * never overwritten. `--reset` starts over, keeping the old file as a backup.
 * A file is checked in the sandbox (sandbox.ts): type-checked first, run with
 * no permissions, and stopped after {@linkcode TIME_LIMIT_MS}; the
 * learner-side runtime (runtime.ts) checks each gradient there, and
 * report.ts says what came of it, with errors as `file:line:col`.
 *
 * @example
 * ```ts
 * import { exerciseCommand } from "./command.ts";
 * Deno.exitCode = await exerciseCommand(["3", "--hint", "dprobs"]); // prints the first hint, returns 0
 * ```
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import { fromFileUrl } from "../../paths.ts";
import { choiceFlag, parseFlags, UsageError } from "../../cli.ts";
import type { ExerciseSpec } from "../../exercise/checker.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { hint, type HintLevel } from "./hints.ts";
import { runInSandbox, TIME_LIMIT_MS } from "./sandbox.ts";
import { reportRun } from "./report.ts";
import { wholeApiCard } from "../../exercise/api_card.ts";

/**
 * Where the learner's files go: `chapters/yours/`, ignored by git.
 *
 * @example
 * ```ts
 * WORKSPACE.endsWith("/chapters/yours/"); // true
 * ```
 */
export const WORKSPACE = fromFileUrl(new URL("../../../chapters/yours/", import.meta.url));

/**
 * Checks the learner's file at `path` in the sandbox (type checked first, no
 * permissions, stopped after `limitMs` of running the learner's code) and
 * prints the verdicts or the located errors; the exit code.
 */
async function checkFile(spec: ExerciseSpec, path: string, limitMs = TIME_LIMIT_MS): Promise<number> {
  const text = await Deno.readTextFile(path);
  const run = await runInSandbox(spec, path, text, limitMs);
  const report = reportRun(run, relative(Deno.cwd(), path), text, limitMs);
  console.log(report.text);
  return report.code;
}

/** Whether a file exists (needs read permission). */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** For tests of `--watch`: a signal that stops watching, and a call each time it starts waiting for a save. */
export interface WatchOptions {
  /** Stops watching: exerciseCommand then returns. */
  signal?: AbortSignal;
  /** Called when "Watching for changes" is printed (the watch is set up). */
  onWatching?: () => void;
}

/**
 * `--watch`: checks the learner's file at `path` again each time it is saved,
 * until `watch.signal` aborts (or Ctrl-C).
 */
async function watchFile(spec: ExerciseSpec, path: string, limitMs: number, watch: WatchOptions): Promise<void> {
  const shown = relative(Deno.cwd(), path);
  // The folder is watched, not the file: an editor that saves by writing a new file and renaming it over the old one
  // (and `sed -i`) replaces the file, and a watch on the old file would see nothing after the first such save.
  const watcher = Deno.watchFs(dirname(path), { recursive: false });
  watch.signal?.addEventListener("abort", () => watcher.close(), { once: true });
  const watching = () => {
    console.log("\nWatching for changes (Ctrl-C to stop)…");
    watch.onWatching?.();
  };
  watching();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let checking = Promise.resolve();
  const again = async () => {
    if (!(await exists(path))) return; // removed for now (a save in two steps): its return is another event
    if (Deno.stdout.isTerminal()) console.log("\x1b[2J\x1b[H");
    console.log(`Exercise ${spec.chapter}, checked at ${new Date().toLocaleTimeString()}:\n`);
    await checkFile(spec, path, limitMs);
    watching();
  };
  for await (const event of watcher) {
    if (event.kind === "access" || !event.paths.some((p) => basename(p) === spec.file)) continue;
    clearTimeout(timer);
    timer = setTimeout(() => {
      checking = checking.then(again).catch((error) => {
        console.log(`Could not check ${shown}: ${(error as Error).message.split("\n")[0]}`);
        watching();
      });
    }, 150);
  }
  clearTimeout(timer);
  await checking;
}

const USAGE =
  "Usage: deno task exercise N [--hint NAME [--level 2|3] | --solution NAME | --reset | --watch]\n       deno task exercise --api";

/** What `deno task exercise` was asked for: help, the API card, or an exercise and its flags. */
type Request =
  | { help: true }
  | { help: false; api: true }
  | {
    help: false;
    api?: false;
    spec: ExerciseSpec;
    hint?: string;
    level: HintLevel;
    solution?: string;
    reset: boolean;
    watch: boolean;
  };

/** The command's arguments, checked: a {@linkcode UsageError} says what is wrong with them. */
function parseRequest(args: string[]): Request {
  const { values, positionals } = parseFlags(
    args,
    {
      hint: { type: "string" },
      level: { type: "string" },
      solution: { type: "string" },
      reset: { type: "boolean" },
      watch: { type: "boolean" },
      api: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    "exercise",
    true,
  );
  if (values.help) return { help: true };
  if (values.api) return { help: false, api: true };
  if (positionals.length === 0) return { help: true };
  if (positionals.length > 1) throw new UsageError(`exercise takes one number, got ${positionals.join(" ")}`);
  const spec = EXERCISES[Number(positionals[0])];
  if (!/^\d+$/.test(positionals[0]) || !spec) {
    throw new UsageError(`there is no exercise ${JSON.stringify(positionals[0])}: exercises are chapters 3 to 8`);
  }
  if (values.level !== undefined && values.hint === undefined) throw new UsageError("--level goes with --hint NAME");
  return {
    help: false,
    spec,
    hint: values.hint === undefined ? undefined : String(values.hint),
    level: Number(choiceFlag(values, "level", ["1", "2", "3"]) ?? 1) as HintLevel,
    solution: values.solution === undefined ? undefined : String(values.solution),
    reset: Boolean(values.reset),
    watch: Boolean(values.watch),
  };
}

/** The help: what the command does, its flags and the exercises. */
function usage(): string {
  const list = Object.values(EXERCISES).map((s) => `  ${s.chapter}. ${s.title}`).join("\n");
  return `Write the gradients yourself; the tutorial checks them and names your mistakes.

${USAGE}

--api prints the API at hand: every tensor operation, and the lecture's PyTorch as you write it here.

Exercises (your files go to chapters/yours/):
${list}`;
}

/**
 * The learner's file at `path`, ready: moved to a backup first when `reset`,
 * copied from the stub when there is none. Never overwrites a file.
 */
async function setUpFile(spec: ExerciseSpec, path: string, workspace: string, reset: boolean): Promise<void> {
  const shown = relative(Deno.cwd(), path);
  try {
    if (reset && (await exists(path))) {
      const backup = `${path}.${new Date().toISOString().replaceAll(":", "-")}.bak`;
      await Deno.rename(path, backup);
      console.log(`Moved your ${shown} to ${relative(Deno.cwd(), backup)}.`);
    }
    if (!(await exists(path))) {
      await Deno.mkdir(workspace, { recursive: true });
      await Deno.writeTextFile(path, spec.stub, { createNew: true });
      console.log(`Created ${shown} from the stub: open it and replace each todo(...) with your gradient.\n`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    throw new UsageError(`cannot set up ${shown}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * `deno task exercise [N] [--hint NAME [--level 2|3] | --solution NAME | --reset | --watch]`.
 * `workspace`, `limitMs` (the time limit on the learner's code) and `watch` are for tests.
 *
 * @example
 * ```ts
 * Deno.exitCode = await exerciseCommand(["3", "--hint", "dprobs", "--level", "2"]); // prints the local derivative
 * ```
 */
export async function exerciseCommand(
  args: string[],
  workspace = WORKSPACE,
  limitMs = TIME_LIMIT_MS,
  watch: WatchOptions = {},
): Promise<number> {
  const request = parseRequest(args);
  if (request.help || request.api) {
    console.log(request.help ? usage() : wholeApiCard());
    return 0;
  }
  const { spec } = request;
  if (request.hint !== undefined) {
    console.log(hint(spec, request.hint, request.level));
    return 0;
  }
  if (request.solution !== undefined) {
    console.log(hint(spec, request.solution, "solution"));
    return 0;
  }
  const path = join(workspace, spec.file);
  await setUpFile(spec, path, workspace, request.reset);
  console.log(`Exercise ${spec.chapter}. ${spec.title}: ${relative(Deno.cwd(), path)}\n`);
  const code = await checkFile(spec, path, limitMs);
  if (request.watch) await watchFile(spec, path, limitMs, watch);
  return code;
}
