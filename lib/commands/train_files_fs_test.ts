// `deno task train` around files it did not make, as a user runs it (a real
// process, its exit code and its output): a lock that is a symlink to a
// user's file, a full disk when the run starts, and a loss curve path that is
// a symlink to /dev/zero, a FIFO or a folder. The lock and the loss curve on
// their own are tested in lib/train/lock_fs_test.ts and loss_curve_fs_test.ts.
// They need --allow-read --allow-write --allow-run (and root for the full
// disk, a small tmpfs); plain `deno test` skips them visibly, .ci/run runs them:
//
//     deno test --allow-read --allow-write --allow-run lib/commands/train_files_fs_test.ts

import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDirTest } from "../train/testing.ts";
import { loadCheckpoint } from "../train/checkpoint.ts";
import { onSmallDisk } from "./testing.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const canRun = (await granted("read")) && (await granted("write")) && (await granted("run"));
const SKIP = "skipped: needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (!canRun) console.log(`train_files_fs_test.ts: tests ${SKIP}`);

function fsTest(name: string, fn: (dir: string) => Promise<void>): void {
  tempDirTest(name, canRun, SKIP, fn);
}

/** `deno task train` with `args`, in a process of its own: its exit code, what it printed, and its error lines. */
async function train(args: string[]): Promise<{ code: number; output: string; errors: string[] }> {
  const root = new URL("../../", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "main.ts", "train", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, output: text(stdout), errors: text(stderr).split("\n").filter((line) => line !== "") };
}

/** A short run's flags: a few steps and no samples, saving to `out`. */
const short = (out: string) => ["--steps", "20", "--samples", "0", "--out", out];

fsTest(
  "a lock that is a symlink to a user's file: exit 2, one line, the file unchanged, nothing written",
  async (dir) => {
    const out = join(dir, "run.safetensors");
    const users = join(dir, "thesis.txt");
    await Deno.writeTextFile(users, "chapter one\n");
    await Deno.symlink(users, `${out}.lock`);
    const { code, output, errors } = await train(short(out));
    assert.equal(code, 2, output);
    assert.deepEqual(errors, [
      `error: cannot lock ${out}: ${out}.lock is a symbolic link, not a lock of ours; remove it, or choose another --out`,
    ]);
    assert.equal(await Deno.readTextFile(users), "chapter one\n", "the user's file keeps its bytes");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["run.safetensors.lock", "thesis.txt"]);
  },
);

Deno.test({
  name: canRun
    ? "a full disk when a run starts: exit 1, one line, and no empty lock left behind"
    : `full disk (${SKIP})`,
  ignore: !canRun,
  async fn() {
    const ran = await onSmallDisk({ full: true }, async (dir) => {
      const out = join(dir, "run.safetensors");
      const { code, output, errors } = await train(short(out));
      assert.equal(code, 1, output + errors.join("\n"));
      assert.deepEqual(errors, [
        `error: cannot start: writing the lock ${out}.lock failed: No space left on device (os error 28); ` +
        "nothing was left behind",
      ]);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [".filler"], "no lock, no checkpoint");
    });
    if (!ran) console.log("  skipped: no small tmpfs could be mounted here (needs root on Linux)");
  },
});

/** Runs a short training whose loss curve path holds what `setUp` made; checks the run's end and returns its output. */
async function trainBeside(dir: string, name: string, setUp: (curve: string) => Promise<void>): Promise<string> {
  const out = join(dir, `${name}.safetensors`);
  const curve = join(dir, `${name}.loss.svg`);
  await setUp(curve);
  const { code, output, errors } = await train(short(out));
  assert.equal(code, 0, output + errors.join("\n"));
  assert.deepEqual(errors, []);
  assert.equal((await loadCheckpoint(out)).step, 20, "the trained checkpoint is kept");
  await assert.rejects(() => Deno.lstat(`${out}.lock`), Deno.errors.NotFound, "the lock is released");
  const line = output.trimEnd().split("\n").at(-1) ?? "";
  assert.match(line, new RegExp(`^Did not write the loss curve: ${curve} is a`), output);
  assert.match(line, /, not a file that deno task train wrote; move it away, or choose another --out\.$/);
  return line;
}

fsTest(
  "a loss curve that is a symlink to /dev/zero, a FIFO or a folder: exit 0, checkpoint kept, one line",
  async (dir) => {
    const zero = await trainBeside(dir, "zero", (curve) => Deno.symlink("/dev/zero", curve));
    assert.match(zero, /is a symbolic link,/);
    const fifo = await trainBeside(dir, "pipe", async (curve) => {
      assert.ok((await new Deno.Command("mkfifo", { args: [curve] }).output()).success, "mkfifo made the FIFO");
    });
    assert.match(fifo, /is a FIFO,/);
    const folder = await trainBeside(dir, "folder", (curve) => Deno.mkdir(curve));
    assert.match(folder, /is a folder,/);
    assert.equal(await Deno.readLink(join(dir, "zero.loss.svg")), "/dev/zero");
    assert.ok((await Deno.lstat(join(dir, "pipe.loss.svg"))).isFifo);
    assert.ok((await Deno.lstat(join(dir, "folder.loss.svg"))).isDirectory);
  },
);
