/**
 * The entry point: runs the tutorial's chapters and dispatches the tasks.
 *
 *     deno run main.ts              every chapter, in order
 *     deno task chapter             the list of chapters
 *     deno task chapter 3           one chapter
 *     deno task train               train the network, then sample names
 *     deno task sample              sample names from a saved checkpoint
 *     deno task bench               time one training step three ways
 *     deno task exercise 3          your own gradients for chapter 3, checked
 *     deno task notebooks           the chapters as Jupyter notebooks (chapters/notebooks/)
 *
 * @module
 */

import { runCli, UsageError } from "./lib/cli.ts";

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

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
      return await runChapters(CHAPTERS.map((_, i) => i + 1));
    case "chapter":
      if (rest.length === 0) {
        await listChapters();
        return 0;
      }
      if (rest.length > 1) {
        throw new UsageError(`chapter takes one number, got ${rest.length} arguments: ${rest.join(" ")}`);
      }
      return await runChapters([chapterNumber(rest[0])]);
    case "train":
      return await (await import("./lib/commands/train.ts")).trainCommand(rest);
    case "sample":
      return await (await import("./lib/commands/train.ts")).sampleCommand(rest);
    case "exercise":
      return await (await import("./lib/commands/exercise.ts")).exerciseCommand(rest);
    case "bench":
      return (await import("./lib/commands/bench.ts")).benchCommand(rest);
    case "notebooks":
      return await (await import("./lib/commands/notebooks.ts")).notebooksCommand(rest);
    default:
      throw new UsageError(
        `unknown command ${
          JSON.stringify(command)
        }: the commands are chapter, exercise, train, sample, bench and notebooks`,
      );
  }
}

if (import.meta.main) await runCli(() => main(Deno.args));
