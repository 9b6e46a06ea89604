// Tests that write files: checkpoints on disk, the train/sample/resume flow
// through the CLI, and Ctrl-C. They need --allow-read and --allow-write (and
// --allow-run for Ctrl-C); plain `deno test` has none, so they are skipped
// there, visibly, and .ci/run runs them with the permissions:
//
//     deno test --allow-read --allow-write --allow-run lib/commands/train_fs_test.ts

import assert from "node:assert/strict";
import { join } from "node:path";
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "../train/checkpoint.ts";
import { PARAM_NAMES } from "../model.ts";
import { quietly } from "../testing.ts";
import { sampleCommand, trainCommand } from "./train.ts";
import { loadTrainingData, Trainer } from "../train/trainer.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const canRun = canUseFiles && (await granted("run"));
const SKIP_FILES = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
const SKIP_RUN = "skipped: needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (!canUseFiles) console.log(`train_fs_test.ts: file-system tests ${SKIP_FILES}`);

const data = canUseFiles ? loadTrainingData(3) : undefined;

function fsTest(name: string, fn: (dir: string) => Promise<void>, needsRun = false): void {
  const ok = needsRun ? canRun : canUseFiles;
  Deno.test({
    name: ok ? name : `${name} (${needsRun ? SKIP_RUN : SKIP_FILES})`,
    ignore: !ok,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "backprop-ninja-" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

fsTest("a checkpoint written to disk reads back exactly, and leaves no temporary file", async (dir) => {
  const trainer = new Trainer({ steps: 200 }, data);
  while (trainer.step < 50) trainer.trainStep();
  const path = join(dir, "nested", "run.safetensors");
  await saveCheckpoint(path, trainer);
  assert.deepEqual([...Deno.readDirSync(join(dir, "nested"))].map((e) => e.name), ["run.safetensors"]);
  const back = await loadCheckpoint(path, data);
  assert.equal(back.step, 50);
  for (const name of PARAM_NAMES) assert.deepEqual(back.params[name].data, trainer.params[name].data);
  // The header starts with its length, as the safetensors format says.
  const bytes = await Deno.readFile(path);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.match(
    new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)),
    /^\{"__metadata__":\{"format":"backprop-ninja-mlp\/1"/,
  );
});

fsTest("a failed write leaves the old checkpoint whole", async (dir) => {
  const path = join(dir, "run.safetensors");
  const trainer = new Trainer({ steps: 10 }, data);
  await saveCheckpoint(path, trainer);
  const before = await Deno.readFile(path);
  // A directory where the temporary file should go makes the write fail.
  await Deno.mkdir(`${path}.${Deno.pid}.tmp`);
  trainer.trainStep();
  await assert.rejects(() => saveCheckpoint(path, trainer));
  assert.deepEqual(await Deno.readFile(path), before);
});

fsTest("missing and truncated checkpoint files are clear errors", async (dir) => {
  await assert.rejects(() => loadCheckpoint(join(dir, "none.safetensors"), data), {
    name: "CheckpointError",
    message: /none\.safetensors: no such checkpoint file$/,
  });
  const path = join(dir, "cut.safetensors");
  await saveCheckpoint(path, new Trainer({ steps: 10 }, data));
  const bytes = await Deno.readFile(path);
  await Deno.writeFile(path, bytes.subarray(0, bytes.length / 2));
  await assert.rejects(() => loadCheckpoint(path, data), CheckpointError);
  await assert.rejects(() => loadCheckpoint(dir, data), { name: "CheckpointError", message: /: cannot read it \(/ });
});

fsTest("train, sample, then resume through the CLI ends where an uninterrupted run does", async (dir) => {
  const path = join(dir, "cli.safetensors");
  const first = await quietly(() =>
    trainCommand(["--steps", "300", "--decay-step", "200", "--samples", "3", "--out", path])
  );
  assert.equal(first.result, 0, first.output);
  assert.match(first.output, /split\s+examples\s+loss\ntrain\s+182,625\s+\d\.\d{4}\nval\s+22,655/);
  assert.match(first.output, /3 samples \(seed 2147483657, temperature 1\)/);
  const sampled = await quietly(() => sampleCommand(["--checkpoint", path, "--samples", "4"]));
  assert.equal(sampled.result, 0);
  assert.match(sampled.output, /: 300 steps of training\./);
  const resumed = await quietly(() => trainCommand(["--resume", path, "--steps", "500", "--samples", "0"]));
  assert.equal(resumed.result, 0, resumed.output);
  assert.match(resumed.output, /^Resuming .* at step 300/);
  const straight = new Trainer({ steps: 500, decayStep: 200 }, data);
  while (straight.step < 500) straight.trainStep();
  const back = await loadCheckpoint(path, data);
  assert.equal(back.step, 500);
  for (const name of PARAM_NAMES) assert.deepEqual(back.params[name].data, straight.params[name].data, name);
  await assert.rejects(() => quietly(() => trainCommand(["--resume", path, "--hidden", "64"])), {
    message: /nHidden 64 does not match the checkpoint's 200/,
  });
});

fsTest(
  "a run whose loss blows up stops with the step and a hint, and does not overwrite the last good checkpoint",
  async (dir) => {
    const path = join(dir, "good.safetensors");
    await saveCheckpoint(path, new Trainer({ steps: 10 }, data));
    const before = await Deno.readFile(path);
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(" "));
    try {
      const { result } = await quietly(() => trainCommand(["--lr", "1e30", "--steps", "200", "--out", path]));
      assert.equal(result, 1);
    } finally {
      console.error = original;
    }
    assert.deepEqual(await Deno.readFile(path), before);
    assert.equal(errors.length, 1);
    assert.match(
      errors[0],
      /^error: the loss became (NaN|Infinity|-Infinity) at step \d+ \(learning rate 1e\+30\); try a lower --lr/,
    );
    assert.match(errors[0], /No checkpoint was written, so .*good\.safetensors keeps its last good state\./);
  },
);

fsTest("Ctrl-C saves a checkpoint at the step reached and exits with 130", async (dir) => {
  const path = join(dir, "interrupted.safetensors");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "main.ts", "train", "--steps", "10000000", "--out", path],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Wait until training has begun (the header is printed before the first step).
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("Ctrl-C saves")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill("SIGINT");
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const status = await child.status;
  await child.stderr.cancel();
  assert.equal(status.code, 130, text);
  const match = text.match(/Interrupted at step ([\d,]+)\. Saved /);
  assert.ok(match, text);
  const step = Number(match[1].replaceAll(",", ""));
  assert.ok(step > 0);
  const back = await loadCheckpoint(path, data);
  assert.equal(back.step, step);
}, true);

fsTest("an unwritable --out is refused before training starts", async (dir) => {
  await assert.rejects(() => quietly(() => trainCommand(["--steps", "10", "--out", dir])), {
    name: "UsageError",
    message: new RegExp(`cannot write a checkpoint at ${dir.replaceAll("/", "\\/")}: it is a folder`),
  });
  const blocker = join(dir, "file");
  await Deno.writeTextFile(blocker, "");
  await assert.rejects(() => quietly(() => trainCommand(["--steps", "10", "--out", join(blocker, "x.safetensors")])), {
    name: "UsageError",
    message: /cannot write a checkpoint at .*file\/x\.safetensors: /,
  });
});
