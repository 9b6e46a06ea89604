/**
 * `deno task notebooks`: the chapters as Jupyter notebooks for Deno's
 * kernel, made from the chapters' own source (chapters/notebooks/) and the
 * exercise stubs (chapters/notebooks/exercises/).
 *
 *     deno task notebooks            regenerate the notebooks whose chapter changed
 *     deno task notebooks --execute  regenerate, run every notebook in Jupyter, save the outputs
 *     deno task notebooks --verify   run every committed notebook in Jupyter (to a temporary
 *                                    directory) and fail on any error output; writes nothing
 *
 * @example
 * ```ts
 * import { generateNotebooks } from "./notebooks.ts";
 * generateNotebooks().map((n) => n.path); // ["chapters/notebooks/01_data_and_model.ipynb", …]
 * ```
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import chapter1 from "../../chapters/01_data_and_model.ts" with { type: "text" };
import chapter2 from "../../chapters/02_forward.ts" with { type: "text" };
import chapter3 from "../../chapters/03_cross_entropy.ts" with { type: "text" };
import chapter4 from "../../chapters/04_output_layer.ts" with { type: "text" };
import chapter5 from "../../chapters/05_batchnorm.ts" with { type: "text" };
import chapter6 from "../../chapters/06_first_layer.ts" with { type: "text" };
import chapter7 from "../../chapters/07_fused_cross_entropy.ts" with { type: "text" };
import chapter8 from "../../chapters/08_fused_batchnorm.ts" with { type: "text" };
import chapter9 from "../../chapters/09_training.ts" with { type: "text" };
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { chapterNotebook } from "../notebook/chapter.ts";
import { exerciseNotebook } from "../notebook/exercise.ts";
import { errorsOf, type Notebook, notebookJson, sources, withOutputs } from "../notebook/ipynb.ts";
import { parseFlags, StopError, UsageError } from "../cli.ts";
import { keepAs, kindOf, reason, replaceFile } from "./files.ts";
import { fromFileUrl } from "../paths.ts";

/** Where the chapters' notebooks go, relative to the repository. */
export const NOTEBOOK_DIR = "chapters/notebooks";
/** Where the exercises' notebooks go. */
export const EXERCISE_NOTEBOOK_DIR = "chapters/notebooks/exercises";

const CHAPTER_SOURCES: [string, string][] = [
  ["01_data_and_model.ts", chapter1],
  ["02_forward.ts", chapter2],
  ["03_cross_entropy.ts", chapter3],
  ["04_output_layer.ts", chapter4],
  ["05_batchnorm.ts", chapter5],
  ["06_first_layer.ts", chapter6],
  ["07_fused_cross_entropy.ts", chapter7],
  ["08_fused_batchnorm.ts", chapter8],
  ["09_training.ts", chapter9],
];

/** A notebook and the path it belongs at, relative to the repository. */
export interface GeneratedNotebook {
  path: string;
  notebook: Notebook;
}

/**
 * Every notebook as the generator makes it from today's chapters and stubs, without outputs.
 *
 * @example
 * ```ts
 * generateNotebooks().length; // 16: nine chapters, seven exercises
 * ```
 */
export function generateNotebooks(): GeneratedNotebook[] {
  const chapters = CHAPTER_SOURCES.map(([file, text]) => ({
    path: `${NOTEBOOK_DIR}/${file.replace(/\.ts$/, ".ipynb")}`,
    notebook: chapterNotebook({ path: `chapters/${file}`, text }, NOTEBOOK_DIR),
  }));
  const exercises = Object.values(EXERCISES).map((spec) => ({
    path: `${EXERCISE_NOTEBOOK_DIR}/${spec.file.replace(/\.ts$/, ".ipynb")}`,
    notebook: exerciseNotebook(
      { path: `chapters/exercises/${spec.file}`, text: spec.stub },
      spec.gradients.map((g) => ({ name: g.name, forward: g.forward })),
      EXERCISE_NOTEBOOK_DIR,
      {
        name: "notebookChecker",
        input: "exerciseInput",
        summary: "notebookSummary",
        module: "lib/commands/exercise/notebook_api.ts",
        train: spec.trains ? "trainInNotebook" : undefined,
      },
    ),
  }));
  return [...chapters, ...exercises];
}

/** The repository's root, where the notebooks' paths start. */
const ROOT = fromFileUrl(new URL("../../", import.meta.url));

/**
 * The notebook in `text`, read from `path`; a file that is not JSON (say, one
 * half saved) or not a notebook (`{}`: no list of cells) is a
 * {@linkcode UsageError} that says what to do, not a crash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * parseNotebook("chapters/notebooks/02_forward.ipynb", '{"cells": []}').cells; // []
 * for (const text of ['{"cells": [', "{}"]) {
 *   try {
 *     parseNotebook("chapters/notebooks/02_forward.ipynb", text);
 *   } catch (error) {
 *     (error as Error).message; // "… is not valid notebook JSON …", then "… is not a notebook (it has no list of cells …"
 *   }
 * }
 * ```
 */
export function parseNotebook(path: string, text: string): Notebook {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new UsageError(
      `${path} is not valid notebook JSON (${error.message}): fix it, or move it away to regenerate it`,
    );
  }
  const cells = (notebook as Partial<Notebook> | null)?.cells;
  if (!Array.isArray(cells) || !cells.every((c) => typeof c === "object" && c && Array.isArray(c.source))) {
    throw new UsageError(
      `${path} is not a notebook (it has no list of cells with their source): fix it, or move it away to regenerate it`,
    );
  }
  return notebook;
}

/** A notebook on disk: its text, and the notebook in it. */
interface OnDisk {
  text: string;
  notebook: Notebook;
}

/**
 * The notebook at `path` (relative to `root`), or undefined if there is none
 * or it is empty (as a write that failed on a full disk leaves it: it is
 * made again). A folder or a device there, or a file that cannot be read, is
 * a {@linkcode UsageError} of one line.
 */
async function readNotebook(path: string, root = ROOT): Promise<OnDisk | undefined> {
  let text: string;
  try {
    const kind = await kindOf(join(root, path));
    if (kind === "none") return undefined;
    if (kind !== "file") {
      throw new UsageError(
        `${path} is ${
          kind === "directory" ? "a folder" : "not a regular file"
        }, not a notebook: move it away, and \`deno task notebooks\` makes the notebook again`,
      );
    }
    text = await Deno.readTextFile(join(root, path));
  } catch (error) {
    if (error instanceof UsageError || error instanceof Deno.errors.NotCapable) throw error;
    throw new UsageError(`cannot read ${path}: ${reason(error)}`);
  }
  return text === "" ? undefined : { text, notebook: parseNotebook(path, text) };
}

/**
 * Whether two notebooks have the same cells (type, text and id), outputs aside.
 *
 * @example
 * ```ts
 * const [first, second] = generateNotebooks();
 * sameCells(first.notebook, structuredClone(first.notebook)); // true: outputs aside, the same
 * sameCells(first.notebook, second.notebook); // false, as when a chapter changed since `deno task notebooks`
 * ```
 */
export function sameCells(a: Pick<Notebook, "cells">, b: Pick<Notebook, "cells">): boolean {
  const ids = (nb: Pick<Notebook, "cells">) => JSON.stringify(nb.cells.map((c) => c.id ?? null));
  return JSON.stringify(sources(a)) === JSON.stringify(sources(b)) && ids(a) === ids(b);
}

/** Where lib/notebook/draining_execute.py is, for Python to import. */
const DRAINING_EXECUTE_DIR = fromFileUrl(new URL("../notebook/", import.meta.url));

/**
 * Runs the notebook at `path` (relative to the repository) in Jupyter on
 * Deno's kernel, writing the run copy to a temporary directory; the run copy.
 */
async function execute(path: string): Promise<Notebook> {
  const out = await Deno.makeTempDir({ prefix: "notebook-" });
  try {
    const { code, stderr } = await new Deno.Command("jupyter", {
      args: [
        "nbconvert",
        "--to",
        "notebook",
        // nbconvert's --execute, but reading each cell's output to the end (Deno's kernel sends some after "idle").
        "--Exporter.preprocessors",
        "draining_execute.DrainingExecutePreprocessor",
        "--DrainingExecutePreprocessor.enabled=True",
        "--ExecutePreprocessor.allow_errors=True",
        "--ExecutePreprocessor.timeout=600",
        "--output-dir",
        out,
        join(ROOT, path),
      ],
      env: { PYTHONPATH: DRAINING_EXECUTE_DIR },
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      const lines = new TextDecoder().decode(stderr).trim().split("\n");
      throw new Error(`jupyter nbconvert could not run ${path}:\n  ${lines.slice(-5).join("\n  ")}`);
    }
    return JSON.parse(await Deno.readTextFile(join(out, basename(path))));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

/**
 * Whether `jupyter nbconvert` and Deno's kernel are installed: undefined when
 * they are, else what is missing (needs --allow-run=jupyter).
 *
 * @example
 * ```ts
 * if ((await Deno.permissions.query({ name: "run", command: "jupyter" })).state === "granted") {
 *   const missing = await jupyterReady();
 *   if (missing) console.log(`Cannot run the notebooks: ${missing}.`);
 * }
 * ```
 */
export async function jupyterReady(): Promise<string | undefined> {
  try {
    const { code, stdout } = await new Deno.Command("jupyter", { args: ["kernelspec", "list", "--json"] }).output();
    if (code !== 0) return "`jupyter kernelspec list` failed";
    const specs = JSON.parse(new TextDecoder().decode(stdout)).kernelspecs ?? {};
    return "deno" in specs ? undefined : "Deno's kernel is not registered: run `deno jupyter --install`";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return "Jupyter is not installed (apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)";
    }
    throw error;
  }
}

/** One notebook's run: its path, seconds, and the error outputs (none when it ran cleanly). */
export interface NotebookRun {
  path: string;
  seconds: number;
  errors: string[];
  executed: Notebook;
}

/**
 * Runs each notebook in Jupyter, one at a time, printing a line per notebook.
 *
 * @example
 * ```ts
 * // Needs --allow-read --allow-write --allow-run, Jupyter and Deno's kernel.
 * const permitted = (await Deno.permissions.query({ name: "run" })).state === "granted";
 * if (permitted && (await jupyterReady()) === undefined) {
 *   const runs = await executeNotebooks(["chapters/notebooks/02_forward.ipynb"]);
 *   runs[0].errors; // []
 * }
 * ```
 */
export async function executeNotebooks(paths: string[], log = console.log): Promise<NotebookRun[]> {
  const runs: NotebookRun[] = [];
  const width = Math.max(...paths.map((p) => p.length));
  for (const path of paths) {
    const started = performance.now();
    const executed = await execute(path);
    const seconds = (performance.now() - started) / 1000;
    const errors = errorsOf(executed);
    log(`  ${path.padEnd(width)}  ${seconds.toFixed(1).padStart(5)} s  ${errors.length === 0 ? "ok" : "ERRORS"}`);
    for (const e of errors) log(`      ${e}`);
    runs.push({ path, seconds, errors, executed });
  }
  const total = runs.reduce((s, r) => s + r.seconds, 0);
  log(`\n${runs.length} notebooks in ${total.toFixed(1)} s.`);
  return runs;
}

/** The text of `path` as git's last commit of `root` has it, or undefined (not committed, or no git). */
async function committedText(path: string, root = ROOT): Promise<string | undefined> {
  try {
    const { code, stdout } = await new Deno.Command("git", {
      args: ["show", `HEAD:${path}`],
      cwd: root,
      stdout: "piped",
      stderr: "null",
    }).output();
    return code === 0 ? new TextDecoder().decode(stdout) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a learner's edited notebook is kept: beside it, still an .ipynb
 * (so Jupyter lists it and its relative imports still resolve), e.g.
 * `03_cross_entropy.edited-2026-11-23T03-40-00.ipynb`; the `k`-th name for
 * the same second (two runs within it) ends `-2`, `-3`, ….
 *
 * @example
 * ```ts
 * editedCopyPath("chapters/notebooks/03_cross_entropy.ipynb", new Date(0));
 * // "chapters/notebooks/03_cross_entropy.edited-1970-01-01T00-00-00.ipynb"
 * editedCopyPath("chapters/notebooks/03_cross_entropy.ipynb", new Date(0), 2);
 * // "chapters/notebooks/03_cross_entropy.edited-1970-01-01T00-00-00-2.ipynb"
 * ```
 */
export function editedCopyPath(path: string, when: Date, k = 1): string {
  const stamp = when.toISOString().replace(/\.\d+Z$/, "").replaceAll(":", "-");
  return path.replace(/\.ipynb$/, `.edited-${stamp}${k === 1 ? "" : `-${k}`}.ipynb`);
}

/**
 * Keeps the notebook at `path` (relative to `root`) under
 * {@linkcode editedCopyPath} for the time `when`, and says so; whether it was kept.
 */
async function keepEdits(path: string, root: string, when: Date): Promise<boolean> {
  const copy = await keepAs(join(root, path), (k) => join(root, editedCopyPath(path, when, k)), path);
  if (copy === undefined) return false;
  console.log(
    `${path} had edits of yours: they are kept in ${relative(root, copy)} (open that one in Jupyter).`,
  );
  return true;
}

/**
 * Writes each generated notebook whose cells differ from the one on disk,
 * under `root`; the paths written without outputs. A notebook edited since
 * it was committed (or not committed at all) is first kept under
 * {@linkcode editedCopyPath}, and the copy named; the notebook itself goes
 * back to the committed one (with its outputs) when that is still current.
 * Every file is written whole or not at all (see files.ts). `root` and
 * `now` (the time in the copies' names) are for tests.
 *
 * @example
 * ```ts
 * // Needs --allow-read --allow-write --allow-run=git:
 * async function remake(): Promise<string[]> {
 *   return await writeChanged(generateNotebooks()); // [] when every notebook is current
 * }
 * ```
 */
export async function writeChanged(
  generated: GeneratedNotebook[],
  root = ROOT,
  now = () => new Date(),
): Promise<string[]> {
  const written: string[] = [];
  for (const { path, notebook } of generated) {
    const existing = await readNotebook(path, root);
    if (existing && sameCells(existing.notebook, notebook)) continue;
    // A learner's edits, made in Jupyter, or a notebook git does not track (without git, every notebook).
    const committed = existing ? await committedText(path, root) : undefined;
    if (existing && existing.text !== committed && (await keepEdits(path, root, now()))) {
      if (committed !== undefined && sameCells(JSON.parse(committed), notebook)) {
        await replaceFile(join(root, path), committed, path);
        console.log(`${path} is back as committed, with its outputs.`);
        continue;
      }
    }
    try {
      await Deno.mkdir(join(root, dirname(path)), { recursive: true });
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) throw error;
      throw new StopError(`cannot make the folder ${dirname(path)}: ${reason(error)}`);
    }
    await replaceFile(join(root, path), notebookJson(notebook), path);
    written.push(path);
  }
  return written;
}

/** What `deno task notebooks --help` prints. */
const NOTEBOOKS_HELP = `The chapters as Jupyter notebooks for Deno's kernel, made from the chapters' source.

Usage: deno task notebooks [--execute | --verify]

  (no flag)   regenerate the notebooks whose chapter or stub changed (outputs are cleared)
  --execute   regenerate, run every notebook in Jupyter and save its outputs
  --verify    run every committed notebook in Jupyter (in a temporary directory), fail on errors`;

/**
 * `deno task notebooks [--execute | --verify]`. (`--verify` was `--check`: in this project "check" means
 * comparing a gradient with a reference.)
 *
 * @example
 * ```ts
 * // As main.ts runs it:
 * async function main(args: string[]) {
 *   Deno.exitCode = await notebooksCommand(args);
 * }
 * ```
 */
export async function notebooksCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { execute: { type: "boolean" }, verify: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    "notebooks",
  );
  if (values.help) {
    console.log(NOTEBOOKS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`notebooks takes no arguments, got ${positionals.join(" ")}`);
  if (values.execute && values.verify) throw new UsageError("--execute and --verify do not go together");
  const generated = generateNotebooks();
  if (values.verify) {
    const stale = await staleNotebooks(generated);
    if (stale.length > 0) {
      console.log(`Not what the chapters make: ${stale.join(", ")}. Run \`deno task notebooks --execute\`.`);
      return 1;
    }
  } else {
    const written = await writeChanged(generated);
    console.log(
      written.length === 0
        ? `All ${generated.length} notebooks are up to date with their chapters.`
        : `Wrote ${written.join(", ")} (without outputs).`,
    );
    if (!values.execute) {
      if (written.length > 0) console.log("Run `deno task notebooks --execute` to fill in their outputs.");
      return 0;
    }
  }
  return await runInJupyter(generated, { save: values.execute === true });
}

/** The paths of the committed notebooks that are missing or are not what the chapters make today (for --verify). */
async function staleNotebooks(generated: GeneratedNotebook[]): Promise<string[]> {
  const stale: string[] = [];
  for (const { path, notebook } of generated) {
    const committed = await readNotebook(path);
    if (!committed || !sameCells(committed.notebook, notebook)) stale.push(path);
  }
  return stale;
}

/**
 * Runs every notebook in Jupyter, saving the outputs into the notebooks when
 * `save` says so; the exit code: 1 if Jupyter is missing or a notebook had
 * an error, else 0.
 */
async function runInJupyter(generated: GeneratedNotebook[], { save }: { save: boolean }): Promise<number> {
  const missing = await jupyterReady();
  if (missing) {
    console.log(`Cannot run the notebooks: ${missing}.`);
    return 1;
  }
  console.log(`Running ${generated.length} notebooks in Jupyter on Deno's kernel:\n`);
  const runs = await executeNotebooks(generated.map((g) => g.path));
  const failed = runs.filter((r) => r.errors.length > 0);
  if (save) {
    for (const run of runs) {
      const { notebook } = generated.find((g) => g.path === run.path)!;
      await replaceFile(join(ROOT, run.path), notebookJson(withOutputs(notebook, run.executed)), run.path);
    }
    console.log(`Saved the outputs in ${NOTEBOOK_DIR}/.`);
  }
  if (failed.length > 0) {
    console.log(`Errors in ${failed.map((r) => r.path).join(", ")}.`);
    return 1;
  }
  return 0;
}
