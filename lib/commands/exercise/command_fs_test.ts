// Exercise mode as a learner uses it, with files: the stub is copied on the
// first run and never overwritten, the chapter's solution lines pasted in
// pass, --reset keeps a backup, and the learner's file runs in a `deno`
// subprocess: type errors, syntax errors and runaway loops get a located
// message. Needs --allow-read --allow-write --allow-run; plain `deno test`
// skips these visibly and .ci/run runs them.

import assert from "node:assert/strict";
import { join } from "node:path";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { exerciseCommand, setUpFile } from "./command.ts";
import { onSmallDisk } from "../testing.ts";
import type { Limits } from "./sandbox.ts";
import { quietly } from "../../testing.ts";
import { canUseFiles, checkText, edited, fsTest as test, SKIP, solvedStub } from "./testing.ts";

if (!canUseFiles) console.log(`command_fs_test.ts: file-system tests ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) => test("command_fs_test.ts", name, fn);

fsTest("the first run copies the stub and reports every gradient as TODO, exiting non-zero", async (workspace) => {
  const { result, output } = await quietly(() => exerciseCommand(["3"], workspace));
  assert.equal(result, 1);
  assert.match(output, /Created .*03_cross_entropy\.ts from the stub/);
  assert.equal(output.match(/ TODO/g)?.length, 8);
  assert.equal(await Deno.readTextFile(join(workspace, "03_cross_entropy.ts")), EXERCISES[3].stub);
});

fsTest("a learner's file is never overwritten, and --reset keeps it as a backup", async (workspace) => {
  await quietly(() => exerciseCommand(["4"], workspace));
  const path = join(workspace, "04_output_layer.ts");
  const mine = EXERCISES[4].stub.replace(
    "const dh = todo(h); // [n, 64]",
    "const dh = matmul(dlogits, transpose(W2)); // mine",
  );
  await Deno.writeTextFile(path, mine);
  const again = await quietly(() => exerciseCommand(["4"], workspace));
  assert.equal(await Deno.readTextFile(path), mine);
  assert.match(again.output, /dh\s+\d+\s+approximately equal/);
  const reset = await quietly(() => exerciseCommand(["4", "--reset"], workspace));
  assert.match(reset.output, /Moved your .*04_output_layer\.ts to .*04_output_layer\.ts\..*\.bak/);
  assert.equal(await Deno.readTextFile(path), EXERCISES[4].stub);
  const backups = [...Deno.readDirSync(workspace)].filter((e) => e.name.endsWith(".bak"));
  assert.equal(backups.length, 1);
  assert.equal(await Deno.readTextFile(join(workspace, backups[0].name)), mine);
});

fsTest("a folder where the learner's file belongs is one line, exit code 2, and is left alone", async (workspace) => {
  await Deno.mkdir(join(workspace, "03_cross_entropy.ts"), { recursive: true });
  await assert.rejects(() => quietly(() => exerciseCommand(["3"], workspace)), {
    name: "UsageError",
    message: /03_cross_entropy\.ts is a folder, not your exercise file: move it away, and the next run makes the file/,
  });
  assert.ok((await Deno.stat(join(workspace, "03_cross_entropy.ts"))).isDirectory);
});

fsTest("several --reset at once keep every version under a name of its own, and leave the stub", async (workspace) => {
  const spec = EXERCISES[4];
  const path = join(workspace, spec.file);
  await Deno.mkdir(workspace, { recursive: true });
  await Deno.writeTextFile(path, "mine");
  const { output } = await quietly(() => Promise.all([1, 2, 3, 4].map(() => setUpFile(spec, path, workspace, true))));
  assert.equal(await Deno.readTextFile(path), spec.stub);
  const files = [...Deno.readDirSync(workspace)].map((e) => e.name);
  const backups = files.filter((f) => f.endsWith(".bak"));
  assert.equal(new Set(backups).size, backups.length);
  assert.ok(backups.length >= 1 && output.match(/Moved your/g)!.length === backups.length, output);
  const kept = await Promise.all(backups.map((b) => Deno.readTextFile(join(workspace, b))));
  assert.ok(kept.includes("mine"), "the learner's version is among them");
  assert.deepEqual(files.filter((f) => f.endsWith(".tmp")), []);
});

fsTest("an empty file, as a failed first write leaves it, is made again from the stub", async (workspace) => {
  const spec = EXERCISES[3];
  const path = join(workspace, spec.file);
  await Deno.mkdir(workspace, { recursive: true });
  await Deno.writeTextFile(path, "");
  const { output } = await quietly(() => setUpFile(spec, path, workspace, false));
  assert.match(output, /03_cross_entropy\.ts was empty \(a write that failed\?\), so it is the stub again/);
  assert.equal(await Deno.readTextFile(path), spec.stub);
});

fsTest("a full disk on the first run leaves no file, and says so in one line (a tmpfs; root only)", async () => {
  const spec = EXERCISES[3];
  const mounted = await onSmallDisk({ full: true }, async (dir) => {
    await assert.rejects(() => quietly(() => setUpFile(spec, join(dir, spec.file), dir, false)), {
      name: "StopError",
      message: /^cannot create .*03_cross_entropy\.ts: No space left on device/,
    });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [".filler"]);
  });
  if (!mounted) console.log("command_fs_test.ts: the full disk was skipped: no tmpfs can be mounted here");
});

fsTest("with the chapters' solution lines filled in, every exercise passes", async (workspace) => {
  await Deno.mkdir(workspace, { recursive: true });
  for (const chapter of [3, 4, 5, 6, 7, 8]) {
    await Deno.writeTextFile(join(workspace, EXERCISES[chapter].file), solvedStub(chapter));
    const { result, output } = await quietly(() => exerciseCommand([String(chapter)], workspace));
    assert.equal(result, 0, output);
    assert.match(output, new RegExp(`(All \\d gradients|The 1 gradient) of exercise ${chapter} (are|is) right`));
  }
});

fsTest(
  "a line that throws is wrong with its error on its line, and the lines below are still checked",
  async (workspace) => {
    const { result, output, lineOf } = await tryMistake(workspace, 4, [[
      /const dh = .*;/,
      "const dh = matmul(dlogits, W2);",
    ]]);
    assert.equal(result, 1);
    const line = lineOf("const dh = ");
    assert.match(output, new RegExp(`dh ${line} wrong`));
    assert.match(
      output,
      new RegExp(
        `line ${line}, dh: threw at .*04_output_layer\\.ts:${line}:14: Cannot matmul \\[32, 27\\] by \\[64, 27\\].* const dh = matmul\\(dlogits, W2\\);[^^]* \\^`,
      ),
    );
    assert.match(output, /dhpreact \d+ (exact|approximately equal) \*/, "handed the correct dh");
    assert.match(output, /3 of 4 done\. Next: dh/);
    assert.doesNotMatch(output, /not reached|With your own values/);
  },
);

/** Exercise `chapter` solved, with `edits` applied to the text (each [from, to]), checked; the result and output. */
async function tryMistake(
  workspace: string,
  chapter: number,
  edits: [string | RegExp, string][],
  limits: Partial<Limits> = {},
) {
  const { result, flat, lineOf } = await checkText(workspace, chapter, edited(solvedStub(chapter), edits), limits);
  return { result, output: flat, lineOf };
}

fsTest("`+=` on tensors is a located type error in the learner's terms, and the file is not run", async (workspace) => {
  const { result, output, lineOf } = await tryMistake(workspace, 3, [
    [
      "dcounts = add(dcounts, mul(ones([n, vocabSize]), dcountsSum));",
      "dcounts += mul(ones([n, vocabSize]), dcountsSum);",
    ],
  ]);
  assert.equal(result, 1);
  const line = lineOf("dcounts += ");
  assert.match(
    output,
    new RegExp(
      `03_cross_entropy\\.ts:${line}:3: \`\\+=\` does not add tensors: write \`dcounts = dcounts\\.add\\(…\\)\` or \`dcounts = add\\(dcounts, …\\)\``,
    ),
  );
  assert.match(output, /so it was not run/);
  assert.doesNotMatch(output, /gradient\s+line\s+status/);
});

fsTest(
  "the lecture's `dlogprobs[range(n), Yb] = -1 / n` and `counts @ dprobs` are said in tensor terms",
  async (workspace) => {
    const indexed = await tryMistake(workspace, 3, [[
      "const dlogprobs = oneHot(Yb, vocabSize).mul(-1 / n);",
      "const dlogprobs = zeros(logprobs.shape);\n  dlogprobs[range(n), Yb] = -1 / n;",
    ]]);
    assert.equal(indexed.result, 1);
    assert.match(
      indexed.output,
      new RegExp(
        `has a type error, so it was not run: .*03_cross_entropy\\.ts:${
          indexed.lineOf("dlogprobs[range(n)")
        }:13: a Tensor is not indexed with \\[ \\]: its numbers are a flat, row-major \\.data with a \\.shape .*` +
          `const dlogprobs = oneHot\\(Yb, logprobs\\.shape\\[1\\]\\)\\.mul\\(-1 / n\\) \\(oneHot makes the mask of those ` +
          `entries\\), in place of the zeros it starts as and of this line`,
      ),
    );
    assert.doesNotMatch(indexed.output, /Cannot find name 'range'/);
    const matmul = await tryMistake(workspace, 3, [["countsSumInv.mul(dprobs)", "countsSumInv @ dprobs"]]);
    assert.match(
      matmul.output,
      /(could not be run|so it was not run): .*:\d+:\d+: `@` is Python's matrix product; TypeScript has no such operator: write countsSumInv\.matmul\(dprobs\) or matmul\(countsSumInv, dprobs\)/,
    );
  },
);

fsTest("a syntax error keeps its line and column", async (workspace) => {
  const { result, output, lineOf } = await tryMistake(workspace, 3, [[
    "mul(pow(probs, -1), dlogprobs);",
    "mul(pow(probs, -1), dlogprobs;",
  ]]);
  assert.equal(result, 1);
  const line = lineOf("dlogprobs; //");
  assert.match(output, new RegExp(`03_cross_entropy\\.ts:${line}:\\d+: SyntaxError: Expected ',', got ';'`));
});

fsTest("a loop that never ends is stopped at the time limit and named", async (workspace) => {
  const inside = await tryMistake(workspace, 4, [[
    /(\n\s*)(const dh = )/,
    "$1while (dlogits.size > 0) Math.sqrt(2);$1$2",
  ]], { codeMs: 1000 });
  assert.equal(inside.result, 1);
  assert.match(
    inside.output,
    new RegExp(
      `Your gradients\\(\\) ran for 1 s without returning, so it was stopped\\. It was running before line ${
        inside.lineOf("const dh = ")
      } \\(dh\\) of .*04_output_layer\\.ts: is there a loop that never ends there\\?`,
    ),
  );
  const after = await tryMistake(workspace, 4, [[
    /(\n\s*)(const dW2 = )/,
    "$1for (let i = 0; i < 10; i--) Math.sqrt(i);$1$2",
  ]], { codeMs: 1000 });
  assert.equal(after.result, 1);
  assert.match(
    after.output,
    new RegExp(
      `It was running after line ${after.lineOf("const dh = ")} \\(dh\\), before line ${
        after.lineOf("const dW2 = ")
      } \\(dW2\\) of .*04_output_layer\\.ts`,
    ),
  );
  const within = await tryMistake(workspace, 4, [[
    /const dW2 = (.*);/,
    "const dW2 = (() => {\n    while (h.size > 0) Math.sqrt(2);\n    return $1;\n  })();",
  ]], { codeMs: 1000 });
  assert.match(within.output, new RegExp(`It was running in line ${within.lineOf("const dW2 = ")} \\(dW2\\) of`));
  const outside = await tryMistake(workspace, 4, [[
    /\nexport function gradients/,
    "\nwhile (Math.random() < 2) Math.sqrt(2);\nexport function gradients",
  ]], { codeMs: 1000 });
  assert.equal(outside.result, 1);
  assert.match(outside.output, /The top level of .*04_output_layer\.ts ran for 1 s without finishing/);
});

fsTest(
  "a shape mistake is named on its own line, and the lines below are checked on correct values",
  async (workspace) => {
    const { result, output, lineOf } = await tryMistake(workspace, 5, [
      [/const dbnmeani = (.*);/, "const dbnmeani = transpose($1);"],
    ]);
    assert.equal(result, 1);
    const line = lineOf("const dbnmeani");
    assert.match(output, new RegExp(`dbnmeani\\s+${line}\\s+wrong`));
    assert.match(output, /dbnmeani: shape \[64, 1\], expected \[1, 64\] \(bnmeani's shape\): it is transposed/);
    assert.match(output, /dhprebn\s+\d+\s+(exact|approximately equal)/);
    assert.match(output, /With your own values, your gradients\(\) threw at .*05_batchnorm\.ts:\d+:\d+/);
  },
);

fsTest("a tensor shared under two names and changed in place is reported", async (workspace) => {
  const { result, output } = await tryMistake(workspace, 5, [
    [
      /let dhprebn = [^\n]*\n[^\n]*dhprebn = add[^\n]*/,
      "const dhprebn = dbndiff;\n  for (let i = 0; i < dhprebn.size; i++) dhprebn.data[i] += dbnmeani.data[i % 64] / n;",
    ],
  ]);
  assert.equal(result, 1);
  assert.match(output, /dhprebn and dbndiff are one tensor under two names/);
  assert.doesNotMatch(output, /Well done/);
  assert.match(
    output,
    /dbndiff was changed in place after line \d+, through dhprebn \(line \d+\), which is the same tensor/,
  );
  assert.match(output, /dbndiff\s+\d+\s+(exact|approximately equal)/);
});

fsTest(
  "the chain rule left out is named in the table's notes, and the next line is still checked",
  async (workspace) => {
    const { result, output, lineOf } = await tryMistake(workspace, 3, [[
      "mul(pow(probs, -1), dlogprobs);",
      "pow(probs, -1);",
    ]]);
    assert.equal(result, 1);
    assert.match(output, new RegExp(`line ${lineOf("const dprobs")}, dprobs: this is the local derivative alone`));
    assert.match(output, /dcountsSumInv \d+ approximately equal \*/);
    assert.match(output, /\* = checked on the correct values/);
  },
);

fsTest("`*` on tensors is one located message, without its knock-on errors", async (workspace) => {
  const { result, output, lineOf } = await tryMistake(workspace, 3, [[
    "mul(pow(probs, -1), dlogprobs);",
    "pow(probs, -1) * dlogprobs;",
  ]]);
  assert.equal(result, 1);
  assert.match(
    output,
    new RegExp(
      `has a type error, so it was not run: .*03_cross_entropy\\.ts:${
        lineOf("const dprobs")
      }:18: \`\\*\` does not multiply tensors: write pow\\(probs, -1\\)\\.mul\\(dlogprobs\\) or mul\\(pow\\(probs, -1\\), dlogprobs\\)`,
    ),
  );
});

/** Exercise 3's dlogprobs written the PyTorch way: zeros, then −1/n set in place (times `scale`). */
const inPlaceDlogprobs = (scale: number) =>
  `const dlogprobs = zeros(logprobs.shape); // [n, 27]
  for (let i = 0; i < n; i++) dlogprobs.data[i * vocabSize + Yb.data[i]] = ${scale} * -1 / n;`;

fsTest(
  "a gradient finished in place is judged by its final values, also when a later line throws",
  async (workspace) => {
    const { result, output, lineOf } = await tryMistake(workspace, 3, [
      [/const dlogprobs = [^\n]*/, inPlaceDlogprobs(1)],
      ["const dnormLogits = mul(counts, dcounts);", "const dnormLogits = mul(counts, transpose(dcounts));"],
    ]);
    assert.equal(result, 1);
    const line = lineOf("const dnormLogits");
    assert.match(output, new RegExp(`line ${line}, dnormLogits: threw at .*03_cross_entropy\\.ts:${line}:`));
    assert.match(output, new RegExp(`dlogprobs ${lineOf("const dlogprobs")} exact`));
    assert.doesNotMatch(output, /all zeros/);
    assert.match(
      output,
      /dcounts \d+ (exact|approximately equal) [\d.e+-]+ dnormLogits \d+ wrong dlogitMaxes \d+ \S+( equal)? \*/,
    );
    assert.match(output, /7 of 8 done\. Next: dnormLogits/);
  },
);

fsTest("a gradient finished in place is handed over correct to the lines below when it is wrong", async (workspace) => {
  const { result, output, lineOf } = await tryMistake(workspace, 3, [[
    /const dlogprobs = [^\n]*/,
    inPlaceDlogprobs(2),
  ]]);
  assert.equal(result, 1);
  assert.match(output, new RegExp(`dlogprobs ${lineOf("const dlogprobs")} wrong`));
  assert.match(output, /dlogprobs: off by a factor of 2/);
  assert.match(output, /dprobs \d+ (exact|approximately equal) \*/, "checked on the correct dlogprobs, not waiting");
  assert.doesNotMatch(output, /waiting/);
  assert.match(output, /7 of 8 done\. Next: dlogprobs/);
});

fsTest(
  "--watch checks every save again, also saves that replace the file, and goes on after a run it had to stop",
  async (workspace) => {
    await Deno.mkdir(workspace, { recursive: true });
    const path = join(workspace, EXERCISES[4].file);
    const right = solvedStub(4);
    const transposed = right.replace(/const dW2 = (.*);/, "const dW2 = transpose($1);");
    // The runtime's own "timer off" printed, then a loop: only the deadline on the whole run stops it.
    const runaway = right.replace(
      /(\n {2}const dh = )/,
      '\n  console.log("\\u0001exercise:timer off");\n  for (;;) {}$1',
    );
    await Deno.writeTextFile(path, EXERCISES[4].stub);
    let watching: (() => void) | undefined;
    /** Resolves when the command next waits for a save (at most 60 s from now). */
    const nextWait = (what: string) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      return new Promise<void>((resolve, reject) => {
        watching = resolve;
        timer = setTimeout(() => reject(new Error(`no check within 60 s of ${what}`)), 60_000);
      }).finally(() => clearTimeout(timer));
    };
    const stop = new AbortController();
    let waited = nextWait("starting");
    const run = quietly(() =>
      exerciseCommand(["4", "--watch"], workspace, { codeMs: 1000, startupMs: 3000 }, {
        signal: stop.signal,
        onWatching: () => watching?.(),
      })
    );
    try {
      await waited;
      for (const [i, text] of [right, runaway, transposed].entries()) {
        waited = nextWait(`save ${i + 1}`);
        await Deno.writeTextFile(`${path}.tmp`, text); // as sed -i and many editors save
        await Deno.rename(`${path}.tmp`, path);
        await waited;
      }
    } finally {
      stop.abort();
    }
    const { result, output } = await run;
    assert.equal(result, 1, "the first check saw the stub");
    const checks = output.split(/Exercise 4, checked at [^\n]*\n/).slice(1);
    assert.equal(checks.length, 3, output);
    assert.match(checks[0], /All 4 gradients of exercise 4 are right/);
    assert.match(checks[1].replace(/\s+/g, " "), /took [\d.]+ s in all without finishing, so it was stopped/);
    assert.match(checks[2], /dW2\s+\d+\s+wrong/);
    assert.match(checks[2], /it is transposed/);
  },
);
