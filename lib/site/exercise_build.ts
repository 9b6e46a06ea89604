/**
 * The exercise pages in the site's build: the entry of the checker's worker
 * (written into the build's scratch folder, since only it may import the
 * exercises' specs and the chapters that make their input), and the pages.
 *
 * @example
 * ```ts ignore
 * import { checkerEntry } from "./exercise_build.ts";
 * await Deno.writeTextFile("site/.cells/exercise_check.ts", checkerEntry("/repo", "/repo/site/.cells"));
 * ```
 * @module
 */

import { dirname, join, relative } from "node:path";

/**
 * The page scripts of the exercise pages, in lib/site/browser/: the page's, and the learner's worker.
 *
 * @example
 * ```ts
 * EXERCISE_SCRIPTS; // ["exercise", "exercise_runner"]
 * ```
 */
export const EXERCISE_SCRIPTS = ["exercise", "exercise_runner"];

/**
 * The entry of the checker's worker, bundled as `js/exercise_check.js`.
 *
 * @example
 * ```ts
 * CHECKER_ENTRY; // "exercise_check.ts"
 * ```
 */
export const CHECKER_ENTRY = "exercise_check.ts";

/**
 * The text of the checker's entry, to be written into `scratch`: the
 * exercises' specs and input (from chapters/ and lib/commands/exercise/)
 * handed to lib/site/browser/exercise_check.ts.
 *
 * @example
 * ```ts
 * checkerEntry("/repo", "/repo/site/.cells").includes('"../../chapters/exercises/specs.ts"'); // true
 * ```
 */
export function checkerEntry(root: string, scratch: string): string {
  const from = (path: string) => JSON.stringify(relative(scratch, join(root, path)));
  return [
    `import { EXERCISES } from ${from("chapters/exercises/specs.ts")};`,
    `import { contextFor, exerciseInput } from ${from("lib/commands/exercise/context.ts")};`,
    `import { serveChecks } from ${from("lib/site/browser/exercise_check.ts")};`,
    "serveChecks({ specs: EXERCISES, input: exerciseInput, context: contextFor });",
    "",
  ].join("\n");
}

/**
 * The entry of exercise 9's training worker, bundled as `js/exercise_trainer.js`.
 *
 * @example
 * ```ts
 * TRAINER_ENTRY; // "exercise_trainer.ts"
 * ```
 */
export const TRAINER_ENTRY = "exercise_trainer.ts";

/**
 * The text of the training worker's entry, to be written into `scratch`:
 * chapter 2's forward pass (the lines the learner read, as the CLI's
 * training process runs them) handed to
 * lib/site/browser/exercise_train_run.ts.
 *
 * @example
 * ```ts
 * trainerEntry("/repo", "/repo/site/.cells").includes('"../../chapters/02_forward.ts"'); // true
 * ```
 */
export function trainerEntry(root: string, scratch: string): string {
  const from = (path: string) => JSON.stringify(relative(scratch, join(root, path)));
  return [
    `import { forward } from ${from("chapters/02_forward.ts")};`,
    `import { serveTraining } from ${from("lib/site/browser/exercise_train_run.ts")};`,
    "serveTraining(forward);",
    "",
  ].join("\n");
}

/**
 * The file the checker's worker type-checks with, written as `js/typecheck.json`:
 * TypeScript's standard library (lib.esnext.d.ts and what it references),
 * and the modules a learner's file may import with everything they import,
 * by their paths under `/exercise/` (where the learner's file is taken to be
 * `/exercise/chapters/yours/NN_name.ts`).
 *
 * @example
 * ```ts
 * `js/${TYPECHECK_FILE}`; // "js/typecheck.json"
 * ```
 */
export const TYPECHECK_FILE = "typecheck.json";

/** TypeScript's library files from `lib.esnext.d.ts` on, through their `/// <reference lib>` lines, by file name. */
async function standardLibrary(root: string): Promise<Record<string, string>> {
  const dir = join(root, "node_modules/typescript/lib");
  const files: Record<string, string> = {};
  const queue = ["esnext"];
  while (queue.length > 0) {
    const name = `lib.${queue.pop()!.toLowerCase()}.d.ts`;
    if (files[name] !== undefined) continue;
    files[name] = await Deno.readTextFile(join(dir, name));
    for (const m of files[name].matchAll(/^\/\/\/ <reference lib="([^"]+)" \/>/gm)) queue.push(m[1]);
  }
  return files;
}

/** `entries` (paths from `root`) and every module they import, relatively, by path from `root`. */
async function moduleClosure(root: string, entries: string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const queue = [...entries];
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (files[path] !== undefined) continue;
    files[path] = await Deno.readTextFile(join(root, path));
    for (const m of files[path].matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*["'](\.[^"']+)["']/gm)) {
      if (m[1].endsWith(".ts")) queue.push(join(dirname(path), m[1])); // a text import (names.txt) is not typed
    }
  }
  return files;
}

/**
 * The files of {@linkcode TYPECHECK_FILE}: the standard library by its file
 * name, the modules by `/exercise/PATH`.
 *
 * @example
 * ```ts ignore
 * Object.keys(await typecheckFiles("/repo")).includes("/exercise/lib/tensor.ts"); // true
 * ```
 */
export async function typecheckFiles(root: string): Promise<Record<string, string>> {
  const modules = await moduleClosure(root, ["lib/tensor.ts", "lib/exercise/learner.ts"]);
  return {
    ...await standardLibrary(root),
    ...Object.fromEntries(Object.entries(modules).map(([path, text]) => [`/exercise/${path}`, text])),
  };
}

/** `text` as the lines of a JSDoc paragraph, ` * ` before each, none longer than `width`. */
function docLines(text: string, width = 80): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && ` * ${line} ${word}`.length > width) {
      lines.push(` * ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, ` * ${line}`];
}

/**
 * What the page's copy of a stub says about checking, in place of the
 * terminal's commands: the page's buttons, as JSDoc lines.
 */
function pageCheckingLines(chapter: string, training: boolean): string[] {
  const check = "Replace each `todo(...)` with your gradient, then press Check above the editor: it checks your " +
    `file as \`deno task exercise ${chapter}\` does in a terminal, says which gradients are right and, for a ` +
    "wrong one, names the likely mistake.";
  const train = "Once every gradient is right, Train trains the lecture's 200-unit network with your function " +
    "for 3,000 steps (the forward pass is chapter 2's, the backward pass is yours) beside the kernels' run from the " +
    "same start on the same batches, draws both loss curves, calibrates batchnorm, measures both networks' losses " +
    "on the training and validation sets, and samples names from each.";
  return [
    ...docLines(training ? `${check} ${train}` : check),
    " *",
    " *     Check             Ctrl-Enter, or ⌘-Enter on a Mac",
    ...(training ? [" *     Train, Stop       under the checker's words, once every gradient is right"] : []),
    " *     Hint, Solution    under the editor, for each gradient: hints in steps,",
    " *                       each a little closer to the answer, and the",
    " *                       chapter's own line only when you ask",
    " *     Download, Open    this file, and a file of yours back into the editor",
    " *",
    ...docLines(
      "Every tensor operation, and the lecture's PyTorch as you write it here, is in the card above the editor. " +
        "The lines are numbered as in the terminal's copy of this file.",
    ),
  ];
}

/**
 * A stub as an exercise page holds it: the same file, with the paragraphs
 * of its doc on checking in a terminal (from "Replace each `todo(...)`" to
 * "every time you save.", the `deno task exercise N --hint` commands among
 * them) replaced by how the page checks: its buttons, in as many lines
 * (blank doc lines fill the rest), so that every line of code has the
 * number it has in the terminal's copy and an error's line is the
 * editor's. A stub without those paragraphs, or with fewer lines for them
 * than the page's text takes, is returned as it is. `training` says whether
 * the page has Train (exercise 9).
 *
 * @example
 * ```ts
 * const terminal = [" *", " *     deno task exercise 3", " *", " * or its --hint and --solution;", " *", " *"];
 * const stub = "/**\n * Replace each `todo(...)` with your gradient, then check your work with\n" +
 *   [...terminal, ...terminal, ...terminal].join("\n") + "\n * checks again every time you save.\n *\n" +
 *   " * Chapter 3 solves it.\n *\/\n";
 * const page = pageStub(stub, false);
 * page.includes("press Check"); // true
 * page.includes("deno task exercise 3 "); // false
 * page.split("\n").length === stub.split("\n").length; // true
 * ```
 */
export function pageStub(stub: string, training: boolean): string {
  const lines = stub.split("\n");
  const from = lines.findIndex((l) => l.startsWith(" * Replace each `todo(...)`"));
  const to = lines.findIndex((l, i) => i >= from && l.includes("every time you save."));
  const chapter = stub.match(/deno task exercise (\d+)/)?.[1];
  if (from === -1 || to === -1 || !chapter) return stub;
  const page = pageCheckingLines(chapter, training);
  const room = to + 1 - from;
  if (page.length > room) return stub;
  return [...lines.slice(0, from), ...page, ...Array(room - page.length).fill(" *"), ...lines.slice(to + 1)].join("\n");
}
