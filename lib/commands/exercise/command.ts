/**
 * `deno task exercise N`: the learner's version of chapter N, checked.
 *
 * The learner's files live in `chapters/yours/` (ignored by git, so a pull
 * never touches them). The first run of an exercise copies its stub from
 * `chapters/exercises/` there; after that the file is the learner's and is
 * never overwritten. `--reset` starts over, keeping the old file as a backup.
 * A file is checked in the sandbox (sandbox.ts): its imports and types
 * first, then run with no permissions in a separate process, within
 * {@linkcode LIMITS}; the verdicts are decided here from what that process
 * sends back, and report.ts says what came of it, with errors as
 * `file:line:col`.
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
import { createFile, keepAs, kindOf, reason, replaceFile } from "../files.ts";
import type { ExerciseSpec } from "../../exercise/checker.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { hint, type HintLevel } from "./hints.ts";
import { LIMITS, type Limits, runInSandbox } from "./sandbox.ts";
import { reportRun } from "./report.ts";
import { trainWithYours, withSteps } from "./training.ts";
import { wholeApiCard } from "../../exercise/api_card.ts";
import { otherExerciseLine } from "./context.ts";

/**
 * Where the learner's files go: `chapters/yours/`, ignored by git.
 *
 * @example
 * ```ts
 * WORKSPACE.endsWith("/chapters/yours/"); // true
 * ```
 */
export const WORKSPACE = fromFileUrl(new URL("../../../chapters/yours/", import.meta.url));

/** The largest learner's file read: a stub is about 3 KB. */
const MAX_FILE_BYTES = 1 << 20;

/**
 * The text of the learner's file at `path`; a {@linkcode UsageError} of one
 * line when it is a folder or a device, is far too large, or cannot be read.
 */
async function readLearnerFile(path: string, shown: string): Promise<string> {
  try {
    const kind = await kindOf(path);
    if (kind !== "file") {
      throw new UsageError(
        kind === "none"
          ? `${shown} is gone: run again, and it is made from the stub`
          : `${shown} is ${
            kind === "directory" ? "a folder" : "not a regular file"
          }, not your exercise file: move it away, and the next run makes the file from the stub`,
      );
    }
    const { size } = await Deno.stat(path);
    if (size > MAX_FILE_BYTES) {
      throw new UsageError(
        `${shown} is ${(size / 2 ** 20).toFixed(1)} MB: an exercise file is a few KB, so it is not read`,
      );
    }
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof UsageError || error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`cannot read ${shown}: ${reason(error)}`);
  }
}

/**
 * Checks the learner's file at `path` in the sandbox (see sandbox.ts: its
 * imports and types first, then run with no permissions, within `limits`)
 * and prints what the learner's code printed, then the verdicts or the
 * located errors; for an exercise that trains (9), once every gradient is
 * right, trains the network with them (training.ts). The exit code.
 */
async function checkFile(spec: ExerciseSpec, path: string, limits: Limits): Promise<number> {
  const shown = relative(Deno.cwd(), path);
  const text = await readLearnerFile(path, shown);
  const other = otherExerciseLine(spec, text, shown); // another exercise's file: one line, then its check
  if (other !== null) console.log(`${other}\n`);
  const run = await runInSandbox(spec, path, text, limits, shown);
  const report = reportRun(run, shown, text, limits);
  console.log(report.text);
  if (report.code !== 0 || !spec.trains) return report.code;
  return await trainWithYours(spec, path, text, limits, shown);
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
async function watchFile(spec: ExerciseSpec, path: string, limits: Limits, watch: WatchOptions): Promise<void> {
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
    if ((await kindOf(path)) !== "file") return; // removed for now (a save in two steps): its return is another event
    if (Deno.stdout.isTerminal()) console.log("\x1b[2J\x1b[H");
    console.log(`Exercise ${spec.chapter}, checked at ${new Date().toLocaleTimeString()}:\n`);
    await checkFile(spec, path, limits);
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
  "Usage: deno task exercise N [--hint NAME [--level 2|3] | --solution NAME | --reset | --watch]\n       deno task exercise 9 [--steps N]\n       deno task exercise --api";

/** The most steps `--steps` takes: the lecture's whole training. */
const MAX_STEPS = 200_000;

/**
 * The number of `--steps N` (exercise 9's training): a whole number from 1 to 200,000, the lecture's whole
 * training, written plainly or with `,` or `_` between thousands; anything else is a {@linkcode UsageError} that says
 * what it takes.
 *
 * @example
 * ```ts
 * [parseSteps("200000"), parseSteps("200,000"), parseSteps("3_000")]; // [200000, 200000, 3000]
 * ```
 */
export function parseSteps(text: string): number {
  const steps = /^\d{1,3}([,_]?\d{3})*$/.test(text) ? Number(text.replace(/[,_]/g, "")) : NaN;
  if (!(steps >= 1 && steps <= MAX_STEPS)) {
    throw new UsageError(
      `--steps takes a whole number of steps from 1 to ${
        MAX_STEPS.toLocaleString("en-US")
      } (the lecture's whole training), got ${JSON.stringify(text)}`,
    );
  }
  return steps;
}

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
    /** Exercise 9's training steps, when `--steps` says. */
    steps?: number;
  };

/** The lecture's exercises 1 to 4, as this project numbers them. */
const LECTURE_EXERCISES: Record<string, string> = { "1": "3 to 6", "2": "7", "3": "8", "4": "9" };

/**
 * Why there is no exercise `arg`: the exercises are chapters 3 to 9, and
 * the lecture's exercise 1 to 4 (`deno task exercise 1`) are named as ours.
 */
function noExercise(arg: string): UsageError {
  const here = LECTURE_EXERCISES[arg];
  const lecture = Object.hasOwn(LECTURE_EXERCISES, arg)
    ? `; the lecture's exercise ${arg} is ${here.includes(" ") ? "exercises" : "exercise"} ${here} here ` +
      `(deno task exercise ${here.split(" ")[0]}), and its 1 to 4 are 3 to 6, 7, 8 and 9`
    : "";
  return new UsageError(`there is no exercise ${JSON.stringify(arg)}: exercises are chapters 3 to 9${lecture}`);
}

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
      steps: { type: "string" },
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
  if (!/^\d+$/.test(positionals[0]) || !spec) throw noExercise(positionals[0]);
  if (values.level !== undefined && values.hint === undefined) throw new UsageError("--level goes with --hint NAME");
  if (values.steps !== undefined && !spec.trains) {
    throw new UsageError(`--steps goes with exercise 9, the one that trains a network, not exercise ${spec.chapter}`);
  }
  return {
    help: false,
    spec,
    hint: values.hint === undefined ? undefined : String(values.hint),
    level: Number(choiceFlag(values, "level", ["1", "2", "3"]) ?? 1) as HintLevel,
    solution: values.solution === undefined ? undefined : String(values.solution),
    reset: Boolean(values.reset),
    watch: Boolean(values.watch),
    steps: values.steps === undefined ? undefined : parseSteps(String(values.steps)),
  };
}

/** The help: what the command does, its flags and the exercises. */
function usage(): string {
  const list = Object.values(EXERCISES).map((s) => `  ${s.chapter}. ${s.title}`).join("\n");
  return `Write the gradients yourself; the tutorial checks them and names your mistakes.

${USAGE}

--steps N trains exercise 9's network for N steps (3,000 unless said; 200,000 is the lecture's whole training).

--api prints the API at hand: every tensor operation, and the lecture's PyTorch as you write it here.

Exercises (your files go to chapters/yours/):
${list}`;
}

/** The name of the `k`-th backup of `path` made at `when`: `NAME.TIME.bak`, then `NAME.TIME-2.bak`, … */
const backupName = (path: string, when: Date, k: number) =>
  `${path}.${when.toISOString().replaceAll(":", "-")}${k === 1 ? "" : `-${k}`}.bak`;

/**
 * The learner's file at `path`, ready: kept as a backup and removed first
 * when `reset`, made from the stub when there is none (or when it is empty,
 * as a write that failed on a full disk leaves it). Never overwrites a
 * learner's work, also when several runs do this at once; a folder or a
 * device at `path` is a {@linkcode UsageError}, a failed write a
 * {@linkcode StopError}, each one line.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * // Needs --allow-read --allow-write:
 * async function startOver(workspace: string): Promise<void> {
 *   await setUpFile(specOf(3), `${workspace}/03_cross_entropy.ts`, workspace, true); // "Moved your … to ….bak."
 * }
 * ```
 */
export async function setUpFile(spec: ExerciseSpec, path: string, workspace: string, reset: boolean): Promise<void> {
  const shown = relative(Deno.cwd(), path);
  try {
    await Deno.mkdir(workspace, { recursive: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`cannot make the folder ${relative(Deno.cwd(), workspace)}: ${reason(error)}`);
  }
  const kind = await kindOf(path);
  if (kind === "directory" || kind === "other") {
    throw new UsageError(
      `${shown} is ${
        kind === "directory" ? "a folder" : "not a regular file"
      }, not your exercise file: move it away, and the next run makes the file from the stub`,
    );
  }
  if (kind === "file" && reset) {
    const backup = await keepAs(path, (k) => backupName(path, new Date(), k), shown);
    if (backup !== undefined) {
      await Deno.remove(path).catch((error) => { // another run at once may have moved it already
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      console.log(`Moved your ${shown} to ${relative(Deno.cwd(), backup)}.`);
    }
  } else if (kind === "file" && (await Deno.stat(path)).size === 0) {
    await replaceFile(path, spec.stub, shown);
    console.log(`${shown} was empty (a write that failed?), so it is the stub again.\n`);
    return;
  }
  if (await createFile(path, spec.stub, shown)) {
    console.log(`Created ${shown} from the stub: open it and replace each todo(...) with your gradient.\n`);
  }
}

/**
 * `deno task exercise [N] [--hint NAME [--level 2|3] | --solution NAME | --reset | --watch]`.
 * `workspace`, `limits` (on the learner's code: see {@linkcode LIMITS}) and `watch` are for tests.
 *
 * @example
 * ```ts
 * Deno.exitCode = await exerciseCommand(["3", "--hint", "dprobs", "--level", "2"]); // prints the local derivative
 * ```
 */
export async function exerciseCommand(
  args: string[],
  workspace = WORKSPACE,
  limits: Partial<Limits> = {},
  watch: WatchOptions = {},
): Promise<number> {
  const request = parseRequest(args);
  const given = { ...LIMITS, ...limits };
  const bounds = !request.help && !request.api && request.steps !== undefined ? withSteps(given, request.steps) : given;
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
  const code = await checkFile(spec, path, bounds);
  if (request.watch) await watchFile(spec, path, bounds, watch);
  return code;
}
