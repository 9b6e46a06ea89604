import assert from "node:assert/strict";
import { tensor } from "../tensor.ts";
import type { Forward } from "../model.ts";
import { trainLoaded } from "./train_runner.ts";
import type { TrainHeader } from "./training_wire.ts";
import { pack } from "./wire.ts";

// One parameter, b2 = [1], and a loss of b2²: two steps at lr 0.5 take it to 0.
const header: Omit<TrainHeader, "forward"> = {
  program: "",
  params: pack({ b2: tensor([1]) }),
  Xb: { $i32: "AAAAAAAAAAA=", shape: [2, 1] },
  Yb: { $i32: "AAAAAAAAAAA=", shape: [2] },
  n: 1,
  steps: 2,
  lr: 0.5,
  decayStep: 2,
  decay: 0.1,
  every: 1,
};
const forward = (p: { b2: { data: Float32Array } }) => ({ loss: p.b2.data[0] ** 2 }) as unknown as Forward;

Deno.test("the learner's gradients() trains the header's parameters, the losses handed on as they come", async () => {
  const progress: [number, number[]][] = [];
  const gradients = ({ params }: { params: { b2: ReturnType<typeof tensor> } }) => ({ db2: params.b2.mul(2) });
  const end = await trainLoaded(
    header,
    forward as never,
    () => Promise.resolve({ __gradients: gradients }),
    (step, losses) => progress.push([step, losses]),
  );
  assert.equal(end.ended, "trained");
  assert.deepEqual(progress, [[1, [1]], [2, [0]]]);
});

Deno.test("a module that throws as it loads, or has no gradients(), stops the training at step 0 with why", async () => {
  const threw = await trainLoaded(header, forward as never, () => Promise.reject(new Error("boom")), () => {});
  assert.deepEqual(threw.ended === "stopped" && [threw.step, threw.why, threw.threw?.text], [
    0,
    "your file threw as it was loaded",
    "boom",
  ]);
  const none = await trainLoaded(header, forward as never, () => Promise.resolve({ __gradients: 1 }), () => {});
  assert.deepEqual(none.ended === "stopped" && none.why, "your file does not export a function gradients(input)");
});
