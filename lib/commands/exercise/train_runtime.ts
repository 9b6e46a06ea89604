/**
 * The main module of exercise 9's training process (training.ts starts it
 * with no permissions at all, as sandbox.ts starts runtime.ts). It reads the
 * {@linkcode TrainHeader} on its stdin, loads chapter 2's forward pass and
 * the learner's module from `data:` URLs, and trains with them
 * (lib/exercise/train_runner.ts, as an exercise page's training worker
 * does). It sends the losses as it goes and the parameters at the end
 * (training_wire.ts), through the stdout runtime.ts took before any
 * learner's module loaded.
 *
 * It holds no reference gradient and decides nothing: what it sends is read
 * as numbers, and the checker evaluates and samples the parameters itself.
 * Run as a module of another program it does nothing.
 *
 * @example
 * ```ts
 * // training.ts runs, with no permissions:
 * // deno run --no-check --no-config --no-remote --no-npm --no-prompt lib/commands/exercise/train_runtime.ts
 * import "./train_runtime.ts"; // imported, it does nothing
 * ```
 * @module
 */

import type { ForwardPass } from "../../exercise/training_loop.ts";
import { trainLoaded } from "../../exercise/train_runner.ts";
import { trainFrame, type TrainHeader } from "../../exercise/training_wire.ts";
import { dataUrl, exitWith, Lines, write } from "./runtime.ts";

async function main(): Promise<void> {
  const header = JSON.parse(new Lines().next()) as TrainHeader;
  const { forward } = await import(dataUrl(header.forward)) as { forward: ForwardPass };
  const end = await trainLoaded(
    header,
    forward,
    () => import(dataUrl(header.program)),
    (step, losses) => write(trainFrame("progress", { step, losses })),
  );
  write(trainFrame("end", end));
  exitWith(0);
}

if (import.meta.main) await main();
