// The lock of a checkpoint path, on real files: one holder at a time, the
// lock file gone when released, a dead run's lock file taken over, and the
// temporary files of other processes removed. They need --allow-read and
// --allow-write; plain `deno test` has none, so they are skipped there,
// visibly, and .ci/run runs them with the permissions:
//
//     deno test --allow-read --allow-write lib/train/lock_fs_test.ts
//
// The command's use of the lock (a second `deno task train` on the same
// --out, a SIGKILL's lock taken over) is tested in lib/commands/train_fs_test.ts.

import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDirTest } from "./testing.ts";
import { lockCheckpoint, lockPath, removeStaleTemporaries } from "./lock.ts";

const granted = async (name: "read" | "write") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const SKIP = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
if (!canUseFiles) console.log(`lock_fs_test.ts: file-system tests ${SKIP}`);

/** A process id that cannot be running: above Linux's largest, 2^22. */
const DEAD_PID = 2 ** 22 + 1;

/** A test in a fresh temporary folder, removed afterwards; skipped, saying so, without the permissions. */
function fsTest(name: string, fn: (dir: string) => Promise<void>): void {
  tempDirTest(name, canUseFiles, SKIP, fn);
}

fsTest(
  "a held lock refuses a second one, naming its process; released, its file is gone and it can be taken",
  async (dir) => {
    const path = join(dir, "run.safetensors");
    const release = await lockCheckpoint(path);
    assert.equal(await Deno.readTextFile(lockPath(path)), `${Deno.pid}\n`);
    await assert.rejects(() => lockCheckpoint(path), {
      name: "CheckpointError",
      message:
        `${path} is in use by another training run (process ${Deno.pid}); wait for it to end, or choose another --out`,
    });
    await release();
    assert.deepEqual([...Deno.readDirSync(dir)], [], "the lock file is removed");
    const again = await lockCheckpoint(path);
    await again();
  },
);

fsTest("a lock file that no process holds (a killed run's) is taken over", async (dir) => {
  const path = join(dir, "run.safetensors");
  await Deno.writeTextFile(lockPath(path), `${DEAD_PID}\n`);
  const release = await lockCheckpoint(path);
  try {
    assert.equal(await Deno.readTextFile(lockPath(path)), `${Deno.pid}\n`, "now naming this process");
  } finally {
    await release();
  }
});

fsTest("a lock that cannot be made is one line naming the path", async (dir) => {
  const path = join(dir, "missing", "run.safetensors");
  await assert.rejects(() => lockCheckpoint(path), {
    name: "CheckpointError",
    message: new RegExp(`^cannot lock ${path.replaceAll("/", "\\/")}: [^\\n]+$`),
  });
});

fsTest("only other processes' temporary files of the same checkpoint are removed", async (dir) => {
  const path = join(dir, "run.safetensors");
  const files = [
    `run.safetensors.${DEAD_PID}.tmp`,
    `run.safetensors.${Deno.pid}.tmp`,
    "run.safetensors.draft.tmp",
    "other.safetensors.12.tmp",
    "run.safetensors",
  ];
  for (const name of files) await Deno.writeFile(join(dir, name), new Uint8Array(1));
  await Deno.mkdir(join(dir, "run.safetensors.13.tmp"));
  assert.deepEqual(await removeStaleTemporaries(path), [`run.safetensors.${DEAD_PID}.tmp`]);
  const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(left, [...files.slice(1), "run.safetensors.13.tmp"].sort());
});
