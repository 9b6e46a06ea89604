/**
 * Whether `deno task site` must build the site again or may reuse the one in
 * `site/`: a stamp of what the last build was made from (the SHA-256 of every
 * input file, and Deno's version, which does the bundling), and of what it
 * wrote (each output file's size and time), kept beside the output as
 * {@linkcode STAMP_FILE}. The stamp is written last, after a build that
 * finished, and removed before a build starts, so a build that was
 * interrupted half-way is never taken as good: the next run builds again.
 *
 * The inputs are a superset of what the build reads: every source file of
 * `chapters/` (the chapters, the exercises' stubs and specs; not the
 * learner's `chapters/yours/` nor the notebooks) and of `lib/` (the tensor
 * module, the checker, the pages' scripts and assets, the builder itself),
 * tests left out, `data/`, `deno.json` and `deno.lock` (which pins the npm
 * packages that are bundled). A change to any of them builds the site again.
 *
 * @example
 * ```ts
 * import { staleReason, stampDigest } from "./stamp.ts";
 * const inputs = { "chapters/03_cross_entropy.ts": "ab12", "deno.lock": "cd34" };
 * await stampDigest(inputs, "2.1.4") === await stampDigest({ ...inputs }, "2.1.4"); // true
 * staleReason(null, inputs, "2.1.4", {}); // "there is no finished build to reuse"
 * ```
 * @module
 */

import { join, relative } from "node:path";
import type { BuiltPage, BuiltSite } from "./build.ts";

/**
 * The stamp's file in the site's folder; a request for it is refused, as for any hidden file.
 *
 * @example
 * ```ts
 * STAMP_FILE; // ".built-from.json"
 * ```
 */
export const STAMP_FILE = ".built-from.json";

/** The folders and files, from the repository's root, that the site is built from. */
const INPUT_FOLDERS = ["chapters", "lib", "data"];
const INPUT_FILES = ["deno.json", "deno.lock"];
/** Folders inside those that are no input: the learner's files, the notebooks (made from the same chapters). */
const NOT_INPUTS = new Set(["chapters/yours", "chapters/notebooks"]);

/** What a finished build was made from and what it wrote. */
export interface SiteStamp {
  /** Deno's version, which type-checks, runs and bundles. */
  deno: string;
  /** Each input file, from the root, and the SHA-256 of its contents (hex). */
  inputs: Record<string, string>;
  /** Each file the build wrote, from the site's folder, with its size and time of last change. */
  outputs: Record<string, FileMark>;
  /** The pages and the formulas shown as text, as the build reported them. */
  pages: BuiltPage[];
  unreadable: string[];
  /** When the build finished (ISO 8601) and how long it took. */
  builtAt: string;
  seconds: number;
}

/** A file's size and time of last change (ms since 1970), to notice a file changed or replaced. */
export interface FileMark {
  bytes: number;
  mtime: number;
}

/** Names in a sentence: at most `most`, then how many more. */
function listed(names: string[], most = 3): string {
  const shown = names.length > most ? [...names.slice(0, most - 1), `${names.length - most + 1} more`] : names;
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/**
 * A short digest of the inputs (12 hex digits): it changes when any input's
 * contents, name or presence changes, or Deno's version, and not otherwise.
 *
 * @example
 * ```ts
 * const a = await stampDigest({ "lib/tensor.ts": "00ff" }, "2.1.4");
 * a === await stampDigest({ "lib/tensor.ts": "00fe" }, "2.1.4"); // false
 * ```
 */
export async function stampDigest(inputs: Record<string, string>, deno: string): Promise<string> {
  const lines = Object.keys(inputs).sort().map((path) => `${path}\t${inputs[path]}\n`);
  const text = `deno ${deno}\n${lines.join("")}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, 12);
}

/**
 * The input files whose contents differ between two stamps' inputs, added and removed ones included, sorted.
 *
 * @example
 * ```ts
 * changedInputs({ "a.ts": "01", "b.ts": "02" }, { "a.ts": "01", "b.ts": "03", "c.ts": "04" }); // ["b.ts", "c.ts"]
 * ```
 */
export function changedInputs(before: Record<string, string>, now: Record<string, string>): string[] {
  const paths = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  return paths.filter((path) => before[path] !== now[path]);
}

/**
 * Why the site must be built again, in words to follow "Building site/: ";
 * null when the stamp's build may be reused: its inputs are `inputs`, its
 * Deno is `deno`, and every file it wrote is still there as it wrote it
 * (`outputs`, read now from the folder).
 *
 * @example
 * ```ts
 * const stamp = {
 *   deno: "2.1.4", inputs: { "lib/tensor.ts": "00ff" }, outputs: { "index.html": { bytes: 9, mtime: 1 } },
 *   pages: [], unreadable: [], builtAt: "2026-01-01T00:00:00Z", seconds: 20,
 * };
 * staleReason(stamp, { "lib/tensor.ts": "00ff" }, "2.1.4", { "index.html": { bytes: 9, mtime: 1 } }); // null
 * staleReason(stamp, { "lib/tensor.ts": "0100" }, "2.1.4", stamp.outputs); // "lib/tensor.ts changed since the last build"
 * ```
 */
export function staleReason(
  stamp: SiteStamp | null,
  inputs: Record<string, string>,
  deno: string,
  outputs: Record<string, FileMark>,
): string | null {
  if (stamp === null) return "there is no finished build to reuse";
  if (stamp.deno !== deno) return `Deno is ${deno} now, the last build's was ${stamp.deno}`;
  const changed = changedInputs(stamp.inputs, inputs);
  if (changed.length > 0) {
    return `${listed(changed)} changed since the last build`;
  }
  const altered = Object.keys(stamp.outputs).filter((file) => {
    const [was, is] = [stamp.outputs[file], outputs[file]];
    return is === undefined || is.bytes !== was.bytes || is.mtime !== was.mtime;
  });
  if (altered.length > 0) return `${listed(altered)} in the site's folder changed or went away since it was built`;
  return null;
}

/** Every file under `dir` (a path from `root`), as paths from `root`, left out: tests, hidden files, `NOT_INPUTS`. */
async function filesUnder(root: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.name.startsWith(".") || NOT_INPUTS.has(path)) continue;
      if (entry.isDirectory) found.push(...await filesUnder(root, path));
      else if (entry.isFile && !/_test\.ts$/.test(entry.name)) found.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

/** The SHA-256 of a file's contents, in hex. */
async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The site's input files under `root` and the SHA-256 of each (see the
 * module's doc for which files are inputs).
 *
 * @example
 * ```ts ignore
 * const inputs = await siteInputs(Deno.cwd()); // needs --allow-read
 * inputs["chapters/03_cross_entropy.ts"].length; // 64
 * ```
 */
export async function siteInputs(root: string): Promise<Record<string, string>> {
  const paths = (await Promise.all(INPUT_FOLDERS.map((dir) => filesUnder(root, dir)))).flat();
  for (const file of INPUT_FILES) {
    if ((await Deno.stat(join(root, file)).catch(() => null))?.isFile) paths.push(file);
  }
  paths.sort();
  const hashes = await Promise.all(paths.map((path) => sha256(join(root, path))));
  return Object.fromEntries(paths.map((path, k) => [path, hashes[k]]));
}

/**
 * Every file in the site's folder `dir` but the stamp, with its size and
 * time of last change.
 *
 * @example
 * ```ts ignore
 * (await siteOutputs("site"))["index.html"].bytes; // 8,000 or so
 * ```
 */
export async function siteOutputs(dir: string, under = dir): Promise<Record<string, FileMark>> {
  const found: Record<string, FileMark> = {};
  try {
    for await (const entry of Deno.readDir(under)) {
      const path = join(under, entry.name);
      if (entry.isDirectory) Object.assign(found, await siteOutputs(dir, path));
      else if (entry.name !== STAMP_FILE && !entry.name.startsWith(`${STAMP_FILE}.`)) {
        const info = await Deno.lstat(path);
        found[relative(dir, path)] = { bytes: info.size, mtime: info.mtime?.getTime() ?? 0 };
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) throw error;
  }
  return found;
}

/**
 * The stamp in the site's folder `dir`, or null when there is none, or it is
 * not one (unreadable, not JSON, not a stamp's shape): then the site is built
 * again.
 *
 * @example
 * ```ts ignore
 * const stamp = await readStamp("site");
 * stamp?.builtAt; // "2026-12-02T21:40:00.000Z"
 * ```
 */
export async function readStamp(dir: string): Promise<SiteStamp | null> {
  try {
    const stamp = JSON.parse(await Deno.readTextFile(join(dir, STAMP_FILE)));
    const isRecord = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
    const ok = isRecord(stamp) && typeof stamp.deno === "string" && isRecord(stamp.inputs) &&
      isRecord(stamp.outputs) && Array.isArray(stamp.pages) && Array.isArray(stamp.unreadable) &&
      typeof stamp.builtAt === "string" && typeof stamp.seconds === "number";
    return ok ? stamp as SiteStamp : null;
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    return null;
  }
}

/**
 * Writes the stamp into the site's folder `dir`, whole: to a temporary file, then renamed.
 *
 * @example
 * ```ts ignore
 * await writeStamp("site", stamp);
 * ```
 */
export async function writeStamp(dir: string, stamp: SiteStamp): Promise<void> {
  const temporary = join(dir, `${STAMP_FILE}.${Deno.pid}.tmp`);
  await Deno.writeTextFile(temporary, `${JSON.stringify(stamp, null, 1)}\n`);
  await Deno.rename(temporary, join(dir, STAMP_FILE));
}

/** What {@linkcode buildOrReuse} needs: where, whether to force a build, and the build itself. */
export interface ReuseOptions {
  /** The repository's root (absolute). */
  root: string;
  /** The site's folder (absolute). */
  dir: string;
  /** Build even if nothing changed (`--rebuild`). */
  rebuild: boolean;
  /** Builds the site into `dir`; the stamp is written only if it returns. */
  build: () => Promise<BuiltSite>;
  /** Called with why the site is built, before it is. */
  onBuild?: (why: string) => void;
  /** Deno's version (for tests). */
  deno?: string;
}

/** What {@linkcode buildOrReuse} did: the site, whether it was reused, why it was (re)built, and when. */
export interface ReuseResult {
  site: BuiltSite;
  /** Null when reused; else why it was built. */
  rebuiltBecause: string | null;
  stamp: SiteStamp;
  /** The inputs' digest (see {@linkcode stampDigest}) and how many there are. */
  digest: string;
  inputCount: number;
}

/**
 * Builds the site with `o.build` unless the stamp in `o.dir` says the site
 * there was built from the same inputs (and is as it was written); stamps
 * what it builds. The inputs are read before the build, so a file edited
 * while it runs is seen as changed by the next run.
 *
 * @example
 * ```ts ignore
 * const { rebuiltBecause } = await buildOrReuse({ root, dir: `${root}/site`, rebuild: false, build });
 * rebuiltBecause; // null: reused
 * ```
 */
export async function buildOrReuse(o: ReuseOptions): Promise<ReuseResult> {
  const deno = o.deno ?? Deno.version.deno;
  const inputs = await siteInputs(o.root);
  const digest = await stampDigest(inputs, deno);
  const stamp = await readStamp(o.dir);
  const why = o.rebuild ? "--rebuild asks for it" : staleReason(stamp, inputs, deno, await siteOutputs(o.dir));
  const count = Object.keys(inputs).length;
  if (why === null) {
    const site = { pages: stamp!.pages, unreadable: stamp!.unreadable };
    return { site, rebuiltBecause: null, stamp: stamp!, digest, inputCount: count };
  }
  // The last build's stamp goes first, so that a build stopped half-way leaves none.
  if (stamp !== null) await Deno.remove(join(o.dir, STAMP_FILE));
  o.onBuild?.(why);
  const started = performance.now();
  const site = await o.build();
  const fresh: SiteStamp = {
    deno,
    inputs,
    outputs: await siteOutputs(o.dir),
    pages: site.pages,
    unreadable: site.unreadable,
    builtAt: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
  };
  await writeStamp(o.dir, fresh);
  return { site, rebuiltBecause: why, stamp: fresh, digest, inputCount: count };
}
