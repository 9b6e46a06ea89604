/**
 * # Chapter 3. Backprop through cross-entropy
 *
 * We now walk the forward pass backwards, one line at a time, starting at the
 * loss. For every intermediate `x` we compute `dx`, the derivative of the
 * loss with respect to `x`: how much the loss would change, per unit, if that
 * one number were nudged. The rule that makes this possible is the chain
 * rule: if `y = f(x)` and we already know `dy`, then `dx = f'(x) · dy`. When
 * `x` feeds more than one later computation, the contributions add up.
 *
 * This chapter computes the eight gradients of cross-entropy, one per
 * forward line: logprobs, probs, countsSumInv, countsSum, counts,
 * normLogits, logitMaxes and logits.
 *
 * Run it with `deno task chapter 3`.
 *
 * @module
 */

import { add, type IndexTensor, mul, neg, oneHot, ones, pow, type Tensor } from "../lib/tensor.ts";
import { referenceGradients } from "../lib/check/reference.ts";
import { heading, say } from "../lib/report/print.ts";
import type { Forward } from "../lib/model.ts";
import { lectureForward } from "./02_forward.ts";
import { checkStage } from "../lib/check/stage.ts";

/** This chapter's title. */
export const title = "Backprop through cross-entropy";

/** The gradients this chapter computes. */
export interface CrossEntropyGrads {
  dlogprobs: Tensor;
  dprobs: Tensor;
  dcountsSumInv: Tensor;
  dcountsSum: Tensor;
  dcounts: Tensor;
  dnormLogits: Tensor;
  dlogitMaxes: Tensor;
  dlogits: Tensor;
}

/**
 * Backpropagates from the loss to the logits, one intermediate at a time.
 *
 * @example
 * ```ts
 * import { lectureForward } from "./02_forward.ts";
 * const { fwd, batch } = lectureForward();
 * const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
 * dlogits.shape; // [32, 27]
 * ```
 */
export function backpropCrossEntropy(fwd: Forward, Yb: IndexTensor): CrossEntropyGrads {
  const { logprobs, probs, counts, countsSum, countsSumInv, logits } = fwd;
  const [n, vocabSize] = logprobs.shape;

  // ### loss = −(1/n) Σᵢ logprobs[i, Yb[i]]
  //
  // The loss reads only one entry per row: the log probability of the right
  // character. Nudging that entry by ε moves the loss by −ε/n, so its
  // gradient is −1/n. The other 26 entries of each row never reach the loss:
  // their gradient is 0.
  const dlogprobs = oneHot(Yb, vocabSize).mul(-1 / n); // [n, 27]

  // ### logprobs = log(probs)
  //
  // d/dx log(x) = 1/x, so dprobs = (1/probs) · dlogprobs. Note what this
  // does: if the network gave the right character a small probability, 1/probs
  // is large, and the gradient pushes that probability up hard.
  const dprobs = mul(pow(probs, -1), dlogprobs); // [n, 27]

  // ### probs = counts · countsSumInv
  //
  // A product: the derivative with respect to one factor is the other factor.
  // But the shapes differ: countsSumInv is [n, 1] and was broadcast across the
  // 27 columns, so each of its numbers was used 27 times. Each use passes back
  // a gradient, and they add up: the sum over axis 1 undoes the broadcast.
  const dcountsSumInv = counts.mul(dprobs).sum(1, true); // [n, 1]
  // counts is used here and again in countsSum below. This is the first of
  // its two contributions; the second is added further down.
  let dcounts = countsSumInv.mul(dprobs); // [n, 27]

  // ### countsSumInv = countsSum⁻¹
  //
  // d/dx x⁻¹ = −x⁻², applied elementwise.
  const dcountsSum = neg(countsSum.pow(-2)).mul(dcountsSumInv); // [n, 1]

  // ### countsSum = Σⱼ counts[:, j]
  //
  // A sum passes its gradient unchanged to every term: each entry of a row
  // of counts gets that row's dcountsSum. Broadcasting ones([n, 27]) against
  // dcountsSum ([n, 1]) copies it across the columns. This is the second use
  // of counts, so we add it to the first. PyTorch writes dcounts += …; in
  // TypeScript `+=` does not add tensors, so we write dcounts = add(dcounts, …).
  dcounts = add(dcounts, mul(ones([n, vocabSize]), dcountsSum)); // [n, 27]

  // ### counts = exp(normLogits)
  //
  // exp is its own derivative, and we already have it: it is counts.
  const dnormLogits = mul(counts, dcounts); // [n, 27]

  // ### normLogits = logits − logitMaxes
  //
  // Subtraction passes the gradient through, to logits with a + and to
  // logitMaxes with a −. logitMaxes ([n, 1]) was broadcast across the 27
  // columns, so its gradient is the (negated) sum over them.
  let dlogits = dnormLogits.clone(); // [n, 27], a copy: logits receives a second contribution below
  const dlogitMaxes = neg(dnormLogits).sum(1, true); // [n, 1]
  // In exact arithmetic dlogitMaxes is zero: shifting the logits by a
  // constant changes no probability, so the loss cannot depend on the shift.
  // In float32 it comes out around 1e-9, rounding noise.

  // ### logitMaxes = max over each row of logits
  //
  // The maximum passes its gradient to the one entry that was the maximum and
  // to no other: a one-hot row at the argmax. This is logits' second use, so
  // the gradient accumulates. At a tie (two equal maxima in a row) we follow
  // PyTorch, whose max returns one index; TensorFlow.js would send the
  // gradient to every tied entry instead. The lecture's batch has no ties, and
  // dlogitMaxes is rounding noise anyway, so the two agree here. As in the
  // lecture, the argmax is taken again without keepdim, `logits.max(1)`, so
  // that its indices are the [n] that oneHot takes (the forward pass kept the
  // axis: its logitArgmax is [n, 1]).
  dlogits = add(dlogits, oneHot(logits.max(1).indices, vocabSize).mul(dlogitMaxes)); // [n, 27]

  return { dlogprobs, dprobs, dcountsSumInv, dcountsSum, dcounts, dnormLogits, dlogitMaxes, dlogits };
}

/** Prints this chapter's checks; false if any gradient is off. */
export function run(): boolean {
  heading(3, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);
  const g = backpropCrossEntropy(fwd, batch.Yb);
  say(`Each gradient of the cross-entropy, computed by hand, against TensorFlow.js's autograd ("exact": bit-identical;
    "approximate": within torch.allclose's tolerance, |ours − theirs| ≤ 1e-8 + 1e-5·|theirs|).`);
  say(`Expect "exact" to be rare, and do not worry about it. In the lecture both sides were PyTorch, doing the same
    float32 operations in the same order. TensorFlow.js recomputes the forward pass its own way (it takes x^-0.5 with
    Math.pow where we, like PyTorch, take 1/√x; its matmul adds in blocks of 48) and its autograd uses its own
    formulas (dy / x where we write (1/x) · dy), so the last bits differ. "approximate" is the check that matters.`);
  const zeroZone = Math.max(...Array.from(g.dlogitMaxes.data, Math.abs));
  const ok = checkStage({
    logprobs: g.dlogprobs,
    probs: g.dprobs,
    countsSumInv: g.dcountsSumInv,
    countsSum: g.dcountsSum,
    counts: g.dcounts,
    normLogits: g.dnormLogits,
    logitMaxes: g.dlogitMaxes,
    logits: g.dlogits,
  }, ref);
  say(`dlogitMaxes is zero in exact arithmetic (the largest entry here is ${zeroZone.toExponential(2)}): shifting every
    logit of a row by the same amount changes no probability. It exists only for numerical safety.`);
  return ok;
}

if (import.meta.main && !run()) Deno.exitCode = 1;
