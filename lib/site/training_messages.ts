/**
 * What the training page and its worker say to each other. The page sends a
 * request (train, pause, continue, sample, a checkpoint to open or one to
 * download) with the form's fields as typed; the worker checks them as the
 * command line checks its flags (so the page itself loads none of the
 * trainer) and answers with progress, results and errors, each error one
 * line, as the command line prints it.
 *
 * @example
 * ```ts
 * import type { ToTrainer } from "./training_messages.ts";
 * const pause: ToTrainer = { kind: "pause" };
 * ```
 * @module
 */

import type { Sampling } from "./training_form.ts";

/** A sampled name, and whether it is one of the training set's. */
export interface SampledName {
  name: string;
  inTrainingSet: boolean;
}

/** The loss over one split after training. */
export interface SplitLoss {
  split: "train" | "val" | "test";
  examples: number;
  loss: number;
}

/** The form's fields by flag name, as typed: the worker reads them as the command line reads its flags. */
export type FormValues = Record<string, string>;

/** A message from the page to the training worker. */
export type ToTrainer =
  | { kind: "train"; values: FormValues }
  | { kind: "pause" }
  | { kind: "continue" }
  | { kind: "sample"; values: FormValues }
  | { kind: "checkpoint" }
  | { kind: "open"; name: string; bytes: Uint8Array; values: FormValues };

/** Where a run is, for the progress line and the curve. */
export interface Progress {
  step: number;
  steps: number;
  loss: number;
  stepsPerSecond: number;
  /** The loss curve so far, as SVG. */
  curve: string;
}

/** A message from the training worker to the page. */
export type FromTrainer =
  | { kind: "started"; parameters: number; steps: number; schedule: string }
  | { kind: "progress"; progress: Progress }
  | { kind: "paused"; progress: Progress }
  | { kind: "evaluating"; progress: Progress; msPerStep: number }
  | { kind: "finished"; losses: SplitLoss[]; names: SampledName[]; sampling: Sampling }
  | { kind: "opened"; name: string; step: number; names: SampledName[]; sampling: Sampling }
  | { kind: "samples"; names: SampledName[]; sampling: Sampling }
  | { kind: "checkpoint"; bytes: Uint8Array; step: number }
  | { kind: "refused"; message: string; flag?: string }
  | { kind: "failed"; message: string };
