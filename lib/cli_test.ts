import assert from "node:assert/strict";
import { parseFlags, runCli, UsageError } from "./cli.ts";

const options = { steps: { type: "string" as const }, help: { type: "boolean" as const, short: "h" } };

Deno.test("parseFlags reads flags strictly and keeps a negative value for the value check", () => {
  assert.deepEqual(parseFlags(["--steps", "10"], options, "train").values.steps, "10");
  assert.deepEqual(parseFlags(["--steps", "-3"], options, "train").values.steps, "-3");
  assert.equal(parseFlags(["-h"], options, "train").values.help, true);
  assert.deepEqual(parseFlags(["3", "--help"], options, "exercise", true).positionals, ["3"]);
  assert.throws(() => parseFlags(["--nope"], options, "train"), {
    name: "UsageError",
    message: "Unknown option '--nope' (see `deno task train --help`)",
  });
  assert.throws(() => parseFlags(["stray"], options, "train"), {
    name: "UsageError",
    message: /Unexpected argument 'stray'/,
  });
});

Deno.test("runCli turns a UsageError into one line on stderr and exit code 2, and keeps other errors", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await runCli(() => Promise.reject(new UsageError("no such chapter")));
    assert.equal(Deno.exitCode, 2);
    assert.deepEqual(lines, ["error: no such chapter"]);
    await assert.rejects(() => runCli(() => Promise.reject(new TypeError("a bug"))), TypeError);
    await runCli(() => Promise.resolve(0));
    assert.equal(Deno.exitCode, 0);
  } finally {
    console.error = original;
    Deno.exitCode = 0;
  }
});
