// The lock of a checkpoint path, on real files: one holder at a time, the
// lock file gone when released, a dead run's lock file taken over, what is
// not a lock of ours (a symlink, a folder, a FIFO, a user's file) refused and
// left as it was, a full disk leaving no lock, and the temporary files of
// other processes removed. They need --allow-read and
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
import { lockCheckpoint, LockError, lockPath, removeStaleTemporaries } from "./lock.ts";

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

/** A regex for the whole of a one-line message, `text` taken literally. */
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);

fsTest("a lock that is a symlink to a user's file is refused, and the file keeps its bytes", async (dir) => {
  const path = join(dir, "run.safetensors");
  const users = join(dir, "notes.txt");
  await Deno.writeTextFile(users, "my notes\n");
  await Deno.symlink(users, lockPath(path));
  await assert.rejects(() => lockCheckpoint(path), {
    name: "CheckpointError",
    message: exactly(
      `cannot lock ${path}: ${path}.lock is a symbolic link, not a lock of ours; remove it, or choose another --out`,
    ),
  });
  assert.equal(await Deno.readTextFile(users), "my notes\n", "the user's file is unchanged");
  assert.ok((await Deno.lstat(lockPath(path))).isSymlink, "the symlink is left as it was");
});

fsTest("a dangling symlink at the lock is refused and nothing is created where it points", async (dir) => {
  const path = join(dir, "run.safetensors");
  const target = join(dir, "nowhere.txt");
  await Deno.symlink(target, lockPath(path));
  await assert.rejects(() => lockCheckpoint(path), { name: "CheckpointError", message: /is a symbolic link/ });
  await assert.rejects(() => Deno.lstat(target), Deno.errors.NotFound);
});

fsTest("a folder, a FIFO or a user's file at the lock's path is refused in one line and left alone", async (dir) => {
  const path = join(dir, "run.safetensors");
  await Deno.mkdir(lockPath(path));
  await assert.rejects(() => lockCheckpoint(path), {
    message: exactly(
      `cannot lock ${path}: ${path}.lock is a folder, not a lock of ours; remove it, or choose another --out`,
    ),
  });
  await Deno.remove(lockPath(path));
  const made = await new Deno.Command("mkfifo", { args: [lockPath(path)] }).output().catch(() => null);
  if (made?.success) {
    await assert.rejects(() => lockCheckpoint(path), { message: /\.lock is a FIFO, not a lock of ours/ });
    assert.ok((await Deno.lstat(lockPath(path))).isFifo);
    await Deno.remove(lockPath(path));
  } else console.log("  (mkfifo is not available: the FIFO case is not checked here)");
  await Deno.writeTextFile(lockPath(path), "a user's file that is not a lock\n");
  await assert.rejects(() => lockCheckpoint(path), {
    message: exactly(
      `cannot lock ${path}: ${path}.lock is a file that is not a lock of ours; remove it, or choose another --out`,
    ),
  });
  assert.equal(await Deno.readTextFile(lockPath(path)), "a user's file that is not a lock\n");
});

fsTest("a lock that cannot be written (a full disk) is one line and leaves no file behind", async (dir) => {
  const path = join(dir, "run.safetensors");
  // A write that fails as Deno's does on a full disk (a real full disk: lib/commands/train_files_fs_test.ts).
  const full = () => Promise.reject(new Error("No space left on device (os error 28)"));
  await assert.rejects(() => lockCheckpoint(path, full), (error: Error) => {
    assert.ok(error instanceof LockError, String(error));
    assert.equal(
      error.message,
      `cannot start: writing the lock ${path}.lock failed: No space left on device (os error 28); ` +
        "nothing was left behind",
    );
    return true;
  });
  assert.deepEqual([...Deno.readDirSync(dir)], [], "no empty lock is left");
  await (await lockCheckpoint(path))();
});

fsTest("an empty lock file held by no one (an older run's, on a full disk) is taken over", async (dir) => {
  const path = join(dir, "run.safetensors");
  await Deno.writeTextFile(lockPath(path), "");
  const release = await lockCheckpoint(path);
  assert.equal(await Deno.readTextFile(lockPath(path)), `${Deno.pid}\n`);
  await release();
});
