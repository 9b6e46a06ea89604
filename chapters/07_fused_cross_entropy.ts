/**
 * # Chapter 7. Cross-entropy in one step
 *
 * Chapters 3 to 6 pushed the gradient through every atom of the forward
 * pass. That is how you check your understanding, but not how you would
 * write a training loop: cross-entropy took seven tensors, the loss, and
 * eight backward steps. With a little calculus on paper the whole chain
 * collapses into one line, `dlogits = (softmax(logits) − onehot(Yb)) / n`.
 * This is the lecture's exercise 2.
 *
 * Run it with `deno task chapter 7`.
 *
 * @module
 */

import { type IndexTensor, neg, oneHot, softmax, type Tensor } from "../lib/tensor.ts";
import { compareGradient, formatNumber, reportComparisons } from "../lib/check/compare.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { heatmap } from "../lib/report/heatmap.ts";
import { colorWanted, showPicture } from "../lib/notebook/picture.ts";
import { heatmapSvg } from "../lib/report/svg.ts";
import { heading, say, table } from "../lib/report/print.ts";
import { medianMs } from "../lib/timing.ts";
import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";

/** This chapter's title. */
export const title = "Cross-entropy in one step";

// ## The derivation
//
// Take one row of the batch, with logits l₁ … l₂₇ and correct class y. Its
// loss is minus the log of the softmax probability of y:
//
//     lossᵢ = −log p_y,   where p_j = e^(l_j) / Σₖ e^(l_k)
//           = −l_y + log Σₖ e^(l_k)
//
// Differentiate with respect to one logit l_j. The first term, −l_y, gives
// −1 when j = y and 0 otherwise. The second is the log of a sum: its
// derivative is the derivative of the sum, e^(l_j), divided by the sum,
// which is exactly p_j. So
//
//     ∂lossᵢ/∂l_j = p_j − 1   for the correct class, j = y,
//     ∂lossᵢ/∂l_j = p_j       for every other class.
//
// In one formula: softmax(l) − onehot(y). The batch's loss is the mean of
// its n row losses, so each row's gradient is also divided by n. The maximum
// we subtracted for numerical safety does not appear: shifting all logits of
// a row by the same amount changes neither the loss nor p.

/**
 * Cross-entropy of logits `[n, vocab]` against targets `[n]`, the way
 * `F.cross_entropy` computes it: a log-softmax, then the mean of minus the
 * correct entries.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * const { fwd, batch } = lectureForward();
 * crossEntropy(fwd.logits, batch.Yb); // chapter 2's loss, to about 1e-7
 * ```
 */
export function crossEntropy(logits: Tensor, Yb: IndexTensor): number {
  const maxes = logits.max(1, true).values; // [n, 1]
  const shifted = logits.sub(maxes); // [n, vocab]
  const logSumExp = shifted.exp().sum(1, true).log(); // [n, 1]
  const logprobs = shifted.sub(logSumExp); // [n, vocab]
  return neg(logprobs.pickPerRow(Yb).mean()).item();
}

/**
 * The fused backward of cross-entropy: `dlogits = (softmax(logits) − onehot(Yb)) / n`.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * const { fwd, batch } = lectureForward();
 * const dlogits = crossEntropyBackward(fwd.logits, batch.Yb); // [32, 27]
 * ```
 */
export function crossEntropyBackward(logits: Tensor, Yb: IndexTensor): Tensor {
  const [n, vocab] = logits.shape;
  // p − onehot(y) for every row at once, then the mean's 1/n: the lecture's
  // `F.softmax(logits, 1)`, minus 1 at `[range(n), Yb]`, divided by n.
  const dlogits = softmax(logits, 1).sub(oneHot(Yb, vocab)).div(n); // [n, vocab]
  return dlogits;
}

/** Prints this chapter's checks and pictures; false if a check fails. */
export function run(): boolean {
  heading(7, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);
  const n = batch.Xb.shape[0];

  // Chapter 3 takes one backward step for each forward step of chapter 2,
  // and each gives one gradient: count them.
  const atomic = backpropCrossEntropy(fwd, batch.Yb);
  const steps = Object.keys(atomic).length;
  const fused = crossEntropy(fwd.logits, batch.Yb);
  const lossDiff = Math.abs(fused - fwd.loss);
  console.log(`The forward pass first. The fused loss against chapter 2's ${steps} steps:

  fused     ${fused.toFixed(7)}
  chunked   ${fwd.loss.toFixed(7)}
  diff      ${formatNumber(lossDiff)}
`);

  const dlogits = crossEntropyBackward(fwd.logits, batch.Yb);
  say(`Now dlogits from the one-line formula, against TensorFlow.js and against chapter 3's ${steps} steps:`);
  const rows = [
    compareGradient("logits (TensorFlow.js)", dlogits, ref.grads.logits),
    compareGradient("logits (chapter 3)", dlogits, atomic.dlogits),
  ];
  const ok = reportComparisons(rows) && lossDiff < 1e-5;
  console.log();
  say(`The lecture saw a maxdiff of about 5e-9 here; float32 leaves room for a few 1e-9 whichever way the sums go.`);

  // What the gradient looks like, row 0: the probabilities, and dlogits · n,
  // which is the same row with 1 taken off at the correct character.
  const probs = softmax(fwd.logits, 1); // [n, 27]
  const y = batch.Yb.data[0];
  const scaled = dlogits.mul(n); // [n, 27]
  say(`Row 0 of the batch, whose next character is "${lectureChar(y)}": softmax next to dlogits · n. They are equal
    except at the correct character, where dlogits · n is the probability minus 1.`);
  const cols: (string | number)[][] = [["char", "softmax", "dlogits · n"]];
  for (let j = 0; j < probs.shape[1]; j++) {
    cols.push([`${lectureChar(j)}${j === y ? " ←" : ""}`, probs.at(0, j).toFixed(4), scaled.at(0, j).toFixed(4)]);
  }
  console.log(table(cols) + "\n");
  const rowSums = dlogits.sum(1); // [n]
  say(`Each row of dlogits sums to zero (the probabilities sum to 1, and 1 is taken away): the largest |row sum| here
    is ${formatNumber(Math.max(...Array.from(rowSums.data, Math.abs)))}.`);

  say(`The whole dlogits, ${n} rows by 27 characters, as the lecture shows it with imshow:`);
  const chars = Array.from({ length: dlogits.shape[1] }, (_, j) => lectureChar(j));
  showPicture(
    heatmap(dlogits, { color: colorWanted() }),
    heatmapSvg(dlogits, { columnLabels: chars, title: "dlogits" }),
  );

  say(`Each row has one dark cell: the correct character, where the gradient is negative. Gradient descent moves
    against the gradient, so it pulls that logit up, and pushes every other logit down in proportion to the
    probability the network wrongly gave it. The forces on a row balance, as the row sums showed: the network is
    told only how to redistribute probability, never to make more of it.`);

  const atomicMs = medianMs(() => backpropCrossEntropy(fwd, batch.Yb), 150);
  const fusedMs = medianMs(() => crossEntropyBackward(fwd.logits, batch.Yb), 150);
  say(`On this machine, just now: the ${steps} atomic steps take ${atomicMs.toFixed(3)} ms, the fused formula
    ${fusedMs.toFixed(3)} ms, ${(atomicMs / fusedMs).toFixed(1)}× faster (median of many runs; \`deno bench\` measures
    it carefully).`);
  return ok;
}

/** The character of token `ix`, for the tables. */
function lectureChar(ix: number): string {
  return ix === 0 ? "." : String.fromCharCode(96 + ix);
}

if (import.meta.main && !run()) Deno.exitCode = 1;
