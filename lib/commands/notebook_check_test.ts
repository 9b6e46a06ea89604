import assert from "node:assert/strict";
import { todo } from "../exercise/checker.ts";
import { mul, oneHot, pow } from "../tensor.ts";
import { quietly } from "../testing.ts";
import { checkInNotebook, exerciseInput, notebookVerdict } from "./notebook_check.ts";

const { fwd, batch, n } = exerciseInput();
const vocabSize = fwd.logprobs.shape[1];
const right = mul(oneHot(batch.Yb, vocabSize), -1 / n);

Deno.test("a todo gradient's cell says TODO and where the hints are", () => {
  const out = notebookVerdict(3, { dlogprobs: todo(fwd.logprobs) }, "dlogprobs");
  assert.match(out, /^dlogprobs: TODO\n/);
  assert.match(
    out,
    /Replace todo\(…\) with your dlogprobs and run this cell again\. Stuck\? deno task\s+exercise 3 --hint dlogprobs/,
  );
});

Deno.test("a right gradient's cell says so, without the hint", () => {
  const out = notebookVerdict(3, { dlogprobs: right }, "dlogprobs");
  assert.match(out, /^dlogprobs: (exact|approximately equal)/);
  assert.match(out, /dlogprobs is right\.$/);
});

Deno.test("a wrong gradient's cell gives the checker's diagnosis, and the next one waits on it", () => {
  const wrong = mul(right, n); // forgot the 1/n
  const out = notebookVerdict(3, { dlogprobs: wrong }, "dlogprobs");
  assert.match(out, /^dlogprobs: wrong\. \S/);
  const next = notebookVerdict(3, { dlogprobs: wrong, dprobs: mul(pow(fwd.probs, -1), wrong) }, "dprobs");
  assert.match(next, /^dprobs: waiting\. .*dlogprobs/);
});

Deno.test("without a name, the whole exercise's table as `deno task exercise` prints it", async () => {
  const { output } = await quietly(() => checkInNotebook(7, { dlogits: todo(fwd.logits) }));
  assert.match(output, /dlogits\s+TODO/);
  assert.match(output, /0 of 1 done\. Next: dlogits/);
  assert.throws(() => notebookVerdict(2, {}), { message: /There is no exercise 2/ });
  assert.throws(() => notebookVerdict(3, {}, "dx"), {
    message: /Exercise 3 has no gradient dx: its gradients are dlogprobs/,
  });
});
