/**
 * `deno task site` builds the tutorial as a static site: an index, a page per
 * chapter and a training page, all made from the chapters' own source (the
 * cells of their notebooks), with everything the pages need bundled from npm
 * (KaTeX, TensorFlow.js), so the folder works offline from any static
 * server.
 *
 * The build writes each chapter's runnable module to `<out>/.cells/`, runs
 * it in a Deno worker for the outputs the page shows before Run, bundles the
 * modules and the pages' scripts for the browser into `<out>/js/`, renders
 * the pages, and removes `.cells/`. It only ever deletes a folder that an
 * earlier build made (it leaves a mark file in it).
 *
 * @example
 * ```ts ignore
 * import { buildSite } from "./build.ts";
 * const built = await buildSite({ root: Deno.cwd(), out: "site", log: console.log });
 * built.pages.map((p) => p.file); // ["index.html", "01_data_and_model.html", …, "training.html"]
 * ```
 * @module
 */

import { basename, join, relative, resolve } from "node:path";
import { copyAssets } from "./assets.ts";
import { bundleForBrowser, scriptBytes } from "./bundle.ts";
import { type ChapterCells, chapterCells } from "./cells.ts";
import { chapterPage } from "./chapter_page.ts";
import { indexPage, summaryOf } from "./index_page.ts";
import { runCells } from "./outputs.ts";
import { trainingPage } from "./training_page.ts";
import type { CellOutput } from "./run/messages.ts";
import { toFileUrl } from "../paths.ts";
import {
  CHECKER_ENTRY,
  checkerEntry,
  EXERCISE_SCRIPTS,
  TRAINER_ENTRY,
  trainerEntry,
  TYPECHECK_FILE,
  typecheckFiles,
} from "./exercise_build.ts";
import { exerciseHref, exercisePage, type ExercisePageData } from "./exercise_page.ts";

/**
 * The file an earlier build leaves in its folder, so that the next one may replace the folder.
 *
 * @example
 * ```ts
 * BUILD_MARK; // ".made-by-deno-task-site"
 * ```
 */
export const BUILD_MARK = ".made-by-deno-task-site";

/** The pages' own scripts, in `lib/site/browser/`. */
const PAGE_SCRIPTS = ["chapter", "training", "train_worker", ...EXERCISE_SCRIPTS];

/** What to build and where. */
export interface BuildOptions {
  /** The repository's root (absolute). */
  root: string;
  /** The site's folder: absolute, or relative to the root. */
  out: string;
  /** Where progress lines go. */
  log: (line: string) => void;
  /** The exercises that get a page, made from their specs (by the command, which may read them). */
  exercises?: ExercisePageData[];
}

/** A page that was written, with its size. */
export interface BuiltPage {
  file: string;
  bytes: number;
}

/** What a build made. */
export interface BuiltSite {
  pages: BuiltPage[];
  /** Formulas KaTeX could not read (shown as text), as "page: formula". */
  unreadable: string[];
}

/**
 * A folder the build may not replace: it exists, is not empty, and no build made it.
 *
 * @example
 * ```ts
 * new SiteFolderError("site holds files that deno task site did not make").name; // "SiteFolderError"
 * ```
 */
export class SiteFolderError extends Error {
  override name = "SiteFolderError";
}

/** Empties `dir` for a new build (creating it), unless it holds files no build made. */
async function prepareFolder(dir: string, name: string): Promise<void> {
  const entries: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) entries.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotADirectory) {
      throw new SiteFolderError(`${name} is a file, not a folder: move it away`);
    }
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (entries.length > 0 && !entries.includes(BUILD_MARK)) {
    throw new SiteFolderError(
      `${name} holds files that deno task site did not make (it has no ${BUILD_MARK}): move them away or delete the folder`,
    );
  }
  if (entries.length > 0) await Deno.remove(dir, { recursive: true });
  await Deno.mkdir(join(dir, ".cells"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, BUILD_MARK),
    "This folder is made by `deno task site` and replaced by the next build.\n",
  );
}

/**
 * The chapters' files, in order: `chapters/NN_name.ts`.
 *
 * @example
 * ```ts ignore
 * (await chapterFiles(Deno.cwd()))[0].path; // "chapters/01_data_and_model.ts"
 * ```
 */
export async function chapterFiles(root: string): Promise<{ path: string; text: string }[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(root, "chapters"))) {
    if (entry.isFile && /^\d{2}_[a-z0-9_]+\.ts$/.test(entry.name)) names.push(entry.name);
  }
  names.sort();
  return await Promise.all(
    names.map(async (name) => ({
      path: `chapters/${name}`,
      text: await Deno.readTextFile(join(root, "chapters", name)),
    })),
  );
}

/** Writes each chapter's runnable module into `scratch` and runs it for the page's first outputs. */
async function runChapters(chapters: ChapterCells[], scratch: string, log: (line: string) => void) {
  const outputs = [];
  for (const c of chapters) {
    const file = join(scratch, basename(c.path));
    await Deno.writeTextFile(file, c.module);
    const run = await runCells(toFileUrl(file), c.runs, c.path);
    log(`  chapter ${c.number}: ${c.runs} cells run in ${(run.ms / 1000).toFixed(1)} s`);
    outputs.push(run.outputs);
  }
  return outputs;
}

/** Bundles the chapters' modules and the pages' scripts into `<dir>/js/`, all entries from one folder. */
async function bundleAll(chapters: ChapterCells[], root: string, dir: string, scratch: string): Promise<void> {
  for (const script of PAGE_SCRIPTS) {
    const target = relative(scratch, join(root, "lib/site/browser", `${script}.ts`));
    await Deno.writeTextFile(join(scratch, `${script}.ts`), `import "./${target}";\n`);
  }
  await Deno.writeTextFile(join(scratch, CHECKER_ENTRY), checkerEntry(root, scratch));
  await Deno.writeTextFile(join(scratch, TRAINER_ENTRY), trainerEntry(root, scratch));
  const entries = [
    ...chapters.map((c) => basename(c.path)),
    ...PAGE_SCRIPTS.map((s) => `${s}.ts`),
    CHECKER_ENTRY,
    TRAINER_ENTRY,
  ];
  await bundleForBrowser(entries.map((e) => join(scratch, e)), join(dir, "js"), root, scratch);
}

/** Writes a page and notes its size. */
async function writePage(dir: string, pages: BuiltPage[], file: string, html: string): Promise<void> {
  await Deno.writeTextFile(join(dir, file), html);
  pages.push({ file, bytes: new TextEncoder().encode(html).length });
}

/** An exercise's number, title and file name. */
const pick = ({ chapter, title, file }: ExercisePageData) => ({ chapter, title, file });

/** Writes the exercises' pages. */
async function writeExercisePages(exercises: ExercisePageData[], root: string, dir: string, pages: BuiltPage[]) {
  if (exercises.length === 0) return;
  const typecheck = JSON.stringify(await typecheckFiles(root));
  await Deno.writeTextFile(join(dir, "js", TYPECHECK_FILE), typecheck);
  const bytes = await scriptBytes(join(dir, "js"), "exercise_check.js") + new TextEncoder().encode(typecheck).length;
  const link = (e: ExercisePageData | undefined) =>
    e && { href: exerciseHref(e.chapter), text: `Exercise ${e.chapter}` };
  // Each page knows every exercise's gradients, to tell a file of another exercise when one is opened.
  const names = exercises.map((e) => ({ ...pick(e), names: e.gradients.map((g) => g.name) }));
  for (const [k, e] of exercises.entries()) {
    const html = exercisePage({ ...e, exercises: names }, bytes, link(exercises[k - 1]), link(exercises[k + 1]));
    await writePage(dir, pages, exerciseHref(e.chapter), html);
  }
}

/** Writes the index and the chapters' pages. */
async function writeChapterPages(
  chapters: ChapterCells[],
  outputs: CellOutput[][][],
  dir: string,
  exercises: ExercisePageData[],
): Promise<BuiltSite> {
  const pages: BuiltPage[] = [];
  const unreadable: string[] = [];
  const href = (c: ChapterCells) => basename(c.path).replace(/\.ts$/, ".html");
  const link = (c: ChapterCells | undefined) => c && { href: href(c), text: `${c.number}. ${c.title}` };
  const listed = chapters.map((c) => ({ number: c.number, title: c.title, href: href(c), summary: summaryOf(c.doc) }));
  const exerciseLinks = exercises.map((e) => ({ href: exerciseHref(e.chapter), text: `${e.chapter}. ${e.title}` }));
  await writePage(dir, pages, "index.html", indexPage(listed, exerciseLinks));
  for (const [k, c] of chapters.entries()) {
    const worker = `js/${basename(c.path).replace(/\.ts$/, ".js")}`;
    const bundle = { worker, bytes: await scriptBytes(join(dir, "js"), basename(worker)) };
    const exercise = exercises.find((e) => e.chapter === c.number);
    const toExercise = exercise && { href: exerciseHref(exercise.chapter), text: `Exercise ${exercise.chapter}` };
    const page = chapterPage(c, outputs[k], bundle, link(chapters[k - 1]), link(chapters[k + 1]), toExercise);
    unreadable.push(...page.unreadable.map((f) => `${href(c)}: ${f}`));
    await writePage(dir, pages, href(c), page.html);
  }
  return { pages, unreadable };
}

/**
 * Builds the site into `out`.
 *
 * @example
 * ```ts ignore
 * await buildSite({ root: Deno.cwd(), out: "site", log: () => {} });
 * ```
 */
export async function buildSite(o: BuildOptions): Promise<BuiltSite> {
  const dir = resolve(o.root, o.out);
  await prepareFolder(dir, o.out);
  const scratch = join(dir, ".cells");
  const files = await chapterFiles(o.root);
  const chapters = files.map((file) => chapterCells(file, scratch, o.root));
  o.log(`Running the ${chapters.length} chapters for their outputs…`);
  const outputs = await runChapters(chapters, scratch, o.log);
  o.log("Bundling the pages' scripts, TensorFlow.js and the kernels for the browser…");
  await bundleAll(chapters, o.root, dir, scratch);
  await copyAssets(o.root, dir);
  const built = await writeChapterPages(chapters, outputs, dir, o.exercises ?? []);
  await writeExercisePages(o.exercises ?? [], o.root, dir, built.pages);
  // The training page last, as the site's header lists it.
  const training = trainingPage(await scriptBytes(join(dir, "js"), "train_worker.js"));
  await writePage(dir, built.pages, "training.html", training);
  await Deno.remove(scratch, { recursive: true });
  return built;
}
