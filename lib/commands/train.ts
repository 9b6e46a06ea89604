/**
 * `deno task train` and `deno task sample`: the command-line front of
 * {@linkcode Trainer}, with flags, progress, a loss chart, checkpoints and
 * Ctrl-C handling.
 *
 * @example
 * ```ts
 * import { trainCommand } from "./train.ts";
 * await trainCommand(["--steps", "5000"]); // returns the exit code
 * ```
 * @module
 */

import { saveLossCurve } from "../report/svg.ts";
import { CheckpointError, checkWritable, loadCheckpoint, saveCheckpoint } from "../train/checkpoint.ts";
import { parseFlags, UsageError } from "../cli.ts";
import { parameterCount } from "../model.ts";
import { lossChart } from "../report/chart.ts";
import { table } from "../report/print.ts";
import { DEFAULT_CONFIG, LR_DECAY, type TrainConfig, Trainer } from "../train/trainer.ts";

/** Where checkpoints go unless `--out` says otherwise. */
export const DEFAULT_CHECKPOINT = "checkpoints/mlp.safetensors";

/** The lecture samples with a generator seeded 2147483647 + 10. */
export const DEFAULT_SAMPLE_SEED = DEFAULT_CONFIG.seed + 10;

const TRAIN_HELP = `Train the lecture's MLP with the hand-written backward pass, then sample names.

Usage: deno task train [flags]

Flags (defaults are the lecture's):
  --steps N          training steps                          (${DEFAULT_CONFIG.steps})
  --hidden N         hidden units                            (${DEFAULT_CONFIG.nHidden})
  --embd N           embedding size                          (${DEFAULT_CONFIG.nEmbd})
  --block-size N     characters of context                   (${DEFAULT_CONFIG.blockSize})
  --batch-size N     examples per step, at least 2           (${DEFAULT_CONFIG.batchSize})
  --lr X             learning rate                           (${DEFAULT_CONFIG.lr})
  --decay-step N     step from which the rate is lr × ${LR_DECAY}     (half of --steps)
  --seed N           seed of the generator g                 (${DEFAULT_CONFIG.seed})
  --global-seed N    seed of the global generator (bngain, bnbias)  (${DEFAULT_CONFIG.globalSeed})
  --samples N        names to sample at the end              (20)
  --temperature X    sampling temperature                    (1)
  --sample-seed N    seed of the sampling generator          (${DEFAULT_SAMPLE_SEED})
  --out PATH         checkpoint to write                     (${DEFAULT_CHECKPOINT})
  --resume PATH      continue from a checkpoint (--steps, --lr and --decay-step may change)
  -h, --help         this text

Ctrl-C saves a checkpoint and stops; --resume continues exactly where it stopped.`;

const SAMPLE_HELP = `Sample names from a trained checkpoint.

Usage: deno task sample [flags]

Flags:
  --checkpoint PATH  the checkpoint to read                  (${DEFAULT_CHECKPOINT})
  --samples N        how many names                          (20)
  --temperature X    below 1 sharper, above 1 wilder         (1)
  --seed N           seed of the sampling generator          (${DEFAULT_SAMPLE_SEED})
  -h, --help         this text`;

/** A whole-number flag, at least `min`. */
function wholeFlag(values: Record<string, unknown>, flag: string, min: number): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).replaceAll("_", "");
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A positive number flag. */
function positiveFlag(values: Record<string, unknown>, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (String(raw).trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${flag} must be a number > 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A path flag: present and not empty. */
function pathFlag(values: Record<string, unknown>, flag: string): string | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string" || raw.trim() === "") throw new UsageError(`--${flag} needs a file path`);
  return raw;
}

/** "1:02:03" or "2:03". */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`
    : `${m}:${String(r).padStart(2, "0")}`;
}

const encoder = new TextEncoder();
const count = (n: number) => n.toLocaleString("en-US");

/** Samples and marks each as a training name or a new one. */
function printSamples(trainer: Trainer, samples: number, seed: number, temperature: number): void {
  if (samples === 0) return;
  const n1 = Math.trunc(0.8 * trainer.data.words.length);
  const training = new Set(trainer.data.words.slice(0, n1));
  const names = trainer.sample(samples, seed, temperature);
  const fresh = names.filter((name) => !training.has(name)).length;
  console.log(`\n${samples} samples (seed ${seed}, temperature ${temperature}), ${fresh} of them new:\n`);
  const width = Math.max(...names.map((n) => n.length), 4);
  for (const name of names) {
    console.log(`  ${(name || "(empty)").padEnd(width)}  ${training.has(name) ? "in the training set" : "new"}`);
  }
}

/**
 * `deno task train`: returns the exit code (0 done, 1 stopped by a NaN loss,
 * 130 interrupted and saved). Bad flags throw a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * Deno.exitCode = await trainCommand(Deno.args);
 * ```
 */
export async function trainCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    steps: { type: "string" },
    hidden: { type: "string" },
    embd: { type: "string" },
    "block-size": { type: "string" },
    "batch-size": { type: "string" },
    lr: { type: "string" },
    "decay-step": { type: "string" },
    seed: { type: "string" },
    "global-seed": { type: "string" },
    samples: { type: "string" },
    temperature: { type: "string" },
    "sample-seed": { type: "string" },
    out: { type: "string" },
    resume: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, "train").values;
  if (values.help) {
    console.log(TRAIN_HELP);
    return 0;
  }
  const steps = wholeFlag(values, "steps", 0);
  const shape: Partial<TrainConfig> = {
    nHidden: wholeFlag(values, "hidden", 1),
    nEmbd: wholeFlag(values, "embd", 1),
    blockSize: wholeFlag(values, "block-size", 1),
    batchSize: wholeFlag(values, "batch-size", 2),
    seed: wholeFlag(values, "seed", 0),
    globalSeed: wholeFlag(values, "global-seed", 0),
  };
  const schedule: Partial<TrainConfig> = {
    steps,
    lr: positiveFlag(values, "lr"),
    decayStep: wholeFlag(values, "decay-step", 0),
  };
  const samples = wholeFlag(values, "samples", 0) ?? 20;
  const temperature = positiveFlag(values, "temperature") ?? 1;
  const sampleSeed = wholeFlag(values, "sample-seed", 0) ?? DEFAULT_SAMPLE_SEED;
  const resume = pathFlag(values, "resume");
  const out = pathFlag(values, "out") ?? resume ?? DEFAULT_CHECKPOINT;
  const given = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

  let trainer: Trainer;
  if (resume) {
    try {
      trainer = await loadCheckpoint(resume, undefined, given(schedule));
    } catch (error) {
      if (error instanceof CheckpointError || error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    for (const [key, value] of Object.entries(given(shape))) {
      if (trainer.config[key as keyof TrainConfig] !== value) {
        throw new UsageError(
          `${key} ${value} does not match the checkpoint's ${
            trainer.config[key as keyof TrainConfig]
          }: a resumed run keeps its network and seeds`,
        );
      }
    }
  } else {
    const config = { ...given(shape), ...given(schedule) };
    if (config.decayStep === undefined) config.decayStep = Math.floor((steps ?? DEFAULT_CONFIG.steps) / 2);
    try {
      trainer = new Trainer(config);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
  }

  // Find out now, not after two minutes of training, whether the checkpoint can be written.
  try {
    await checkWritable(out);
  } catch (error) {
    if (error instanceof CheckpointError) throw new UsageError(error.message);
    throw error;
  }

  const c = trainer.config;
  const parameters = parameterCount(trainer.params);
  console.log(
    `${resume ? `Resuming ${resume} at step ${count(trainer.step)}` : "Training"} the lecture's MLP: ${
      count(parameters)
    } parameters, ${count(c.steps)} steps of ${c.batchSize} examples,
learning rate ${c.lr} then ${+(c.lr * LR_DECAY).toPrecision(6)} from step ${
      count(c.decayStep)
    }, seeds ${c.seed} (g) and ${c.globalSeed} (global).
Ctrl-C saves ${out} and stops.
`,
  );

  let interrupted = false;
  const onInterrupt = () => interrupted = true;
  Deno.addSignalListener("SIGINT", onInterrupt);
  const tty = Deno.stdout.isTerminal();
  const started = performance.now();
  const startStep = trainer.step;
  let lastLoss = NaN;
  let lastDraw = 0;
  try {
    while (trainer.step < c.steps && !interrupted) {
      // Train for about 50 ms, then let the event loop deliver Ctrl-C.
      const sliceEnd = performance.now() + 50;
      while (trainer.step < c.steps && (trainer.step % 32 !== 0 || performance.now() < sliceEnd)) {
        const loss = trainer.trainStep();
        if (!Number.isFinite(loss)) {
          if (tty) Deno.stdout.writeSync(encoder.encode("\r\x1b[K"));
          console.error(
            `error: the loss became ${loss} at step ${
              count(trainer.step)
            } (learning rate ${trainer.learningRate()}); try a lower --lr, such as ${+(c.lr / 10).toPrecision(
              3,
            )}. No checkpoint was written, so ${out} keeps its last good state.`,
          );
          return 1;
        }
        lastLoss = loss;
        if (!tty && trainer.step % 10_000 === 0) {
          const rate = (trainer.step - startStep) / ((performance.now() - started) / 1000);
          console.log(
            `${String(trainer.step).padStart(7)}/${c.steps}: ${loss.toFixed(4)}   ${count(Math.round(rate))} steps/s`,
          );
        }
      }
      const now = performance.now();
      if (tty && now - lastDraw > 200) {
        lastDraw = now;
        const rate = (trainer.step - startStep) / ((now - started) / 1000);
        const eta = (c.steps - trainer.step) / rate;
        Deno.stdout.writeSync(encoder.encode(
          `\r\x1b[Kstep ${count(trainer.step)}/${count(c.steps)}  loss ${lastLoss.toFixed(4)}  ${
            count(Math.round(rate))
          } steps/s  ETA ${duration(eta)}`,
        ));
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (tty) Deno.stdout.writeSync(encoder.encode("\r\x1b[K"));
  }
  const seconds = (performance.now() - started) / 1000;
  const taken = trainer.step - startStep;
  if (taken > 0) {
    console.log(`${count(taken)} steps in ${duration(seconds)} (${(1000 * seconds / taken).toFixed(3)} ms a step).`);
  }

  if (interrupted) {
    await saveCheckpoint(out, trainer);
    console.log(
      `Interrupted at step ${count(trainer.step)}. Saved ${out}.\nContinue with: deno task train --resume ${out}`,
    );
    return 130;
  }

  // Save the trained parameters before anything else, so a Ctrl-C during the evaluation loses nothing.
  if (taken > 0) await saveCheckpoint(out, trainer);
  console.log(`\nCalibrating batchnorm over the ${count(trainer.data.train.count)} training examples…`);
  trainer.calibrate();
  console.log("\n" + lossChart(trainer.lossLog10.subarray(0, trainer.step)) + "\n");
  const losses = [
    ["split", "examples", "loss"],
    ...(["train", "dev", "test"] as const).map((split) => [
      split === "dev" ? "val" : split,
      trainer.data[split].count,
      trainer.evaluate(trainer.data[split]).toFixed(4),
    ]),
  ];
  console.log(table(losses));
  printSamples(trainer, samples, sampleSeed, temperature);
  await saveCheckpoint(out, trainer); // again, now with batchnorm's statistics over the training set
  console.log(`\nSaved ${out}. Sample more with: deno task sample --checkpoint ${out}`);
  console.log(await saveLossCurve(out, trainer.lossLog10.subarray(0, trainer.step)));
  return 0;
}

/**
 * `deno task sample`: names from a saved checkpoint, without training.
 *
 * @example
 * ```ts
 * Deno.exitCode = await sampleCommand(["--samples", "5"]);
 * ```
 */
export async function sampleCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    checkpoint: { type: "string" },
    samples: { type: "string" },
    temperature: { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, "sample").values;
  if (values.help) {
    console.log(SAMPLE_HELP);
    return 0;
  }
  const path = pathFlag(values, "checkpoint") ?? DEFAULT_CHECKPOINT;
  const samples = wholeFlag(values, "samples", 1) ?? 20;
  const temperature = positiveFlag(values, "temperature") ?? 1;
  const seed = wholeFlag(values, "seed", 0) ?? DEFAULT_SAMPLE_SEED;
  let trainer: Trainer;
  try {
    trainer = await loadCheckpoint(path);
  } catch (error) {
    if (error instanceof CheckpointError) {
      throw new UsageError(
        path === DEFAULT_CHECKPOINT && error.message.includes("no such checkpoint file")
          ? `${error.message}; train one first with \`deno task train\``
          : error.message,
      );
    }
    throw error;
  }
  console.log(`${path}: ${count(trainer.step)} steps of training.`);
  printSamples(trainer, samples, seed, temperature);
  return 0;
}
