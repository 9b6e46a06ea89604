import assert from "node:assert/strict";
import { closestFlags, parseFlags, runCli, StopError, UsageError } from "./cli.ts";

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

Deno.test("an unknown flag names the flag it is closest to: within 2 edits, or a flag it begins", () => {
  const train = Object.fromEntries(
    ["steps", "seed", "samples", "sample-seed", "save-every", "temperature", "lr", "hidden", "out", "resume"]
      .map((name) => [name, { type: "string" as const }]),
  );
  const unknown = (args: string[], message: string) =>
    assert.throws(() => parseFlags(args, train, "train"), { name: "UsageError", message });
  unknown(["--step", "3000"], "Unknown option '--step': did you mean --steps? (see `deno task train --help`)");
  unknown(["--step=3000"], "Unknown option '--step': did you mean --steps? (see `deno task train --help`)");
  unknown(["--hiddne", "64"], "Unknown option '--hiddne': did you mean --hidden? (see `deno task train --help`)");
  unknown(["--rl", "0.1"], "Unknown option '--rl': did you mean --lr? (see `deno task train --help`)");
  unknown(["--temp", "2"], "Unknown option '--temp': did you mean --temperature? (see `deno task train --help`)");
  unknown(["--sample", "5"], "Unknown option '--sample': did you mean --samples? (see `deno task train --help`)");
  unknown(["--seeds", "5"], "Unknown option '--seeds': did you mean --seed? (see `deno task train --help`)");
  // A single dash reaches parseArgs as short options (-s -t -e -p); the word typed is what is named.
  unknown(["-step", "5"], "Unknown option '-step': did you mean --steps? (see `deno task train --help`)");
  // Nothing close, or too many flags it could begin: no guess.
  unknown(["--bogus"], "Unknown option '--bogus' (see `deno task train --help`)");
  unknown(["--s", "1"], "Unknown option '--s' (see `deno task train --help`)");
  assert.deepEqual(closestFlags("sa", Object.keys(train)), ["samples", "sample-seed", "save-every"]);
  assert.deepEqual(closestFlags("x", ["lr", "out"]), [], "one letter is not within 2 edits of a 2-letter flag");
});

Deno.test("runCli turns a UsageError into one line on stderr and exit code 2, a StopError into one line and 1, and keeps other errors", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await runCli(() => Promise.reject(new UsageError("no such chapter")));
    assert.equal(Deno.exitCode, 2);
    assert.deepEqual(lines, ["error: no such chapter"]);
    await runCli(() => Promise.reject(new StopError("cannot write x: No space left on device")));
    assert.equal(Deno.exitCode, 1);
    assert.deepEqual(lines, ["error: no such chapter", "error: cannot write x: No space left on device"]);
    await assert.rejects(() => runCli(() => Promise.reject(new TypeError("a bug"))), TypeError);
    await runCli(() => Promise.resolve(0));
    assert.equal(Deno.exitCode, 0);
  } finally {
    console.error = original;
    Deno.exitCode = 0;
  }
});
