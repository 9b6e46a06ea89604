/**
 * Batchnorm's calibration, the lecture's "calibrate the batch norm at the
 * end of training": the mean and the Bessel-corrected variance of every
 * hidden unit's `hprebn` over the whole training set, which evaluation and
 * sampling then normalise by.
 *
 * @example
 * ```ts
 * import { calibrate } from "./calibration.ts";
 * import { Inference } from "./inference.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * import { loadTrainingData } from "./training_data.ts";
 *
 * const inference = new Inference({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * inference.load(initParams({ vocabSize: 27, nEmbd: 10, nHidden: 200, blockSize: 3 }, new TorchGenerator(1)));
 * const { bnmean, bnvar } = calibrate(inference, loadTrainingData(3).train);
 * bnmean.length; // 200
 * ```
 * @module
 */

import type { Dataset } from "../data.ts";
import type { BatchnormStats, Inference } from "./inference.ts";
import { allocate } from "./buffers.ts";
import { trainerBuffers } from "./sizes.ts";

/**
 * Runs the first layer over `train` and returns the statistics of every
 * hidden unit, float32. The sums are shifted by the first chunk's mean, so
 * that the sums of squares do not cancel.
 *
 * @example
 * ```ts
 * import { Inference } from "./inference.ts";
 * import { lectureSplit } from "../data.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * const data = lectureSplit(["emma", "olivia", "ava", "isabella", "sophia", "mia"], 3);
 * const V = data.vocab.size;
 * const inference = new Inference({ n: 4, B: 3, E: 2, H: 8, V });
 * inference.load(initParams({ vocabSize: V, nEmbd: 2, nHidden: 8, blockSize: 3 }, new TorchGenerator(1)));
 * calibrate(inference, data.train).bnvar.length; // 8, one per hidden unit
 * ```
 */
export function calibrate(inference: Inference, train: Dataset): BatchnormStats {
  const { H } = inference.dims;
  const { count } = train;
  const { sum, sumSq, shift } = inference.sums;
  sum.fill(0);
  sumSq.fill(0);
  shift.fill(0);
  let first = true;
  inference.forEachChunk(train, (hprebn, rows) => {
    if (first) {
      for (let i = 0; i < rows; i++) for (let h = 0; h < H; h++) shift[h] += hprebn[i * H + h] / rows;
      first = false;
    }
    for (let i = 0; i < rows; i++) {
      for (let h = 0; h < H; h++) {
        const x = hprebn[i * H + h] - shift[h];
        sum[h] += x;
        sumSq[h] += x * x;
      }
    }
  });
  const stats = allocate(trainerBuffers(inference.dims, 0).stats);
  for (let h = 0; h < H; h++) {
    const m = sum[h] / count;
    stats.bnmean[h] = m + shift[h];
    stats.bnvar[h] = (sumSq[h] - count * m * m) / (count - 1);
  }
  return stats;
}
