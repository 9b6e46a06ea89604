// Checkpoints in memory: the round trip, interrupt-and-resume bit for bit,
// the loss history of a resumed run, parameters that are not finite never
// saved, and every damaged, truncated or foreign file refused in one line
// naming the file and the field. The files on disk are checkpoint_fs_test.ts's.

import assert from "node:assert/strict";
import { checkpointBytes, CheckpointError, saveCheckpoint, trainerFromCheckpoint } from "./checkpoint.ts";
import { ConfigError } from "./config.ts";
import { PARAM_NAMES } from "../model.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { type Header, headerLengthBytes, rewriteHeader } from "./testing.ts";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";

const data = loadTrainingData(3);

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

Deno.test("a checkpoint of a words file records it and its vocabulary, and samples without its words", () => {
  const words = ["Äpfel", "j.r.", "𝒜nna", "Öl", "straße", "l'été", "Tür", "Bär"];
  const source = { name: "wörter.txt", size: 60, sha256: "ab".repeat(32) };
  const own = loadTrainingData(3, words, source);
  const trainer = new Trainer({ steps: 30, batchSize: 4 }, own);
  while (trainer.step < 30) trainer.trainStep();
  trainer.calibrate();
  const bytes = checkpointBytes(trainer);
  const { metadata } = decodeSafetensors(bytes, "memory");
  assert.deepEqual(JSON.parse(metadata.data), source);
  assert.equal(metadata.vocab, "." + own.vocab.itos.slice(1).join(""), "'.' in the end token's place, then '.' itself");
  const restored = trainerFromCheckpoint(bytes, "memory");
  assert.equal(restored.data.vocabOnly, true, "no words read");
  assert.deepEqual(restored.data.vocab.itos, own.vocab.itos);
  assert.deepEqual(restored.data.source, source);
  assert.deepEqual(restored.sample(5), trainer.sample(5), "calibrated: it samples as the trainer did");
  assert.ok(trainer.sample(40).some((name) => [...name].some((ch) => ch === "𝒜" || ch === "Ä" || ch === ".")));
  assert.throws(() => restored.calibrate(), /^RangeError: Cannot calibrate batchnorm without the training words/);
  assert.throws(() => trainerFromCheckpoint(bytes, "memory", data), {
    message: `memory: it was trained on the vocabulary ${JSON.stringify(metadata.vocab)}, but the data has ".${
      data.vocab.itos.slice(1).join("")
    }"`,
  });
  assert.equal(decodeSafetensors(checkpointBytes(new Trainer({ steps: 1 }, data)), "m").metadata.data, undefined);
  const bad = rewriteHeader(bytes, (header: Header) => header.__metadata__.data = '{"name":"w.txt"}');
  assert.throws(() => trainerFromCheckpoint(bad, "memory"), {
    message: 'memory: metadata data "{\\"name\\":\\"w.txt\\"}" is not a file\'s name, size and SHA-256',
  });
});
