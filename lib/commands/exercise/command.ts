/**
 * `deno task exercise N`: the learner's version of chapter N, checked.
 *
 * The learner's files live in `chapters/yours/` (ignored by git, so a pull
 * never touches them). A file is checked in a separate `deno` process (see
 * exercise_run.ts): type-checked first, run with no permissions, and stopped
 * after {@linkcode TIME_LIMIT_MS}; its errors come back as `file:line:col`.
 * {@linkcode checkOne} checks one gradient in-process, for a notebook. The first run of an exercise copies its stub from
 * `chapters/exercises/` there; after that the file is the learner's and is
 * never overwritten. `--reset` starts over, keeping the old file as a backup.
 *
 * @example
 * ```ts
 * import { exerciseCommand } from "./command.ts";
 * Deno.exitCode = await exerciseCommand(["3"]);
 * ```
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import { fromFileUrl, toFileUrl } from "../../paths.ts";
import { choiceFlag, parseFlags, UsageError } from "../../cli.ts";
import {
  type CheckContext,
  checkExercise,
  checkGradient,
  correctGradients,
  type ExerciseInput,
  type ExerciseSpec,
  extractSolution,
  isDone,
  STATUS_WORDS,
  type Verdict,
  verdictText,
} from "../../exercise/checker.ts";
import { referenceGradients } from "../../check/reference.ts";
import { instrument } from "../../exercise/instrument.ts";
import { explainTypeError, type Located, parseDenoErrors } from "../../exercise/errors.ts";
import { MARK } from "../../exercise/marks.ts";
import type { Tensor } from "../../tensor.ts";
import { formatShape } from "../../tensor.ts";
import { table, wrap } from "../../report/print.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { lectureForward } from "../../../chapters/02_forward.ts";
import { backpropCrossEntropy } from "../../../chapters/03_cross_entropy.ts";
import { backpropOutputLayer } from "../../../chapters/04_output_layer.ts";
import { backpropBatchnorm } from "../../../chapters/05_batchnorm.ts";

/**
 * Where the learner's files go: `chapters/yours/`, ignored by git.
 *
 * @example
 * ```ts
 * join(WORKSPACE, EXERCISES[3].file); // "…/chapters/yours/03_cross_entropy.ts"
 * ```
 */
export const WORKSPACE = fromFileUrl(new URL("../../../chapters/yours/", import.meta.url));

/** A learner's module: a function from the forward context to named gradients. */
export interface LearnerModule {
  gradients(input: ExerciseInput): Record<string, Tensor | undefined>;
}

/**
 * What every exercise receives: the lecture's forward pass, and the correct
 * upstream gradients from the solved chapters.
 *
 * @example
 * ```ts
 * const input = exerciseInput();
 * input.dlogits.shape; // [32, 27]
 * ```
 */
export function exerciseInput(): ExerciseInput {
  const { params, batch, fwd } = lectureForward();
  const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
  const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  const { dhprebn } = backpropBatchnorm(dhpreact, fwd, params);
  return { fwd, params, batch, n: batch.Xb.shape[0], dlogits, dhpreact, dhprebn };
}

/**
 * Checks a learner's module against TensorFlow.js's gradients.
 *
 * @example
 * ```ts
 * const verdicts = checkLearner(EXERCISES[3], await import("../../../chapters/yours/03_cross_entropy.ts"));
 * ```
 */
export function checkLearner(spec: ExerciseSpec, learner: LearnerModule): Verdict[] {
  // The learner gets a fresh input, so nothing it does can alter what the checker trusts.
  const { input, ref } = exerciseContext();
  return checkExercise(spec, learner.gradients(exerciseInput()), input, ref);
}

/**
 * The verdicts as a table (with the line of the learner's file that
 * computes each gradient, when known), what to do about each, and a line on
 * what to do next (`problemsBelow`: notes printed after it keep it from
 * saying "well done").
 *
 * @example
 * ```ts
 * console.log(formatVerdicts(EXERCISES[3], checkLearner(EXERCISES[3], learner)));
 * ```
 */
export function formatVerdicts(spec: ExerciseSpec, verdicts: Verdict[], problemsBelow = false): string {
  const hasLines = verdicts.some((v) => v.line !== undefined);
  const rows: (string | number)[][] = [
    hasLines ? ["gradient", "line", "status"] : ["gradient", "status"],
    ...verdicts.map((v) => {
      const status = STATUS_WORDS[v.status] + (v.fed ? " *" : "");
      return hasLines ? [v.name, v.line ?? "", status] : [v.name, status];
    }),
  ];
  const details = verdicts.filter((v) => v.detail).map((v) => {
    const where = v.line !== undefined ? `line ${v.line}, ` : "";
    const fed = v.fed && !isDone(v) ? ` (checked with the correct ${v.fed.join(" and ")})` : "";
    return wrap(`${where}${v.name}${isDone(v) ? " (right)" : ""}: ${v.detail}${fed}`).replaceAll("\n", "\n    ");
  });
  if (verdicts.some((v) => v.fed)) {
    details.push(
      wrap("* = checked on the correct values of the gradients it is computed from, since yours are not yet right"),
    );
  }
  const done = verdicts.filter(isDone).length;
  const next = verdicts.find((v) => !isDone(v) && v.status !== "waiting");
  const count = done === 1 ? "The 1 gradient" : `All ${done} gradients`;
  const summary = done === verdicts.length && problemsBelow
    ? `Every line is right, but what is said below changed your results after them: fix that too.`
    : done === verdicts.length
    ? `${count} of exercise ${spec.chapter} ${done === 1 ? "is" : "are"} right. Well done!`
    : `${done} of ${verdicts.length} done. Next: ${next?.name}` +
      (next ? ` (stuck? deno task exercise ${spec.chapter} --hint ${next.name})` : "");
  return [table(rows), ...(details.length ? [details.join("\n")] : []), wrap(summary)].join("\n\n");
}

/**
 * Checks one gradient in-process, as `deno task exercise N` checks its line:
 * the learner's tensor for gradient `name` of exercise `chapter`, computed
 * from the correct upstream values (see {@linkcode upstreamFor}), against
 * TensorFlow.js's. Returns the verdict and the text to show (a line with the
 * verdict, and the diagnosis or note). For a notebook cell.
 *
 * @example
 * ```ts
 * const { dlogprobs } = upstreamFor(3); // the correct upstream gradients
 * const { text } = checkOne(3, "dprobs", mul(pow(exerciseInput().fwd.probs, -1), dlogprobs));
 * console.log(text); // "dprobs: exact"
 * ```
 */
export function checkOne(chapter: number, name: string, value: Tensor): { verdict: Verdict; text: string } {
  const verdict = checkGradient(specOf(chapter), name, value, exerciseContext());
  return { verdict, text: verdictText(verdict) };
}

/**
 * The correct value of every gradient of exercise `chapter`, and of the
 * upstream gradients it starts from, by the learner's names: what a notebook
 * cell gets as its upstream values.
 *
 * @example
 * ```ts
 * upstreamFor(5).dhpreact.shape; // [32, 64]
 * ```
 */
export function upstreamFor(chapter: number): Record<string, Tensor> {
  return correctGradients(specOf(chapter), exerciseContext());
}

let cachedContext: CheckContext | undefined;
/**
 * The lecture's forward pass and TensorFlow.js's gradients of it, computed once.
 *
 * @example
 * ```ts
 * exerciseContext().ref.probs.shape; // [32, 27]
 * ```
 */
export function exerciseContext(): CheckContext {
  if (!cachedContext) {
    const input = exerciseInput();
    cachedContext = { input, ref: referenceGradients(input.params, input.batch.Xb, input.batch.Yb).grads };
  }
  return cachedContext;
}

/**
 * The spec of exercise `chapter`; a RangeError naming the exercises when there is no such exercise.
 *
 * @example
 * ```ts
 * specOf(3).gradients[0].name; // "dlogprobs"
 * specOf(2); // throws "There is no exercise 2: exercises are chapters 3 to 8"
 * ```
 */
export function specOf(chapter: number): ExerciseSpec {
  const spec = EXERCISES[chapter];
  if (!spec) throw new RangeError(`There is no exercise ${chapter}: exercises are chapters 3 to 8`);
  return spec;
}

/**
 * The hint at a level (1: the forward line and the shapes, 2: the local derivative), or the solution.
 *
 * @example
 * ```ts
 * hint(EXERCISES[3], "dprobs", 1); // "dprobs inverts the forward line `logprobs = log(probs)`. …"
 * ```
 */
export function hint(spec: ExerciseSpec, name: string, level: 1 | 2 | "solution", given?: ExerciseInput): string {
  const g = spec.gradients.find((x) => x.name === name);
  if (!g) {
    throw new UsageError(
      `exercise ${spec.chapter} has no gradient ${JSON.stringify(name)}: its gradients are ${
        spec.gradients.map((x) => x.name).join(", ")
      }`,
    );
  }
  if (level === "solution") {
    const lines = extractSolution(spec.source, spec.solvedIn, g.solution ?? [name]);
    return `The solution from chapter ${spec.chapter} (${spec.solvedIn}):\n\n${
      lines.map((l) => `  ${l.replaceAll("\n", "\n  ")}`).join("\n")
    }`;
  }
  if (level === 2) return wrap(`${name}: ${g.rule.replace(/\s+/g, " ")}`);
  const input = given ?? exerciseInput(); // only the first hint needs the shapes of the forward pass
  const shapeOf = (key: string) => {
    const t = (input.fwd as unknown as Record<string, Tensor | undefined>)[key] ??
      (input.params as unknown as Record<string, Tensor | undefined>)[key];
    return t ? formatShape(t.shape) : undefined;
  };
  const shape = shapeOf(g.of);
  const deps = g.deps.length > 0 ? ` It is computed from ${g.deps.join(" and ")}.` : "";
  return wrap(
    `${name} inverts the forward line \`${g.forward}\`. It is the gradient of ${g.of}${
      shape ? `, so it has ${g.of}'s shape ${shape}` : ""
    }.${deps} (More: --hint ${name} --level 2.)`,
  );
}

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
const RUNNER = new URL("./runtime.ts", import.meta.url).href;
const STDIN_URL = /file:\/\/[^\s)]*\$deno\$stdin\.mts:(\d+):(\d+)/g;

/** The text of the learner's file, rewritten to run from stdin with the checker's hooks and a last line that runs it. */
function prepare(spec: ExerciseSpec, path: string, text: string) {
  const ready = instrument(text, toFileUrl(path).href, spec.gradients.map((g) => g.name), "__exercise");
  const lastLine = text.split("\n").length;
  const code = `${ready.code}\nimport * as __exercise from "${RUNNER}";\n__exercise.run(${spec.chapter}, gradients, ${
    JSON.stringify(ready.lines)
  });\n`;
  return { ...ready, code, lastLine };
}

/**
 * Where a runaway gradients() was, from the last hook it passed (`reached`)
 * and the lines of the gradients' last assignments: "after line 70
 * (dcounts), before line 73 (dnormLogits)", or "" when no gradient is hooked.
 */
function whereItRan(reached: string[] | undefined, lines: Record<string, number>): string {
  const hooked = Object.entries(lines).sort((a, b) => a[1] - b[1]);
  if (!reached) return hooked.length > 0 ? `before line ${hooked[0][1]} (${hooked[0][0]})` : "";
  const [, kind, line, name] = reached;
  if (kind === "in") return `in line ${line} (${name})`;
  const next = hooked.find(([, l]) => l > Number(line));
  return `after line ${line} (${name})${next ? `, before line ${next[1]} (${next[0]})` : ""}`;
}

/** A located message: `file:line:col: message`, then the line with a caret under the column. */
function locate(shown: string, lines: string[], line: number, column: number, message: string): string {
  const source = lines[line - 1] ?? "";
  const caret = `${" ".repeat(Math.max(0, column - 1 - (source.length - source.trimStart().length)))}^`;
  return `${shown}:${line}:${column}: ${message}\n    ${source.trim()}\n    ${caret}`;
}

/** Where a place in the checked code is in the learner's file: undefined when it is not in the file. */
type Place = (url: string, line: number, column: number) => { line: number; column: number } | undefined;

/** Starts the checker's `deno` process (type checking first, no permissions) on `code`, given on its stdin. */
async function spawnChecker(code: string): Promise<Deno.ChildProcess> {
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

/** What the checker printed, read with the time limit. */
interface CheckerOutput {
  /** Its lines, without the marks. */
  out: string[];
  /** What ran too long and was stopped ("load", or "gradients"), or "". */
  ranTooLong: string;
  /** The last hook the learner's code passed: ["at", "in" | "after", line, name]. */
  reached?: string[];
}

/**
 * Reads the checker's stdout, acting on its marks ({@linkcode MARK}): each
 * `timer …` mark starts the time limit on the learner's code (killing the
 * process when it runs out), `timer off` stops it, and `at …` marks say where
 * the code got to.
 */
async function readMarks(child: Deno.ChildProcess, limitMs: number): Promise<CheckerOutput> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result: CheckerOutput = { out: [], ranTooLong: "" };
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

/** The type errors of the learner's file, located, the causes only: what to print. */
function typeErrorsText(errors: Located[], shown: string, lines: string[], place: Place): string {
  const mine = errors.map((e) => ({ e, at: place(e.url, e.line, e.column) }));
  // An operator on tensors also makes a number where a Tensor belongs, further on: show the cause only.
  const operatorLines = new Set(
    mine.filter(({ e }) => ["TS2362", "TS2363", "TS2365"].includes(e.code)).map(({ at }) => at?.line),
  );
  const causes = mine.filter(({ e, at }, i) =>
    !(operatorLines.size > 0 && e.code === "TS2322" && /'number'/.test(e.message)) &&
    !(["TS2362", "TS2363"].includes(e.code) && mine.slice(0, i).some((x) => x.at?.line === at?.line))
  );
  const located = causes.filter((x) => x.at).map(({ e, at }) =>
    locate(
      shown,
      lines,
      at!.line,
      at!.column,
      explainTypeError(e.code, e.message, lines[at!.line - 1] ?? "", at!.column),
    )
  );
  if (causes.some((x) => !x.at)) {
    located.push(`${shown}: it must export a function gradients(input), as the stub does`);
  }
  const count = located.length === 1 ? "a type error" : `${located.length} type errors`;
  return `${shown} has ${count}, so it was not run:\n\n${located.join("\n\n")}`;
}

/**
 * The checker's output with its places in the checked code as places in the
 * learner's file, and under the first paragraph that names one, that line
 * with a caret.
 */
function mapOutput(
  out: string[],
  shown: string,
  lines: string[],
  column: (line: number, column: number) => number,
): string {
  let first: { line: number; column: number } | undefined;
  const mapped = out.join("\n").replace(STDIN_URL, (_, l, c) => {
    const at = { line: Number(l), column: column(Number(l), Number(c)) };
    first ??= at;
    return `${shown}:${at.line}:${at.column}`;
  });
  return first
    ? mapped.replace(
      /^(?:(?!\n\n)[\s\S])*?:\d+:\d+[\s\S]*?(?=\n\n|$)/,
      (paragraph) =>
        `${paragraph}\n${locate(shown, lines, first!.line, first!.column, "").split("\n").slice(1).join("\n")}`,
    )
    : mapped;
}

/**
 * Checks the learner's file at `path` in a separate `deno` process (type
 * checked first, no permissions, stopped after `limitMs` of running the
 * learner's code) and prints the verdicts or the located errors; the exit code.
 */
async function checkFile(spec: ExerciseSpec, path: string, limitMs = TIME_LIMIT_MS): Promise<number> {
  const shown = relative(Deno.cwd(), path);
  const text = await Deno.readTextFile(path);
  const lines = text.split("\n");
  const ready = prepare(spec, path, text);
  const child = await spawnChecker(ready.code);
  const stderr = new Response(child.stderr).text();
  const { out, ranTooLong, reached } = await readMarks(child, limitMs);
  const status = await child.status;
  const errors = parseDenoErrors(await stderr);
  const place: Place = (url, line, column) =>
    url.endsWith("$deno$stdin.mts") && line <= ready.lastLine
      ? { line, column: ready.column(line, column) }
      : undefined;
  const seconds = `${limitMs / 1000} s`;
  if (ranTooLong) {
    const where = whereItRan(reached, ready.lines);
    console.log(wrap(
      ranTooLong === "load"
        ? `The top level of ${shown} ran for ${seconds} without finishing, so it was stopped: is there a loop that never ends outside gradients()?`
        : where
        ? `Your gradients() ran for ${seconds} without returning, so it was stopped. It was running ${where} of ${shown}: is there a loop that never ends there?`
        : `Your gradients() ran for ${seconds} without returning, so it was stopped: is there a loop that never ends?`,
    ));
    return 1;
  }
  if (errors.type.length > 0) {
    console.log(typeErrorsText(errors.type, shown, lines, place));
    return 1;
  }
  if (errors.other && !out.some((l) => l.startsWith("gradient "))) {
    const e = errors.other;
    const at = "url" in e ? place(e.url, e.line, e.column) : undefined;
    console.log(
      at
        ? `${shown} could not be run:\n\n${locate(shown, lines, at.line, at.column, e.message)}`
        : `${shown} could not be run: ${e.message}`,
    );
    return 1;
  }
  console.log(mapOutput(out, shown, lines, ready.column).trimEnd());
  return status.success ? 0 : 1;
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

/**
 * `deno task exercise [N] [--hint NAME [--level 2] | --solution NAME | --reset | --watch]`.
 * `workspace`, `limitMs` (the time limit on the learner's code) and `watch` are for tests.
 *
 * @example
 * ```ts
 * Deno.exitCode = await exerciseCommand(["3", "--hint", "dprobs"]);
 * ```
 */
export async function exerciseCommand(
  args: string[],
  workspace = WORKSPACE,
  limitMs = TIME_LIMIT_MS,
  watch: WatchOptions = {},
): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      hint: { type: "string" },
      level: { type: "string" },
      solution: { type: "string" },
      reset: { type: "boolean" },
      watch: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    "exercise",
    true,
  );
  const list = Object.values(EXERCISES).map((s) => `  ${s.chapter}. ${s.title}`).join("\n");
  if (values.help || positionals.length === 0) {
    console.log(`Write the gradients yourself; the tutorial checks them and names your mistakes.

Usage: deno task exercise N [--hint NAME [--level 2] | --solution NAME | --reset | --watch]

Exercises (your files go to chapters/yours/):
${list}`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`exercise takes one number, got ${positionals.join(" ")}`);
  const spec = EXERCISES[Number(positionals[0])];
  if (!/^\d+$/.test(positionals[0]) || !spec) {
    throw new UsageError(`there is no exercise ${JSON.stringify(positionals[0])}: exercises are chapters 3 to 8`);
  }
  if (values.level !== undefined && values.hint === undefined) throw new UsageError("--level goes with --hint NAME");
  const level = Number(choiceFlag(values, "level", ["1", "2"]) ?? 1) as 1 | 2;
  if (values.hint !== undefined) {
    console.log(hint(spec, String(values.hint), level));
    return 0;
  }
  if (values.solution !== undefined) {
    console.log(hint(spec, String(values.solution), "solution"));
    return 0;
  }

  const path = join(workspace, spec.file);
  const shown = relative(Deno.cwd(), path);
  try {
    if (values.reset && (await exists(path))) {
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
  console.log(`Exercise ${spec.chapter}. ${spec.title}: ${shown}\n`);
  const code = await checkFile(spec, path, limitMs);
  if (!values.watch) return code;

  await watchFile(spec, path, limitMs, watch);
  return code;
}
