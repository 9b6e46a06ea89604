/**
 * How a chapter checks its hand-written gradients: against TensorFlow.js's
 * autograd in a printed table, and against PyTorch's autograd from the
 * committed fixture in one summary line.
 *
 * @example
 * ```ts
 * import { checkStage } from "./stage.ts";
 * const ok = checkStage({ logits: dlogits }, referenceGradients(params, Xb, Yb));
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
 * compareWithTf({ b2: db2 }, ref)[0].approximate;
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
 * compareWithPyTorch({ b2: db2 }).every((r) => r.approximate);
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
 * if (!checkStage(grads, ref)) Deno.exitCode = 1;
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
