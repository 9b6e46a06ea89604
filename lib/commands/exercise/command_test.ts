// `deno task exercise` without files: the list of exercises, and bad input
// as one clear line. command_fs_test.ts runs it on learners' files.

import assert from "node:assert/strict";
import { exerciseCommand } from "./command.ts";
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

Deno.test("the lecture's exercise numbers are named as this project's", async () => {
  await assert.rejects(() => exerciseCommand(["1"]), {
    name: "UsageError",
    message:
      /no exercise "1": exercises are chapters 3 to 9 \(the lecture's exercise 1 is exercises 3 to 6 here, its 2 is 7, its 3 is 8, its 4 is 9: the lecture's 1 is 3 to 6\)/,
  });
  await assert.rejects(() => exerciseCommand(["2"]), { message: /: the lecture's 2 is 7\)$/ });
});
