/**
 * # Chapter 1. The data and the model
 *
 * Before we can take a single derivative we need the exact numbers the
 * lecture works with: the same names in the same shuffled order, the same
 * initial parameters and the same first minibatch. This chapter builds all
 * three, reproducing CPython's `random.shuffle` and PyTorch's
 * `torch.Generator` bit for bit (see `lib/random/python.ts` and
 * `lib/random/torch.ts`), so a learner can put this tutorial next to the
 * lecture's notebook and compare numbers digit for digit.
 *
 * Run it with `deno task chapter 1`.
 *
 * @module
 */

import { BOUNDARY, type Split } from "../lib/data.ts";
import { lectureSplit, loadNames } from "../lib/data.ts";
import {
  type Batch,
  drawBatch,
  GLOBAL_SEED,
  initParams,
  LECTURE_CONFIG,
  LECTURE_SEED,
  PARAM_NAMES,
  parameterCount,
  type Params,
} from "../lib/model.ts";
import { formatShape } from "../lib/tensor.ts";
import { TorchGenerator } from "../lib/random/torch.ts";
import { heading, say, table } from "../lib/report/print.ts";

/** This chapter's title. */
export const title = "The data and the model";

// ## The data
//
// `data/names.txt` holds 32,033 names, one per line. Every character that
// occurs becomes a token; the lecture sorts them and numbers them from 1,
// keeping 0 for `.`, the token that marks both the start and the end of a
// name. That makes 27 tokens.
//
// The network sees three characters of context and predicts the fourth. For
// "emma" the examples are `... → e`, `..e → m`, `.em → m`, `emm → a` and
// `mma → .`. Before building them, the lecture shuffles the names with
// `random.seed(42)` and splits them 80/10/10 into training, development
// (validation) and test names. We cache the split: every chapter uses it.

let cachedSplit: Split | undefined;

/**
 * The lecture's shuffled split of `data/names.txt` with a context of 3.
 *
 * @example
 * ```ts
 * lecture().train.count; // 182625
 * ```
 */
export function lecture(): Split {
  cachedSplit ??= lectureSplit(loadNames(), LECTURE_CONFIG.blockSize);
  return cachedSplit;
}

// ## The model and its parameters
//
// The network is the lecture's MLP with batch normalisation:
//
//     emb = C[Xb]                          [n, 3, 10]  embed each context character
//     hprebn = emb.view(n, 30) @ W1 + b1   [n, 64]     first linear layer
//     hpreact = batchnorm(hprebn)          [n, 64]     normalise, then scale by bngain and shift by bnbias
//     h = tanh(hpreact)                    [n, 64]
//     logits = h @ W2 + b2                 [n, 27]     second linear layer
//     loss = cross_entropy(logits, Yb)
//
// The lecture draws `C`, `W1`, `b1`, `W2` and `b2` from its own generator
// seeded with 2147483647, scaling `W1` by (5/3)/√30 and the rest by 0.1 so
// that the network starts out unsure rather than confidently wrong. The
// weights are deliberately not zero or round numbers: values that happen to
// cancel could hide a wrong gradient. `bngain` and `bnbias` come from
// PyTorch's global generator, which the lecture never seeded, so nobody can
// recover the lecture's own values; we seed it with `GLOBAL_SEED` (95), the
// first seed whose initial loss prints as the lecture's 3.3377.
//
// Then the minibatch: 32 random rows of the training set, drawn from the same
// generator right after the parameters.

/** Everything the exercise needs: the data, the parameters and the first batch. */
export interface Setup {
  /** The shuffled split. */
  split: Split;
  /** The lecture's initial parameters (4,137 numbers). */
  params: Params;
  /** The lecture's first minibatch of 32 examples. */
  batch: Batch;
  /** The generator `g`, after drawing the parameters and the batch. */
  g: TorchGenerator;
}

/**
 * The lecture's initial parameters and first minibatch.
 *
 * @example
 * ```ts
 * const { params, batch } = setup();
 * batch.Xb.shape; // [32, 3]
 * ```
 */
export function setup(batchSize = 32): Setup {
  const split = lecture();
  const g = new TorchGenerator(LECTURE_SEED);
  const params = initParams(LECTURE_CONFIG, g, GLOBAL_SEED);
  const batch = drawBatch(split.train, batchSize, g);
  return { split, params, batch, g };
}

/** Decodes a row of context indices into characters. */
function decode(itos: readonly string[], ix: ArrayLike<number>): string {
  return Array.from(ix, (i) => itos[i]).join("");
}

/**
 * Prints what this chapter built. Returns true: there is nothing to check here
 * that the tests do not already compare with PyTorch.
 */
export function run(): boolean {
  heading(1, title);
  const { split, params, batch } = setup();
  const { vocab } = split;
  say(`${split.words.length.toLocaleString("en-US")} names, ${vocab.size} tokens: ${vocab.itos.join("")}
    ("${BOUNDARY}" = 0 marks the start and the end of every name).`);
  say(`After random.seed(42) and random.shuffle, the names begin ${split.words.slice(0, 5).join(", ")}, …`);
  console.log(
    table([
      ["split", "names", "examples"],
      ["train (80 %)", Math.trunc(0.8 * split.words.length), split.train.count],
      ["dev (10 %)", Math.trunc(0.9 * split.words.length) - Math.trunc(0.8 * split.words.length), split.dev.count],
      ["test (10 %)", split.words.length - Math.trunc(0.9 * split.words.length), split.test.count],
    ]) + "\n",
  );
  console.log(
    table([
      ["parameter", "shape", "numbers", "drawn from"],
      ...PARAM_NAMES.map((name) => [
        name,
        formatShape(params[name].shape),
        params[name].size,
        name.startsWith("bn") ? `global generator, seed ${GLOBAL_SEED}` : `g, seed ${LECTURE_SEED}`,
      ]),
      ["total", "", parameterCount(params), ""],
    ]) + "\n",
  );
  say(`The first minibatch: ix = torch.randint(0, ${split.train.count}, (32,), generator=g) begins
    ${batch.ix.slice(0, 6).join(", ")}, …  Its first examples, context → next character:`);
  const [, blockSize] = batch.Xb.shape;
  const lines = [];
  for (let i = 0; i < 6; i++) {
    lines.push(
      `  ${decode(vocab.itos, batch.Xb.data.subarray(i * blockSize, (i + 1) * blockSize))} → ${
        vocab.itos[batch.Yb.data[i]]
      }`,
    );
  }
  console.log(lines.join("\n") + "\n");
  say(
    `Every number above is bit-identical to PyTorch 1.13 and CPython on x86-64 (the tests compare them with a dump from
    real PyTorch in data/pytorch/fixture.json).`,
  );
  return true;
}

if (import.meta.main) run();
