// The train, sample and bench commands as a user calls them, for everything
// that needs no file system: bad flags, the refusal without permission, the chart, the bench.
// The checkpoint files themselves are tested in train_fs_test.ts.

import assert from "node:assert/strict";
import { UsageError } from "../cli.ts";
import { benchCommand } from "./bench.ts";
import { quietly } from "../testing.ts";
import { formatRate, sampleCommand, trainCommand } from "./train.ts";

const rejects = async (args: string[], message: RegExp, command = trainCommand) => {
  await assert.rejects(() => quietly(() => command(args)), (error: Error) => {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
    assert.match(error.message, message);
    return true;
  });
};

Deno.test("every bad flag gets one line naming the flag and what is allowed", async () => {
  await rejects(["--batch-size", "1"], /^--batch-size must be a whole number ≥ 2, got "1"$/);
  await rejects(["--steps", "-5"], /^--steps must be a whole number ≥ 0, got "-5"$/);
  await rejects(["--steps", "lots"], /^--steps must be a whole number ≥ 0, got "lots"$/);
  await rejects(["--steps", "1.5"], /^--steps must be a whole number/);
  await rejects(["--hidden", "0"], /^--hidden must be a whole number ≥ 1/);
  await rejects(["--lr", "0"], /^--lr must be a number > 0, got "0"$/);
  await rejects(["--lr", "-0.1"], /^--lr must be a number > 0, got "-0.1"$/);
  await rejects(["--temperature", "hot"], /^--temperature must be a number > 0/);
  await rejects(["--samples", "-1"], /^--samples must be a whole number ≥ 0/);
  await rejects(["--bogus"], /^Unknown option '--bogus' \(see `deno task train --help`\)$/);
  await rejects(["--steps"], /--steps.*argument missing|requires a value|argument/i);
  await rejects(["extra"], /Unexpected argument 'extra'/);
  await rejects(["--out", ""], /^--out needs a file path$/);
  await rejects(["--count", "3"], /^Unknown option '--count' \(see `deno task sample --help`\)$/, sampleCommand);
  await rejects(["--samples", "0"], /^--samples must be a whole number ≥ 1/, sampleCommand);
  await rejects(["--samples", "2000000"], /^--samples 2,000,000 is more than the limit of 1,000,000$/, sampleCommand);
  await rejects(["--save-every", "soon"], /^--save-every must be a number of steps \(5000\), of minutes \(2m\), or 0/);
  await rejects(["--save-every", "-5"], /^--save-every must be/);
});

Deno.test("a negative number after a value flag is that flag's value, not an 'ambiguous' option", async () => {
  await rejects(["--lr", "-.5"], /^--lr must be a number > 0, got "-\.5"$/);
  await rejects(["--lr", "-1e3"], /^--lr must be a number > 0, got "-1e3"$/);
  await rejects(["--lr", "-Infinity"], /^--lr must be a number > 0, got "-Infinity"$/);
  await rejects(["--temperature", "-.1"], /^--temperature must be a number > 0/, sampleCommand);
  // A flag after a value flag is still a missing value, not a number.
  await rejects(["--lr", "--steps", "5"], /argument missing|requires a value|argument/i);
});

Deno.test("sizes beyond the memory limit are refused before allocating, naming the flags users type", async () => {
  const before = Deno.memoryUsage().rss;
  await rejects(
    ["--batch-size", "10000000"],
    /^--batch-size 10,000,000 would need \d+ GiB of buffers; the limit is 1 GiB$/,
  );
  await rejects(["--hidden", "10000000"], /^--hidden 10,000,000 would need \d+ GiB of buffers; the limit is 1 GiB$/);
  await rejects(
    ["--steps", "1000000000000"],
    /^--steps 1,000,000,000,000 would need 4 TiB of buffers; the limit is 1 GiB$/,
  );
  await rejects(["--embd", "100000", "--hidden", "1000"], /^--embd 100,000 with --hidden 1,000 would need/);
  assert.ok(Deno.memoryUsage().rss - before < 200 * 2 ** 20, "nothing near the sizes asked for was allocated");
});

Deno.test("rates print as people write them", () => {
  assert.equal(formatRate(0.1 * 0.1), "0.01");
  assert.equal(formatRate(1e30), "1e+30");
  assert.equal(formatRate(0.1), "0.1");
});

Deno.test("--help prints the flags and succeeds", async () => {
  const { result, output } = await quietly(() => trainCommand(["--help"]));
  assert.equal(result, 0);
  for (
    const flag of [
      "--steps",
      "--hidden",
      "--embd",
      "--block-size",
      "--batch-size",
      "--lr",
      "--decay-step",
      "--seed",
      "--samples",
      "--temperature",
      "--out",
      "--resume",
    ]
  ) {
    assert.ok(output.includes(flag), `help mentions ${flag}`);
  }
  assert.equal((await quietly(() => sampleCommand(["-h"]))).result, 0);
});

Deno.test({
  name: "without permission to write the checkpoint, training is refused before it starts, in one line",
  ignore: (await Deno.permissions.query({ name: "write" })).state === "granted",
  async fn() {
    await rejects(
      ["--steps", "5", "--out", "runs/a.safetensors"],
      /^cannot write a checkpoint at runs\/a\.safetensors: /,
    );
  },
});

Deno.test("the bench times all three implementations and reports ratios", async () => {
  const { result, output } = await quietly(() => benchCommand(["--quick"]));
  assert.equal(result, 0);
  assert.match(output, /fast kernels \(lib\/train\/kernels\.ts\)\s+\d+\.\d{3}\s+1\.0×/);
  assert.match(output, /tensor module \(chapter 9\)\s+\d+\.\d{3}\s+\d+\.\d× slower/);
  assert.match(output, /TensorFlow\.js autograd \(CPU\)\s+\d+\.\d{3}\s+\d+\.\d× slower/);
  assert.throws(() => benchCommand(["--fast"]), UsageError);
});
