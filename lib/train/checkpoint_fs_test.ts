// Checkpoint files on disk: written atomically (a temporary file, then a
// rename), read back exactly, a failed write leaving the old file whole, and
// missing or truncated files refused. They need --allow-read and
// --allow-write; plain `deno test` has none, so they are skipped there,
// visibly, and .ci/run runs them with the permissions:
//
//     deno test --allow-read --allow-write lib/train/checkpoint_fs_test.ts

import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDirTest } from "./testing.ts";
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { PARAM_NAMES } from "../model.ts";
import { Trainer } from "./trainer.ts";
import { loadTrainingData } from "./training_data.ts";

const granted = async (name: "read" | "write") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const SKIP = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
if (!canUseFiles) console.log(`checkpoint_fs_test.ts: file-system tests ${SKIP}`);

const data = canUseFiles ? loadTrainingData(3) : undefined;

/** A test in a fresh temporary folder, removed afterwards; skipped, saying so, without the permissions. */
function fsTest(name: string, fn: (dir: string) => Promise<void>): void {
  tempDirTest(name, canUseFiles, SKIP, fn);
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
  await assert.rejects(() => loadCheckpoint(dir, data), {
    name: "CheckpointError",
    message: /is not a usable safetensors file: it is not a regular file but a folder$/,
  });
});

fsTest("a write that fails (no permission, a full disk) leaves the old checkpoint whole", async (dir) => {
  const path = join(dir, "run.safetensors");
  const trainer = new Trainer({ steps: 10 }, data);
  await saveCheckpoint(path, trainer);
  const before = await Deno.readFile(path);
  trainer.trainStep();
  const denied = () => Promise.reject(new Deno.errors.PermissionDenied("Permission denied (os error 13)"));
  await assert.rejects(() => saveCheckpoint(path, trainer, denied), Deno.errors.PermissionDenied);
  assert.deepEqual(await Deno.readFile(path), before);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["run.safetensors"]);
});
