// `deno task exercise` without files: the list of exercises, and bad input
// as one clear line. command_fs_test.ts runs it on learners' files.

import assert from "node:assert/strict";
import { exerciseCommand, parseSteps } from "./command.ts";
import { UsageError } from "../../cli.ts";
import { quietly } from "../../testing.ts";
import project from "../../../deno.json" with { type: "json" };
import typecheck from "./typecheck.json" with { type: "json" };

Deno.test("exercise mode's bad input is one clear line", async () => {
  await assert.rejects(() => exerciseCommand(["10"]), {
    name: "UsageError",
    message: /no exercise "10": exercises are chapters 3 to 9/,
  });
  await assert.rejects(() => exerciseCommand(["3", "--level", "2"]), { message: "--level goes with --hint NAME" });
  await assert.rejects(() => exerciseCommand(["3", "--hint", "dprobs", "--level", "4"]), UsageError);
  await assert.rejects(() => exerciseCommand(["3", "--hint", "dprobs", "--level", "4"]), {
    message: '--level must be 1 or 2 or 3, got "4"',
  });
  await assert.rejects(() => exerciseCommand(["3", "--frob"]), UsageError);
  await assert.rejects(() => exerciseCommand(["3", "--hnit", "dprobs"]), {
    message: "Unknown option '--hnit': did you mean --hint? (see `deno task exercise --help`)",
  });
  const { result, output } = await quietly(() => exerciseCommand([]));
  assert.equal(result, 0);
  assert.match(output, /3\. Backprop through cross-entropy/);
});

Deno.test("--api prints the whole API card with the lecture's PyTorch translated", async () => {
  const { result, output } = await quietly(() => exerciseCommand(["--api"]));
  assert.equal(result, 0);
  assert.match(output, /^The API at hand/);
  assert.match(output, /a\.matmul\(b\) +The matrix product/);
  assert.match(output, /a @ b +a\.matmul\(b\)/);
  assert.doesNotMatch(output, /formatShape/);
});

Deno.test("a learner's file is type-checked with the project's compiler options (typecheck.json is deno.json's, without its exclude)", () => {
  assert.deepEqual(typecheck, { compilerOptions: project.compilerOptions });
});

Deno.test("--steps takes a whole number from 1 to 200,000, for exercise 9 only; anything else is one line", async () => {
  assert.deepEqual(["1", "3000", "200000", "200,000", "200_000", "12,500"].map(parseSteps), [
    1,
    3000,
    200_000,
    200_000,
    200_000,
    12_500,
  ]);
  for (const bad of ["0", "-5", "1.5", "2e5", "200001", "1000000000000", "abc", "", "20,00", " 300", "0x10"]) {
    assert.throws(() => parseSteps(bad), {
      name: "UsageError",
      message: `--steps takes a whole number of steps from 1 to 200,000 (the lecture's whole training), got ${
        JSON.stringify(bad)
      }`,
    });
  }
  await assert.rejects(() => exerciseCommand(["9", "--steps", "0"]), { name: "UsageError", message: /got "0"$/ });
  await assert.rejects(() => exerciseCommand(["9", "--steps=-3"]), { name: "UsageError", message: /got "-3"$/ });
  await assert.rejects(() => exerciseCommand(["9", "--steps", "1e9"]), { name: "UsageError", message: /got "1e9"$/ });
  await assert.rejects(() => exerciseCommand(["3", "--steps", "100"]), {
    name: "UsageError",
    message: "--steps goes with exercise 9, the one that trains a network, not exercise 3",
  });
  const { output } = await quietly(() => exerciseCommand(["--help"]));
  assert.match(output, /--steps N trains exercise 9's network for N steps/);
});

Deno.test("the lecture's exercise numbers are named as this project's", async () => {
  await assert.rejects(() => exerciseCommand(["1"]), {
    name: "UsageError",
    message: 'there is no exercise "1": exercises are chapters 3 to 9; the lecture\'s exercise 1 is exercises 3 to 6 ' +
      "here (deno task exercise 3), and its 1 to 4 are 3 to 6, 7, 8 and 9",
  });
  await assert.rejects(() => exerciseCommand(["2"]), {
    message: /the lecture's exercise 2 is exercise 7 here \(deno task exercise 7\)/,
  });
  await assert.rejects(() => exerciseCommand(["10"]), {
    message: 'there is no exercise "10": exercises are chapters 3 to 9',
  });
});
