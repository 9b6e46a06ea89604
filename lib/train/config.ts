/**
 * The configuration of a training run and its limits: the fields of
 * {@linkcode TrainConfig} with the lecture's values as defaults, the checks
 * the command line and the checkpoint reader share ({@linkcode validateConfig}),
 * and the 1 GiB budget for all buffers together, checked before anything is
 * allocated. A value that is not allowed is a {@linkcode ConfigError}, whose
 * message a front end can write with its own names for the fields.
 *
 * @example
 * ```ts
 * import { ConfigError, DEFAULT_CONFIG, validateConfig } from "./config.ts";
 * try {
 *   validateConfig({ ...DEFAULT_CONFIG, batchSize: 1 });
 * } catch (error) {
 *   if (error instanceof ConfigError) console.log(error.describe((field) => `--${field}`));
 * }
 * ```
 * @module
 */

import { GLOBAL_SEED, LECTURE_SEED } from "../model.ts";
import { loadNames } from "../data.ts";
import type { Part } from "./buffers.ts";
import { budgetParts, bufferTable, type DataSize, PART_FIELDS } from "./sizes.ts";
import { dataSize, type TrainingData, wordsSize } from "./training_data.ts";

/**
 * Everything that defines a training run.
 *
 * @example
 * ```ts
 * const config: TrainConfig = { ...DEFAULT_CONFIG, steps: 5000 };
 * ```
 */
export interface TrainConfig {
  /** Characters of context. */
  blockSize: number;
  /** Width of a character embedding. */
  nEmbd: number;
  /** Hidden units. */
  nHidden: number;
  /** Examples per minibatch (at least 2: batchnorm divides by n − 1). */
  batchSize: number;
  /** Training steps in all. */
  steps: number;
  /** Learning rate before `decayStep`. */
  lr: number;
  /** The step from which the learning rate is `lr · 0.1`. */
  decayStep: number;
  /** Seed of the generator for the parameters and the batches (the lecture's `g`). */
  seed: number;
  /** Seed of PyTorch's global generator, for `bngain` and `bnbias`. */
  globalSeed: number;
}

/**
 * The lecture's exercise 4: 200,000 steps of the 12,297-parameter network.
 *
 * @example
 * ```ts
 * DEFAULT_CONFIG.nHidden; // 200
 * ```
 */
export const DEFAULT_CONFIG: TrainConfig = {
  blockSize: 3,
  nEmbd: 10,
  nHidden: 200,
  batchSize: 32,
  steps: 200_000,
  lr: 0.1,
  decayStep: 100_000,
  seed: LECTURE_SEED,
  globalSeed: GLOBAL_SEED,
};

/**
 * After `decayStep` the learning rate is multiplied by this (0.1 → 0.01 in the lecture).
 *
 * @example
 * ```ts
 * const lateRate = DEFAULT_CONFIG.lr * LR_DECAY; // the rate from decayStep on, 0.1 → 0.01
 * ```
 */
export const LR_DECAY = 0.1;

/**
 * The most memory a run may ask for, for all its buffers together: 1 GiB.
 *
 * @example
 * ```ts
 * formatBytes(MAX_BUFFER_BYTES); // "1 GiB"
 * ```
 */
export const MAX_BUFFER_BYTES = 2 ** 30;

/** Each field's name as a person reads it in a message (the command line's flag, or the checkpoint's field). */
type FieldNamer = (field: keyof TrainConfig) => string;

/**
 * A configuration value that is not allowed. The message uses the field
 * names of {@linkcode TrainConfig}; {@linkcode ConfigError.describe} says the
 * same with other names, such as the command line's flags.
 *
 * @example
 * ```ts
 * try {
 *   validateConfig({ ...DEFAULT_CONFIG, nHidden: 10_000_000 });
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.describe((f) => `--${f}`));
 * }
 * ```
 */
export class ConfigError extends RangeError {
  override name = "ConfigError";
  /** The fields whose values caused the error. */
  readonly fields: (keyof TrainConfig)[];
  /** The message, with each field named by `name`. */
  readonly describe: (name: FieldNamer) => string;

  /** An error caused by `fields`, whose message `describe` writes for any naming of the fields. */
  constructor(fields: (keyof TrainConfig)[], describe: (name: FieldNamer) => string) {
    super(describe((field) => field));
    this.fields = fields;
    this.describe = describe;
  }
}

const grouped = (n: number) => n.toLocaleString("en-US");

/**
 * A size in bytes for people: "1.5 GiB", "12 MiB", "4 TiB".
 *
 * @example
 * ```ts
 * formatBytes(2 ** 30); // "1 GiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 40) return `${grouped(Math.round(bytes / 2 ** 40))} TiB`;
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GiB`;
  return `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The lecture's data: 27 characters, 228,146 examples.
 *
 * @example
 * ```ts
 * validateConfig(DEFAULT_CONFIG, LECTURE_DATA_SIZE); // the lecture's run fits
 * ```
 */
export const LECTURE_DATA_SIZE: DataSize = { vocabSize: 27, examples: 228_146 };

/**
 * The bytes of every buffer a trainer with this configuration and data
 * allocates, both steps and inference included, by the table of `sizes.ts`
 * that the allocations follow.
 *
 * @example
 * ```ts
 * bufferBytes(DEFAULT_CONFIG, LECTURE_DATA_SIZE); // 9,552,372: about 9.1 MiB
 * ```
 */
export function bufferBytes(c: TrainConfig, size: DataSize = LECTURE_DATA_SIZE): number {
  return Object.values(budgetParts(bufferTable(c, size))).reduce((sum, bytes) => sum + bytes, 0);
}

/**
 * The error for data whose size, not the configuration, breaks the budget:
 * its examples (when the data's own buffers are the largest part) or its vocabulary.
 */
function dataTooLarge(parts: Record<Part, number>, total: number, size: DataSize): ConfigError {
  const what = parts.data >= Math.max(...Object.values(parts))
    ? `the data's ${grouped(size.examples)} examples (one per character and word end)`
    : `the data's vocabulary of ${grouped(size.vocabSize)} tokens (its characters and the end token)`;
  return new ConfigError(
    [],
    () => `${what} would need ${formatBytes(total)} of buffers; the limit is ${formatBytes(MAX_BUFFER_BYTES)}`,
  );
}

/**
 * Checks that a configuration's buffers fit in {@linkcode MAX_BUFFER_BYTES},
 * before anything is allocated. The error names the fields of the largest
 * part that are above their defaults, with their values.
 */
function checkBuffers(c: TrainConfig, size: DataSize): void {
  const parts = budgetParts(bufferTable(c, size));
  const total = Object.values(parts).reduce((sum, bytes) => sum + bytes, 0);
  if (total <= MAX_BUFFER_BYTES) return;
  const lectureTotal = Object.values(budgetParts(bufferTable(c, LECTURE_DATA_SIZE))).reduce((sum, b) => sum + b, 0);
  if (lectureTotal <= MAX_BUFFER_BYTES) throw dataTooLarge(parts, total, size);
  const largest = (Object.keys(parts) as Part[]).reduce((a, b) => (parts[b] > parts[a] ? b : a));
  const above = PART_FIELDS[largest].filter((f) => c[f] > DEFAULT_CONFIG[f]);
  const blamed = above.length > 0 ? above : PART_FIELDS[largest];
  throw new ConfigError(
    blamed,
    (name) =>
      `${blamed.map((f) => `${name(f)} ${grouped(c[f])}`).join(" with ")} would need ${
        formatBytes(total)
      } of buffers; the limit is ${formatBytes(MAX_BUFFER_BYTES)}`,
  );
}

/**
 * Checks a configuration: each field in the range the command line allows,
 * and all buffers within {@linkcode MAX_BUFFER_BYTES}. A {@linkcode ConfigError}
 * names the field and what is allowed.
 *
 * @example
 * ```ts
 * validateConfig({ ...DEFAULT_CONFIG, steps: 5000 }).steps; // 5000
 * try {
 *   validateConfig({ ...DEFAULT_CONFIG, batchSize: 1 });
 * } catch (error) {
 *   (error as ConfigError).message; // "batchSize must be a whole number ≥ 2 (batchnorm's variance divides by n − 1), got 1"
 * }
 * ```
 */
export function validateConfig(c: TrainConfig, size = LECTURE_DATA_SIZE): TrainConfig {
  const whole = (field: keyof TrainConfig, min: number, why = "") => {
    const v = c[field];
    if (!Number.isSafeInteger(v) || v < min) {
      throw new ConfigError(
        [field],
        (name) => `${name(field)} must be a whole number ≥ ${min}${why}, got ${JSON.stringify(v)}`,
      );
    }
  };
  whole("blockSize", 1);
  whole("nEmbd", 1);
  whole("nHidden", 1);
  whole("batchSize", 2, " (batchnorm's variance divides by n − 1)");
  whole("steps", 0);
  whole("decayStep", 0);
  whole("seed", 0);
  whole("globalSeed", 0);
  if (typeof c.lr !== "number" || !(c.lr > 0) || !Number.isFinite(c.lr)) {
    throw new ConfigError(["lr"], (name) => `${name("lr")} must be a number > 0, got ${JSON.stringify(c.lr)}`);
  }
  checkBuffers(c, size);
  return c;
}

/**
 * Checks that a run resumed at `restoredStep` goes on: its `steps` may not be
 * below the step its checkpoint reached.
 *
 * @example
 * ```ts
 * checkResumedSteps({ ...DEFAULT_CONFIG, steps: 300 }, 200); // fine: 100 steps to go
 * ```
 */
export function checkResumedSteps(c: TrainConfig, restoredStep: number): void {
  if (restoredStep <= c.steps) return;
  throw new ConfigError(
    ["steps"],
    (name) =>
      `${name("steps")} ${grouped(c.steps)} is below the checkpoint's step ${
        grouped(restoredStep)
      }: a resumed run can only go on`,
  );
}

/**
 * A trainer's whole configuration, the defaults filled in and checked before
 * anything is allocated: each field, the buffers it needs for `data` (or for
 * names.txt, whose words it returns so that the file is read once), and a
 * restored step within its steps.
 *
 * @example
 * ```ts
 * checkRunConfig({ steps: 5000 }).config.nHidden; // 200
 * ```
 */
export function checkRunConfig(
  config: Partial<TrainConfig>,
  data?: TrainingData,
  restoredStep?: number,
): { config: TrainConfig; names?: string[] } {
  const names = data ? undefined : loadNames();
  const checked = validateConfig({ ...DEFAULT_CONFIG, ...config }, data ? dataSize(data) : wordsSize(names ?? []));
  if (restoredStep !== undefined) checkResumedSteps(checked, restoredStep);
  return { config: checked, names };
}
