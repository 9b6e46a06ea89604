/**
 * The network in inference mode, for calibration, evaluation and sampling:
 * the TypeScript kernels over a float64 copy of the parameters, with
 * batchnorm normalising by statistics of the whole training set instead of
 * the batch's. The buffers (the copy, a chunk of rows' activations, the
 * running sums of calibration, sampling's context) are allocated once from
 * the table of `sizes.ts`; {@linkcode Inference.load} takes the current
 * parameters before each use.
 *
 * @example
 * ```ts
 * import { Inference } from "./inference.ts";
 * import { initParams } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * import { loadTrainingData } from "./training_data.ts";
 *
 * const data = loadTrainingData(3);
 * const inference = new Inference({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * inference.load(initParams({ vocabSize: 27, nEmbd: 10, nHidden: 200, blockSize: 3 }, new TorchGenerator(1)));
 * let rows = 0;
 * inference.forEachChunk(data.dev, (_hprebn, count) => (rows += count));
 * rows; // 22655
 * ```
 * @module
 */

import type { Dataset } from "../data.ts";
import { embeddingForward, linearForward, tanhRational } from "./kernels.ts";
import { PARAM_NAMES, type Params } from "../model.ts";
import { allocate, bytesOf } from "./buffers.ts";
import { INFERENCE_CHUNK, inferenceBuffers, type StepDims } from "./sizes.ts";
import type { ParamArrays } from "./step.ts";

/**
 * Batchnorm's statistics over the training set: the mean and the
 * Bessel-corrected variance of every hidden unit.
 *
 * @example
 * ```ts
 * const stats: BatchnormStats = { bnmean: new Float32Array(200), bnvar: new Float32Array(200).fill(1) };
 * ```
 */
export interface BatchnormStats {
  bnmean: Float32Array;
  bnvar: Float32Array;
}

/**
 * The buffers and the layers of inference, for one network.
 *
 * @example
 * ```ts
 * const inference = new Inference({ n: 32, B: 3, E: 10, H: 200, V: 27 });
 * inference.chunk.hidden.length; // 1024 rows of 200
 * ```
 */
export class Inference {
  /** The network's sizes (`n` is not used: inference goes in chunks of {@linkcode INFERENCE_CHUNK} rows). */
  readonly dims: StepDims;
  /** The parameters, float64, as of the last {@linkcode Inference.load}. */
  readonly params: ParamArrays;
  /** A chunk of rows' activations. */
  readonly chunk;
  /** Calibration's running sums. */
  readonly sums;
  /** Sampling's context, and the probabilities it draws from. */
  readonly context: Int32Array;
  readonly drawProbs: Float32Array;
  /** The bytes of its buffers, as allocated. */
  readonly bytes: number;

  /** Inference for the network `B, E, H, V`, its buffers allocated from the table. */
  constructor(dims: StepDims) {
    this.dims = { ...dims };
    const buffers = inferenceBuffers(dims);
    this.params = allocate(buffers.params);
    this.chunk = allocate(buffers.chunk);
    this.sums = allocate(buffers.sums);
    this.context = allocate(buffers.context).context;
    this.drawProbs = allocate(buffers.draw).probs;
    this.bytes = bytesOf(this.params, this.chunk, this.sums, [this.context, this.drawProbs]);
  }

  /** Takes the current parameters (float32, copied exactly into float64). */
  load(params: Params): void {
    for (const name of PARAM_NAMES) this.params[name].set(params[name].data);
  }

  /**
   * Runs the embedding and the first layer over a dataset in chunks of
   * {@linkcode INFERENCE_CHUNK} rows, handing each chunk's `hprebn` (`[rows, H]`)
   * to `visit`, with its first row's index.
   */
  forEachChunk(data: Dataset, visit: (hprebn: Float64Array, rows: number, start: number) => void): void {
    const { B, E, H } = this.dims;
    const { embcat, hprebn } = this.chunk;
    const p = this.params;
    for (let start = 0; start < data.count; start += INFERENCE_CHUNK) {
      const rows = Math.min(INFERENCE_CHUNK, data.count - start);
      embeddingForward(embcat, data.X.subarray(start * B), p.C, rows, B, E); // [rows, B·E]
      linearForward(hprebn, embcat, p.W1, p.b1, rows, B * E, H); // [rows, H]
      visit(hprebn, rows, start);
    }
  }

  /**
   * The hidden layer in inference mode, for `rows` rows of `hprebn`:
   * tanh(bngain · (hprebn − bnmean) / √(bnvar + 1e-5) + bnbias).
   */
  hidden(out: Float64Array, hprebn: Float64Array, rows: number, { bnmean, bnvar }: BatchnormStats): void {
    const { bngain, bnbias } = this.params;
    const H = this.dims.H;
    for (let i = 0; i < rows; i++) {
      for (let h = 0; h < H; h++) {
        const norm = (hprebn[i * H + h] - bnmean[h]) / Math.sqrt(bnvar[h] + 1e-5);
        out[i * H + h] = tanhRational(bngain[h] * norm + bnbias[h]);
      }
    }
  }
}
