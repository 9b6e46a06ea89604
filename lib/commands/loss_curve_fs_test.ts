// The loss curve on disk: written beside the checkpoint through a temporary
// file, replaced on the next run, and what `deno task train` did not write
// (a user's file, a symlink to one or to /dev/zero, a FIFO, a folder) left
// alone with one line, never followed, read nor waited on. Needs
// --allow-read --allow-write (and --allow-run for mkfifo); plain `deno test`
// skips it visibly, .ci/run runs it:
//
//     deno test --allow-read --allow-write --allow-run lib/commands/loss_curve_fs_test.ts
//
// What `deno task train` does around it (the exit code, the checkpoint kept,
// the lock released) is tested in lib/commands/train_files_fs_test.ts.

import assert from "node:assert/strict";
import { join } from "node:path";
import { LOSS_CURVE_MARK, saveLossCurve } from "./loss_curve.ts";
import { tempDirTest } from "../train/testing.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const canRun = canUseFiles && (await granted("run"));
const SKIP = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
const SKIP_RUN = "skipped: needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (!canUseFiles) console.log(`loss_curve_fs_test.ts: file-system tests ${SKIP}`);

const losses = Float32Array.from([0.5, 0.45, 0.4]);

function fsTest(name: string, fn: (dir: string) => Promise<void>, needsRun = false): void {
  tempDirTest(name, needsRun ? canRun : canUseFiles, needsRun ? SKIP_RUN : SKIP, fn);
}

/** The names in `dir`, sorted: to see that no temporary file is left. */
const names = (dir: string) => [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();

fsTest(
  "saveLossCurve writes beside the checkpoint, replaces its own file, and leaves no temporary file",
  async (dir) => {
    const checkpoint = join(dir, "mlp.safetensors");
    assert.equal(
      await saveLossCurve(checkpoint, losses),
      `The loss curve: ${dir}/mlp.loss.svg (open it in a browser).`,
    );
    const written = await Deno.readTextFile(join(dir, "mlp.loss.svg"));
    assert.ok(written.startsWith(`${LOSS_CURVE_MARK}\n<svg`));
    await saveLossCurve(checkpoint, Float32Array.from([0.3]));
    assert.notEqual(await Deno.readTextFile(join(dir, "mlp.loss.svg")), written, "its own file is replaced");
    assert.deepEqual(names(dir), ["mlp.loss.svg"]);
    assert.equal(await saveLossCurve(checkpoint, new Float32Array(0)), "No training steps, so no loss curve.");
    assert.match(
      await saveLossCurve(join(dir, "no", "such", "dir", "x.safetensors"), losses),
      /^Could not write the loss curve: cannot write .*x\.loss\.svg: No such file or directory \(os error 2\); it is unchanged\.$/,
    );
  },
);

fsTest("a user's file, or a symlink to one, is left alone with one line", async (dir) => {
  await Deno.writeTextFile(join(dir, "mine.loss.svg"), "my drawing");
  assert.equal(
    await saveLossCurve(join(dir, "mine.safetensors"), losses),
    `Did not write the loss curve: ${dir}/mine.loss.svg exists and is not one that deno task train wrote; ` +
      "move it away, or choose another --out.",
  );
  assert.equal(await Deno.readTextFile(join(dir, "mine.loss.svg")), "my drawing");
  // Even a symlink to a curve of ours is not followed: the link is not ours.
  await saveLossCurve(join(dir, "ours.safetensors"), losses);
  await Deno.symlink(join(dir, "ours.loss.svg"), join(dir, "link.loss.svg"));
  const ours = await Deno.readFile(join(dir, "ours.loss.svg"));
  assert.equal(
    await saveLossCurve(join(dir, "link.safetensors"), Float32Array.from([0.1])),
    `Did not write the loss curve: ${dir}/link.loss.svg is a symbolic link, not a file that deno task train wrote; ` +
      "move it away, or choose another --out.",
  );
  assert.deepEqual(await Deno.readFile(join(dir, "ours.loss.svg")), ours, "the file it points to is unchanged");
  assert.ok((await Deno.lstat(join(dir, "link.loss.svg"))).isSymlink, "the link is left as it was");
});

fsTest("a symlink to /dev/zero is refused at once, never read", async (dir) => {
  await Deno.symlink("/dev/zero", join(dir, "zero.loss.svg"));
  const started = performance.now();
  assert.match(await saveLossCurve(join(dir, "zero.safetensors"), losses), /zero\.loss\.svg is a symbolic link/);
  // Reading /dev/zero whole would never end; refusing takes no time at all (a generous bound on a shared machine).
  assert.ok(performance.now() - started < 2_000, "refused without reading");
  assert.equal(await Deno.readLink(join(dir, "zero.loss.svg")), "/dev/zero");
});

fsTest("a folder is refused in one line and left as it was", async (dir) => {
  await Deno.mkdir(join(dir, "folder.loss.svg"));
  await Deno.writeTextFile(join(dir, "folder.loss.svg", "inside.txt"), "kept");
  assert.equal(
    await saveLossCurve(join(dir, "folder.safetensors"), losses),
    `Did not write the loss curve: ${dir}/folder.loss.svg is a folder, not a file that deno task train wrote; ` +
      "move it away, or choose another --out.",
  );
  assert.equal(await Deno.readTextFile(join(dir, "folder.loss.svg", "inside.txt")), "kept");
  assert.deepEqual(names(dir), ["folder.loss.svg"], "no temporary file is left");
});

fsTest("a FIFO is refused in one line without waiting on it", async (dir) => {
  const fifo = join(dir, "pipe.loss.svg");
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success, "mkfifo made the FIFO");
  // Opening a FIFO to read it waits for a writer, for good: a result at all shows it was not opened.
  assert.equal(
    await saveLossCurve(join(dir, "pipe.safetensors"), losses),
    `Did not write the loss curve: ${fifo} is a FIFO, not a file that deno task train wrote; ` +
      "move it away, or choose another --out.",
  );
  assert.ok((await Deno.lstat(fifo)).isFifo, "the FIFO is left as it was");
}, true);

fsTest("a write that fails (a full disk) leaves the old curve whole and no temporary file", async (dir) => {
  const checkpoint = join(dir, "mlp.safetensors");
  await saveLossCurve(checkpoint, losses);
  const before = await Deno.readFile(join(dir, "mlp.loss.svg"));
  // Half the bytes written, then the failure Deno reports for a full disk.
  const full = async (path: string, data: Uint8Array, options: Deno.WriteFileOptions) => {
    await Deno.writeFile(path, data.subarray(0, data.length >> 1), options);
    throw new Error(`No space left on device (os error 28): writefile '${path}'`);
  };
  assert.equal(
    await saveLossCurve(checkpoint, Float32Array.from([0.2, 0.1]), full),
    `Could not write the loss curve: cannot write ${dir}/mlp.loss.svg: No space left on device (os error 28); ` +
      "it is unchanged.",
  );
  assert.deepEqual(await Deno.readFile(join(dir, "mlp.loss.svg")), before);
  assert.deepEqual(names(dir), ["mlp.loss.svg"]);
});
