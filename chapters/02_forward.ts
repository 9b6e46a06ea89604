/**
 * # Chapter 2. The forward pass, in small steps
 *
 * To backpropagate by hand we first break the forward pass into pieces small
 * enough that each has a derivative we can write down in one line. This is the
 * lecture's "chunked" forward pass: batch normalisation is spelled out as a
 * mean, a difference, a variance and an inverse square root, and
 * cross-entropy as a max, a shift, an exponential, a sum, a reciprocal, a
 * product and a log. Every intermediate keeps its lecture name (in camelCase)
 * so the next four chapters can walk backwards through them.
 *
 * Run it with `deno task chapter 2`.
 *
 * @module
 */

import { formatShape, type IndexTensor, mul, neg, tanh } from "../lib/tensor.ts";
import type { Forward, Params } from "../lib/model.ts";
import { formatNumber, maxAbsDiff } from "../lib/check/compare.ts";
import { INTERMEDIATE_NAMES, referenceGradients } from "../lib/check/reference.ts";
import { fixture, fixtureTensor } from "../lib/check/fixture.ts";
import { heading, say, table } from "../lib/report/print.ts";
import { setup } from "./01_data_and_model.ts";

/** This chapter's title. */
export const title = "The forward pass, in small steps";

// The forward pass keeps every intermediate in a `Forward` record (its type
// lives in `lib/model.ts`, beside `Params`, so that the checker can name it
// too): `emb`, `embcat`, `hprebn`, the seven steps of batch normalisation
// (`bnmeani` … `hpreact`), `h`, `logits`, and the eight steps of
// cross-entropy: seven tensors (`logitMaxes` … `logprobs`) and the loss.
//
// Each line is written as close to the lecture's as TypeScript allows: the
// lecture's `embcat @ W1 + b1` is `embcat.matmul(W1).add(b1)`, read left to
// right. A number has no methods, so its `1/n * x` stays `mul(1 / n, x)`.

/**
 * The lecture's forward pass for a batch `Xb` (`[n, blockSize]`) with
 * targets `Yb` (`[n]`), keeping every intermediate.
 *
 * @example
 * ```ts
 * import { setup } from "./01_data_and_model.ts";
 * const { params, batch } = setup();
 * forward(params, batch.Xb, batch.Yb).loss; // 3.3377…
 * ```
 */
export function forward(params: Params, Xb: IndexTensor, Yb: IndexTensor): Forward {
  const { C, W1, b1, W2, b2, bngain, bnbias } = params;
  const n = Xb.shape[0];

  // ### Embedding and the first layer
  //
  // Each of the three context characters picks its row of `C`, and the three
  // rows are laid side by side into one vector of 30 numbers per example.
  const emb = C.gatherRows(Xb); // [n, 3, 10]
  const embcat = emb.reshape([n, -1]); // [n, 30]
  // The first linear layer. `b1` ([64]) is broadcast over the n rows.
  const hprebn = embcat.matmul(W1).add(b1); // [n, 64]

  // ### Batch normalisation, in seven steps
  //
  // The mean of each hidden unit over the batch…
  const bnmeani = mul(1 / n, hprebn.sum(0, true)); // [1, 64]
  // …each value's distance from it…
  const bndiff = hprebn.sub(bnmeani); // [n, 64]
  // …and the variance, with Bessel's correction: divide by n − 1, not n, as
  // the lecture does. Its argument: a batch of 32 is a small sample, for which
  // the unbiased estimate is the right one, and PyTorch's BatchNorm, which
  // uses the biased one in training but the unbiased one for its running
  // variance at test time, has a train/test mismatch.
  const bndiff2 = bndiff.pow(2); // [n, 64]
  const bnvar = mul(1 / (n - 1), bndiff2.sum(0, true)); // [1, 64]
  // 1/√(var + ε), with ε = 1e-5 keeping it finite when a unit barely varies.
  const bnvarInv = bnvar.add(1e-5).pow(-0.5); // [1, 64]
  // Each unit now has mean 0 and variance 1 over the batch…
  const bnraw = bndiff.mul(bnvarInv); // [n, 64]
  // …and the learned gain and bias give it back whatever scale it needs.
  const hpreact = bngain.mul(bnraw).add(bnbias); // [n, 64]

  // ### The non-linearity and the second layer
  const h = tanh(hpreact); // [n, 64]
  const logits = h.matmul(W2).add(b2); // [n, 27]

  // ### Cross-entropy, in eight steps
  //
  // Subtracting each row's maximum changes no probability (it cancels between
  // the numerator and the denominator of the softmax) but keeps `exp` from
  // overflowing.
  const { values: logitMaxes, indices: logitArgmax } = logits.max(1, true); // [n, 1]
  const normLogits = logits.sub(logitMaxes); // [n, 27]
  const counts = normLogits.exp(); // [n, 27]
  const countsSum = counts.sum(1, true); // [n, 1]
  // The lecture writes `counts_sum**-1` rather than `1.0 / counts_sum`: with
  // the division, PyTorch's own backward did not come out bit-identical to the
  // hand-written one, and the lecture wanted exact matches to check against.
  const countsSumInv = countsSum.pow(-1); // [n, 1]
  const probs = counts.mul(countsSumInv); // [n, 27]
  const logprobs = probs.log(); // [n, 27]
  // The loss: the mean over the batch of minus the log probability the
  // network gave to the character that really came next. The lecture's
  // `logprobs[range(n), Yb]`, one entry per row, is `logprobs.pickPerRow(Yb)`.
  const loss = neg(logprobs.pickPerRow(Yb).mean()).item(); // a number

  return {
    emb,
    embcat,
    hprebn,
    bnmeani,
    bndiff,
    bndiff2,
    bnvar,
    bnvarInv,
    bnraw,
    hpreact,
    h,
    logits,
    logitMaxes,
    logitArgmax,
    normLogits,
    counts,
    countsSum,
    countsSumInv,
    probs,
    logprobs,
    loss,
  };
}

/**
 * The forward pass of the lecture's first batch, as later chapters need it.
 *
 * @example
 * ```ts
 * const { fwd } = lectureForward();
 * fwd.loss; // 3.3377…
 * ```
 */
export function lectureForward(): ReturnType<typeof setup> & { fwd: Forward } {
  const s = setup();
  return { ...s, fwd: forward(s.params, s.batch.Xb, s.batch.Yb) };
}

/** How close a forward value must be: 1e-5 relative to the tensor's largest entry. */
const FORWARD_TOLERANCE = 1e-5;

/** Prints the loss three ways and checks every intermediate against TensorFlow.js and PyTorch. */
export function run(): boolean {
  heading(2, title);
  const { params, batch, fwd } = lectureForward();
  const ref = referenceGradients(params, batch.Xb, batch.Yb);
  console.log(`The loss of the first batch, before any training:

  ours           ${fwd.loss.toFixed(7)}
  TensorFlow.js  ${ref.loss.toFixed(7)}   difference ${formatNumber(Math.abs(fwd.loss - ref.loss))}
  PyTorch 1.13   ${fixture.loss.toFixed(7)}   difference ${formatNumber(Math.abs(fwd.loss - fixture.loss))}
`);
  say(`The lecture printed 3.3377. A network that knew nothing would give every character 1/27, a loss of
    −ln(1/27) = ${Math.log(27).toFixed(4)}; the small initial weights keep us close to that.`);
  say(`Each intermediate against TensorFlow.js's and PyTorch's forward values. Float32 arithmetic done in another order
    differs in the last bits, so we ask for agreement to 1e-5 of each tensor's largest entry.`);
  const names = [...INTERMEDIATE_NAMES].reverse();
  let ok = Math.abs(fwd.loss - ref.loss) < 1e-5 && Math.abs(fwd.loss - fixture.loss) < 1e-5;
  const rows: (string | number)[][] = [["name", "shape", "largest |x|", "vs TensorFlow.js", "vs PyTorch", "ok"]];
  for (const name of names) {
    const ours = fwd[name];
    const scale = Math.max(...Array.from(ours.data, Math.abs));
    const dTf = maxAbsDiff(ours.data, ref.values[name].data);
    const dTorch = maxAbsDiff(ours.data, fixtureTensor("forward", name));
    const good = dTf <= FORWARD_TOLERANCE * scale && dTorch <= FORWARD_TOLERANCE * scale;
    ok &&= good;
    rows.push([
      name,
      formatShape(ours.shape),
      formatNumber(scale),
      formatNumber(dTf),
      formatNumber(dTorch),
      good ? "yes" : "NO",
    ]);
  }
  console.log(table(rows) + "\n");
  return ok;
}

if (import.meta.main && !run()) Deno.exitCode = 1;
