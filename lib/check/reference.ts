/**
 * Reference gradients from TensorFlow.js autograd.
 *
 * The lecture checks each hand-written gradient against PyTorch, which keeps
 * the gradient of every intermediate tensor after `retain_grad()`. TensorFlow.js
 * only differentiates with respect to a function's inputs, so we give it an
 * input for every intermediate: a tensor of zeros, added to that intermediate
 * as the forward pass computes it. Adding zero changes no value, and the
 * gradient with respect to the zeros is exactly the gradient with respect to
 * the intermediate. One backward pass then yields all 26 gradients.
 *
 * @example
 * ```ts
 * import { referenceGradients } from "./reference.ts";
 * import { lectureSplit, loadNames } from "../data.ts";
 * import { drawBatch, initParams, LECTURE_CONFIG, LECTURE_SEED } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * // The lecture's parameters and first batch, as chapter 1 makes them.
 * const g = new TorchGenerator(LECTURE_SEED);
 * const params = initParams(LECTURE_CONFIG, g);
 * const { Xb, Yb } = drawBatch(lectureSplit(loadNames()).train, 32, g);
 * const { loss, grads } = referenceGradients(params, Xb, Yb);
 * grads.logprobs.shape; // [32, 27]
 * ```
 * @module
 */

import { tf } from "./tf.ts";
import type { Params } from "../model.ts";
import { type IndexTensor, type Shape, Tensor } from "../tensor.ts";

/** The intermediates of the lecture's forward pass, in the lecture's backward order. */
export const INTERMEDIATE_NAMES = [
  "logprobs",
  "probs",
  "countsSumInv",
  "countsSum",
  "counts",
  "normLogits",
  "logitMaxes",
  "logits",
  "h",
  "hpreact",
  "bnraw",
  "bnvarInv",
  "bnvar",
  "bndiff2",
  "bndiff",
  "bnmeani",
  "hprebn",
  "embcat",
  "emb",
] as const;

/** The name of an intermediate of the forward pass. */
export type IntermediateName = typeof INTERMEDIATE_NAMES[number];

/** The 26 tensors of the lecture's comparison table, in its order. */
export const GRADIENT_NAMES = [
  "logprobs",
  "probs",
  "countsSumInv",
  "countsSum",
  "counts",
  "normLogits",
  "logitMaxes",
  "logits",
  "h",
  "W2",
  "b2",
  "hpreact",
  "bngain",
  "bnbias",
  "bnraw",
  "bnvarInv",
  "bnvar",
  "bndiff2",
  "bndiff",
  "bnmeani",
  "hprebn",
  "embcat",
  "W1",
  "b1",
  "emb",
  "C",
] as const;

/** The name of a tensor whose gradient the lecture checks. */
export type GradientName = typeof GRADIENT_NAMES[number];

/** A gradient for each of the 26 tensors. */
export type Gradients = Record<GradientName, Tensor>;

/** What {@linkcode referenceGradients} returns. */
export interface Reference {
  /** The loss TensorFlow.js computed. */
  loss: number;
  /** TensorFlow.js's forward values of the intermediates. */
  values: Record<IntermediateName, Tensor>;
  /** The gradient of the loss with respect to each of the 26 tensors. */
  grads: Gradients;
}

/** The shape of each intermediate, for a batch of n, hidden size h and so on. */
function intermediateShapes(params: Params, Xb: IndexTensor): Record<IntermediateName, Shape> {
  const [n, blockSize] = Xb.shape;
  const [vocab, nEmbd] = params.C.shape;
  const nHidden = params.W1.shape[1];
  return {
    logprobs: [n, vocab],
    probs: [n, vocab],
    countsSumInv: [n, 1],
    countsSum: [n, 1],
    counts: [n, vocab],
    normLogits: [n, vocab],
    logitMaxes: [n, 1],
    logits: [n, vocab],
    h: [n, nHidden],
    hpreact: [n, nHidden],
    bnraw: [n, nHidden],
    bnvarInv: [1, nHidden],
    bnvar: [1, nHidden],
    bndiff2: [n, nHidden],
    bndiff: [n, nHidden],
    bnmeani: [1, nHidden],
    hprebn: [n, nHidden],
    embcat: [n, blockSize * nEmbd],
    emb: [n, blockSize, nEmbd],
  };
}

function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(t.data, [...t.shape], "float32");
}

function fromTf(t: tf.Tensor): Tensor {
  return new Tensor(Float32Array.from(t.dataSync()), t.shape);
}

/**
 * Runs the lecture's chunked forward pass in TensorFlow.js on the same
 * parameters and batch, and returns the loss and the gradient of the loss
 * with respect to every intermediate and every parameter.
 *
 * Where the two autograds differ, this is TensorFlow.js's answer: at a tie
 * for the maximum of a row of logits, TensorFlow.js sends the gradient of
 * `logitMaxes` to every tied entry, PyTorch to one.
 *
 * @example
 * ```ts
 * import { lectureSplit, loadNames } from "../data.ts";
 * import { drawBatch, initParams, LECTURE_CONFIG, LECTURE_SEED } from "../model.ts";
 * import { TorchGenerator } from "../random/torch.ts";
 * // The lecture's parameters and first batch, as chapter 1 makes them.
 * const g = new TorchGenerator(LECTURE_SEED);
 * const params = initParams(LECTURE_CONFIG, g);
 * const { Xb, Yb } = drawBatch(lectureSplit(loadNames()).train, 32, g);
 * const ref = referenceGradients(params, Xb, Yb);
 * ref.loss; // about 3.3377 for the lecture's first batch
 * ```
 */
export function referenceGradients(params: Params, Xb: IndexTensor, Yb: IndexTensor): Reference {
  const shapes = intermediateShapes(params, Xb);
  const n = Xb.shape[0];
  const vocab = params.C.shape[0];
  let result: Reference | undefined;
  tf.tidy(() => {
    const xb = tf.tensor(Xb.data, [...Xb.shape], "int32");
    const yOneHot = tf.oneHot(tf.tensor1d(Yb.data, "int32"), vocab).toFloat();
    const paramTensors = [params.C, params.W1, params.b1, params.W2, params.b2, params.bngain, params.bnbias].map(toTf);
    const probes = INTERMEDIATE_NAMES.map((name) => tf.zeros([...shapes[name]]));
    const values = {} as Record<IntermediateName, Tensor>;

    const lossOf = (...inputs: tf.Tensor[]): tf.Scalar => {
      const [C, W1, b1, W2, b2, bngain, bnbias] = inputs;
      const probe = (name: IntermediateName, t: tf.Tensor): tf.Tensor => {
        const out = tf.add(t, inputs[7 + INTERMEDIATE_NAMES.indexOf(name)]);
        values[name] = fromTf(out); // read now: autograd frees intermediates after the backward pass
        return out;
      };
      const emb = probe("emb", tf.gather(C, xb));
      const embcat = probe("embcat", tf.reshape(emb, [n, -1]));
      const hprebn = probe("hprebn", tf.add(tf.matMul(embcat, W1), b1));
      const bnmeani = probe("bnmeani", tf.mul(1 / n, tf.sum(hprebn, 0, true)));
      const bndiff = probe("bndiff", tf.sub(hprebn, bnmeani));
      const bndiff2 = probe("bndiff2", tf.pow(bndiff, 2));
      const bnvar = probe("bnvar", tf.mul(1 / (n - 1), tf.sum(bndiff2, 0, true)));
      const bnvarInv = probe("bnvarInv", tf.pow(tf.add(bnvar, 1e-5), -0.5));
      const bnraw = probe("bnraw", tf.mul(bndiff, bnvarInv));
      const hpreact = probe("hpreact", tf.add(tf.mul(bngain, bnraw), bnbias));
      const h = probe("h", tf.tanh(hpreact));
      const logits = probe("logits", tf.add(tf.matMul(h, W2), b2));
      const logitMaxes = probe("logitMaxes", tf.max(logits, 1, true));
      const normLogits = probe("normLogits", tf.sub(logits, logitMaxes));
      const counts = probe("counts", tf.exp(normLogits));
      const countsSum = probe("countsSum", tf.sum(counts, 1, true));
      const countsSumInv = probe("countsSumInv", tf.pow(countsSum, -1));
      const probs = probe("probs", tf.mul(counts, countsSumInv));
      const logprobs = probe("logprobs", tf.log(probs));
      // -logprobs[range(n), Yb].mean(): pick each row's correct entry with a one-hot mask.
      return tf.neg(tf.mean(tf.sum(tf.mul(logprobs, yOneHot), 1)));
    };

    const { value, grads } = tf.valueAndGrads(lossOf)([...paramTensors, ...probes]);
    const out = {} as Gradients;
    (["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"] as const).forEach((name, i) => out[name] = fromTf(grads[i]));
    INTERMEDIATE_NAMES.forEach((name, i) => out[name] = fromTf(grads[7 + i]));
    result = { loss: value.dataSync()[0], values, grads: out };
  });
  return result!;
}
