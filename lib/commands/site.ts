/**
 * `deno task site`: builds the tutorial as a static site in `site/` (an
 * index, a page per chapter, the training page), and with `--serve` serves
 * it on localhost.
 *
 * @example
 * ```ts
 * import { siteCommand } from "./site.ts";
 * await siteCommand(["--help"]); // 0, after printing the flags
 * ```
 * @module
 */

import { limitedFlag, parseFlags, UsageError } from "../cli.ts";
import { fromFileUrl } from "../paths.ts";
import { buildSite, SiteFolderError } from "../site/build.ts";
import { BundleError } from "../site/bundle.ts";
import { CellRunError } from "../site/outputs.ts";
import { serveSite } from "../site/serve.ts";
import { buildOrReuse, type ReuseResult } from "../site/stamp.ts";
import type { ExercisePageData } from "../site/exercise_page.ts";
import { wholeApiCard } from "../exercise/api_card.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { hint } from "./exercise/hints.ts";
import { exerciseInput } from "./exercise/context.ts";
import { LIMITS } from "./exercise/sandbox.ts";

/**
 * The exercises that get a page in the site, each checked there as
 * `deno task exercise N` checks it. A new exercise is one number more here.
 *
 * @example
 * ```ts
 * EXERCISE_PAGES[0]; // 3
 * ```
 */
export const EXERCISE_PAGES: readonly number[] = [3, 4, 5, 6, 7, 8, 9];

/** A hint without its last words, which name the command's next flag: the page has a button for the next level. */
const withoutFlags = (text: string) =>
  text.replace(/\s*\((?:More|The\s+chapter's\s+own\s+lines):\s[^()]*\)\.?\s*$/, "");

/**
 * What exercise `chapter`'s page shows: the stub, each gradient's hints
 * and solution as `deno task exercise N --hint/--solution` prints them, and
 * the API card of `deno task exercise --api`.
 *
 * @example
 * ```ts
 * exercisePageData(3).gradients[0].name; // "dlogprobs"
 * ```
 */
export function exercisePageData(chapter: number): ExercisePageData {
  const spec = EXERCISES[chapter];
  const input = exerciseInput();
  return {
    chapter,
    title: spec.title,
    file: spec.file,
    stub: spec.stub,
    gradients: spec.gradients.map((g) => ({
      name: g.name,
      hints: [hint(spec, g.name, 1, input), hint(spec, g.name, 2), hint(spec, g.name, 3)].map(withoutFlags) as [
        string,
        string,
        string,
      ],
      solution: hint(spec, g.name, "solution"),
    })),
    apiCard: wholeApiCard(),
    // Exercise 9 trains as the CLI does: its steps, within its time.
    training: chapter === 9 ? { steps: LIMITS.trainSteps, ms: LIMITS.trainMs } : undefined,
  };
}

/**
 * Where the site is built, relative to the repository (git ignores it).
 *
 * @example
 * ```ts
 * SITE_DIR; // "site"
 * ```
 */
export const SITE_DIR = "site";

/** The port `--serve` listens on unless `--port` says otherwise. */
const DEFAULT_PORT = 8000;

const SITE_HELP = `Build the tutorial as a static site: every chapter to read and run in a browser tab, and the
network trained in the page. Everything is bundled from npm; the folder works offline from any static server.

Usage: deno task site [flags]

A build is reused when none of the files it is made from (the chapters, the exercises' stubs, lib/, data/,
deno.json, deno.lock) changed since: the run says whether it built or reused ${SITE_DIR}/, and why.

Flags:
  --serve        after building, serve ${SITE_DIR}/ on http://127.0.0.1:PORT/ until Ctrl-C
  --rebuild      build even if nothing the site is made from changed since the last build
  --port N       the port for --serve   (${DEFAULT_PORT}; 0 for any free one)
  -h, --help     this text`;

/** Builds the site, or reuses the one in `site/` when its stamp says nothing it is built from has changed. */
async function buildOrReuseSite(root: string, rebuild: boolean): Promise<ReuseResult> {
  const log = (line: string) => console.log(line);
  return await buildOrReuse({
    root,
    dir: `${root}/${SITE_DIR}`,
    rebuild,
    build: async () => {
      const exercises = EXERCISE_PAGES.map(exercisePageData);
      return await buildSite({ root, out: SITE_DIR, log, exercises });
    },
    onBuild: (why) => log(`Building ${SITE_DIR}/: ${why}.`),
  });
}

/** How long ago `iso` was, in words: "3 min ago". */
function ago(iso: string): string {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** What came of the build, or of reusing the last one: why, and its pages with their sizes. */
function reportSite(result: ReuseResult): void {
  const kB = (bytes: number) => `${Math.round(bytes / 1000)} kB`;
  const { stamp, site } = result;
  if (result.rebuiltBecause === null) {
    console.log(
      `Reused ${SITE_DIR}/, built ${ago(stamp.builtAt)} in ${stamp.seconds.toFixed(0)} s: none of the ` +
        `${result.inputCount} files it is built from changed since (inputs ${result.digest}). ` +
        `--rebuild builds it again.`,
    );
  } else console.log(`\nBuilt ${SITE_DIR}/ in ${stamp.seconds.toFixed(0)} s (inputs ${result.digest}):`);
  for (const page of site.pages) console.log(`  ${page.file.padEnd(32)} ${kB(page.bytes).padStart(7)}`);
  for (const formula of site.unreadable) console.log(`  (shown as text: KaTeX could not read ${formula})`);
}

/**
 * Builds the site (or reuses the last build, when nothing it is made from
 * changed, unless `--rebuild`), then serves it if asked; returns the exit
 * code: 0 built (and served until Ctrl-C), 1 a chapter failed or the bundle
 * could not be made. A bad flag, or a `site/` that holds files no build
 * made, throws a {@linkcode UsageError} (exit code 2).
 *
 * @example
 * ```ts ignore
 * Deno.exitCode = await siteCommand(["--serve", "--port", "8080"]);
 * ```
 */
export async function siteCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    serve: { type: "boolean" },
    rebuild: { type: "boolean" },
    port: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, "site");
  if (values.help) {
    console.log(SITE_HELP);
    return 0;
  }
  const port = limitedFlag(values, "port", 0, 65535) ?? DEFAULT_PORT;
  const root = fromFileUrl(new URL("../..", import.meta.url));
  // A port in use is said before a build of half a minute, not after it.
  if (values.serve) assertPortFree(port);
  try {
    reportSite(await buildOrReuseSite(root, Boolean(values.rebuild)));
  } catch (error) {
    if (error instanceof SiteFolderError) throw new UsageError(error.message);
    // A chapter that fails, or a bundle that cannot be made: the build had to stop.
    if (error instanceof CellRunError || error instanceof BundleError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (!values.serve) {
    console.log(`\nOpen ${SITE_DIR}/index.html from any static server, or run: deno task site --serve`);
    return 0;
  }
  return await serveBuilt(root, port);
}

/** The one-line usage error for a port another process listens on. */
function portInUse(port: number): UsageError {
  return new UsageError(`port ${port} is in use: choose another with --port (0 picks a free one)`);
}

/** Throws {@linkcode portInUse}'s error when `port` cannot be listened on now (0 always can). */
function assertPortFree(port: number): void {
  if (port === 0) return;
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) throw portInUse(port);
    throw error;
  }
}

/** Serves the built site until Ctrl-C; a port in use is a {@linkcode UsageError}. */
async function serveBuilt(root: string, port: number): Promise<number> {
  try {
    const server = serveSite(
      `${root}/${SITE_DIR}`,
      port,
      (url) => console.log(`\nServing ${SITE_DIR}/ at ${url} (Ctrl-C stops)`),
    );
    await server.finished;
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) throw portInUse(port);
    throw error;
  }
  return 0;
}
