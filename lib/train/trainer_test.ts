// The training loop (its first step is checked against the chapters and
// PyTorch in chapters/training_test.ts): the checkpoint round trip, interrupt-and-resume, bad input and the NaN stop.

import assert from "node:assert/strict";
import { checkpointBytes, CheckpointError, saveCheckpoint, trainerFromCheckpoint } from "./checkpoint.ts";
import { PARAM_NAMES, parameterCount } from "../model.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { type Header, headerLengthBytes, rewriteHeader } from "./testing.ts";
import { ConfigError } from "./config.ts";
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

Deno.test("truncated, foreign, misshapen and other-vocabulary checkpoints are refused with a clear error", () => {
  const trainer = new Trainer({ steps: 10 }, data);
  const bytes = checkpointBytes(trainer);
  assert.throws(() => trainerFromCheckpoint(bytes.subarray(0, bytes.length - 100), "cut.safetensors", data), {
    name: "CheckpointError",
    message:
      /^cut\.safetensors is not a usable safetensors file: its header declares [\d,]+ bytes of data but the file has [\d,]+ \(truncated\?\)$/,
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
  assert.throws(
    () => trainerFromCheckpoint(bytes, "x", data, { steps: -1 }),
    ConfigError,
    "the flags' error, not the file's",
  );
});

Deno.test("sampling at a temperature as small as 1e-320 picks the likeliest character instead of failing", () => {
  const trainer = new Trainer({ steps: 50 }, data);
  while (trainer.step < 50) trainer.trainStep();
  const names = trainer.sample(3, 1, 1e-320);
  assert.equal(names.length, 3);
  assert.equal(new Set(names).size, 1, "with no randomness left every sample is the same");
  for (const name of names) assert.match(name, /^[a-z]*$/);
});

Deno.test("parameters that are not finite are never saved", async () => {
  const trainer = new Trainer({ steps: 10 }, data);
  trainer.params.W2.data[7] = NaN;
  await assert.rejects(() => saveCheckpoint("never-written.safetensors", trainer), {
    name: "CheckpointError",
    message: "refusing to save never-written.safetensors: W2[7] is NaN",
    badValue: "W2[7] is NaN",
  });
  trainer.params.W2.data[7] = 0;
  trainer.bnvar = new Float32Array(200).fill(1);
  trainer.bnmean = new Float32Array(200);
  trainer.bnvar[3] = -1;
  await assert.rejects(() => saveCheckpoint("never-written.safetensors", trainer), {
    message: /bnvar\[3\] is -1, but a variance is never negative$/,
  });
});

Deno.test("a resumed run keeps the loss history whole, and a --steps below the checkpoint's step is refused", () => {
  const first = new Trainer({ steps: 100 }, data);
  while (first.step < 100) first.trainStep();
  const bytes = checkpointBytes(first);
  const resumed = trainerFromCheckpoint(bytes, "memory", data, { steps: 150 });
  assert.deepEqual(resumed.lossLog10.subarray(0, 100), first.lossLog10);
  while (resumed.step < 150) resumed.trainStep();
  const again = trainerFromCheckpoint(checkpointBytes(resumed), "memory", data, { steps: 200 });
  assert.deepEqual(again.lossLog10.subarray(0, 150), resumed.lossLog10);
  assert.ok(again.lossLog10.subarray(0, 150).every((x) => x !== 0), "no zeros in the history");
  assert.throws(() => trainerFromCheckpoint(bytes, "memory", data, { steps: 50 }), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(
      error.describe((f) => `--${f}`),
      "--steps 50 is below the checkpoint's step 100: a resumed run can only go on",
    );
    return true;
  });
});

/** One damaged field per case: the edit, then the one line that must name the file and the field. */
const DAMAGE: [string, (h: Header) => void, RegExp][] = [
  [
    "generator {}",
    (h) => (h.__metadata__.generator = "{}"),
    /: generator has no mt \(the twister's state\)$/,
  ],
  ["generator null", (h) => (h.__metadata__.generator = "null"), /: generator is null, not an object$/],
  ["generator not JSON", (h) => (h.__metadata__.generator = "{"), /metadata generator is not valid JSON/],
  ["generator words as strings", (h) => {
    const g = JSON.parse(h.__metadata__.generator);
    g.mt.words = g.mt.words.map(String);
    h.__metadata__.generator = JSON.stringify(g);
  }, /generator mt\.words\[0\] is "\d+", not a whole number in \[0, 2\^32\)/],
  ["a generator word of 2^32", (h) => {
    const g = JSON.parse(h.__metadata__.generator);
    g.mt.words[5] = 2 ** 32;
    h.__metadata__.generator = JSON.stringify(g);
  }, /generator mt\.words\[5\] is 4294967296/],
  ["a generator position of 625", (h) => {
    const g = JSON.parse(h.__metadata__.generator);
    g.mt.index = 625;
    h.__metadata__.generator = JSON.stringify(g);
  }, /generator mt\.index is 625, not a position in \[0, 624\]/],
  ["config batchSize 1e7", (h) => {
    const c = JSON.parse(h.__metadata__.config);
    c.batchSize = 1e7;
    h.__metadata__.config = JSON.stringify(c);
  }, /: config batchSize 10,000,000 would need \d+(\.\d)? GiB of buffers; the limit is 1 GiB$/],
  ["config lr as a string", (h) => {
    const c = JSON.parse(h.__metadata__.config);
    c.lr = "0.1";
    h.__metadata__.config = JSON.stringify(c);
  }, /: config lr must be a number > 0, got "0\.1"$/],
  ["config without nHidden", (h) => {
    const c = JSON.parse(h.__metadata__.config);
    delete c.nHidden;
    h.__metadata__.config = JSON.stringify(c);
  }, /: config has no nHidden$/],
  ["step -3", (h) => (h.__metadata__.step = "-3"), /: step "-3" is not a whole number$/],
  [
    "overlapping data_offsets",
    (h) => (h.b1.data_offsets = [h.W1.data_offsets[0], h.W1.data_offsets[0] + 800]),
    /overlap/,
  ],
  ["a gap between tensors", (h) => {
    h.b1.data_offsets = [h.b1.data_offsets[0] + 4, h.b1.data_offsets[1]];
    h.b1.shape = [199];
  }, /no tensor covers data bytes/],
  ["dtype F16", (h) => (h.b2.dtype = "F16"), /tensor b2 has dtype "F16"; only F32 is supported/],
  ["offsets past the end", (h) => (h.loss_log10.data_offsets[1] += 4000), /tensor loss_log10 has shape \[10\] but/],
  [
    "bnmean of the wrong shape",
    (h) => (h.bnmean.shape = [200, 1]),
    /: bnmean has shape \[200, 1\], but its configuration needs \[1, 200\]$/,
  ],
  ["bnvar without bnmean", (h) => delete h.bnmean, /no tensor covers data bytes|it has no tensor bnmean/],
  ["an unknown tensor", (h) => (h.extra = h.loss_log10) && (h.loss_log10 = { ...h.loss_log10 }), /overlap/],
  [
    "a shorter loss history than the step",
    (h) => (h.__metadata__.step = "11"),
    /step 11 is beyond config steps 10|loss_log10 has shape \[10\], but its configuration needs \[11\]/,
  ],
];

Deno.test("every damaged checkpoint field is one line naming the file and the field", () => {
  const trainer = new Trainer({ steps: 10 }, data);
  while (trainer.step < 10) trainer.trainStep();
  trainer.calibrate();
  const bytes = checkpointBytes(trainer);
  for (const [what, edit, message] of DAMAGE) {
    assert.throws(() => trainerFromCheckpoint(rewriteHeader(bytes, edit), "bad.safetensors", data), (error: Error) => {
      assert.ok(error instanceof CheckpointError, `${what}: expected a CheckpointError, got ${error.stack}`);
      assert.match(error.message, /^bad\.safetensors[ :]/, what);
      assert.match(error.message, message, what);
      assert.ok(!error.message.includes("\n"), `${what}: one line`);
      return true;
    });
  }
});

Deno.test("trailing bytes, bad values and a huge header length are refused, the length printed exactly", () => {
  const trainer = new Trainer({ steps: 10 }, data);
  trainer.calibrate();
  const bytes = checkpointBytes(trainer);
  assert.throws(() => trainerFromCheckpoint(rewriteHeader(bytes, () => {}, 1000), "t.safetensors", data), {
    message: "t.safetensors is not a usable safetensors file: it has 1,000 bytes after the last tensor (trailing data)",
  });
  const withValue = (name: string, index: number, value: number) => {
    const file = decodeSafetensors(bytes, "x");
    file.tensors[name].data[index] = value;
    return encodeSafetensors(file.tensors, file.metadata);
  };
  assert.throws(() => trainerFromCheckpoint(withValue("W1", 5, NaN), "n.safetensors", data), {
    message: "n.safetensors: W1[5] is NaN",
  });
  assert.throws(() => trainerFromCheckpoint(withValue("bnvar", 3, -1), "v.safetensors", data), {
    message: "v.safetensors: bnvar[3] is -1, but a variance is never negative",
  });
  // A header length of 2^62 followed by the "{" a header begins with: a safetensors file with a bad length.
  const huge = new Uint8Array(64);
  huge.set(headerLengthBytes(2n ** 62n));
  huge[8] = "{".charCodeAt(0);
  assert.throws(() => trainerFromCheckpoint(huge, "h.safetensors", data), {
    message:
      "h.safetensors is not a usable safetensors file: its header length 4,611,686,018,427,387,904 is more than the 100,000,000 bytes a header may have",
  });
});

Deno.test("a file that does not start with a safetensors header is said to be no checkpoint, not given a length", () => {
  const readme = new TextEncoder().encode("# Backprop ninja\n\nA literate tutorial.\n");
  assert.throws(() => trainerFromCheckpoint(readme, "README.md", data), {
    name: "CheckpointError",
    message: "README.md is not a safetensors checkpoint (it does not start with a safetensors header)",
  });
  // Eight bytes and nothing after them: no header either.
  assert.throws(() => trainerFromCheckpoint(headerLengthBytes(2n ** 62n), "eight.bin", data), {
    message: "eight.bin is not a safetensors checkpoint (it does not start with a safetensors header)",
  });
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
