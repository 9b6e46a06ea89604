// Tests that write files: the train/sample/resume flow through the CLI
// (checkpoint files themselves are lib/train/checkpoint_fs_test.ts's), the guards around --out, damaged and special files, and
// the signals (Ctrl-C, SIGTERM, SIGHUP, SIGKILL) sent to a real process. They need --allow-read and --allow-write (and
// --allow-run for Ctrl-C); plain `deno test` has none, so they are skipped
// there, visibly, and .ci/run runs them with the permissions:
//
//     deno test --allow-read --allow-write --allow-run lib/commands/train_fs_test.ts

import assert from "node:assert/strict";
import { join } from "node:path";
import { checkpointBytes, loadCheckpoint, saveCheckpoint } from "../train/checkpoint.ts";
import { lockCheckpoint, lockPath } from "../train/lock.ts";
import { PARAM_NAMES } from "../model.ts";
import { quietly } from "../testing.ts";
import { decodeSafetensors, encodeSafetensors } from "../train/safetensors.ts";
import { headerLengthBytes, rewriteHeader, tempDirTest } from "../train/testing.ts";
import { sampleCommand, trainCommand } from "./train.ts";
import { latestRun, nextFreeRun } from "../train/runs.ts";
import { Trainer } from "../train/trainer.ts";
import { loadTrainingData } from "../train/training_data.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const canRun = canUseFiles && (await granted("run"));
const SKIP_FILES = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
const SKIP_RUN = "skipped: needs --allow-read --allow-write --allow-run (.ci/run grants them)";
if (!canUseFiles) console.log(`train_fs_test.ts: file-system tests ${SKIP_FILES}`);

const data = canUseFiles ? loadTrainingData(3) : undefined;

function fsTest(name: string, fn: (dir: string) => Promise<void>, needsRun = false): void {
  tempDirTest(name, needsRun ? canRun : canUseFiles, needsRun ? SKIP_RUN : SKIP_FILES, fn);
}

fsTest("train, sample, then resume through the CLI ends where an uninterrupted run does", async (dir) => {
  const path = join(dir, "cli.safetensors");
  const first = await quietly(() =>
    trainCommand(["--steps", "300", "--decay-step", "200", "--samples", "3", "--out", path])
  );
  assert.equal(first.result, 0, first.output);
  assert.match(
    first.output,
    /split\s+examples\s+loss\s+uniform \(ln 27\)\ntrain\s+182,625\s+\d\.\d{4}\s+3\.2958\nval\s+22,655/,
  );
  assert.match(first.output, /3 samples \(seed 2147483657, temperature 1\)/);
  assert.match(
    first.output,
    /^Saves .*cli\.safetensors every 1 min; Ctrl-C saves it and stops\.$/m,
    "periodic saves by default",
  );
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
  assert.deepEqual(back.lossLog10.subarray(0, 500), straight.lossLog10, "the loss history is whole");
  await assert.rejects(() => quietly(() => trainCommand(["--resume", path, "--steps", "400"])), {
    message: "--steps 400 is below the checkpoint's step 500: a resumed run can only go on",
  });
  await assert.rejects(() => quietly(() => trainCommand(["--resume", path, "--hidden", "64"])), {
    message: /^--hidden 64 does not match the checkpoint's 200: a resumed run keeps its network and seeds$/,
  });
});

fsTest(
  "a resumed run keeps the checkpoint's decay step, says so, and ends where one uninterrupted run does",
  async (dir) => {
    const path = join(dir, "schedule.safetensors");
    const first = await train(["--steps", "300", "--samples", "0", "--out", path]);
    assert.equal(first.code, 0, first.errors.join("\n"));
    assert.match(
      first.output,
      /^Training the lecture's MLP: 12,297 parameters, 300 steps of 32 examples,\nlearning rate 0\.1 then 0\.01 from step 150 \(half of --steps\), seeds 2147483647 \(g\) and 95 \(global\)\.$/m,
    );
    // Not half of the new --steps (300): the checkpoint's 150, and the header says where it came from.
    const resumed = await train(["--resume", path, "--steps", "600", "--samples", "0"]);
    assert.equal(resumed.code, 0, resumed.errors.join("\n"));
    assert.match(
      resumed.output,
      /^Resuming .*schedule\.safetensors at step 300 of 600: the lecture's MLP, 12,297 parameters, batches of 32 examples,\nlearning rate 0\.01 \(0\.1 × 0\.1 from step 150, kept from the checkpoint; --decay-step changes it\), seeds/m,
    );
    const straight = new Trainer({ steps: 600, decayStep: 150 }, data);
    while (straight.step < 600) straight.trainStep();
    const back = await loadCheckpoint(path, data);
    assert.equal(back.config.decayStep, 150);
    for (const name of PARAM_NAMES) assert.deepEqual(back.params[name].data, straight.params[name].data, name);
    // --decay-step changes it, and the header does not call it the checkpoint's.
    const moved = await train(["--resume", path, "--steps", "700", "--decay-step", "650", "--samples", "0"]);
    assert.equal(moved.code, 0, moved.errors.join("\n"));
    assert.match(moved.output, /\nlearning rate 0\.1 then 0\.01 from step 650, seeds /);
    assert.equal((await loadCheckpoint(path, data)).config.decayStep, 650);
  },
);

fsTest("resuming a checkpoint that has done its --steps says so in one line and leaves the file alone", async (dir) => {
  const path = join(dir, "done.safetensors");
  assert.equal((await train(["--steps", "100", "--samples", "0", "--out", path])).code, 0);
  await Deno.utime(path, 1_000_000, 1_000_000);
  const before = await Deno.readFile(path);
  for (const args of [["--resume", path, "--steps", "100"], ["--resume", path]]) {
    const { code, output, errors } = await train(args);
    assert.equal(code, 0, "asking for the state it is in is no mistake");
    assert.deepEqual(errors, []);
    assert.equal(
      output,
      `${path} already finished its 100 steps; give --steps above 100 to train further, ` +
        `or sample it with: deno task sample --checkpoint ${path}\n`,
    );
    assert.equal((await Deno.stat(path)).mtime?.getTime(), 1_000_000_000, "not rewritten");
    assert.deepEqual(await Deno.readFile(path), before);
    // The first run's checkpoint and loss curve, and nothing new: no lock, no temporary file.
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["done.loss.svg", "done.safetensors"]);
  }
  // Stopped after its last step but before the end of the run's calibration: resuming finishes that.
  const uncalibrated = join(dir, "uncalibrated.safetensors");
  const trainer = new Trainer({ steps: 20 }, data);
  while (trainer.step < 20) trainer.trainStep();
  await saveCheckpoint(uncalibrated, trainer);
  const finished = await train(["--resume", uncalibrated, "--samples", "0"]);
  assert.equal(finished.code, 0, finished.errors.join("\n"));
  assert.match(
    finished.output,
    /^.*uncalibrated\.safetensors finished its 20 steps but stopped before batchnorm's calibration; calibrating it now\.\n/,
  );
  const calibrated = await loadCheckpoint(uncalibrated, data);
  assert.equal(calibrated.step, 20);
  assert.ok(calibrated.bnmean !== null && calibrated.bnvar !== null);
});

/** Runs the train command in this process; returns its exit code, what it printed, and its error lines. */
async function train(args: string[]): Promise<{ code: number; output: string; errors: string[] }> {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...parts: unknown[]) => errors.push(parts.join(" "));
  try {
    const { result, output } = await quietly(() => trainCommand(args));
    return { code: result, output, errors };
  } finally {
    console.error = original;
  }
}

/** A process id that cannot be running: above Linux's largest, 2^22. */
const DEAD_PID = 2 ** 22 + 1;

fsTest(
  "a run whose loss blows up stops with the step and a hint, and does not overwrite the last good checkpoint",
  async (dir) => {
    const path = join(dir, "good.safetensors");
    await saveCheckpoint(path, new Trainer({ steps: 10 }, data));
    const before = await Deno.readFile(path);
    // The issue's case: two steps at 1e30 left NaN parameters that were saved.
    for (const steps of ["2", "200"]) {
      const { code, errors } = await train([
        "--lr",
        "1e30",
        "--steps",
        steps,
        "--samples",
        "0",
        "--out",
        path,
        "--force",
      ]);
      assert.equal(code, 1);
      assert.deepEqual(await Deno.readFile(path), before);
      assert.equal(errors.length, 1);
      assert.match(
        errors[0],
        /^error: training diverged at step \d+ \(learning rate 1e\+(30|29)\): .*; try|Try a lower --lr than 1e\+30, such as 1e\+29\./,
      );
      assert.match(errors[0], /This run saved nothing; .*good\.safetensors is as it was before\.$/);
    }
  },
);

fsTest("a fresh run that diverges before any save says there is no checkpoint, and writes none", async (dir) => {
  const path = join(dir, "new.safetensors");
  const { code, errors } = await train(["--lr", "1000", "--steps", "400", "--samples", "0", "--out", path]);
  assert.equal(code, 1);
  assert.equal(errors.length, 1);
  assert.match(
    errors[0],
    /^error: training diverged at step \d+ \(learning rate 1000\): the loss (became NaN|rose to [\d.e+]+, more than 10 times its first \d\.\d\d)\. Try a lower --lr than 1000, such as 100\. No checkpoint was saved\.$/,
  );
  assert.deepEqual([...Deno.readDirSync(dir)], []);
});

fsTest("a resumed run that diverges keeps the checkpoint it resumed, and says at which step", async (dir) => {
  const path = join(dir, "run.safetensors");
  assert.equal((await train(["--steps", "100", "--samples", "0", "--out", path])).code, 0);
  const before = await Deno.readFile(path);
  const { code, errors } = await train(["--resume", path, "--steps", "300", "--lr", "1e30", "--samples", "0"]);
  assert.equal(code, 1);
  assert.match(errors[0], /run\.safetensors keeps its last good state, step 100\.$/);
  assert.deepEqual(await Deno.readFile(path), before);
});

fsTest("--out never overwrites a user's file, and a fresh run over a checkpoint needs --force", async (dir) => {
  const notes = join(dir, "notes.txt");
  await Deno.writeTextFile(notes, "my notes\n");
  await assert.rejects(() => train(["--steps", "1", "--out", notes]), {
    name: "UsageError",
    message: `refusing to overwrite ${notes}: it is not a checkpoint of this project; choose another --out`,
  });
  await assert.rejects(() => train(["--steps", "1", "--out", notes, "--force"]), { message: /refusing to overwrite/ });
  assert.equal(await Deno.readTextFile(notes), "my notes\n");
  const path = join(dir, "long.safetensors");
  const long = new Trainer({ steps: 30 }, data);
  while (long.step < 30) long.trainStep();
  await saveCheckpoint(path, long);
  const before = await Deno.readFile(path);
  await assert.rejects(() => train(["--steps", "0", "--out", path]), {
    message: `${path} already holds a checkpoint; continue it with --resume ${path}, or start over with --force`,
  });
  assert.deepEqual(await Deno.readFile(path), before);
  const forced = await train(["--steps", "0", "--samples", "0", "--out", path, "--force"]);
  assert.equal(forced.code, 0, forced.errors.join("\n"));
  assert.equal((await loadCheckpoint(path, data)).step, 0);
});

fsTest("--resume takes the checkpoint's lock before reading it: a held lock is refused first", async (dir) => {
  // A checkpoint cut short, which would fail to load: were it read before the lock was taken, that error would come first.
  const path = join(dir, "held.safetensors");
  await saveCheckpoint(path, new Trainer({ steps: 10 }, data));
  const bytes = await Deno.readFile(path);
  // Its header whole (so it is seen as a checkpoint), then only 100 bytes of its tensors.
  const cut = bytes.subarray(0, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)) + 100);
  await Deno.writeFile(path, cut);
  const release = await lockCheckpoint(path);
  try {
    await assert.rejects(() => train(["--resume", path, "--steps", "5"]), {
      name: "UsageError",
      message:
        `${path} is in use by another training run (process ${Deno.pid}); wait for it to end, or choose another --out`,
    });
  } finally {
    await release();
  }
  assert.deepEqual(await Deno.readFile(path), cut);
});

fsTest(
  "a second run on the same --out is refused while the first holds the lock; a dead run's lock is taken over",
  async (dir) => {
    const path = join(dir, "run.safetensors");
    const release = await lockCheckpoint(path);
    try {
      await assert.rejects(() => train(["--steps", "5", "--out", path]), {
        name: "UsageError",
        message:
          `${path} is in use by another training run (process ${Deno.pid}); wait for it to end, or choose another --out`,
      });
    } finally {
      await release();
    }
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing was written, and the lock is gone");
    // What a SIGKILL leaves: a lock file that no process holds, and a temporary file.
    await Deno.writeTextFile(lockPath(path), `${DEAD_PID}\n`);
    await Deno.writeFile(`${path}.${DEAD_PID}.tmp`, new Uint8Array(10));
    const { code, output } = await train(["--steps", "5", "--samples", "0", "--out", path]);
    assert.equal(code, 0);
    assert.match(output, new RegExp(`^Removed run\\.safetensors\\.${DEAD_PID}\\.tmp, left by an earlier run\\.$`, "m"));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["run.loss.svg", "run.safetensors"]);
  },
);

fsTest(
  "a save that fails mid-run stops the run in one line, exit 1, keeping the last periodic checkpoint",
  async (dir) => {
    const path = join(dir, "run.safetensors");
    // Once the first periodic checkpoint exists, a folder takes the temporary file's name, so the next write fails
    // ("Is a directory", as a full disk fails with "No space left on device"; the report shows a real one).
    const poll = setInterval(() => {
      if ([...Deno.readDirSync(dir)].some((e) => e.name === "run.safetensors")) {
        clearInterval(poll);
        Deno.mkdirSync(`${path}.${Deno.pid}.tmp`);
      }
    }, 5);
    try {
      const { code, errors } = await train([
        "--steps",
        "20000",
        "--save-every",
        "300",
        "--samples",
        "0",
        "--out",
        path,
      ]);
      assert.equal(code, 1);
      assert.equal(errors.length, 1);
      const match = errors[0].match(
        /^error: cannot save .*run\.safetensors at step ([\d,]+): Is a directory \(os error 21\)[^\n]*\. .*run\.safetensors keeps its last good state, step ([\d,]+)\.$/,
      );
      assert.ok(match, errors[0]);
      const kept = await loadCheckpoint(path, data);
      assert.equal(kept.step, Number(match[2].replaceAll(",", "")));
      assert.equal(kept.step % 300, 0);
      assert.equal(Number(match[1].replaceAll(",", "")), kept.step + 300);
    } finally {
      clearInterval(poll);
    }
  },
);

fsTest(
  "sample refuses devices, FIFOs and files bigger than their header says, quickly and without reading them",
  async (dir) => {
    const started = performance.now();
    const rss = Deno.memoryUsage().rss;
    await assert.rejects(() => sampleCommand(["--checkpoint", "/dev/zero"]), {
      name: "UsageError",
      message: "/dev/zero is not a usable safetensors file: it is not a regular file but a device, pipe or socket",
    });
    const good = join(dir, "good.safetensors");
    const trainer = new Trainer({ steps: 10 }, data);
    trainer.calibrate();
    const bytes = checkpointBytes(trainer);
    // 1 GiB of trailing zeros (a sparse file: no disk used).
    await Deno.writeFile(good, bytes);
    await Deno.truncate(good, bytes.length + 2 ** 30);
    await assert.rejects(() => sampleCommand(["--checkpoint", good]), {
      message:
        `${good} is not a usable safetensors file: it has 1,073,741,824 bytes after the last tensor (trailing data)`,
    });
    // A header that honestly declares 2 GiB of data is refused before the data is read.
    const huge = join(dir, "huge.safetensors");
    const declared = rewriteHeader(bytes, (h) => {
      const end = Math.max(...Object.values(h).map((e) => e.data_offsets?.[1] ?? 0));
      h.zeros = { dtype: "F32", shape: [2 ** 29], data_offsets: [end, end + 2 ** 31] };
    });
    await Deno.writeFile(huge, declared);
    await Deno.truncate(huge, declared.length + 2 ** 31);
    await assert.rejects(() => sampleCommand(["--checkpoint", huge]), {
      message: /declares 2,147[\d,]+ bytes of tensors, more than the limit of 1,073,741,824$/,
    });
    const claims = join(dir, "claims.safetensors");
    await Deno.writeFile(claims, new Uint8Array([...headerLengthBytes(2n ** 62n), "{".charCodeAt(0)]));
    await assert.rejects(() => sampleCommand(["--checkpoint", claims]), {
      message: /its header length 4,611,686,018,427,387,904 is more than/,
    });
    assert.ok(Deno.memoryUsage().rss - rss < 256 * 2 ** 20, "the files' gigabytes were never read into memory");
    assert.ok(performance.now() - started < 20_000, "refused without reading gigabytes");
  },
);

fsTest("a text file given as a checkpoint is said to be none, and is left as it was", async (dir) => {
  const readme = join(dir, "README.md");
  await Deno.copyFile(new URL("../../README.md", import.meta.url), readme);
  const before = await Deno.readFile(readme);
  const message = `${readme} is not a safetensors checkpoint (it does not start with a safetensors header)`;
  await assert.rejects(() => sampleCommand(["--checkpoint", readme]), { name: "UsageError", message });
  await assert.rejects(() => train(["--resume", readme]), { name: "UsageError", message });
  assert.deepEqual(await Deno.readFile(readme), before);
});

fsTest("a FIFO is refused at once instead of waiting for a writer", async (dir) => {
  const fifo = join(dir, "pipe.safetensors");
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success);
  await assert.rejects(() => sampleCommand(["--checkpoint", fifo]), {
    message: `${fifo} is not a usable safetensors file: it is not a regular file but a device, pipe or socket`,
  });
  await assert.rejects(() => train(["--steps", "1", "--out", fifo]), {
    message: /refusing to overwrite .*pipe\.safetensors/,
  });
}, true);

fsTest(
  "sampling from a checkpoint with a NaN parameter or a negative variance is one line naming the file and field",
  async (dir) => {
    const trainer = new Trainer({ steps: 10 }, data);
    trainer.calibrate();
    const file = decodeSafetensors(checkpointBytes(trainer), "memory");
    const path = join(dir, "bad.safetensors");
    file.tensors.b2.data[4] = NaN;
    await Deno.writeFile(path, encodeSafetensors(file.tensors, file.metadata));
    await assert.rejects(() => sampleCommand(["--checkpoint", path]), {
      name: "UsageError",
      message: `${path}: b2[4] is NaN`,
    });
    file.tensors.b2.data[4] = 0;
    file.tensors.bnvar.data[0] = -2;
    await Deno.writeFile(path, encodeSafetensors(file.tensors, file.metadata));
    await assert.rejects(() => sampleCommand(["--checkpoint", path]), {
      message: `${path}: bnvar[0] is -2, but a variance is never negative`,
    });
  },
);

/**
 * Starts `deno task train` as a user would, in a child process; resolves once
 * its header is printed (training is about to begin). `stop` sends a signal
 * and returns the exit code and everything it printed.
 */
async function spawnTrain(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "main.ts", "train", ...args],
    cwd: new URL("../..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const errors = new Response(child.stderr).text();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("Ctrl-C saves")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  return {
    async stop(signal: Deno.Signal) {
      child.kill(signal);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return { code: (await child.status).code, output: text, errors: await errors };
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  fsTest(`${signal} saves a checkpoint at the step reached and exits with ${code}; the lock is gone`, async (dir) => {
    const path = join(dir, "interrupted.safetensors");
    const run = await spawnTrain(["--steps", "10000000", "--out", path]);
    await sleep(1500);
    const { code: exit, output, errors } = await run.stop(signal);
    assert.equal(exit, code, output + errors);
    const match = output.match(new RegExp(`Stopped by ${signal} at step ([\\d,]+)\\. Saved `));
    assert.ok(match, output);
    const step = Number(match[1].replaceAll(",", ""));
    assert.ok(step > 0);
    assert.equal((await loadCheckpoint(path, data)).step, step);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["interrupted.safetensors"]);
  }, true);
}

fsTest(
  "periodic checkpoints: a SIGKILL costs at most --save-every steps, and the next run takes over the lock",
  async (dir) => {
    const path = join(dir, "killed.safetensors");
    const run = await spawnTrain(["--steps", "10000000", "--save-every", "200", "--out", path]);
    while (!(await Deno.stat(path).catch(() => null))) await sleep(50);
    await sleep(500);
    const { code } = await run.stop("SIGKILL");
    assert.equal(code, 137);
    assert.ok((await Deno.stat(lockPath(path))).isFile, "a SIGKILL leaves the lock behind");
    const saved = (await loadCheckpoint(path, data)).step;
    assert.ok(saved > 0 && saved % 200 === 0, `saved at step ${saved}`);
    const resumed = await train(["--resume", path, "--steps", String(saved + 50), "--samples", "0"]);
    assert.equal(resumed.code, 0, resumed.errors.join("\n"));
    assert.equal((await loadCheckpoint(path, data)).step, saved + 50);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["killed.loss.svg", "killed.safetensors"]);
  },
  true,
);

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

fsTest(
  "`deno task train` run twice keeps the first run and numbers the second; sample reads the newest",
  async (dir) => {
    const home = Deno.cwd();
    Deno.chdir(dir);
    try {
      const first = await train(["--steps", "30", "--samples", "0"]);
      assert.equal(first.code, 0);
      const kept = await Deno.readFile("checkpoints/mlp.safetensors");
      const second = await train(["--steps", "40", "--samples", "0"]);
      assert.equal(second.code, 0, second.errors.join("\n"));
      assert.match(
        second.output,
        /^checkpoints\/mlp\.safetensors holds an earlier run, which is kept: this run saves to checkpoints\/mlp-2\.safetensors\./,
      );
      assert.deepEqual(await Deno.readFile("checkpoints/mlp.safetensors"), kept, "the first run is untouched");
      assert.equal((await loadCheckpoint("checkpoints/mlp-2.safetensors", data)).step, 40);
      const { result, output } = await quietly(() => sampleCommand(["--samples", "1"]));
      assert.equal(result, 0);
      assert.match(output, /^checkpoints\/mlp-2\.safetensors: 40 steps of training\./);
      // --force replaces the default path itself, and sample then reads that, the newest.
      assert.equal((await train(["--steps", "50", "--samples", "0", "--force"])).code, 0);
      assert.equal((await loadCheckpoint("checkpoints/mlp.safetensors", data)).step, 50);
      assert.match(
        (await quietly(() => sampleCommand(["--samples", "1"]))).output,
        /^checkpoints\/mlp\.safetensors: 50/,
      );
    } finally {
      Deno.chdir(home);
    }
  },
);

fsTest(
  "a run gone between listing and reading its time (a symlink to nothing) is skipped, not taken for no runs",
  async (dir) => {
    const path = join(dir, "mlp.safetensors");
    await Deno.writeTextFile(path, "first");
    await Deno.writeTextFile(join(dir, "mlp-2.safetensors"), "second");
    await Deno.utime(path, 2_000_000, 2_000_000);
    await Deno.utime(join(dir, "mlp-2.safetensors"), 1_000_000, 1_000_000);
    await Deno.symlink(join(dir, "gone"), join(dir, "mlp-3.safetensors"));
    await Deno.symlink(join(dir, "gone"), join(dir, "mlp-4.safetensors.lock"));
    assert.equal(await nextFreeRun(path), join(dir, "mlp-5.safetensors"));
    assert.equal(await latestRun(path), path);
  },
);
