// deno-lint-ignore-file no-unused-vars -- every tensor function is imported for you to use
/**
 * # Exercise 9. The whole backward pass, then training with it: your turn
 *
 * The lecture's exercise 4: write the backward pass of a whole training
 * step as one function, from the loss down to every parameter, then train
 * the network with it. The fused cross-entropy (exercise 7) and the fused
 * batchnorm (exercise 8) are allowed, and recommended: this is the backward
 * pass of chapter 9.
 *
 * Replace each `todo(...)` with your gradient, then check your work with
 *
 *     deno task exercise 9
 *
 * which checks every gradient on the lecture's batch (the seven parameter
 * gradients against the kernels' training step that `deno task train` runs)
 * and names the likely mistake of a wrong one. Once all are right, it trains
 * the lecture's 200-unit network with your function for 3,000 steps (the
 * forward pass is chapter 2's, the backward pass is yours), draws your loss
 * curve beside the kernels' from the same start on the same batches,
 * calibrates batchnorm, measures the loss on the training and validation
 * sets, and samples names from the network your gradients trained. Stuck on
 * one? The hints come in steps, each a little closer to the answer:
 *
 *     deno task exercise 9 --hint dhprebn            # 1. the forward line and the shapes
 *     deno task exercise 9 --hint dhprebn --level 2  # 2. the local derivative
 *     deno task exercise 9 --hint dhprebn --level 3  # 3. the structure of the answer, its pieces named
 *     deno task exercise 9 --solution dhprebn        # the chapters' own lines, only when you ask
 *
 * `deno task exercise --api` lists every tensor operation, and the
 * lecture's PyTorch as you write it here. `deno task exercise 9 --watch`
 * checks again every time you save.
 *
 * Write it for any size: it is checked on the lecture's 64 hidden units and
 * trains with 200, so take sizes from the tensors (`n`, `logits.shape[1]`),
 * never as numbers. Chapters 4 to 8 solve its parts; chapter 9 runs them.
 *
 * The API at hand, read from lib/tensor.ts. A Tensor's numbers are a flat array, row after row:
 *
 *     Tensor       A float32 tensor: a flat row-major data array and a shape. Entry [i, j] of a [rows, cols]
 *                  tensor is data[i * cols + j].
 *     IndexTensor  Integer indices with a shape, like the lecture's Xb ([32, 3]) and Yb ([32]), laid out as a
 *                  Tensor is: Xb[k, j] is Xb.data[k * 3 + j].
 *     t.data       The numbers, row-major.
 *     t.shape      The size of each axis.
 *
 * Every method is also a function of the tensor first (`a.mul(b)` is `mul(a, b)`), so a formula may start with a
 * number: `mul(-0.5, x)`. The operations:
 *
 *     a.add(b)                        Elementwise a + b, with broadcasting; b may be a number.
 *     a.sub(b)                        Elementwise a - b, with broadcasting; b may be a number.
 *     a.mul(b)                        Elementwise a * b, with broadcasting; b may be a number.
 *     a.div(b)                        Elementwise a / b, with broadcasting; b may be a number.
 *     t.pow(exponent)                 Elementwise t ** exponent.
 *     t.sum(axis?, keepdim?)          The sum over axis, keeping it as size 1 if keepdim; of everything without an
 *                                     axis.
 *     t.softmax(axis?)                Softmax over axis (the last by default).
 *     a.matmul(b)                     The matrix product a @ b, [n, k] by [k, m] giving [n, m].
 *     t.T                             The transpose of a matrix, as PyTorch's t.T: h.T.matmul(dlogits).
 *     t.reshape(shape)                The same numbers with another shape, sharing the data (PyTorch's view); one
 *                                     size may be -1.
 *     t.scatterAddRows(indices, src)  Adds each row of src to the row of this table that indices names, in place;
 *                                     a row named twice gets both.
 *     zeros(shape)                    A tensor of zeros.
 *     oneHot(indices, numClasses)     One-hot rows: F.one_hot(idx, numClasses) as float32, [n, numClasses].
 *
 * @module
 */

import {
  add,
  clone,
  div,
  exp,
  indexTensor,
  log,
  matmul,
  max,
  mean,
  mul,
  neg,
  oneHot,
  ones,
  pow,
  reshape,
  scatterAddRows,
  softmax,
  sub,
  sum,
  sumToShape,
  tanh,
  type Tensor,
  transpose,
  zeros,
} from "../../lib/tensor.ts";
import { type ExerciseInput, todo } from "../../lib/exercise/learner.ts";

/** Your backward pass of one training step: the gradient of the loss for every parameter, from the loss down. */
export function gradients({ fwd, params, batch, n }: ExerciseInput): Record<string, Tensor> {
  // The forward pass you are inverting (chapter 2), nHidden = 64 here and 200 in training:
  //   emb = C[Xb]; embcat = emb.view(n, 30)             [n, 30]
  //   hprebn = embcat @ W1 + b1                         [n, nHidden]
  //   hpreact = bngain · bnraw + bnbias                 [n, nHidden]   (bnraw: hprebn normalised over the batch)
  //   h = tanh(hpreact)                                 [n, nHidden]
  //   logits = h @ W2 + b2                              [n, 27]
  //   loss = cross_entropy(logits, Yb)                  a number
  const { emb, embcat, hprebn, bnraw, bnvarInv, hpreact, h, logits } = fwd;
  const { C, W1, b1, bngain, bnbias, W2, b2 } = params;
  const { Xb, Yb } = batch;
  const vocab = logits.shape[1]; // 27

  // Cross-entropy in one step (exercise 7).
  const dlogits = todo(logits); // [n, 27]
  // The second layer and tanh (exercise 4).
  const dh = todo(h); // [n, nHidden]
  const dW2 = todo(W2); // [nHidden, 27]
  const db2 = todo(b2); // [27]
  const dhpreact = todo(hpreact); // [n, nHidden]
  // Batchnorm's gain and bias (exercise 5), then batchnorm in one step (exercise 8).
  const dbngain = todo(bngain); // [1, nHidden]
  const dbnbias = todo(bnbias); // [1, nHidden]
  const dhprebn = todo(hprebn); // [n, nHidden]
  // The first layer and the embedding (exercise 6).
  const dembcat = todo(embcat); // [n, 30]
  const dW1 = todo(W1); // [30, nHidden]
  const db1 = todo(b1); // [nHidden]
  const demb = todo(emb); // [n, 3, 10]
  const dC = todo(C); // [27, 10]

  return { dlogits, dh, dW2, db2, dhpreact, dbngain, dbnbias, dhprebn, dembcat, dW1, db1, demb, dC };
}
