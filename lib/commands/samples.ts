/**
 * The samples a command prints or writes: drawn from a trainer with the
 * flags' temperature, seed, top-k and prefix, with progress when it takes
 * more than a second, each marked as a word of the training set or a new one
 * when the training set is known, and written to `--samples-out` (never over
 * an existing file without `--force`).
 *
 * @example
 * ```ts
 * import { printSamples } from "./samples.ts";
 * import { Trainer } from "../train/trainer.ts";
 * const trainer = new Trainer({ steps: 10 });
 * await printSamples(trainer, { samples: 3, seed: 1, temperature: 1, force: false }, { unknown: "a test" });
 * ```
 * @module
 */

import { characterCount, encodePrefix } from "../data.ts";
import type { Trainer } from "../train/trainer.ts";
import type { TrainingData } from "../train/training_data.ts";
import { UsageError } from "../cli.ts";

/**
 * The training set's words, or why they are not known.
 *
 * @example
 * ```ts
 * const known: Known = { training: new Set(["emma"]) };
 * ```
 */
export type Known = { training: Set<string> } | { unknown: string };

/**
 * What to sample, as the flags ask.
 *
 * @example
 * ```ts
 * const request: SampleRequest = { samples: 20, seed: 2147483657, temperature: 1, topK: 5, prefix: "em", force: false };
 * ```
 */
export interface SampleRequest {
  samples: number;
  seed: number;
  temperature: number;
  /** `--top-k`: draw from the k likeliest tokens only. */
  topK?: number;
  /** `--prefix`: every name starts with it. */
  prefix?: string;
  /** `--samples-out`: the file the names are written to, one a line. */
  out?: string;
  /** `--force`: `out` may replace an existing file. */
  force: boolean;
}

/**
 * The training set's words of a trainer's data (the first 80 % of its
 * shuffled words), or why they are not known.
 *
 * @example
 * ```ts
 * import { loadTrainingData } from "../train/training_data.ts";
 * knownTraining(loadTrainingData(3)); // { training: Set(25626) {…} }
 * ```
 */
export function knownTraining(data: TrainingData): Known {
  if (data.vocabOnly) return { unknown: "the words it learned from were not read" };
  return { training: new Set(data.words.slice(0, Math.trunc(0.8 * data.words.length))) };
}

/**
 * Refuses, before any work, a `--samples-out` that would replace a file without `--force`.
 *
 * @example
 * ```ts
 * // With --allow-read --allow-write, before sampling:
 * const check = () => checkSamplesOut({ samples: 1, seed: 1, temperature: 1, out: "names-out.txt", force: false });
 * ```
 */
export async function checkSamplesOut(request: SampleRequest): Promise<void> {
  if (request.out === undefined) return;
  const { state } = await Deno.permissions.query({ name: "write", path: request.out });
  if (state !== "granted") {
    throw new UsageError(`cannot write ${request.out}: no permission (run with --allow-write, as \`deno task\` does)`);
  }
  if (request.force) return;
  const there = await Deno.lstat(request.out).then(() => true, (error) => {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new UsageError(`cannot write ${request.out}: ${(error as Error).message.split("\n")[0]}`);
  });
  if (there) {
    throw new UsageError(
      `refusing to overwrite ${request.out}: it exists; choose another --samples-out, or add --force`,
    );
  }
}

/** A progress reporter that starts talking once sampling has taken a second. */
function progress(total: number): { report: (done: number) => void; end: () => void } {
  const started = performance.now();
  const tty = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  let last = started;
  let shown = false;
  return {
    report(done) {
      const now = performance.now();
      if (now - started < 1000 || now - last < (tty ? 200 : 5000)) return;
      last = now;
      shown = true;
      const line = `sampled ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} names`;
      Deno.stderr.writeSync(encoder.encode(tty ? `\r\x1b[K${line}` : `${line}\n`));
    },
    end() {
      if (shown && tty) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
    },
  };
}

/** The names drawn as the request asks; a prefix character not in the vocabulary is one line. */
function draw(trainer: Trainer, r: SampleRequest): { names: string[]; seconds: number } {
  let prefix: number[];
  try {
    prefix = encodePrefix(r.prefix ?? "", trainer.data.vocab);
  } catch (error) {
    throw new UsageError(`--prefix: ${(error as Error).message}`);
  }
  const shown = progress(r.samples);
  const started = performance.now();
  try {
    const names = trainer.sample(r.samples, r.seed, r.temperature, 50, {
      topK: r.topK,
      prefix,
      onProgress: shown.report,
    });
    return { names, seconds: (performance.now() - started) / 1000 };
  } finally {
    shown.end();
  }
}

/** The line above the names: how many, how drawn, and how many are new (or why that is not known). */
function heading(r: SampleRequest, names: string[], known: Known, seconds: number): string {
  const how = [`seed ${r.seed}`, `temperature ${r.temperature}`];
  if (r.topK !== undefined) how.push(`top-k ${r.topK}`);
  if (r.prefix) how.push(`prefix ${JSON.stringify(r.prefix)}`);
  const took = seconds >= 1 ? ` in ${seconds.toFixed(1)} s` : "";
  const n = r.samples.toLocaleString("en-US");
  if ("unknown" in known) return `${n} samples (${how.join(", ")})${took}; new or not, cannot tell: ${known.unknown}.`;
  const fresh = names.filter((name) => !known.training.has(name)).length;
  return `${n} samples (${how.join(", ")})${took}, ${fresh.toLocaleString("en-US")} of them new`;
}

/**
 * Samples as `request` asks and prints the names, each marked "in the
 * training set" or "new" when `known` has the training set; with `out`,
 * writes them there (one a line) and prints only the count.
 *
 * @example
 * ```ts
 * import { Trainer } from "../train/trainer.ts";
 * import { loadTrainingData } from "../train/training_data.ts";
 * const data = loadTrainingData(3);
 * await printSamples(new Trainer({ steps: 10 }, data), { samples: 2, seed: 1, temperature: 1, force: false }, knownTraining(data));
 * ```
 */
export async function printSamples(trainer: Trainer, request: SampleRequest, known: Known): Promise<void> {
  if (request.samples === 0) return;
  const { names, seconds } = draw(trainer, request);
  const head = heading(request, names, known, seconds);
  if (request.out !== undefined) {
    const text = names.map((name) => name + "\n").join("");
    await Deno.writeTextFile(request.out, text, { createNew: !request.force }).catch((error) => {
      throw new UsageError(`cannot write ${request.out}: ${(error as Error).message.split("\n")[0]}`);
    });
    console.log(`\n${head}; written to ${request.out}, one a line.`);
    return;
  }
  console.log(`\n${head}${"unknown" in known ? "" : ":"}\n`);
  const width = names.reduce((w, n) => Math.max(w, characterCount(n)), 4);
  for (const name of names) {
    const shown = name || "(empty)";
    if ("unknown" in known) console.log(`  ${shown}`);
    else {
      const mark = known.training.has(name) ? "in the training set" : "new";
      console.log(`  ${shown}${" ".repeat(Math.max(0, width - characterCount(shown)))}  ${mark}`);
    }
  }
}
