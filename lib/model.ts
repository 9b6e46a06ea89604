/**
 * The lecture's network, its parameters and its first minibatch.
 *
 * The lecture initialises with `g = torch.Generator().manual_seed(2147483647)`:
 * `C`, then `W1` scaled by (5/3)/√(n_embd·block_size) (Kaiming for tanh),
 * then `b1`, `W2`, `b2` scaled by 0.1, and draws the batch indices from the
 * same `g` afterwards. `bngain` and `bnbias` come from PyTorch's global
 * generator, which the lecture never seeded (see {@linkcode GLOBAL_SEED}).
 *
 * @example
 * ```ts
 * import { drawBatch, initParams, parameterCount } from "./model.ts";
 * import { lectureSplit, loadNames } from "./data.ts";
 * import { TorchGenerator } from "./random/torch.ts";
 * const split = lectureSplit(loadNames());
 * const g = new TorchGenerator(2147483647);
 * const params = initParams({ vocabSize: 27, nEmbd: 10, nHidden: 64, blockSize: 3 }, g);
 * parameterCount(params); // 4137
 * const { Xb, Yb } = drawBatch(split.train, 32, g);
 * ```
 * @module
 */

import type { Dataset } from "./data.ts";
import { fromArray, type IndexTensor, indexTensor, type Tensor } from "./tensor.ts";
import { TorchGenerator } from "./random/torch.ts";

/** The lecture's seed for its own generator `g`. */
export const LECTURE_SEED = 2147483647;

/**
 * Our seed for PyTorch's global generator, from which the lecture draws
 * `bngain` and `bnbias` without seeding it (a fresh PyTorch process seeds it
 * from /dev/urandom, so the lecture's own values are lost). With this seed,
 * `torch.manual_seed(GLOBAL_SEED)` in PyTorch gives our values. It is the
 * first seed from 0 whose initial loss prints as the lecture's 3.3377.
 */
export const GLOBAL_SEED = 95;

/** The sizes of the network. */
export interface ModelConfig {
  /** How many tokens (27). */
  vocabSize: number;
  /** The width of a character embedding (10). */
  nEmbd: number;
  /** The number of hidden units (64 in exercise 1, 200 in training). */
  nHidden: number;
  /** How many characters of context (3). */
  blockSize: number;
}

/** The lecture's exercise-1 network: 4,137 parameters. */
export const LECTURE_CONFIG: ModelConfig = { vocabSize: 27, nEmbd: 10, nHidden: 64, blockSize: 3 };

/** The seven parameter tensors, named as in the lecture. */
export interface Params {
  /** Embedding table `[vocabSize, nEmbd]`. */
  C: Tensor;
  /** First layer weights `[nEmbd·blockSize, nHidden]`. */
  W1: Tensor;
  /** First layer bias `[nHidden]` (useless before batchnorm, kept "for fun" as in the lecture). */
  b1: Tensor;
  /** Second layer weights `[nHidden, vocabSize]`. */
  W2: Tensor;
  /** Second layer bias `[vocabSize]`. */
  b2: Tensor;
  /** Batchnorm gain `[1, nHidden]`. */
  bngain: Tensor;
  /** Batchnorm bias `[1, nHidden]`. */
  bnbias: Tensor;
}

/** The parameter names, in the lecture's order. */
export const PARAM_NAMES = ["C", "W1", "b1", "W2", "b2", "bngain", "bnbias"] as const;

/**
 * Builds a full set of parameters, one tensor per name.
 *
 * @example
 * ```ts
 * import { zeros } from "./tensor.ts";
 * import { TorchGenerator } from "./random/torch.ts";
 * const params = initParams(LECTURE_CONFIG, new TorchGenerator(LECTURE_SEED));
 * const grads = mapParams((name) => zeros(params[name].shape)); // one zero gradient per parameter
 * grads.W1.shape; // [30, 64]
 * ```
 */
export function mapParams(make: (name: typeof PARAM_NAMES[number]) => Tensor): Params {
  const out = {} as Params;
  for (const name of PARAM_NAMES) out[name] = make(name);
  return out;
}

/**
 * How many numbers the parameters hold.
 *
 * @example
 * ```ts
 * import { TorchGenerator } from "./random/torch.ts";
 * parameterCount(initParams(LECTURE_CONFIG, new TorchGenerator(LECTURE_SEED))); // 4137
 * ```
 */
export function parameterCount(params: Params): number {
  return PARAM_NAMES.reduce((total, name) => total + params[name].size, 0);
}

/** `x * s` as PyTorch computes a float32 tensor times a Python float: s rounded to float32 first. */
function scaled(values: Float32Array, s: number): Float32Array {
  const sf = Math.fround(s);
  return values.map((v) => v * sf);
}

/**
 * The lecture's initialisation: `C`, `W1`, `b1`, `W2`, `b2` from `g` (in that
 * order), then `bngain = randn·0.1 + 1` and `bnbias = randn·0.1` from the
 * global generator seeded with `globalSeed`.
 *
 * @example
 * ```ts
 * import { TorchGenerator } from "./random/torch.ts";
 * const params = initParams(LECTURE_CONFIG, new TorchGenerator(LECTURE_SEED));
 * params.W1.shape; // [30, 64]
 * ```
 */
export function initParams(config: ModelConfig, g: TorchGenerator, globalSeed: number = GLOBAL_SEED): Params {
  const { vocabSize, nEmbd, nHidden, blockSize } = config;
  const fanIn = nEmbd * blockSize;
  const C = g.randn(vocabSize * nEmbd);
  // torch.randn(...) * (5/3) / (fan_in ** 0.5): two float32 operations, left to right.
  const gain = Math.fround(5 / 3);
  const root = Math.fround(Math.sqrt(fanIn));
  const W1 = g.randn(fanIn * nHidden).map((v) => Math.fround(v * gain) / root);
  const b1 = scaled(g.randn(nHidden), 0.1);
  const W2 = scaled(g.randn(nHidden * vocabSize), 0.1);
  const b2 = scaled(g.randn(vocabSize), 0.1);
  const global = new TorchGenerator(globalSeed);
  const bngain = scaled(global.randn(nHidden), 0.1).map((v) => v + 1);
  const bnbias = scaled(global.randn(nHidden), 0.1);
  return {
    C: fromArray(C, [vocabSize, nEmbd]),
    W1: fromArray(W1, [fanIn, nHidden]),
    b1: fromArray(b1, [nHidden]),
    W2: fromArray(W2, [nHidden, vocabSize]),
    b2: fromArray(b2, [vocabSize]),
    bngain: fromArray(bngain, [1, nHidden]),
    bnbias: fromArray(bnbias, [1, nHidden]),
  };
}

/** A minibatch: the indices drawn and the examples they pick. */
export interface Batch {
  /** Which training examples, `torch.randint(0, count, (n,), generator=g)`. */
  ix: number[];
  /** Contexts `[n, blockSize]`. */
  Xb: IndexTensor;
  /** Targets `[n]`. */
  Yb: IndexTensor;
}

/**
 * Draws a minibatch as the lecture does: `ix = torch.randint(0, Xtr.shape[0],
 * (batch_size,), generator=g)`, then `Xb, Yb = Xtr[ix], Ytr[ix]`.
 *
 * @example
 * ```ts
 * import { lectureSplit, loadNames } from "./data.ts";
 * import { TorchGenerator } from "./random/torch.ts";
 * const split = lectureSplit(loadNames());
 * const g = new TorchGenerator(LECTURE_SEED);
 * initParams(LECTURE_CONFIG, g); // the lecture draws the parameters from g first
 * const { Xb, Yb } = drawBatch(split.train, 32, g);
 * Xb.shape; // [32, 3]
 * Yb.shape; // [32]
 * ```
 */
export function drawBatch(data: Dataset, batchSize: number, g: TorchGenerator): Batch {
  const ix = g.randint(0, data.count, batchSize);
  const { blockSize } = data;
  const Xb = new Int32Array(batchSize * blockSize);
  const Yb = new Int32Array(batchSize);
  ix.forEach((row, i) => {
    Xb.set(data.X.subarray(row * blockSize, (row + 1) * blockSize), i * blockSize);
    Yb[i] = data.Y[row];
  });
  return { ix, Xb: indexTensor(Xb, [batchSize, blockSize]), Yb: indexTensor(Yb, [batchSize]) };
}

/**
 * Every intermediate of the lecture's chunked forward pass (chapter 2),
 * named as in the lecture. The chapters fill it; the exercise checker reads it.
 */
export interface Forward {
  emb: Tensor;
  embcat: Tensor;
  hprebn: Tensor;
  bnmeani: Tensor;
  bndiff: Tensor;
  bndiff2: Tensor;
  bnvar: Tensor;
  bnvarInv: Tensor;
  bnraw: Tensor;
  hpreact: Tensor;
  h: Tensor;
  logits: Tensor;
  logitMaxes: Tensor;
  /** Where each row's maximum is: the backward pass needs it. */
  logitArgmax: IndexTensor;
  normLogits: Tensor;
  counts: Tensor;
  countsSum: Tensor;
  countsSumInv: Tensor;
  probs: Tensor;
  logprobs: Tensor;
  /** The mean negative log-likelihood, a number. */
  loss: number;
}
