// The table of buffer sizes is what is allocated: each holder allocates
// exactly its part of it, and the budget that config.ts checks before
// anything is allocated equals what a trainer has allocated once both steps
// and inference are made.

import assert from "node:assert/strict";
import { lectureSplit } from "../data.ts";
import { initParams, parameterCount } from "../model.ts";
import { TorchGenerator } from "../random/torch.ts";
import { bufferBytes } from "./config.ts";
import { Inference } from "./inference.ts";
import { holderBytes } from "./buffers.ts";
import { inferenceBuffers, parameterSizes, type StepDims, tsStepBuffers, wasmStepBuffers } from "./sizes.ts";
import type { TrainConfig } from "./config.ts";
import { Trainer } from "./trainer.ts";
import { dataSize, loadTrainingData, type TrainingData } from "./training_data.ts";
import { TsStep } from "./ts_step.ts";
import { WasmStep } from "./wasm/step.ts";

const names = loadTrainingData(3);
const few = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "charlotte", "amelia", "harper", "evelyn"];
const cases: [Partial<TrainConfig>, TrainingData][] = [
  [{ steps: 10 }, names],
  [{ steps: 100, blockSize: 4, nEmbd: 7, nHidden: 64, batchSize: 50 }, loadTrainingData(4)],
  [{ steps: 3, blockSize: 2, nEmbd: 3, nHidden: 13, batchSize: 5 }, lectureSplit(few, 2)],
];

Deno.test("the budget of buffers is exactly what a trainer allocates, both steps and inference included", () => {
  for (const [config, data] of cases) {
    const trainer = new Trainer(config, data);
    trainer.trainStep();
    trainer.kernels = "ts";
    trainer.trainStep();
    trainer.evaluate(data.dev); // calibrates first, with inference's buffers
    assert.ok(trainer.bnmean !== null);
    const budget = bufferBytes(trainer.config, dataSize(data));
    assert.equal(trainer.bufferBytes(), budget, `${JSON.stringify(config)}, vocabulary of ${data.vocab.size}`);
  }
});

Deno.test("each step and inference allocate exactly their part of the table", () => {
  const dims: StepDims[] = [{ n: 32, B: 3, E: 10, H: 200, V: 27 }, { n: 5, B: 2, E: 3, H: 7, V: 11 }];
  for (const d of dims) {
    assert.equal(new TsStep(d).bytes, holderBytes(tsStepBuffers(d)), `TsStep ${JSON.stringify(d)}`);
    assert.equal(new WasmStep(d).bytes, holderBytes(wasmStepBuffers(d)), `WasmStep ${JSON.stringify(d)}`);
    assert.equal(new Inference(d).bytes, holderBytes(inferenceBuffers(d)), `Inference ${JSON.stringify(d)}`);
  }
});

Deno.test("the table's parameter sizes are those of the initialised network: 12,297 at the lecture's sizes", () => {
  const sizes = parameterSizes({ n: 32, B: 3, E: 10, H: 200, V: 27 });
  const params = initParams({ vocabSize: 27, nEmbd: 10, nHidden: 200, blockSize: 3 }, new TorchGenerator(1));
  assert.equal(Object.values(sizes).reduce((a, b) => a + b, 0), 12297);
  assert.equal(parameterCount(params), 12297);
  for (const [name, size] of Object.entries(sizes)) assert.equal(params[name as keyof typeof sizes].size, size, name);
});
