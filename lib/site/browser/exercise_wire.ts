/**
 * The messages of an exercise page: the page asks the checker's worker to
 * check the learner's text; the checker's worker asks the learner's worker
 * (a new one for each call) to run it, and hears back marks, commits, the
 * learner's output and the report, as `deno task exercise N` hears them from
 * the sandbox's process.
 *
 * @example
 * ```ts
 * import type { ToChecker } from "./exercise_wire.ts";
 * const ask: ToChecker = { kind: "check", id: 1, chapter: 3, text: "export function gradients() {}\n" };
 * ```
 * @module
 */

import type { CallReport, Commit, Header } from "../../exercise/wire.ts";
import type { ExerciseNames } from "../../exercise/file_fit.ts";

/**
 * The page to the checker's worker: check this text as exercise `chapter`'s
 * file; train with it (exercise 9, once it checked right: `steps` steps
 * within `ms`); stop the training.
 */
export type ToChecker =
  | { kind: "check"; id: number; chapter: number; text: string }
  | { kind: "train"; id: number; chapter: number; text: string; steps: number; ms: number }
  | { kind: "stop" };

/** A place in the learner's file a message points at (1-based), with the message. */
export interface EditorMark {
  line: number;
  column: number;
  message: string;
  severity: "error" | "warning" | "info";
}

/** The checker's worker to the page: where it is, and what a check came to. */
export type FromChecker =
  | { kind: "ready"; ms: number }
  | { kind: "status"; id: number; text: string }
  | {
    kind: "result";
    id: number;
    /** What the terminal would print, places as `file:line:col`. */
    text: string;
    /** 0 when every gradient is right, else 1. */
    code: number;
    /** The places the text names, for the editor. */
    marks: EditorMark[];
    /** What the check came to in a few words, for the status line: "3 of 9 gradients right". */
    summary: string;
    ms: number;
  }
  /** Exercise 9's training as it goes: a line of progress, and the chart of both curves so far. */
  | { kind: "training"; id: number; text: string; svg: string }
  /** What the training came to, as the CLI prints it; the names sampled from each network, side by side. */
  | { kind: "trained"; id: number; text: string; code: number; names: string[][]; svg: string; ms: number };

/** A correct value handed over in the fed call, as the sandbox's reply sends it. */
export interface Answer {
  shape: number[];
  f32: string;
}

/** The checker's worker to the learner's worker: one call to make. */
export interface RunRequest {
  /** A number the learner's code cannot read, which every message back carries. */
  nonce: string;
  header: Header;
  /** The program's import specifiers of the modules it shares with the worker. */
  imports: { tensor: string; learner: string; hooks: string };
  /** In the fed call, the correct value of each gradient handed over; else empty. */
  answers: Record<string, Answer>;
}

/** The learner's worker to the checker's worker. */
export type FromRunner =
  | { kind: "mark"; text: string }
  | { kind: "commit"; commit: Commit }
  | { kind: "out"; text: string }
  | { kind: "report"; report: CallReport };

/** One gradient's help: its hints in steps (1: the forward line, 2: the local derivative, 3: the structure), and its solution. */
export interface GradientHelp {
  name: string;
  hints: [string, string, string];
  solution: string;
}

/** What an exercise page shows, made at build time from the exercise's spec. */
export interface ExercisePageData {
  chapter: number;
  title: string;
  /** The file name `deno task exercise N` checks in chapters/yours/. */
  file: string;
  /** The stub, as `deno task exercise N` first copies it. */
  stub: string;
  gradients: GradientHelp[];
  /** The API at hand: every tensor operation, and the lecture's PyTorch as written here. */
  apiCard: string;
  /** Exercise 9: its training's steps and time limit, the CLI's `trainSteps` and `trainMs`. */
  training?: { steps: number; ms: number };
  /** Every exercise of the site and its gradients, to tell an opened file of another exercise (set by the build). */
  exercises?: ExerciseNames[];
}
