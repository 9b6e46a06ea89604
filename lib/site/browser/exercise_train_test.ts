import assert from "node:assert/strict";
import { paramsOf } from "./exercise_train.ts";
import { toBase64 } from "../../exercise/wire.ts";
import { Trainer } from "../../train/trainer.ts";
import type { TrainEnd } from "../../exercise/training_wire.ts";

Deno.test("the parameters sent back are taken only whole: every one, of the network's shapes, all finite", () => {
  const like = new Trainer({ steps: 1 }).params;
  const sent = Object.fromEntries(
    Object.entries(like).map(([k, t]) => [k, { shape: [...t.shape], f32: toBase64(t.data) }]),
  );
  const end = (params: typeof sent): TrainEnd & { ended: "trained" } => ({ ended: "trained", params });
  assert.deepEqual(paramsOf(end(sent), like)?.W1.data, like.W1.data);
  assert.equal(paramsOf(end({ ...sent, W1: sent.C }), like), undefined);
  const { b1: _, ...missing } = sent;
  assert.equal(paramsOf(end(missing), like), undefined);
  assert.equal(paramsOf(end({ ...sent, extra: sent.b1 }), like), undefined);
  const nan = like.W2.data.slice();
  nan[7] = NaN;
  assert.equal(paramsOf(end({ ...sent, W2: { shape: sent.W2.shape, f32: toBase64(nan) } }), like), undefined);
});
