/**
 * The main module of exercise 9's training process (training.ts starts it
 * with no permissions at all, as sandbox.ts starts runtime.ts). It reads the
 * {@linkcode TrainHeader} on its stdin, loads chapter 2's forward pass and
 * the learner's module from `data:` URLs, and trains: for each batch, the
 * forward pass, the learner's gradients(), and `p −= lr · dp` on every
 * parameter, rounded to float32 as the parameters are kept. It sends the
 * losses as it goes and the parameters at the end (training_wire.ts).
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
import type { ExerciseInput } from "../../exercise/learner.ts";
import { type TrainEnd, trainFrame, type TrainHeader } from "../../exercise/training_wire.ts";
import { toBase64, unpack } from "../../exercise/wire.ts";
import { type IndexTensor, Tensor } from "../../tensor.ts";
import type { Forward, Params } from "../../model.ts";

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

/** What exercise 9 does not give: its backward pass starts from the loss. */
const WITHHELD = ["dlogits", "dhpreact", "dhprebn"];

/** What the learner's gradients() receives at a step: the forward pass, the parameters, the batch. */
function inputOf(fwd: Forward, params: Params, Xb: IndexTensor, Yb: IndexTensor, n: number): ExerciseInput {
  const input = { fwd, params, batch: { ix: [], Xb, Yb }, n } as unknown as ExerciseInput;
  for (const name of WITHHELD) {
    Object.defineProperty(input, name, {
      get() {
        throw new Error(`exercise 9 does not give input.${name}: it starts from the loss`);
      },
    });
  }
  return input;
}

/** Why the gradients returned cannot update the parameters (a missing one, another shape), or "". */
function unusable(grads: unknown, params: Params): string {
  if (typeof grads !== "object" || grads === null) return "gradients() returned no object";
  if (typeof (grads as { then?: unknown }).then === "function") return "gradients() returned a Promise";
  for (const [name, p] of Object.entries(params) as [string, Tensor][]) {
    const g = (grads as Record<string, unknown>)[`d${name}`];
    if (!(g instanceof Tensor)) return `gradients() returned no Tensor d${name}`;
    if (g.shape.join() !== p.shape.join() || !(g.data instanceof Float32Array) || g.data.length !== p.data.length) {
      return `d${name} has shape [${g.shape.join(", ")}], but ${name} is [${
        p.shape.join(", ")
      }] in this network: take sizes from the tensors, not as numbers`;
    }
  }
  return "";
}

/** p −= lr · dp for every parameter, in place (a Float32Array rounds each result to float32). */
function update(params: Params, grads: Record<string, Tensor>, lr: number): void {
  for (const [name, p] of Object.entries(params) as [string, Tensor][]) {
    const g = grads[`d${name}`].data;
    const data = p.data;
    for (let i = 0; i < data.length; i++) data[i] -= lr * g[i];
  }
}

type Backward = (input: ExerciseInput) => unknown;
type ForwardPass = (params: Params, Xb: IndexTensor, Yb: IndexTensor) => Forward;

/** The training loop: every batch of the header, with progress frames; how it ended. */
function train(header: TrainHeader, forward: ForwardPass, backward: Backward): TrainEnd {
  const params = unpack(header.params) as Params;
  const X = unpack(header.Xb) as IndexTensor;
  const Y = unpack(header.Yb) as IndexTensor;
  const { n, steps } = header;
  const B = X.shape[1];
  let losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const Xb = { data: X.data.subarray(step * n * B, (step + 1) * n * B), shape: [n, B] };
    const Yb = { data: Y.data.subarray(step * n, (step + 1) * n), shape: [n] };
    const fwd = forward(params, Xb, Yb);
    if (!Number.isFinite(fwd.loss)) return { ended: "stopped", step: step + 1, why: `the loss became ${fwd.loss}` };
    let grads: unknown;
    try {
      grads = backward(inputOf(fwd, params, Xb, Yb, n));
    } catch (error) {
      return { ended: "stopped", step: step + 1, why: "your gradients() threw", threw: describeThrown(error) };
    }
    const why = unusable(grads, params);
    if (why) return { ended: "stopped", step: step + 1, why };
    update(params, grads as Record<string, Tensor>, step < header.decayStep ? header.lr : header.lr * header.decay);
    losses.push(fwd.loss);
    if ((step + 1) % header.every === 0 || step + 1 === steps) {
      write(trainFrame("progress", { step: step + 1, losses }));
      losses = [];
    }
  }
  const packed = Object.entries(params).map((
    [k, t]: [string, Tensor],
  ) => [k, { shape: t.shape, f32: toBase64(t.data) }]);
  return { ended: "trained", params: Object.fromEntries(packed) };
}

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
  const end: TrainEnd = typeof backward === "function"
    ? train(header, forward, backward as Backward)
    : { ended: "stopped", step: 0, why: "your file does not export a function gradients(input)" };
  write(trainFrame("end", end));
  exit(0);
}

if (import.meta.main) await main();
