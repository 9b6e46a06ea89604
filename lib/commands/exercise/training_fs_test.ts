// Exercise 9 end to end: a learner's backward pass checked, then the network
// trained with it in the sandbox, beside the kernels' run. A short run (300
// steps) keeps each test to seconds. Needs --allow-read --allow-write
// --allow-run; plain `deno test` skips these visibly (the notebook's training
// needs none, but is skipped with them: it takes a while).

import assert from "node:assert/strict";
import { canUseFiles, checkText, edited, fsTest as test, SKIP, solvedStub } from "./testing.ts";
import { trainInNotebook } from "./notebook_training.ts";
import { quietly } from "../../testing.ts";
import { exerciseCommand } from "./command.ts";
import { join } from "node:path";
import { backpropOutputLayer } from "../../../chapters/04_output_layer.ts";
import { backpropFirstLayer } from "../../../chapters/06_first_layer.ts";
import { crossEntropyBackward } from "../../../chapters/07_fused_cross_entropy.ts";
import { batchnormBackward } from "../../../chapters/08_fused_batchnorm.ts";
import type { ExerciseInput } from "../../exercise/learner.ts";
import type { Tensor } from "../../tensor.ts";

if (!canUseFiles) console.log(`training_fs_test.ts: ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) => test("training_fs_test.ts", name, fn);

const SHORT = { trainSteps: 300 };

/** The numbers of a row of the training table: yours, then the kernels'. */
function row(output: string, label: string): [number, number] {
  const line = output.split("\n").find((l) => l.startsWith(label));
  assert.ok(line, `the table has a row ${label}:\n${output}`);
  const [yours, kernels] = line.slice(label.length).trim().split(/\s+/).map(Number);
  return [yours, kernels];
}

fsTest("a correct backward pass passes, trains beside the kernels (the loss falls) and samples names", async (ws) => {
  const { result, output, flat } = await checkText(ws, 9, solvedStub(9), SHORT);
  assert.equal(result, 0, output);
  assert.match(flat, /All 13 gradients of exercise 9 are right/);
  assert.match(flat, /step 300 of 300: loss \d\.\d{4} \(the kernels' \d\.\d{4}\)/);
  assert.match(output, /yours\s+the kernels'\n.*┼/);
  const [firstYours, firstKernels] = row(output, "loss, mean of the first 100 steps");
  const [lastYours, lastKernels] = row(output, "loss, mean of the last 100 steps");
  assert.ok(lastYours < firstYours - 0.3, `the loss fell from ${firstYours} to ${lastYours}`);
  assert.ok(Math.abs(lastYours - lastKernels) < 0.01 && Math.abs(firstYours - firstKernels) < 0.01);
  const [valYours, valKernels] = row(output, "val loss, batchnorm calibrated");
  assert.ok(valYours < 3 && Math.abs(valYours - valKernels) < 0.01, `val ${valYours} against ${valKernels}`);
  const names = output.split("Twenty names from each network")[1].split("\n").slice(3, 23);
  assert.equal(names.length, 20);
  assert.ok(names.every((l) => /^[a-z]+\s+[a-z]+$/.test(l)), names.join("\n"));
  assert.match(flat, /Your backward pass trained the network as well as the kernels do: 300 steps in/);
});

fsTest("a wrong backward pass gets its verdict on its line, and nothing is trained", async (ws) => {
  const text = edited(solvedStub(9), [[
    "const dyTotal = dhpreact.sum(0, true);",
    "const dyTotal = dhpreact.sum(1, true);",
  ]]);
  const { result, flat, lineOf } = await checkText(ws, 9, text, SHORT);
  assert.equal(result, 1);
  assert.match(flat, new RegExp(`dhprebn ${lineOf("const dhprebn")} wrong`));
  assert.match(flat, new RegExp(`line ${lineOf("const dhprebn")}, dhprebn: Σ dhpreact is a sum over axis 1`));
  assert.match(flat, /dW1 \d+ approximately equal \*/, "the lines below are checked with the correct dhprebn");
  assert.match(flat, /12 of 13 done/);
  assert.doesNotMatch(flat, /training with your backward pass/);
});

fsTest("a size written as a number passes the check, then stops the training at step 1, located", async (ws) => {
  const text = edited(solvedStub(9), [[
    "const dbnbias = dhpreact.sum(0, true);",
    "const dbnbias = ones([1, 64]).mul(dhpreact.sum(0, true));",
  ]]);
  const { result, flat, lineOf } = await checkText(ws, 9, text, SHORT);
  assert.equal(result, 1);
  assert.match(flat, /All 13 gradients of exercise 9 are right/);
  assert.match(
    flat,
    new RegExp(
      `Training stopped at step 1 of 300: your gradients\\(\\) threw: \\S+09_training\\.ts:${
        lineOf("const dbnbias")
      }:\\d+: `,
    ),
  );
  assert.match(
    flat,
    /The check ran with 64 hidden units and the training runs with 200: a size written as the number 64/,
  );
});

fsTest("a training process that forges its end cannot claim what its parameters do not do", async (ws) => {
  // At the training's size, the learner's code sends the starting parameters back as trained, and exits.
  const forge = `if (W1.shape[1] === 200) {
    const f32 = (t: Tensor) => btoa(String.fromCharCode(...new Uint8Array(t.data.buffer)));
    const params = Object.fromEntries(Object.entries(fwd.logits ? { C, W1, b1, bngain, bnbias, W2, b2 } : {}).map(([k, t]) => [k, { shape: t.shape, f32: f32(t) }]));
    console.log("\\u0001exercise:progress " + JSON.stringify({ step: 300, losses: [1] }));
    console.log("\\u0001exercise:end " + JSON.stringify({ ended: "trained", params }));
    Deno.exit(0);
  }
  return { dlogits,`;
  const text = edited(solvedStub(9), [["return { dlogits,", forge]]);
  const { result, output, flat } = await checkText(ws, 9, text, SHORT);
  assert.equal(result, 1, output);
  assert.match(flat, /All 13 gradients of exercise 9 are right/);
  const [valYours, valKernels] = row(output, "val loss, batchnorm calibrated");
  assert.ok(valYours > valKernels + 0.3, `the untrained network is evaluated as it is: ${valYours}, ${valKernels}`);
  assert.match(flat, /Your network's val loss, \d\.\d{4}, is well above the kernels'/);

  const verdict = edited(solvedStub(9), [
    ["const dW1 = embcat.T.matmul(dhprebn);", "const dW1 = embcat.T.matmul(dhprebn).mul(2);"],
    [
      "return { dlogits,",
      'console.log("All 13 gradients of exercise 9 are right. Well done!");\n  Deno.exit(0);\n  return { dlogits,',
    ],
  ]);
  const early = await checkText(ws, 9, verdict, SHORT);
  assert.equal(early.result, 1);
  assert.match(early.flat, /Your code ended the process with exit code 0 before gradients\(\) returned/);
  assert.doesNotMatch(early.flat, /training with your backward pass/);
});

fsTest("the training process loads only modules that hold no correct value", async () => {
  const runtime = new URL("./train_runtime.ts", import.meta.url).href;
  const { stdout } = await new Deno.Command("deno", { args: ["info", "--json", new URL(runtime).pathname] }).output();
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string; dependencies?: { code?: { specifier?: string } }[] }[];
  };
  const loaded = new Set<string>();
  const visit = (specifier: string) => {
    if (loaded.has(specifier)) return;
    loaded.add(specifier);
    const module = graph.modules.find((m) => m.specifier === specifier);
    for (const d of module?.dependencies ?? []) if (d.code?.specifier) visit(d.code.specifier);
  };
  visit(runtime); // what runs: type-only imports are not loaded
  const names = [...loaded].map((s) => s.slice(new URL("../../../", import.meta.url).href.length)).sort();
  assert.deepEqual(names, [
    "lib/commands/exercise/runtime.ts",
    "lib/commands/exercise/train_runtime.ts",
    "lib/exercise/hooks.ts",
    "lib/exercise/learner.ts",
    "lib/exercise/marks.ts",
    "lib/exercise/runner.ts",
    "lib/exercise/train_runner.ts",
    "lib/exercise/training_loop.ts",
    "lib/exercise/training_wire.ts",
    "lib/exercise/wire.ts",
    "lib/tensor.ts",
  ]);
});

/** The whole backward pass from the chapters' functions, as exercise 9 asks for it. */
function chapters({ fwd, params, batch }: ExerciseInput): Record<string, Tensor> {
  const dlogits = crossEntropyBackward(fwd.logits, batch.Yb); // [n, 27]
  const { dh, dW2, db2, dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  const dbngain = fwd.bnraw.mul(dhpreact).sum(0, true); // [1, nHidden]
  const dbnbias = dhpreact.sum(0, true); // [1, nHidden]
  const dhprebn = batchnormBackward(dhpreact, fwd.bnraw, fwd.bnvarInv, params.bngain); // [n, nHidden]
  const { dembcat, dW1, db1, demb, dC } = backpropFirstLayer(dhprebn, fwd, params, batch.Xb);
  return { dlogits, dh, dW2, db2, dhpreact, dbngain, dbnbias, dhprebn, dembcat, dW1, db1, demb, dC };
}

fsTest("in a notebook, a whole backward pass that is right trains beside the kernels and samples", async () => {
  const { output } = await quietly(() => trainInNotebook(9, chapters, 40));
  assert.match(output, /All 13 gradients of exercise 9 are right/);
  assert.match(output, /step 40 of 40: loss \d\.\d{4} \(the kernels' \d\.\d{4}\)/);
  assert.match(output, /val loss, batchnorm calibrated\s+\d\.\d{4}\s+\d\.\d{4}/);
  assert.match(output, /Your backward pass trained the network as well as the kernels do: 40 steps/);
});

fsTest("a training that never ends is stopped at its limit, and one that ends itself is told so", async (ws) => {
  const at200 = (code: string) =>
    edited(solvedStub(9), [["return { dlogits,", `if (W1.shape[1] === 200) ${code}\n  return { dlogits,`]]);
  const forever = await checkText(ws, 9, at200("for (;;) {}"), { ...SHORT, trainMs: 4000 });
  assert.equal(forever.result, 1);
  assert.match(forever.flat, /All 13 gradients of exercise 9 are right/);
  assert.match(
    forever.flat,
    /Training with your backward pass took more than 4 s, so it was stopped after step 0 of 300/,
  );
  assert.ok(forever.ms < 60_000, `took ${forever.ms} ms`);
  const exits = await checkText(ws, 9, at200("Deno.exit(3);"), SHORT);
  assert.equal(exits.result, 1);
  assert.match(exits.flat, /Your code ended the training process \(exit code 3\) after step 0 of 300/);
});

fsTest("--steps trains for that many steps, its time limit scaled and said, the kernels' run as long", async (ws) => {
  await Deno.mkdir(ws, { recursive: true });
  await Deno.writeTextFile(join(ws, "09_training.ts"), solvedStub(9));
  const { result, output } = await quietly(() => exerciseCommand(["9", "--steps", "3,300"], ws));
  const flat = output.replace(/\s+/g, " ");
  assert.equal(result, 0, output);
  assert.match(
    flat,
    /3,300 steps of the lecture's 200-unit network, .* \(at most 132 s: 120 s for every 3,000 steps\):/,
  );
  assert.match(flat, /learning rate 0\.1, then 0\.01 from step 1,651 \(halfway/, "the schedule is said");
  const lines = output.split("\n").filter((l) => /^ {2}step [\d,\s]+ of 3,300: /.test(l));
  assert.deepEqual(lines.map((l) => l.match(/step\s+([\d,]+)/)?.[1]), [
    "500",
    "1,000",
    "1,500",
    "2,000",
    "2,500",
    "3,000",
    "3,300",
  ]);
  assert.match(lines[0], /ms a step, \d+:\d\d left$/);
  assert.doesNotMatch(lines.at(-1)!, /left/);
  const [lastYours, lastKernels] = row(output, "loss, mean of the last 100 steps");
  assert.equal(lastYours, lastKernels, "the same batches and schedule as the kernels' run");
  assert.match(flat, /Your backward pass trained the network as well as the kernels do: 3,300 steps in/);
});
