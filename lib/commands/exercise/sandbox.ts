/**
 * The sandbox a learner's file runs in for `deno task exercise N`, in four
 * steps, each a separate `deno` process held to limits from outside
 * (bounded.ts: a deadline, a memory cap, a cap on the output kept, a
 * watchdog that outlives this process):
 *
 * 1. its imports, as Deno resolves them (`deno info --json`): anything but
 *    lib/tensor.ts and lib/exercise/learner.ts is refused
 *    (lib/exercise/imports.ts), before it runs;
 * 2. its types (`deno check`), within {@linkcode LIMITS}' `typeCheckMs` and
 *    `typeCheckHeapMb`;
 * 3. the call as written: runtime.ts, with no permissions at all (no file,
 *    no network, no environment, no process, no import from a URL or npm),
 *    is given the file rewritten by lib/exercise/instrument.ts and the
 *    exercise's input, and reports what gradients() made;
 * 4. when a line's upstream is wrong (or the call threw), the fed call: a
 *    fresh process that commits each such line's value before it gets the
 *    correct one (lib/exercise/judge.ts decides which).
 *
 * The learner's code gets `codeMs` for its top level and `codeMs` for
 * gradients(), timed by the marks the runtime prints (so the learner is told
 * where it was); whatever it prints, each process is killed at its deadline,
 * 2 × `codeMs` + `startupMs`. The verdicts are decided here, from the
 * reports, where the learner's code cannot reach.
 *
 * @example
 * ```ts
 * import { runInSandbox } from "./sandbox.ts";
 * import { specOf } from "./context.ts";
 * // Needs --allow-read and --allow-run=deno,timeout,prlimit:
 * async function verdicts(path: string): Promise<string | undefined> {
 *   const run = await runInSandbox(specOf(3), path, await Deno.readTextFile(path));
 *   return run.verdict?.text; // the table of verdicts
 * }
 * ```
 * @module
 */

import type { ExerciseSpec } from "../../exercise/checker.ts";
import { type DenoErrors, parseDenoErrors } from "../../exercise/errors.ts";
import { type ModuleGraph, type Refusal, refusedImports } from "../../exercise/imports.ts";
import { checkCalls } from "../../exercise/check_calls.ts";
import { answerOf } from "../../exercise/header.ts";
import { refusalText } from "../../exercise/check_report.ts";
import { placeIn, type Prepared, prepareProgram } from "../../exercise/prepared.ts";
import { type CallReport, type Commit, type Header, readMark } from "../../exercise/wire.ts";
import { fromFileUrl, toFileUrl } from "../../paths.ts";
import { dirname, relative } from "node:path";
import { type BoundedRun, type Control, runBounded } from "./bounded.ts";
import { contextFor, exerciseInput } from "./context.ts";
import { correctGradients } from "../../exercise/checker.ts";

export { placeIn, type Prepared } from "../../exercise/prepared.ts";

/** The limits on a check of a learner's file. */
export interface Limits {
  /** How long the learner's code may run: its top level, and one call of gradients(), in ms. */
  codeMs: number;
  /** What a process of the run gets on top of 2 × `codeMs` before it is killed, whatever it printed, in ms. */
  startupMs: number;
  /** How long the type check may take, in ms. */
  typeCheckMs: number;
  /** The V8 heap of the type check, in MB. */
  typeCheckHeapMb: number;
  /** The V8 heap of the learner's process, in MB. */
  heapMb: number;
  /** The data segment of each process (its array buffers included), in MB, where prlimit exists. */
  dataMb: number;
  /** How many steps exercise 9 trains with the learner's gradients, and how long that may take in all, in ms. */
  trainSteps: number;
  trainMs: number;
  /** How many lines of the learner's own output are shown, and how many bytes. */
  outputLines: number;
  outputBytes: number;
}

/**
 * The limits `deno task exercise` uses: 5 s for the learner's code (its top
 * level, then gradients()), 20 s for each process of the run in all, 30 s
 * and 512 MB for the type check, 512 MB of heap and 1 GB in all for the
 * learner's process, 3,000 steps in at most 2 minutes for exercise 9's
 * training with the learner's gradients (about 30 s on a laptop), and 200
 * lines (64 KiB) of its output shown.
 *
 * @example
 * ```ts
 * `stopped after ${LIMITS.codeMs / 1000} s`; // "stopped after 5 s"
 * ```
 */
export const LIMITS: Limits = {
  codeMs: 5000,
  startupMs: 10_000,
  typeCheckMs: 30_000,
  typeCheckHeapMb: 512,
  heapMb: 512,
  dataMb: 1024,
  trainSteps: 3000,
  trainMs: 120_000,
  outputLines: 200,
  outputBytes: 1 << 16,
};

const RUNTIME = fromFileUrl(new URL("./runtime.ts", import.meta.url));
const HOOKS = new URL("../../exercise/hooks.ts", import.meta.url).href;
/** The compiler options of deno.json, without its exclude (which skips chapters/yours/). */
const TYPECHECK_CONFIG = fromFileUrl(new URL("./typecheck.json", import.meta.url));
/** What a learner's file may import. */
const ALLOWED_IMPORTS = ["../../tensor.ts", "../../exercise/learner.ts"].map((p) => new URL(p, import.meta.url).href);

/**
 * The text of the learner's file at `path`, rewritten to run in the sandbox
 * (lib/exercise/prepared.ts): its gradients hooked, its imports absolute,
 * and two lines that import the hooks and export gradients() for the
 * runtime.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * const ready = prepare(specOf(3), "/tmp/03_cross_entropy.ts", "export function gradients() {}\n");
 * ready.code.includes("export const __gradients = "); // true
 * ready.lastLine; // 2
 * ```
 */
export function prepare(spec: ExerciseSpec, path: string, text: string): Prepared {
  return prepareProgram(spec.gradients.map((g) => g.name), toFileUrl(path).href, text, HOOKS);
}

/** What stopped a check before its verdicts. */
export type Stop =
  /** The learner's code ran longer than `codeMs`: its top level ("load") or gradients(), and where. */
  | { why: "timer"; what: string; reached?: string[] }
  /** A process ran past its deadline in all (the type check, or the run). */
  | { why: "deadline"; step: "type check" | "run"; ms: number }
  /** A process ran out of memory. */
  | { why: "memory"; step: "type check" | "run" }
  /** The learner's code ended the process before it reported: with that exit code, and deno's error. */
  | { why: "exit"; code: number; during: "load" | "gradients"; error?: string }
  /** The module threw as it was loaded (its top level). */
  | { why: "load"; report: CallReport };

/** One check of a learner's file in the sandbox: how far it got, and what it came to. */
export interface SandboxRun {
  /** The file as it ran, to map places back to the learner's. */
  prepared: Prepared;
  /** The learner's file, as deno names it in errors. */
  url: string;
  /** The learner's own output (as much as is kept), and how many lines were cut. */
  out: string[];
  cut: number;
  /** The imports refused, with what to say of each, when there are any (the file was not run). */
  refused?: (Refusal & { message: string })[];
  /** What deno check reported (the file was not run when there are any). */
  errors?: DenoErrors;
  /** What stopped the check before its verdicts. */
  stop?: Stop;
  /** The verdicts as the learner reads them, and the exit code. */
  verdict?: { text: string; code: number };
}

/** The imports of the learner's file outside {@linkcode ALLOWED_IMPORTS}, as Deno resolves them. */
async function refusals(path: string, limits: Limits): Promise<Refusal[] | Stop> {
  const run = await runBounded(
    ["info", "--json", "--no-remote", "--no-npm", "--no-lock", "--config", TYPECHECK_CONFIG, path],
    { deadlineMs: limits.typeCheckMs, dataBytes: limits.dataMb * 2 ** 20, keepLines: 1e6, keepBytes: 1 << 26 },
  );
  if (run.killed) return { why: "deadline", step: "type check", ms: limits.typeCheckMs };
  if (!run.status.success) return []; // the file cannot be read as a module: the type check says why
  return refusedImports(JSON.parse(run.out.join("\n")) as ModuleGraph, ALLOWED_IMPORTS);
}

/** The import of lib/exercise/learner.ts from the folder of the learner's file at `path`. */
const learnerImport = (path: string) => relative(dirname(path), fromFileUrl(ALLOWED_IMPORTS[1]));

/** Whether a process died of memory: V8's heap limit, or an allocation over the cap. */
const outOfMemory = (run: BoundedRun) =>
  /out of memory|Reached heap limit|memory allocation of \d+ bytes failed/i.test(run.stderr) ||
  run.status.signal === "SIGTRAP" || run.status.signal === "SIGABRT" || [133, 134].includes(run.status.code);

/** The type errors of the learner's file (or a syntax error), within the type check's limits. */
async function typeCheck(path: string, limits: Limits): Promise<DenoErrors | Stop> {
  const run = await runBounded([
    "check",
    "--quiet",
    "--no-remote",
    "--no-npm",
    "--no-lock",
    "--config",
    TYPECHECK_CONFIG,
    `--v8-flags=--max-old-space-size=${limits.typeCheckHeapMb}`,
    path,
  ], { deadlineMs: limits.typeCheckMs, dataBytes: 2 * limits.dataMb * 2 ** 20 });
  if (run.killed) return { why: "deadline", step: "type check", ms: limits.typeCheckMs };
  if (!run.status.success && outOfMemory(run)) return { why: "memory", step: "type check" };
  return parseDenoErrors(run.stderr);
}

/** What one process of the run came to: its report, the commits it made, and its output. */
interface Once {
  run: BoundedRun;
  report?: CallReport;
  commits: Map<string, Commit>;
  stop?: Stop;
}

/** What the marks said: the time limit running, what ran too long, where the code got to, what was timed last. */
interface MarkState {
  timer?: ReturnType<typeof setTimeout>;
  ranTooLong?: string;
  reached?: string[];
  timed?: string;
}

/**
 * Reads the runtime's marks: `timer …` starts the time limit on the
 * learner's code, `timer off` stops it, `at …` says where the code is; in
 * the fed call, a commit of a gradient it substitutes (or of a line that
 * threw) is answered with the gradient's correct value, and the first
 * commit of each is what that gradient is judged by; the report ends the
 * process.
 */
function markReader(
  state: MarkState,
  once: Omit<Once, "run">,
  feed: Header["feed"],
  answer: (name: string) => string,
  limits: Limits,
) {
  return (text: string, control: Control) => {
    const mark = readMark(text);
    if (!mark) return; // not a message of the runtime's: ignored
    if (mark.kind === "report") {
      once.report ??= mark.body;
      control.kill("done");
    } else if (mark.kind === "commit") {
      // Only the fed call hands values over: a gradient it substitutes, or a line that threw.
      const { name, value } = mark.body;
      if (!feed || !(feed.substitutes.includes(name) || "threw" in value)) return;
      if (!once.commits.has(name)) once.commits.set(name, mark.body);
      control.write(answer(name));
    } else if (mark.text.startsWith("at ")) {
      state.reached = mark.text.split(" ");
    } else {
      clearTimeout(state.timer);
      if (mark.text === "timer off") return;
      state.reached = undefined;
      state.timed = mark.text.replace(/^timer /, "");
      state.timer = setTimeout(() => {
        state.ranTooLong = mark.text.replace(/^timer /, "");
        control.kill("timer");
      }, limits.codeMs);
    }
  };
}

/**
 * The arguments of `deno` that run `script` with no permissions at all (no
 * file, no network, no environment, no process, no import from a URL or
 * npm, no prompt) and the heap of `limits`: the runtime of a check, and
 * exercise 9's training process.
 *
 * @example
 * ```ts
 * noPermissions("/x/runtime.ts", LIMITS).at(-1); // "/x/runtime.ts"
 * ```
 */
export function noPermissions(script: string, limits: Pick<Limits, "heapMb">): string[] {
  return [
    "run",
    "--no-check",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-npm",
    "--no-prompt",
    "--quiet",
    `--v8-flags=--max-old-space-size=${limits.heapMb}`,
    script,
  ];
}

/** One process of the run: the learner's gradients() called once, as `header` says. */
async function runOnce(header: Header, answer: (name: string) => string, limits: Limits): Promise<Once> {
  const state: MarkState = {};
  const once: Omit<Once, "run"> = { commits: new Map() };
  const run = await runBounded(noPermissions(RUNTIME, limits), {
    deadlineMs: 2 * limits.codeMs + limits.startupMs,
    dataBytes: limits.dataMb * 2 ** 20,
    keepLines: limits.outputLines,
    keepBytes: limits.outputBytes,
  }, {
    stdin: `${JSON.stringify(header)}\n`,
    keepStdin: header.feed !== undefined,
    onMark: markReader(state, once, header.feed, answer, limits),
  });
  clearTimeout(state.timer);
  return { ...once, run, stop: once.report ? undefined : stopOf(run, state) };
}

/** Why a process of the run ended without its report. */
function stopOf(run: BoundedRun, state: MarkState): Stop {
  if (run.killed === "timer") return { why: "timer", what: state.ranTooLong!, reached: state.reached };
  if (run.killed) return { why: "deadline", step: "run", ms: run.ms };
  if (outOfMemory(run)) return { why: "memory", step: "run" };
  const error = parseDenoErrors(run.stderr).other?.message;
  return { why: "exit", code: run.status.code, during: state.timed === "gradients" ? "gradients" : "load", error };
}

/** The reply to a commit: the gradient's correct value (nothing, for a name the exercise does not know). */
function answerer(spec: ExerciseSpec): (name: string) => string {
  const correct = correctGradients(spec, contextFor(spec));
  return (name) => `${JSON.stringify({ name, ...answerOf(correct, name) })}\n`;
}

/**
 * Runs the learner's file (its `text`, from `path`, named `shown` in
 * messages) in the sandbox, step by step (see the module doc), within
 * `limits`.
 *
 * @example
 * ```ts
 * import { specOf } from "./context.ts";
 * // Needs --allow-read and --allow-run=deno,timeout,prlimit:
 * async function allRight(path: string): Promise<boolean> {
 *   const run = await runInSandbox(specOf(3), path, await Deno.readTextFile(path));
 *   return run.verdict?.code === 0;
 * }
 * ```
 */
export async function runInSandbox(
  spec: ExerciseSpec,
  path: string,
  text: string,
  limits: Limits = LIMITS,
  shown = path,
): Promise<SandboxRun> {
  const prepared = prepare(spec, path, text);
  const base: SandboxRun = { prepared, url: toFileUrl(path).href, out: [], cut: 0 };
  const refused = await refusals(path, limits);
  if (!Array.isArray(refused)) return { ...base, stop: refused };
  if (refused.length > 0) {
    return { ...base, refused: refused.map((r) => ({ ...r, message: refusalText(r.specifier, learnerImport(path)) })) };
  }
  const errors = await typeCheck(path, limits);
  if ("why" in errors) return { ...base, stop: errors };
  if (errors.type.length > 0 || errors.other) return { ...base, errors };
  const answer = answerer(spec);
  const { first, end } = await checkCalls(spec, prepared, contextFor(spec), {
    call: (header) => runOnce(header, answer, limits),
    input: exerciseInput,
    place: placeIn(prepared, shown),
  });
  return { ...base, out: first.run.out, cut: first.run.cut, ...end };
}
