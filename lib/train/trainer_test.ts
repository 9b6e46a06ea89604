// The training loop (its first step is checked against the chapters and
// PyTorch in chapters/training_test.ts): the loss going down, the NaN stop,
// the two steps alike, and the parameters handed between them.

import assert from "node:assert/strict";
import { PARAM_NAMES, parameterCount } from "../model.ts";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";

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
  const { Xb, Yb } = wasm.lastBatch();
  assert.throws(() => wasm.trainOnBatch(Xb.map((x, i) => (i === 5 ? 27 : x)), Yb), {
    message: "Cannot train on a batch with character index 27: the vocabulary has 27 characters",
  });
  assert.throws(() => wasm.trainOnBatch(Xb, Yb.map(() => -1)), /character index -1/);
  assert.throws(() => {
    (wasm as { kernels: string }).kernels = "gpu";
    wasm.trainStep();
  }, /kernels must be "wasm" or "ts", got gpu/);
});

Deno.test("the parameters as read are current, and what is written to them is what the next step starts from", () => {
  for (const kernels of ["wasm", "ts"] as const) {
    const trainer = new Trainer({ steps: 10 }, data, undefined, { kernels });
    trainer.trainStep();
    const before = trainer.params.W1.data.slice();
    trainer.trainStep();
    assert.notDeepEqual(trainer.params.W1.data, before, `${kernels}: the second step's W1 is read back`);
    // With W2 and b2 zero every logit is zero: the next loss is exactly that of a uniform guess, log 27.
    trainer.params.W2.data.fill(0);
    trainer.params.b2.data.fill(0);
    const loss = trainer.trainStep();
    assert.ok(Math.abs(loss - Math.log(27)) < 1e-6, `${kernels}: loss ${loss} after zeroing W2 and b2, not log 27`);
    // And the kernels switched mid-run take over the parameters as the other step left them.
    const other = kernels === "wasm" ? "ts" : "wasm";
    const W2 = trainer.params.W2.data.slice();
    trainer.kernels = other;
    trainer.trainStep();
    const { W2: dW2 } = trainer.lastGradients();
    const lr = trainer.learningRate(trainer.step - 1);
    const moved = trainer.params.W2.data;
    for (let i = 0; i < W2.length; i += 97) {
      assert.ok(
        Math.abs(W2[i] - lr * dW2[i] - moved[i]) <= 1e-6,
        `${other}: W2[${i}] ${moved[i]}, expected from ${W2[i]}`,
      );
    }
  }
});
