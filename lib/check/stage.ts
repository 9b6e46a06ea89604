/**
 * How a chapter checks its hand-written gradients: against TensorFlow.js's
 * autograd in a printed table, and against PyTorch's autograd from the
 * committed fixture in one summary line.
 *
 * @example
 * ```ts
 * import { checkStage } from "./stage.ts";
 * import { referenceGradients } from "./reference.ts";
 * import { sum } from "../tensor.ts";
 * import { lectureSplit, loadNames } from "../data.ts";
 * import { drawBatch, initParams, LECTURE_CONFIG, LECTURE_SEED } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * // The lecture's parameters and first batch, as chapter 1 makes them.
 * const g = new TorchGenerator(LECTURE_SEED);
 * const params = initParams(LECTURE_CONFIG, g);
 * const { Xb, Yb } = drawBatch(lectureSplit(loadNames()).train, 32, g);
 * const ref = referenceGradients(params, Xb, Yb);
 * // b2 was broadcast over the rows of logits, so db2 sums dlogits over them.
 * const db2 = sum(ref.grads.logits, 0); // [27]
 * const allClose = checkStage({ b2: db2 }, ref); // prints b2's row of the table and a line on PyTorch; true
 * ```
 * @module
 */

import { ATOL, compareGradient, type Comparison, formatNumber, reportComparisons } from "./compare.ts";
import { fixtureTensor } from "./fixture.ts";
import { say } from "../report/print.ts";
import type { GradientName, Reference } from "./reference.ts";
import { fromArray, type Tensor } from "../tensor.ts";

/** Some of the 26 gradients, by the name of the tensor they belong to. */
export type StageGradients = Partial<Record<GradientName, Tensor>>;

/**
 * Compares each gradient with TensorFlow.js's.
 *
 * @example
 * ```ts
 * import { referenceGradients } from "./reference.ts";
 * import { sum } from "../tensor.ts";
 * import { lectureSplit, loadNames } from "../data.ts";
 * import { drawBatch, initParams, LECTURE_CONFIG, LECTURE_SEED } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * // The lecture's parameters and first batch, as chapter 1 makes them.
 * const g = new TorchGenerator(LECTURE_SEED);
 * const params = initParams(LECTURE_CONFIG, g);
 * const { Xb, Yb } = drawBatch(lectureSplit(loadNames()).train, 32, g);
 * const ref = referenceGradients(params, Xb, Yb);
 * const db2 = sum(ref.grads.logits, 0); // [27]
 * compareWithTf({ b2: db2 }, ref)[0].approximate; // true
 * ```
 */
export function compareWithTf(grads: StageGradients, ref: Reference): Comparison[] {
  return (Object.keys(grads) as GradientName[]).map((name) => compareGradient(name, grads[name]!, ref.grads[name]));
}

/**
 * How far from PyTorch's a gradient may be.
 *
 * PyTorch computes the forward pass with blocked, vectorised loops that add
 * in another order than ours, so its intermediates already differ from ours
 * in the last bits, before any gradient is taken. An entry of a gradient that
 * is a sum of larger terms cancelling to nearly zero (many entries of dW2 are)
 * can then differ by more than `torch.allclose`'s absolute 1e-8. Against
 * PyTorch we therefore scale the absolute tolerance to the tensor: 1e-6 of
 * its largest entry, and never less than 1e-8.
 */
export const PYTORCH_RELATIVE_ATOL = 1e-6;

/**
 * Absolute tolerances, against PyTorch, for gradients that are zero in exact
 * arithmetic. `dlogitMaxes` is minus the sum of a row of `dnormLogits`, whose
 * 27 entries are about 1/32 and sum to exactly zero on paper; in float32 the
 * sum is rounding noise of a few 1e-9 whose digits depend on the order of
 * the additions. Half an ulp of 1/32 (about 1.9e-9) for each of 27 additions
 * bounds it by 5e-8.
 */
export const NOISE_ATOL: Partial<Record<GradientName, number>> = {
  logitMaxes: 5e-8,
};

/**
 * Compares each gradient with PyTorch's, from the fixture. Only meaningful
 * for the lecture's first batch with the lecture's parameters.
 *
 * @example
 * ```ts
 * import { fromArray } from "../tensor.ts";
 * import { fixtureTensor } from "./fixture.ts";
 * const db2 = fromArray(fixtureTensor("grads", "b2"), [27]); // PyTorch's own, for the sake of the example
 * compareWithPyTorch({ b2: db2 })[0].exact; // true
 * ```
 */
export function compareWithPyTorch(grads: StageGradients): Comparison[] {
  return (Object.keys(grads) as GradientName[]).map((name) => {
    const ours = grads[name]!;
    const theirs = fixtureTensor("grads", name);
    // The fixture stores flat numbers; a gradient of the wrong size cannot match.
    const reference = theirs.length === ours.size ? fromArray(theirs, ours.shape) : fromArray(theirs, [theirs.length]);
    const scale = Math.max(...Array.from(theirs, Math.abs));
    const atol = NOISE_ATOL[name] ?? Math.max(ATOL, PYTORCH_RELATIVE_ATOL * scale);
    return compareGradient(name, ours, reference, atol);
  });
}

/**
 * Prints the comparison with TensorFlow.js as the lecture's table, then one
 * line on PyTorch, and returns whether every gradient was approximately equal
 * to both.
 *
 * @example
 * ```ts
 * import { referenceGradients } from "./reference.ts";
 * import { sum } from "../tensor.ts";
 * import { lectureSplit, loadNames } from "../data.ts";
 * import { drawBatch, initParams, LECTURE_CONFIG, LECTURE_SEED } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * // The lecture's parameters and first batch, as chapter 1 makes them.
 * const g = new TorchGenerator(LECTURE_SEED);
 * const params = initParams(LECTURE_CONFIG, g);
 * const { Xb, Yb } = drawBatch(lectureSplit(loadNames()).train, 32, g);
 * const ref = referenceGradients(params, Xb, Yb);
 * const dlogits = ref.grads.logits; // [32, 27]
 * const grads = { logits: dlogits, b2: sum(dlogits, 0) };
 * if (!checkStage(grads, ref)) throw new Error("a gradient is off");
 * ```
 */
export function checkStage(grads: StageGradients, ref: Reference): boolean {
  const tfOk = reportComparisons(compareWithTf(grads, ref));
  const torch = compareWithPyTorch(grads);
  const torchOk = torch.every((r) => r.approximate);
  const worst = Math.max(...torch.map((r) => r.maxdiff));
  const exact = torch.filter((r) => r.exact).length;
  console.log();
  say(
    `Against PyTorch 1.13's autograd (data/pytorch/fixture.json, tolerance scaled to each tensor): ${
      torchOk
        ? `all ${torch.length} approximately equal`
        : `NOT equal: ${torch.filter((r) => !r.approximate).map((r) => r.name).join(", ")}`
    }, ${exact} bit-identical, largest maxdiff ${formatNumber(worst)}.`,
  );
  return tfOk && torchOk;
}
