/**
 * What exercise 9's training process and the checker say to each other.
 * Once every gradient of the learner's backward pass is right (decided by
 * the checker, as for every exercise), the network is trained with it in a
 * process with no permissions: it receives a {@linkcode TrainHeader} (the
 * forward pass, the learner's program, the starting parameters and every
 * batch) and sends back the loss of each step as it goes
 * ({@linkcode TrainProgress}) and, at the end, the trained parameters or
 * why it stopped ({@linkcode TrainEnd}). The checker reads the parameters
 * as numbers of known shapes and evaluates and samples them itself.
 *
 * @example
 * ```ts
 * import { readTrainMark, trainFrame } from "./training_wire.ts";
 * import { MARK } from "./marks.ts";
 * const line = trainFrame("progress", { step: 2, losses: [3.3, 3.2] });
 * readTrainMark(line.slice(MARK.length).trimEnd())?.kind; // "progress"
 * ```
 * @module
 */

import { MARK } from "./marks.ts";
import type { Packed, Thrown } from "./wire.ts";

/** What the training process is given on its stdin, as one JSON line. */
export interface TrainHeader {
  /** A module whose `forward(params, Xb, Yb)` is chapter 2's forward pass. */
  forward: string;
  /** The learner's module, rewritten as for the check, exporting `__gradients`. */
  program: string;
  /** The parameters to start from, {@linkcode Packed}. */
  params: Packed;
  /** Every batch's contexts, `[steps · n, blockSize]`, and targets, `[steps · n]`, packed index tensors. */
  Xb: Packed;
  Yb: Packed;
  /** The batch size and the number of steps. */
  n: number;
  steps: number;
  /** The learning rate, the step from which it is multiplied by `decay`, and that factor. */
  lr: number;
  decayStep: number;
  decay: number;
  /** A {@linkcode TrainProgress} is sent every this many steps. */
  every: number;
}

/** The losses of the steps since the last progress frame, the last of them step `step` (counted from 1). */
export interface TrainProgress {
  step: number;
  losses: number[];
}

/** How the training ended: with the trained parameters (name → shape and float32 bytes), or stopped at a step. */
export type TrainEnd =
  | { ended: "trained"; params: Record<string, { shape: number[]; f32: string }> }
  | { ended: "stopped"; step: number; why: string; threw?: Thrown };

/**
 * A frame of the training process: {@linkcode MARK}, its kind, its body as JSON.
 *
 * @example
 * ```ts
 * trainFrame("end", { ended: "stopped", step: 1, why: "the loss became NaN" }).endsWith("\n"); // true
 * ```
 */
export function trainFrame(kind: "progress" | "end", body: TrainProgress | TrainEnd): string {
  return `${MARK}${kind} ${JSON.stringify(body)}\n`;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Whether `x` has the shape of a {@linkcode TrainProgress}. */
function isProgress(x: unknown): x is TrainProgress {
  return isObject(x) && Number.isSafeInteger(x.step) && Array.isArray(x.losses) &&
    x.losses.every((l) => typeof l === "number" || l === null);
}

/** Whether `x` has the shape of a {@linkcode TrainEnd}. */
function isEnd(x: unknown): x is TrainEnd {
  if (!isObject(x)) return false;
  if (x.ended === "stopped") {
    return Number.isSafeInteger(x.step) && typeof x.why === "string" &&
      (x.threw === undefined || (isObject(x.threw) && typeof x.threw.text === "string"));
  }
  return x.ended === "trained" && isObject(x.params) &&
    Object.values(x.params).every((p) =>
      isObject(p) && Array.isArray(p.shape) && p.shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
      typeof p.f32 === "string"
    );
}

/**
 * A line of the training process's stdout after {@linkcode MARK}, read: a
 * progress or end frame, or undefined for anything else (a line the
 * learner's code printed that only looks like one).
 *
 * @example
 * ```ts
 * readTrainMark('end {"ended":"stopped","step":3,"why":"NaN"}')?.kind; // "end"
 * readTrainMark("progress {}"); // undefined
 * ```
 */
export function readTrainMark(
  text: string,
): { kind: "progress"; body: TrainProgress } | { kind: "end"; body: TrainEnd } | undefined {
  const frame = text.match(/^(progress|end) /);
  if (!frame) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text.slice(frame[0].length));
  } catch {
    return undefined;
  }
  if (frame[1] === "progress") return isProgress(body) ? { kind: "progress", body } : undefined;
  return isEnd(body) ? { kind: "end", body } : undefined;
}
