import assert from "node:assert/strict";
import { lossCurvePath } from "./loss_curve.ts";

Deno.test("the loss curve goes beside the checkpoint", () => {
  assert.equal(lossCurvePath("checkpoints/mlp.safetensors"), "checkpoints/mlp.loss.svg");
  assert.equal(lossCurvePath("run7"), "run7.loss.svg");
});
