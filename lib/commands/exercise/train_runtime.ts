/**
 * The main module of exercise 9's training process (training.ts starts it
 * with no permissions at all, as sandbox.ts starts runtime.ts). It reads the
 * {@linkcode TrainHeader} on its stdin, loads chapter 2's forward pass and
 * the learner's module from `data:` URLs, and trains with them
 * (lib/exercise/training_loop.ts). It sends the losses as it goes and the
 * parameters at the end (training_wire.ts).
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

import { describeThrown } from "../../exercise/hooks.ts";
import { type TrainEnd, trainFrame, type TrainHeader } from "../../exercise/training_wire.ts";
import { type Backward, type ForwardPass, type TrainingLoop, trainWith } from "../../exercise/training_loop.ts";
import { toBase64, unpack } from "../../exercise/wire.ts";
import type { IndexTensor } from "../../tensor.ts";
import type { Params } from "../../model.ts";

// Taken before the learner's module loads, so that replacing them there changes nothing here.
const writeSync = Deno.stdout.writeSync.bind(Deno.stdout);
const readSync = Deno.stdin.readSync.bind(Deno.stdin);
const exit = Deno.exit;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes all of `text` to stdout. */
function write(text: string): void {
  const bytes = encoder.encode(text);
  for (let at = 0; at < bytes.length;) at += writeSync(bytes.subarray(at));
}

/** The first line of stdin (the header: a few MB). */
function readHeader(): TrainHeader {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = new Uint8Array(1 << 20);
    const n = readSync(chunk);
    if (n === null) break;
    chunks.push(chunk.subarray(0, n));
    if (chunk.subarray(0, n).includes(10)) break;
  }
  const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.length) - c.length);
  return JSON.parse(decoder.decode(all).split("\n")[0]) as TrainHeader;
}

const dataUrl = (code: string) => `data:application/typescript;base64,${toBase64(encoder.encode(code))}`;

async function main(): Promise<void> {
  const header = readHeader();
  const { forward } = await import(dataUrl(header.forward)) as { forward: ForwardPass };
  let backward: unknown;
  try {
    backward = (await import(dataUrl(header.program))).__gradients;
  } catch (error) {
    const end = { ended: "stopped", step: 0, why: "your file threw as it was loaded", threw: describeThrown(error) };
    write(trainFrame("end", end as TrainEnd));
    return exit(0);
  }
  const { n, steps, lr, decayStep, decay, every } = header;
  const run: TrainingLoop = {
    params: unpack(header.params) as Params,
    X: unpack(header.Xb) as IndexTensor,
    Y: unpack(header.Yb) as IndexTensor,
    ...{ n, steps, lr, decayStep, decay, every },
    forward,
    onProgress: (step, losses) => write(trainFrame("progress", { step, losses })),
  };
  const end: TrainEnd = typeof backward === "function"
    ? trainWith(run, backward as Backward)
    : { ended: "stopped", step: 0, why: "your file does not export a function gradients(input)" };
  write(trainFrame("end", end));
  exit(0);
}

if (import.meta.main) await main();
