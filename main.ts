/**
 * The entry point: runs the tutorial's chapters and dispatches the tasks.
 *
 *     deno run main.ts              every chapter, in order
 *     deno task chapter             the list of chapters
 *     deno task chapter 3           one chapter
 *     deno task train               train the network, then sample names
 *     deno task sample              sample names from a saved checkpoint
 *     deno task bench               time one training step every way (and PyTorch's)
 *     deno task exercise 3          your own gradients for chapter 3, checked
 *     deno task notebooks           the chapters as Jupyter notebooks (chapters/notebooks/)
 *     deno task site                the tutorial as a static site for a browser tab (site/)
 *     deno run main.ts --help       the commands (each command's --help, its flags)
 *
 * @module
 */

import { closestFlags, parseFlags, runCli, UsageError } from "./lib/cli.ts";

/** A chapter module: its title and a `run` that prints it and says whether its checks passed. */
interface Chapter {
  title: string;
  run(): boolean | Promise<boolean>;
}

/** The chapters, in order; each is loaded only when it is needed. */
const CHAPTERS: (() => Promise<Chapter>)[] = [
  () => import("./chapters/01_data_and_model.ts"),
  () => import("./chapters/02_forward.ts"),
  () => import("./chapters/03_cross_entropy.ts"),
  () => import("./chapters/04_output_layer.ts"),
  () => import("./chapters/05_batchnorm.ts"),
  () => import("./chapters/06_first_layer.ts"),
  () => import("./chapters/07_fused_cross_entropy.ts"),
  () => import("./chapters/08_fused_batchnorm.ts"),
  () => import("./chapters/09_training.ts"),
];

async function listChapters(): Promise<void> {
  console.log("The chapters (run one with `deno task chapter N`):\n");
  for (let i = 0; i < CHAPTERS.length; i++) {
    const { title } = await CHAPTERS[i]();
    console.log(`  ${String(i + 1).padStart(2)}. ${title}`);
  }
}

/** The commands `main` dispatches. */
const COMMANDS = ["chapter", "exercise", "train", "sample", "bench", "notebooks", "site"];

/** What `deno run main.ts --help` prints: the commands. */
const MAIN_HELP = `Backprop ninja: the lecture's MLP, every gradient derived by hand, checked, then trained.

Usage: deno task <command> [arguments]     (deno task sets each command's permissions)

Commands:
  deno run main.ts            every chapter, in order, with its checks
  deno task chapter [N]       the list of chapters, or chapter N
  deno task exercise N        write chapter N's gradients yourself and have them checked
  deno task train             train the network, then sample names
  deno task sample            sample names from a saved checkpoint
  deno task bench             time one training step every way (and PyTorch's)
  deno task notebooks         remake the chapters' Jupyter notebooks (chapters/notebooks/)
  deno task site              build the tutorial as a site for a browser tab (site/); --serve serves it

Each command's --help tells its arguments and flags, e.g. \`deno task train --help\`.`;

/** What `deno task chapter --help` prints. */
const CHAPTER_HELP = `Read and run the tutorial one lesson at a time.

Usage:
  deno task chapter           list the chapters
  deno task chapter N         run chapter N (1 to ${CHAPTERS.length}): its prose, its numbers and its checks
  deno run main.ts            run every chapter, in order
  -h, --help                  this text`;

/** Parses a chapter number, or throws a UsageError naming what is allowed. */
function chapterNumber(arg: string): number {
  const n = Number(arg);
  if (!/^\d+$/.test(arg) || n < 1 || n > CHAPTERS.length) {
    throw new UsageError(
      `there is no chapter ${
        JSON.stringify(arg)
      }: chapters are numbered 1 to ${CHAPTERS.length} (\`deno task chapter\` lists them)`,
    );
  }
  return n;
}

async function runChapters(numbers: number[]): Promise<number> {
  const failed: number[] = [];
  for (const n of numbers) {
    const chapter = await CHAPTERS[n - 1]();
    if (!(await chapter.run())) failed.push(n);
  }
  if (failed.length > 0) {
    console.error(`Checks failed in chapter ${failed.join(", ")}.`);
    return 1;
  }
  return 0;
}

/** `deno task chapter [N]`: the list, one chapter, or (with -h, --help) how to use it. */
async function chapterCommand(args: string[]): Promise<number> {
  // "-1" is a chapter that does not exist, not an option.
  const negative = args.find((arg) => /^-\d/.test(arg));
  if (negative !== undefined) chapterNumber(negative);
  const { values, positionals } = parseFlags(args, { help: { type: "boolean", short: "h" } }, "chapter", true);
  if (values.help) {
    console.log(CHAPTER_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    await listChapters();
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`chapter takes one number, got ${positionals.length} arguments: ${positionals.join(" ")}`);
  }
  return await runChapters([chapterNumber(positionals[0])]);
}

/**
 * Runs the command `args` name and returns its exit code; a bad argument
 * throws a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * await main(["chapter", "--help"]); // 0, after printing how to run a chapter
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
      return await runChapters(CHAPTERS.map((_, i) => i + 1));
    case "-h":
    case "--help":
    case "help":
      console.log(MAIN_HELP);
      return 0;
    case "chapter":
      return await chapterCommand(rest);
    case "train":
      return await (await import("./lib/commands/train.ts")).trainCommand(rest);
    case "sample":
      return await (await import("./lib/commands/train.ts")).sampleCommand(rest);
    case "exercise":
      return await (await import("./lib/commands/exercise/command.ts")).exerciseCommand(rest);
    case "bench":
      return (await import("./lib/commands/bench.ts")).benchCommand(rest);
    case "notebooks":
      return await (await import("./lib/commands/notebooks.ts")).notebooksCommand(rest);
    case "site":
      return await (await import("./lib/commands/site.ts")).siteCommand(rest);
    default: {
      const near = closestFlags(command, COMMANDS);
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}${
          near.length === 1 ? ` (did you mean ${near[0]}?)` : ""
        }: the commands are ${COMMANDS.slice(0, -1).join(", ")} and ${
          COMMANDS.at(-1)
        } (\`deno run main.ts --help\` says more)`,
      );
    }
  }
}

if (import.meta.main) await runCli(() => main(Deno.args));
