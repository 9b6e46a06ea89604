/**
 * What each exercise asks for: the gradients of chapters 3 to 8 (and, in
 * exercise 9, all of them at once: training_spec.ts), the forward
 * line each inverts, the order and dependencies, the hints, and the separate
 * contributions of the tensors used twice (so a missed one can be named).
 *
 * @example
 * ```ts
 * import { EXERCISES } from "./specs.ts";
 * EXERCISES[3].gradients.map((g) => g.name); // ["dlogprobs", "dprobs", …]
 * ```
 * @module
 */

import chapter3 from "../03_cross_entropy.ts" with { type: "text" };
import chapter4 from "../04_output_layer.ts" with { type: "text" };
import chapter5 from "../05_batchnorm.ts" with { type: "text" };
import chapter6 from "../06_first_layer.ts" with { type: "text" };
import chapter7 from "../07_fused_cross_entropy.ts" with { type: "text" };
import chapter8 from "../08_fused_batchnorm.ts" with { type: "text" };
import stub3 from "./03_cross_entropy.ts" with { type: "text" };
import stub4 from "./04_output_layer.ts" with { type: "text" };
import stub5 from "./05_batchnorm.ts" with { type: "text" };
import stub6 from "./06_first_layer.ts" with { type: "text" };
import stub7 from "./07_fused_cross_entropy.ts" with { type: "text" };
import stub8 from "./08_fused_batchnorm.ts" with { type: "text" };
import stub9 from "./09_training.ts" with { type: "text" };
import type { ExerciseInput, ExerciseSpec } from "../../lib/exercise/checker.ts";
import type { Term } from "../../lib/exercise/diagnose.ts";
import { trainingExercise } from "./training_spec.ts";
import { add, mul, oneHot, ones, pow, softmax, sub, sum, type Tensor, zeros } from "../../lib/tensor.ts";

/** Whether two tensors hold the same numbers, bit for bit. */
const same = (a: Tensor, b: Tensor | undefined) => b !== undefined && a.data.every((x, i) => x === b.data[i]);

/**
 * Chapter 8's one-line dhprebn from named tensors (`dhpreact`, `bnraw`,
 * `bngain`, `bnvarInv`), with its two sums over the given axes (0 is right)
 * and the last term's factor `bessel` (n/(n − 1) is right): the formula,
 * and the formula with a known slip, to recognise it in a learner's numbers.
 */
function fusedBatchnormOf(
  v: Readonly<Record<string, Tensor>>,
  n: number,
  axisTotal: number,
  axisDot: number,
  bessel = n / (n - 1),
): Tensor {
  const dyTotal = sum(v.dhpreact, axisTotal, true); // [1, 64] (or [n, 1] on the wrong axis)
  const dyDotRaw = sum(mul(v.dhpreact, v.bnraw), axisDot, true); // [1, 64] (or [n, 1])
  const inner = sub(sub(mul(n, v.dhpreact), dyTotal), mul(mul(bessel, v.bnraw), dyDotRaw)); // [n, 64]
  return mul(mul(mul(v.bngain, v.bnvarInv), 1 / n), inner); // [n, 64]
}

/** {@linkcode fusedBatchnormOf} on an exercise's input. */
function fusedBatchnorm({ fwd, params, n, dhpreact }: ExerciseInput, axisTotal: number, axisDot: number): Tensor {
  const v = { dhpreact, bnraw: fwd.bnraw, bngain: params.bngain, bnvarInv: fwd.bnvarInv };
  return fusedBatchnormOf(v, n, axisTotal, axisDot);
}

/** The three terms of chapter 8's dhprebn, each with the factor bngain · bnvarInv / n in front of the bracket. */
function fusedBatchnormTerms({ fwd, params, n, dhpreact }: ExerciseInput): Term[] {
  const front = mul(mul(params.bngain, fwd.bnvarInv), 1 / n); // [1, 64]
  const dyDotRaw = sum(mul(dhpreact, fwd.bnraw), 0, true); // [1, 64]
  return [
    {
      label: "n · dhpreact",
      tensor: mul(front, mul(n, dhpreact)), // [n, 64]
      factor: {
        value: n,
        name: "n",
        why: `the 1/n in front of the bracket is shared by the three terms, and this one, the path of dhpreact
          straight through, has no mean in it to make up for that 1/n: it carries n`,
      },
    },
    { label: "−Σ dhpreact", tensor: mul(front, mul(-1, sum(dhpreact, 0, true))) }, // [n, 64]
    {
      label: "−n/(n − 1) · bnraw · Σ (dhpreact · bnraw)",
      tensor: mul(front, mul(-n / (n - 1), mul(fwd.bnraw, dyDotRaw))), // [n, 64]
      factor: {
        value: n / (n - 1),
        name: "n/(n − 1)",
        why: "the forward pass divides the variance by n − 1 (Bessel's correction), not n, which puts n/(n − 1) here",
      },
    },
  ];
}

/** The exercises by chapter number. */
export const EXERCISES: Record<number, ExerciseSpec> = {
  3: {
    chapter: 3,
    title: "Backprop through cross-entropy",
    file: "03_cross_entropy.ts",
    stub: stub3,
    source: chapter3,
    solvedIn: "backpropCrossEntropy",
    given: [],
    gradients: [
      {
        name: "dlogprobs",
        of: "logprobs",
        deps: [],
        formula: (_, { fwd, batch, n }) => oneHot(batch.Yb, fwd.logprobs.shape[1]).mul(-1 / n),
        structure:
          "dlogprobs = (the 0/1 mask of the entries the loss picks, one per row at column Yb[i], [n, 27]) · (the weight each picked entry has in the loss, the same for every row).",
        forward: "loss = −(1/n) Σᵢ logprobs[i, Yb[i]]",
        rule: `Only one entry per row reaches the loss, each with weight −1/n: dlogprobs is −1/n at [i, Yb[i]] and 0
          everywhere else (oneHot(Yb, vocabSize) builds the mask).`,
      },
      {
        name: "dprobs",
        of: "probs",
        deps: ["dlogprobs"],
        formula: (v) => v.probs.pow(-1).mul(v.dlogprobs),
        structure:
          "dprobs = (the derivative of log, taken at probs) · (the upstream dlogprobs), elementwise: both are [n, 27], so nothing is summed or broadcast.",
        forward: "logprobs = log(probs)",
        rule: "d/dx log(x) = 1/x, elementwise; multiply by the upstream dlogprobs (the chain rule).",
      },
      {
        name: "dcountsSumInv",
        of: "countsSumInv",
        deps: ["dprobs"],
        formula: (v) => v.counts.mul(v.dprobs).sum(1, true),
        broadcastAxes: [1],
        mistakes: ({ fwd }) => [{
          label:
            "this is Σ counts without dprobs: multiply counts by the upstream dprobs before summing (the chain rule)",
          tensor: sum(fwd.counts, 1, true),
        }],
        structure:
          "dcountsSumInv = the sum over axis 1, keeping it, of (the other factor of the product, a forward tensor) · (the upstream dprobs): the product is [n, 27], the sum brings it to [n, 1].",
        forward: "probs = counts · countsSumInv",
        rule: `The derivative of a product with respect to one factor is the other factor: counts · dprobs. But
          countsSumInv ([n, 1]) was broadcast across the 27 columns, so sum that over axis 1, keeping the axis.`,
      },
      {
        name: "dcountsSum",
        of: "countsSum",
        deps: ["dcountsSumInv"],
        formula: (v) => v.countsSum.pow(-2).neg().mul(v.dcountsSumInv),
        structure:
          "dcountsSum = (the derivative of x⁻¹ at countsSum: minus one over its square) · (the upstream dcountsSumInv), elementwise, all [n, 1].",
        forward: "countsSumInv = countsSum⁻¹",
        rule: "d/dx x⁻¹ = −x⁻², elementwise, times the upstream dcountsSumInv.",
      },
      {
        name: "dcounts",
        of: "counts",
        deps: ["dprobs", "dcountsSum"],
        formula: (v) => v.countsSumInv.mul(v.dprobs).add(v.dcountsSum),
        structure:
          "dcounts = (the product's share: its other factor, [n, 1], times dprobs, [n, 27]) + (the sum's share: dcountsSum, [n, 1], the same for every column of its row). Two [n, 27] terms, added.",
        forward: "probs = counts · countsSumInv, and countsSum = Σⱼ counts[:, j]",
        rule: `counts is used twice. Through the product its gradient is countsSumInv · dprobs; through the sum, every
          entry of a row receives that row's dcountsSum (a sum passes its gradient to each term). Add the two.`,
        partials: ({ fwd }, ref) => [
          {
            label: "the gradient through probs = counts · countsSumInv",
            tensor: mul(fwd.countsSumInv, ref.probs),
            advice:
              "counts is used again in countsSum = Σ counts; add that contribution in the same declaration: const dcounts = add(<what you have>, …)",
          },
          {
            label: "the gradient through countsSum = Σ counts",
            tensor: mul(ones(fwd.counts.shape), ref.countsSum),
            advice:
              "counts is also used in probs = counts · countsSumInv; add that contribution in the same declaration: const dcounts = add(<what you have>, …)",
          },
        ],
      },
      {
        name: "dnormLogits",
        of: "normLogits",
        deps: ["dcounts"],
        formula: (v) => v.counts.mul(v.dcounts),
        structure:
          "dnormLogits = (the derivative of exp at normLogits, a forward tensor you already have) · (the upstream dcounts), elementwise, [n, 27].",
        forward: "counts = exp(normLogits)",
        rule: "exp is its own derivative, and exp(normLogits) is counts: counts · dcounts.",
      },
      {
        name: "dlogitMaxes",
        of: "logitMaxes",
        deps: ["dnormLogits"],
        formula: (v) => v.dnormLogits.neg().sum(1, true),
        broadcastAxes: [1],
        zero: `it is zero in exact arithmetic (shifting a row of logits does not change the softmax); what you see is
          float32 rounding.`,
        structure:
          "dlogitMaxes = the sum over axis 1, keeping it, of (the sign the subtraction gives logitMaxes) · (the upstream dnormLogits): [n, 27] summed to [n, 1].",
        forward: "normLogits = logits − logitMaxes",
        rule: `Subtraction passes −dnormLogits to logitMaxes; logitMaxes ([n, 1]) was broadcast over the columns, so
          sum over axis 1, keeping the axis.`,
      },
      {
        name: "dlogits",
        of: "logits",
        deps: ["dnormLogits", "dlogitMaxes"],
        formula: (v, { fwd }) =>
          v.dnormLogits.add(oneHot(fwd.logits.max(1).indices, fwd.logits.shape[1]).mul(v.dlogitMaxes)),
        partials: ({ fwd }, ref) => [
          {
            label: "the gradient through normLogits = logits − logitMaxes",
            tensor: ref.normLogits,
            advice:
              "logits is also used in logitMaxes = max(logits); add oneHot(logitArgmax) · dlogitMaxes in the same declaration: const dlogits = add(dnormLogits, …)",
          },
          {
            label: "the gradient through logitMaxes = max(logits)",
            tensor: mul(
              oneHot(fwd.logits.max(1).indices, fwd.logits.shape[1]),
              ref.logitMaxes,
            ),
            advice:
              "logits is also used directly in normLogits = logits − logitMaxes; add it in the same declaration: const dlogits = add(<what you have>, dnormLogits)",
          },
        ],
        passNote: (value, { yours, ref }) =>
          (same(value, yours.dnormLogits) || same(value, ref.normLogits)) &&
            !yours.dlogitMaxes?.data.every((x) => x === 0)
            ? `dlogits = dnormLogits skips the branch through logitMaxes; that is right, since dlogitMaxes is zero in
              exact arithmetic, so that branch carries nothing.`
            : "",
        structure:
          "dlogits = (the direct path: dnormLogits as it is) + (the max's path: a one-hot of where each row's maximum was, [n, 27], times dlogitMaxes, [n, 1]). oneHot takes indices of shape [n]: take the argmax again without keepdim, logits.max(1).indices, as the lecture does (the forward pass's logitArgmax is [n, 1]).",
        forward: "normLogits = logits − logitMaxes, and logitMaxes = max over each row of logits",
        rule: `logits is used twice: directly (its gradient is dnormLogits) and through the max, which passes
          dlogitMaxes to the one entry of each row that was the maximum (a one-hot of logitArgmax). Add the two.`,
      },
    ],
  },
  4: {
    chapter: 4,
    title: "Backprop through the output layer and tanh",
    file: "04_output_layer.ts",
    stub: stub4,
    source: chapter4,
    solvedIn: "backpropOutputLayer",
    given: ["dlogits"],
    gradients: [
      {
        name: "dh",
        of: "h",
        deps: [],
        formula: (v) => v.dlogits.matmul(v.W2.T),
        structure:
          "dh = (the upstream dlogits, [n, 27]) matrix-multiplied by (the weight W2, transposed to [27, 64]): the one product that has h's shape [n, 64].",
        forward: "logits = h @ W2 + b2",
        rule: `Entry by entry, logits[i, j] = Σₖ h[i, k] · W2[k, j] + b2[j], so dh[i, k] = Σⱼ dlogits[i, j] · W2[k, j]:
          dlogits @ W2ᵀ. Check the shapes: [n, 27] @ [27, 64] = [n, 64].`,
      },
      {
        name: "dW2",
        of: "W2",
        deps: [],
        formula: (v) => v.h.T.matmul(v.dlogits),
        structure:
          "dW2 = (the forward tensor h, transposed to [64, n]) matrix-multiplied by (the upstream dlogits, [n, 27]): the one product that has W2's shape [64, 27]; the product sums over the n examples.",
        forward: "logits = h @ W2 + b2",
        rule: "dW2[k, j] = Σᵢ h[i, k] · dlogits[i, j]: hᵀ @ dlogits, [64, n] @ [n, 27] = [64, 27].",
      },
      {
        name: "db2",
        of: "b2",
        deps: [],
        formula: (v) => v.dlogits.sum(0),
        broadcastAxes: [0],
        structure: "db2 = the upstream dlogits summed over the batch axis, axis 0, without keepdim: b2 is [27].",
        forward: "logits = h @ W2 + b2",
        rule: "b2 ([27]) was broadcast over the n rows: sum dlogits over axis 0, without keepdim, as the lecture does.",
      },
      {
        name: "dhpreact",
        of: "hpreact",
        deps: ["dh"],
        formula: (v) => sub(1, v.h.pow(2)).mul(v.dh),
        structure:
          "dhpreact = (1 minus the square of a forward tensor you already have, tanh's output) · (the upstream dh), elementwise, [n, 64].",
        forward: "h = tanh(hpreact)",
        rule: "d/dx tanh(x) = 1 − tanh(x)², and tanh(hpreact) is h: (1 − h²) · dh.",
      },
    ],
  },
  5: {
    chapter: 5,
    title: "Backprop through batchnorm",
    file: "05_batchnorm.ts",
    stub: stub5,
    source: chapter5,
    solvedIn: "backpropBatchnorm",
    given: ["dhpreact"],
    gradients: [
      {
        name: "dbngain",
        of: "bngain",
        deps: [],
        formula: (v) => v.bnraw.mul(v.dhpreact).sum(0, true),
        broadcastAxes: [0],
        mistakes: ({ fwd }) => [{
          label:
            "this is Σ bnraw without dhpreact: multiply bnraw by the upstream dhpreact before summing (the chain rule)",
          tensor: sum(fwd.bnraw, 0, true),
        }],
        structure:
          "dbngain = the sum over axis 0, keeping it, of (the other factor, a forward tensor) · (the upstream dhpreact): [n, 64] summed to [1, 64].",
        forward: "hpreact = bngain · bnraw + bnbias",
        rule:
          "The other factor, bnraw, times dhpreact; bngain ([1, 64]) was broadcast over the rows: sum over axis 0, keeping it.",
      },
      {
        name: "dbnbias",
        of: "bnbias",
        deps: [],
        formula: (v) => v.dhpreact.sum(0, true),
        broadcastAxes: [0],
        structure: "dbnbias = the upstream dhpreact summed over axis 0, keeping it: [n, 64] to [1, 64].",
        forward: "hpreact = bngain · bnraw + bnbias",
        rule:
          "An addition passes dhpreact through; bnbias ([1, 64]) was broadcast over the rows: sum over axis 0, keeping it.",
      },
      {
        name: "dbnraw",
        of: "bnraw",
        deps: [],
        formula: (v) => v.bngain.mul(v.dhpreact),
        structure:
          "dbnraw = (the other factor, a parameter of shape [1, 64]) · (the upstream dhpreact, [n, 64]): broadcasting gives every row; bnraw is [n, 64], so nothing is summed.",
        forward: "hpreact = bngain · bnraw + bnbias",
        rule: "The other factor: bngain · dhpreact (bngain broadcasts back over the rows by itself).",
      },
      {
        name: "dbnvarInv",
        of: "bnvarInv",
        deps: ["dbnraw"],
        formula: (v) => v.bndiff.mul(v.dbnraw).sum(0, true),
        broadcastAxes: [0],
        mistakes: ({ fwd }) => [{
          label:
            "this is Σ bndiff without dbnraw: multiply bndiff by the upstream dbnraw before summing (the chain rule)",
          tensor: sum(fwd.bndiff, 0, true),
        }],
        structure:
          "dbnvarInv = the sum over axis 0, keeping it, of (the other factor of bnraw's product, a forward tensor of shape [n, 64]) · (the upstream dbnraw): [n, 64] summed to [1, 64].",
        forward: "bnraw = bndiff · bnvarInv",
        rule: "The other factor, bndiff, times dbnraw, summed over the rows (axis 0, keepdim): bnvarInv was broadcast.",
      },
      {
        name: "dbnvar",
        of: "bnvar",
        deps: ["dbnvarInv"],
        formula: (v) => mul(-0.5, v.bnvar.add(1e-5).pow(-1.5)).mul(v.dbnvarInv),
        mistakes: ({ fwd }, ref) => [
          {
            label: `this uses bnvar^(−3/2) without the 1e-5: bnvarInv = (bnvar + 1e-5)^(−1/2), so the derivative is
              −½ · (bnvar + 1e-5)^(−3/2); the 1e-5 stays`,
            tensor: mul(mul(-0.5, pow(fwd.bnvar, -1.5)), ref.bnvarInv),
          },
          {
            label: "this adds the 1e-5 twice: bnvar + 1e-5 is the base of the power, once",
            tensor: mul(mul(-0.5, pow(add(fwd.bnvar, 2e-5), -1.5)), ref.bnvarInv),
          },
        ],
        structure:
          "dbnvar = (−½) · (the base of the power, bnvar with its 1e-5, raised to one less than −1/2) · (the upstream dbnvarInv), all [1, 64].",
        forward: "bnvarInv = (bnvar + 1e-5)^(−1/2)",
        rule: "The power rule: d/dx x^(−1/2) = −½ · x^(−3/2), with x = bnvar + 1e-5, times dbnvarInv.",
      },
      {
        name: "dbndiff2",
        of: "bndiff2",
        deps: ["dbnvar"],
        formula: (v, { fwd, n }) => ones(fwd.bndiff2.shape).mul(1 / (n - 1)).mul(v.dbnvar),
        structure:
          "dbndiff2 = (the weight of each term of the variance's sum, with Bessel's n − 1) · (ones of bndiff2's shape, [n, 64]) · (the upstream dbnvar, [1, 64]): every row gets the same.",
        forward: "bnvar = 1/(n − 1) · Σᵢ bndiff2[i]",
        rule: `A sum hands its gradient to every term, each weighted 1/(n − 1) (Bessel's correction, not 1/n):
          1/(n − 1) · ones([n, 64]) · dbnvar.`,
      },
      {
        name: "dbndiff",
        of: "bndiff",
        deps: ["dbnraw", "dbndiff2"],
        formula: (v) => v.bnvarInv.mul(v.dbnraw).add(mul(2, v.bndiff).mul(v.dbndiff2)),
        structure:
          "dbndiff = (the product's share: its other factor, [1, 64], times dbnraw) + (the square's share: the derivative of x² at bndiff times dbndiff2). Two [n, 64] terms, added.",
        forward: "bnraw = bndiff · bnvarInv, and bndiff2 = bndiff²",
        rule:
          "bndiff is used twice: through the product, bnvarInv · dbnraw; through the square, 2 · bndiff · dbndiff2. Add the two.",
        partials: ({ fwd }, ref) => [
          {
            label: "the gradient through bnraw = bndiff · bnvarInv",
            tensor: mul(fwd.bnvarInv, ref.bnraw),
            advice:
              "bndiff is used again in bndiff2 = bndiff²; add 2 · bndiff · dbndiff2 in the same declaration: const dbndiff = add(<what you have>, …)",
          },
          {
            label: "the gradient through bndiff2 = bndiff²",
            tensor: mul(mul(2, fwd.bndiff), ref.bndiff2),
            advice:
              "bndiff is also used in bnraw = bndiff · bnvarInv; add bnvarInv · dbnraw in the same declaration: const dbndiff = add(<what you have>, …)",
          },
        ],
      },
      {
        name: "dbnmeani",
        of: "bnmeani",
        deps: ["dbndiff"],
        formula: (v) => v.dbndiff.neg().sum(0, true),
        broadcastAxes: [0],
        structure:
          "dbnmeani = the sum over axis 0, keeping it, of (the sign the subtraction gives bnmeani) · (the upstream dbndiff): [n, 64] to [1, 64].",
        forward: "bndiff = hprebn − bnmeani",
        rule:
          "Subtraction passes −dbndiff; bnmeani ([1, 64]) was broadcast over the rows: sum over axis 0, keeping it.",
      },
      {
        name: "dhprebn",
        of: "hprebn",
        deps: ["dbndiff", "dbnmeani"],
        formula: (v, { n }) => v.dbndiff.add(v.dbnmeani.mul(1 / n)),
        structure:
          "dhprebn = (the direct share: the upstream dbndiff as it is) + (the mean's share: dbnmeani, [1, 64], weighted by the mean's 1/n, for every row). Two [n, 64] terms, added.",
        forward: "bndiff = hprebn − bnmeani, and bnmeani = 1/n · Σᵢ hprebn[i]",
        rule:
          "hprebn is used twice: directly (dbndiff) and through the mean, which hands 1/n of dbnmeani to every row. Add the two.",
        partials: ({ fwd, n }, ref) => [
          {
            label: "the gradient through bndiff = hprebn − bnmeani",
            tensor: ref.bndiff,
            advice:
              "hprebn is used again in bnmeani = mean(hprebn); add 1/n · dbnmeani to every row in the same declaration: const dhprebn = add(dbndiff, …)",
          },
          {
            label: "the gradient through bnmeani = 1/n · Σ hprebn",
            tensor: mul(mul(1 / n, ones(fwd.hprebn.shape)), ref.bnmeani),
            advice:
              "hprebn is also used directly in bndiff = hprebn − bnmeani; add it in the same declaration: const dhprebn = add(<what you have>, dbndiff)",
          },
        ],
      },
    ],
  },
  6: {
    chapter: 6,
    title: "Backprop through the first layer and the embedding",
    file: "06_first_layer.ts",
    stub: stub6,
    source: chapter6,
    solvedIn: "backpropFirstLayer",
    given: ["dhprebn"],
    gradients: [
      {
        name: "dembcat",
        of: "embcat",
        deps: [],
        formula: (v) => v.dhprebn.matmul(v.W1.T),
        structure:
          "dembcat = (the upstream dhprebn, [n, 64]) matrix-multiplied by (the weight W1, transposed to [64, 30]): the product of embcat's shape [n, 30].",
        forward: "hprebn = embcat @ W1 + b1",
        rule: "As for h in chapter 4: dhprebn @ W1ᵀ, [n, 64] @ [64, 30] = [n, 30].",
      },
      {
        name: "dW1",
        of: "W1",
        deps: [],
        formula: (v) => v.embcat.T.matmul(v.dhprebn),
        structure:
          "dW1 = (the forward tensor embcat, transposed to [30, n]) matrix-multiplied by (the upstream dhprebn, [n, 64]): W1's shape [30, 64].",
        forward: "hprebn = embcat @ W1 + b1",
        rule: "As for W2 in chapter 4: embcatᵀ @ dhprebn, [30, n] @ [n, 64] = [30, 64].",
      },
      {
        name: "db1",
        of: "b1",
        deps: [],
        formula: (v) => v.dhprebn.sum(0),
        broadcastAxes: [0],
        zero: `it is zero in exact arithmetic (batchnorm subtracts the batch mean, so a constant added to every row
          changes nothing); what you see is float32 rounding.`,
        structure: "db1 = the upstream dhprebn summed over the batch axis, axis 0, without keepdim: b1 is [64].",
        forward: "hprebn = embcat @ W1 + b1",
        rule: "b1 ([64]) was broadcast over the rows: sum dhprebn over axis 0.",
      },
      {
        name: "demb",
        of: "emb",
        deps: ["dembcat"],
        formula: (v, { fwd }) => v.dembcat.reshape(fwd.emb.shape),
        structure: "demb = the upstream dembcat, the same numbers in emb's shape [n, 3, 10].",
        forward: "embcat = emb.view(n, 30)",
        rule: "A view changes no number, only where it sits: view dembcat back in emb's shape [n, 3, 10].",
      },
      {
        name: "dC",
        of: "C",
        deps: ["demb"],
        formula: (v, { params, batch }) => zeros(params.C.shape).scatterAddRows(batch.Xb, v.demb),
        scatter: ({ batch }, ref) => ({
          indices: batch.Xb,
          indexName: "Xb",
          src: ref.emb,
          srcName: "demb",
          row: "character",
        }),
        structure:
          "dC = a table of zeros of C's shape [27, 10], into which each of the n · 3 rows of demb is added at the row that Xb names at the same [i, j]: a scatter that adds, not one that assigns.",
        forward: "emb = C[Xb]",
        rule: `Each lookup copied a row of C; send each gradient row back to the row it came from, adding when a row
          was used more than once: row Xb[i, j] of dC gains demb[i, j] for every i and j. scatterAddRows does exactly
          that, into a table of zeros (the API card at the top of your file says how it is called).`,
      },
    ],
  },
  7: {
    chapter: 7,
    title: "Cross-entropy in one step",
    file: "07_fused_cross_entropy.ts",
    stub: stub7,
    source: chapter7,
    solvedIn: "crossEntropyBackward",
    given: [],
    gradients: [
      {
        name: "dlogits",
        of: "logits",
        deps: [],
        formula: (v, { batch, n }) => v.logits.softmax(1).sub(oneHot(batch.Yb, v.logits.shape[1])).div(n),
        terms: ({ fwd, batch, n }) => {
          const why = "the loss is a mean over the n rows, so the whole difference is divided by n";
          return [
            {
              label: "softmax(logits)",
              tensor: mul(softmax(fwd.logits, 1), 1 / n),
              factor: { value: 1 / n, name: "1/n", why },
            },
            {
              label: "−oneHot(Yb)",
              tensor: mul(oneHot(batch.Yb, fwd.logits.shape[1]), -1 / n),
              factor: { value: 1 / n, name: "1/n", why },
            },
          ];
        },
        structure:
          "dlogits = ((the softmax of each row of logits, [n, 27]) − (the one-hot mask of the right classes Yb, [n, 27])), the whole difference divided by the batch size (the loss is a mean).",
        forward: "loss = cross_entropy(logits, Yb)",
        rule: `For one row, ∂loss/∂l_j = p_j − 1 at the correct class and p_j elsewhere (p = softmax of the row); the
          batch loss is a mean, so divide by n: (softmax(logits) − oneHot(Yb)) / n.`,
      },
    ],
  },
  8: {
    chapter: 8,
    title: "Batchnorm in one step",
    file: "08_fused_batchnorm.ts",
    stub: stub8,
    source: chapter8,
    solvedIn: "batchnormBackward",
    given: ["dhpreact"],
    gradients: [
      {
        name: "dhprebn",
        of: "hprebn",
        deps: [],
        formula: (v, { n }) => fusedBatchnormOf(v, n, 0, 0),
        structure:
          "dhprebn = (a [1, 64] factor in front, bngain · bnvarInv / n) · (a bracket of three [n, 64] terms, one per path). The straight path: dhpreact, times the factor that cancels the 1/n in front. The mean's path: minus the column sums of dhpreact (over the batch, axis 0, keepdim), the same in every row. The variance's path: minus bnraw times the column sums of dhpreact · bnraw, with the factor that the variance's n − 1 puts in front (n/(n − 1)). In TypeScript the bracket is a few lines: name the two sums first.",
        forward: "hpreact = bngain · (hprebn − mean) / √(var + 1e-5) + bnbias, var with 1/(n − 1)",
        rule: `hprebn reaches hpreact along three paths: straight, through bndiff = hprebn − mean, scaled by
          bngain · bnvarInv; through the mean, which every row feeds with weight 1/n; and through the variance,
          which every row feeds through bndiff² (with Bessel's 1/(n − 1)). The local derivative is the sum of the
          three; write each with bnraw = bndiff · bnvarInv, so that bndiff is bnraw / bnvarInv. Chapter 8 derives
          it step by step.`,
        solution: ["dyTotal", "dyDotRaw", "inner", "dhprebn"],
        terms: fusedBatchnormTerms,
        mistakes: (input) => {
          const why = `the batch statistics sum over the batch: axis 0, keeping it (each row of dhprebn needs the
            column sums over all n rows)`;
          return [
            {
              label: `Σ dhpreact is a sum over axis 1; ${why}: sum(dhpreact, 0, true)`,
              tensor: fusedBatchnorm(input, 1, 0),
            },
            {
              label: `Σ (dhpreact · bnraw) is a sum over axis 1; ${why}: sum(mul(dhpreact, bnraw), 0, true)`,
              tensor: fusedBatchnorm(input, 0, 1),
            },
            { label: `both sums are over axis 1; ${why}`, tensor: fusedBatchnorm(input, 1, 1) },
          ];
        },
      },
    ],
  },
};

// Exercise 9 takes its gradients from exercises 4 to 8.
EXERCISES[9] = trainingExercise(EXERCISES, stub9);
