/**
 * The loss of a whole dataset in inference mode, as the lecture's
 * `split_loss`: batchnorm normalises by the calibrated statistics, and the
 * loss is the mean cross-entropy over every example.
 *
 * @example
 * ```ts
 * import { calibrate } from "./calibration.ts";
 * import { evaluate } from "./evaluation.ts";
 * import { Inference } from "./inference.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * import { loadTrainingData } from "./training_data.ts";
 *
 * const data = loadTrainingData(3);
 * const inference = new Inference({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * inference.load(initParams({ vocabSize: 27, nEmbd: 10, nHidden: 200, blockSize: 3 }, new TorchGenerator(1)));
 * evaluate(inference, data.dev, () => calibrate(inference, data.train)); // about 3.6 before any training
 * ```
 * @module
 */

import type { Dataset } from "../data.ts";
import type { BatchnormStats, Inference } from "./inference.ts";
import { crossEntropyForward, linearForward } from "./kernels.ts";

/**
 * The mean loss over `data`, chunk by chunk, with batchnorm's statistics,
 * which `stats` gives when the first chunk is about to run (so that they may
 * be calibrated then, with the same buffers; an empty dataset needs none).
 *
 * @example
 * ```ts
 * import { calibrate } from "./calibration.ts";
 * import { Inference } from "./inference.ts";
 * import { lectureSplit } from "../data.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * const data = lectureSplit(["emma", "olivia", "ava", "isabella", "sophia", "mia"], 3);
 * const V = data.vocab.size;
 * const inference = new Inference({ n: 4, B: 3, E: 2, H: 8, V });
 * inference.load(initParams({ vocabSize: V, nEmbd: 2, nHidden: 8, blockSize: 3 }, new TorchGenerator(1)));
 * const stats = calibrate(inference, data.train);
 * evaluate(inference, data.dev, () => stats); // the dev loss of an untrained network
 * ```
 */
export function evaluate(inference: Inference, data: Dataset, stats: () => BatchnormStats): number {
  if (data.count === 0) return NaN;
  const bn = stats();
  const { H, V } = inference.dims;
  const { hidden, logits, probs } = inference.chunk;
  const { W2, b2 } = inference.params;
  let total = 0;
  inference.forEachChunk(data, (hprebn, rows, start) => {
    inference.hidden(hidden, hprebn, rows, bn); // [rows, H]
    linearForward(logits, hidden, W2, b2, rows, H, V); // [rows, V]
    total += rows * crossEntropyForward(probs, logits, data.Y.subarray(start, start + rows), rows, V);
  });
  return total / data.count;
}
