/**
 * The training page's form: `deno task train`'s flags as fields, with the
 * command line's defaults and limits, read with the command line's own flag
 * checks (`lib/flags.ts`) and checked by the trainer's `validateConfig`, so
 * that a value the command refuses is refused here with the same one line.
 * Runs in the page (no Deno API).
 *
 * @example
 * ```ts
 * import { readTrainingForm } from "./training_form.ts";
 * readTrainingForm({ steps: "2000" }).config.decayStep; // 1000, half of --steps
 * ```
 * @module
 */

import { choiceFlag, limitedFlag, positiveFlag, UsageError, wholeFlag } from "../flags.ts";
import {
  ConfigError,
  DEFAULT_CONFIG,
  LR_DECAY,
  MAX_BUFFER_BYTES,
  type TrainConfig,
  validateConfig,
} from "../train/config.ts";
import { KERNEL_CHOICES, type KernelChoice } from "../train/step.ts";

/** How names are sampled: how many, how wild, from which seed. */
export interface Sampling {
  samples: number;
  temperature: number;
  seed: number;
}

/** What the form asks for: a run's configuration, its kernels, and the sampling at the end. */
export interface TrainRequest {
  config: TrainConfig;
  kernels: KernelChoice;
  sampling: Sampling;
}

/**
 * The most names one run samples, as for `deno task train --samples`.
 *
 * @example
 * ```ts
 * MAX_SAMPLES; // 1000000
 * ```
 */
export const MAX_SAMPLES = 1_000_000;

/**
 * The largest checkpoint file the page reads: the command reads at most
 * {@linkcode MAX_BUFFER_BYTES} of tensors, after a header of at most
 * 100,000,000 bytes and its 8-byte length.
 *
 * @example
 * ```ts
 * MAX_CHECKPOINT_BYTES > 2 ** 30; // true
 * ```
 */
export const MAX_CHECKPOINT_BYTES = MAX_BUFFER_BYTES + 100_000_008;

/**
 * The lecture samples with a generator seeded 2147483647 + 10, as `deno task sample` does.
 *
 * @example
 * ```ts
 * DEFAULT_SAMPLE_SEED; // 2147483657
 * ```
 */
export const DEFAULT_SAMPLE_SEED = DEFAULT_CONFIG.seed + 10;

/** One field of the form: its flag, what it means, its default, and the configuration field it sets. */
export interface FormField {
  flag: string;
  label: string;
  /** The default as the field shows it; empty when it depends on another field. */
  value: string;
  /** A hint for an empty field. */
  placeholder?: string;
  /** The choices of a choice field. */
  choices?: readonly string[];
  field?: keyof TrainConfig;
  group: "network" | "training" | "sampling";
}

/**
 * The fields, in the order of `deno task train --help`.
 *
 * @example
 * ```ts
 * TRAINING_FIELDS.find((f) => f.flag === "hidden")?.value; // "200"
 * ```
 */
export const TRAINING_FIELDS: readonly FormField[] = [
  {
    flag: "steps",
    label: "training steps in all",
    value: String(DEFAULT_CONFIG.steps),
    field: "steps",
    group: "training",
  },
  { flag: "hidden", label: "hidden units", value: String(DEFAULT_CONFIG.nHidden), field: "nHidden", group: "network" },
  { flag: "embd", label: "embedding size", value: String(DEFAULT_CONFIG.nEmbd), field: "nEmbd", group: "network" },
  {
    flag: "block-size",
    label: "characters of context",
    value: String(DEFAULT_CONFIG.blockSize),
    field: "blockSize",
    group: "network",
  },
  {
    flag: "batch-size",
    label: "examples per step, at least 2",
    value: String(DEFAULT_CONFIG.batchSize),
    field: "batchSize",
    group: "training",
  },
  { flag: "lr", label: "learning rate", value: String(DEFAULT_CONFIG.lr), field: "lr", group: "training" },
  {
    flag: "decay-step",
    label: `step from which the rate is lr × ${LR_DECAY}`,
    value: "",
    placeholder: "half of --steps",
    field: "decayStep",
    group: "training",
  },
  {
    flag: "seed",
    label: "seed of the generator g",
    value: String(DEFAULT_CONFIG.seed),
    field: "seed",
    group: "training",
  },
  {
    flag: "global-seed",
    label: "seed of the global generator (bngain, bnbias)",
    value: String(DEFAULT_CONFIG.globalSeed),
    field: "globalSeed",
    group: "training",
  },
  {
    flag: "kernels",
    label: "kernels: WebAssembly SIMD or TypeScript",
    value: "wasm",
    choices: KERNEL_CHOICES,
    group: "training",
  },
  { flag: "samples", label: "names to sample at the end", value: "20", group: "sampling" },
  { flag: "temperature", label: "sampling temperature", value: "1", group: "sampling" },
  {
    flag: "sample-seed",
    label: "seed of the sampling generator",
    value: String(DEFAULT_SAMPLE_SEED),
    group: "sampling",
  },
];

/** The flag a person reads for a configuration field. */
function flagOf(field: keyof TrainConfig): string {
  return `--${TRAINING_FIELDS.find((f) => f.field === field)?.flag ?? field}`;
}

/** A form value as the command line would get it: absent when the field is empty. */
function given(values: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() === "" ? undefined : v.trim()]));
}

/**
 * The sampling fields, checked as `deno task sample` checks its flags
 * (`seed` is `--sample-seed` here, `--seed` there).
 *
 * @example
 * ```ts
 * readSampling({ samples: "5" }).samples; // 5
 * ```
 */
export function readSampling(values: Record<string, string>): Sampling {
  const v = given(values);
  return {
    samples: limitedFlag(v, "samples", 0, MAX_SAMPLES) ?? 20,
    temperature: positiveFlag(v, "temperature") ?? 1,
    seed: wholeFlag(v, "sample-seed", 0) ?? DEFAULT_SAMPLE_SEED,
  };
}

/**
 * Reads the form's values (by flag name) as `deno task train` reads its
 * flags: a bad value throws a {@linkcode UsageError} with the command's own
 * message, and the configuration is checked as a whole (the 1 GiB of
 * buffers) before anything is allocated.
 *
 * @example
 * ```ts
 * readTrainingForm({ steps: "2000", hidden: "64" }).config.nHidden; // 64
 * try {
 *   readTrainingForm({ hidden: "0" });
 * } catch (error) {
 *   (error as Error).message; // '--hidden must be a whole number ≥ 1, got "0"'
 * }
 * ```
 */
export function readTrainingForm(values: Record<string, string>): TrainRequest {
  const v = given(values);
  const steps = wholeFlag(v, "steps", 0) ?? DEFAULT_CONFIG.steps;
  const config: TrainConfig = {
    steps,
    nHidden: wholeFlag(v, "hidden", 1) ?? DEFAULT_CONFIG.nHidden,
    nEmbd: wholeFlag(v, "embd", 1) ?? DEFAULT_CONFIG.nEmbd,
    blockSize: wholeFlag(v, "block-size", 1) ?? DEFAULT_CONFIG.blockSize,
    batchSize: wholeFlag(v, "batch-size", 2) ?? DEFAULT_CONFIG.batchSize,
    lr: positiveFlag(v, "lr") ?? DEFAULT_CONFIG.lr,
    decayStep: wholeFlag(v, "decay-step", 0) ?? Math.floor(steps / 2),
    seed: wholeFlag(v, "seed", 0) ?? DEFAULT_CONFIG.seed,
    globalSeed: wholeFlag(v, "global-seed", 0) ?? DEFAULT_CONFIG.globalSeed,
  };
  const kernels = choiceFlag(v, "kernels", KERNEL_CHOICES) ?? "wasm";
  const sampling = readSampling(values);
  try {
    validateConfig(config);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.describe(flagOf));
    throw error;
  }
  return { config, kernels, sampling };
}

/**
 * The flag a form error is about, to put the focus on its field.
 *
 * @example
 * ```ts
 * flagInError("--hidden must be a whole number ≥ 1, got \"0\""); // "hidden"
 * ```
 */
export function flagInError(message: string): string | undefined {
  return message.match(/^--([a-z-]+)/)?.[1];
}
