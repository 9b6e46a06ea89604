// How much faster the fused backward passes of chapters 7 and 8 are than the
// atomic ones of chapters 3 and 5, on the lecture's first batch.
//
//     deno bench chapters/fused_bench.ts

import { lectureForward } from "./02_forward.ts";
import { backpropCrossEntropy } from "./03_cross_entropy.ts";
import { backpropOutputLayer } from "./04_output_layer.ts";
import { backpropBatchnorm } from "./05_batchnorm.ts";
import { crossEntropyBackward } from "./07_fused_cross_entropy.ts";
import { batchnormBackward } from "./08_fused_batchnorm.ts";

const { params, batch, fwd } = lectureForward();
const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);

Deno.bench("cross-entropy backward, atomic (chapter 3)", { group: "cross-entropy", baseline: true }, () => {
  backpropCrossEntropy(fwd, batch.Yb);
});

Deno.bench("cross-entropy backward, fused (chapter 7)", { group: "cross-entropy" }, () => {
  crossEntropyBackward(fwd.logits, batch.Yb);
});

Deno.bench("batchnorm backward, atomic (chapter 5)", { group: "batchnorm", baseline: true }, () => {
  backpropBatchnorm(dhpreact, fwd, params);
});

Deno.bench("batchnorm backward, fused (chapter 8)", { group: "batchnorm" }, () => {
  batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain);
});
