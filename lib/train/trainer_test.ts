// The training loop (its first step is checked against the chapters and
// PyTorch in chapters/training_test.ts): the checkpoint round trip, interrupt-and-resume, bad input and the NaN stop.

import assert from "node:assert/strict";
import { checkpointBytes, CheckpointError, trainerFromCheckpoint } from "./checkpoint.ts";
import { PARAM_NAMES, parameterCount } from "../model.ts";
import { encodeSafetensors } from "./safetensors.ts";
import { DEFAULT_CONFIG, loadTrainingData, Trainer, validateConfig } from "./trainer.ts";

const data = loadTrainingData(3);

Deno.test("the lecture's training network has 12,297 parameters", () => {
  const trainer = new Trainer({ steps: 10 }, data);
  assert.equal(parameterCount(trainer.params), 12297);
});

Deno.test("the loss goes down, the learning rate decays on schedule, and samples are names", () => {
  const trainer = new Trainer({ steps: 2000, decayStep: 1000 }, data);
  const first = trainer.trainStep();
  let last = 0;
  while (trainer.step < 2000) last = trainer.trainStep();
  assert.ok(last < first - 0.5, `loss went from ${first} to ${last}`);
  assert.equal(trainer.learningRate(999), 0.1);
  assert.ok(Math.abs(trainer.learningRate(1000) - 0.01) < 1e-15);
  assert.ok(trainer.evaluate(data.dev) < 2.6);
  const names = trainer.sample(20);
  assert.equal(names.length, 20);
  for (const name of names) assert.match(name, /^[a-z]*$/);
  assert.deepEqual(trainer.sample(20), names, "the same seed gives the same samples");
});

Deno.test("a checkpoint round trip keeps every parameter, the step and the generator", () => {
  const trainer = new Trainer({ steps: 300 }, data);
  for (let i = 0; i < 100; i++) trainer.trainStep();
  trainer.calibrate();
  const restored = trainerFromCheckpoint(checkpointBytes(trainer), "memory", data);
  assert.equal(restored.step, 100);
  for (const name of PARAM_NAMES) assert.deepEqual(restored.params[name].data, trainer.params[name].data);
  assert.deepEqual(restored.generatorState(), trainer.generatorState());
  assert.deepEqual(restored.bnmean, trainer.bnmean);
  assert.deepEqual(restored.lossLog10.subarray(0, 100), trainer.lossLog10.subarray(0, 100));
  assert.deepEqual(restored.sample(5), trainer.sample(5));
});

Deno.test("an interrupted and resumed run ends bit-identical to an uninterrupted one", () => {
  const config = { steps: 600, decayStep: 300 };
  const straight = new Trainer(config, data);
  while (straight.step < 600) straight.trainStep();
  const first = new Trainer(config, data);
  while (first.step < 250) first.trainStep();
  const resumed = trainerFromCheckpoint(checkpointBytes(first), "memory", data);
  while (resumed.step < 600) resumed.trainStep();
  for (const name of PARAM_NAMES) assert.deepEqual(resumed.params[name].data, straight.params[name].data, name);
  assert.deepEqual(resumed.lossLog10, straight.lossLog10);
});

Deno.test("a loss that becomes NaN or infinite stops the step without touching the parameters", () => {
  const trainer = new Trainer({ steps: 100, lr: 1e30 }, data);
  let loss = trainer.trainStep();
  while (Number.isFinite(loss) && trainer.step < 100) loss = trainer.trainStep();
  assert.ok(!Number.isFinite(loss), "a learning rate of 1e30 must blow up");
  const before = trainer.params.W1.data.slice();
  const step = trainer.step;
  assert.ok(!Number.isFinite(trainer.trainStep()));
  assert.equal(trainer.step, step, "the failed step is not counted");
  assert.deepEqual(trainer.params.W1.data, before);
});

Deno.test("bad configurations are RangeErrors naming the field and what is allowed", () => {
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, batchSize: 1 }), {
    name: "RangeError",
    message: /batchSize must be a whole number ≥ 2 \(batchnorm/,
  });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, steps: -5 }), {
    message: /steps must be a whole number ≥ 0, got -5/,
  });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, lr: NaN }), { message: /lr must be a number > 0/ });
  assert.throws(() => validateConfig({ ...DEFAULT_CONFIG, nHidden: 2.5 }), {
    message: /nHidden must be a whole number/,
  });
});

Deno.test("truncated, foreign, misshapen and other-vocabulary checkpoints are refused with a clear error", () => {
  const trainer = new Trainer({ steps: 10 }, data);
  const bytes = checkpointBytes(trainer);
  assert.throws(() => trainerFromCheckpoint(bytes.subarray(0, bytes.length - 100), "cut.safetensors", data), {
    name: "CheckpointError",
    message:
      /^cut\.safetensors is not a usable safetensors file: tensor .* runs past the end of the file \(truncated\?\)/,
  });
  assert.throws(() => trainerFromCheckpoint(bytes.subarray(0, 5), "tiny.safetensors", data), {
    name: "CheckpointError",
    message: /fewer than the 8/,
  });
  assert.throws(() => trainerFromCheckpoint(encodeSafetensors({}, { format: "other" }), "x.safetensors", data), {
    message: /x\.safetensors: not a checkpoint of this project/,
  });
  const reshaped = new TextDecoder("latin1").decode(bytes).replace('\\"nHidden\\":200', '\\"nHidden\\":100');
  assert.throws(
    () => trainerFromCheckpoint(Uint8Array.from(reshaped, (c) => c.charCodeAt(0)), "shape.safetensors", data),
    {
      message: /shape\.safetensors: W1 has shape \[30, 200\], but its configuration needs \[30, 100\]/,
    },
  );
  const revocab = new TextDecoder("latin1").decode(bytes).replace(
    '"vocab":".abcdefghijklmnopqrstuvwxyz"',
    '"vocab":".abcdefghijklmnopqrstuvwxyA"',
  );
  assert.throws(
    () => trainerFromCheckpoint(Uint8Array.from(revocab, (c) => c.charCodeAt(0)), "vocab.safetensors", data),
    {
      message: /vocab\.safetensors: it was trained on the vocabulary/,
    },
  );
  assert.throws(() => trainerFromCheckpoint(bytes, "x", data, { steps: -1 }), CheckpointError);
});

Deno.test("the WebAssembly and TypeScript kernels train alike, and a run may switch between them", () => {
  const config = { steps: 300, decayStep: 150 };
  const wasm = new Trainer(config, data);
  const ts = new Trainer(config, data, undefined, { kernels: "ts" });
  const mixed = new Trainer(config, data);
  while (wasm.step < 300) {
    const [a, b] = [wasm.trainStep(), ts.trainStep()];
    mixed.kernels = mixed.step % 100 < 50 ? "wasm" : "ts";
    const c = mixed.trainStep();
    assert.ok(Math.abs(a - b) < 2e-3 && Math.abs(a - c) < 2e-3, `step ${wasm.step}: wasm ${a}, ts ${b}, mixed ${c}`);
  }
  for (const name of PARAM_NAMES) {
    const scale = Math.max(...Array.from(ts.params[name].data, Math.abs));
    ts.params[name].data.forEach((v, i) =>
      assert.ok(Math.abs(wasm.params[name].data[i] - v) <= 1e-3 * scale, `${name}[${i}] after 300 steps`)
    );
  }
  assert.ok(Math.abs(wasm.evaluate(data.dev) - ts.evaluate(data.dev)) < 1e-3);
  assert.throws(() => {
    (wasm as { kernels: string }).kernels = "gpu";
    wasm.trainStep();
  }, /kernels must be "wasm" or "ts", got gpu/);
});
