import assert from "node:assert/strict";
import { forward } from "../../../chapters/02_forward.ts";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { solvedStub } from "../../commands/exercise/testing.ts";
import { kernelsRun, learnerHeader } from "../../exercise/beside_kernels.ts";
import { prepareProgram } from "../../exercise/prepared.ts";
import { trainLoaded } from "../../exercise/train_runner.ts";
import type { TrainEnd } from "../../exercise/training_wire.ts";
import { loadProgram } from "./exercise_sandbox.ts";
import { type FromTrainRun, type TrainRequest, trainRequest } from "./exercise_train_run.ts";

const IMPORTS = {
  tensor: "file:///exercise/lib/tensor.ts",
  learner: "file:///exercise/lib/exercise/learner.ts",
  hooks: "file:///exercise/lib/exercise/hooks.ts",
};
const STEPS = 6;
const kernels = kernelsRun(STEPS);

/**
 * The stub's few types taken out, as ts-blank-space does in the checker's
 * worker (which needs TypeScript, and so --allow-env, that a plain
 * `deno test` does not grant).
 */
function withoutTypes(code: string): string {
  const js = code.replace(/^ {2}type Tensor,\n/m, "").replace("type ExerciseInput, ", "")
    .replace(": ExerciseInput): Record<string, Tensor> {", ") {");
  assert.doesNotMatch(js, /\btype \w|: ExerciseInput/);
  return js;
}

/** The training worker's request for exercise 9's `text`, rewritten as the checker's worker does. */
function requestFor(text: string): TrainRequest {
  const names = EXERCISES[9].gradients.map((g) => g.name);
  const ready = prepareProgram(names, "file:///exercise/chapters/yours/09_training.ts", text, IMPORTS.hooks);
  return { nonce: "n", imports: IMPORTS, header: learnerHeader(kernels, withoutTypes(ready.code), 2) };
}

/** The same training without the arena: what the CLI's training process computes. */
function plainly(request: TrainRequest): Promise<TrainEnd> {
  return trainLoaded(request.header, forward, () => loadProgram(request.header.program, request.imports), () => {});
}

/** Trains `request` as the page's worker does; how it ended and the progress it sent. */
async function inWorker(request: TrainRequest) {
  const sent: FromTrainRun[] = [];
  const end = await trainRequest(request, forward, (m) => sent.push(m));
  return { end, sent };
}

Deno.test("the page's training with its arena trains the very parameters the plain loop does", async () => {
  const request = requestFor(solvedStub(9));
  const { end, sent } = await inWorker(request);
  assert.equal(end.ended, "trained");
  assert.deepEqual(end, await plainly(request));
  assert.deepEqual(sent.map((m) => m.kind === "progress" && m.body.step), [2, 4, 6]);
  assert.equal(globalThis.Float32Array.name, "Float32Array");
  assert.ok(new Float32Array(4096).buffer.byteLength === 4096 * 4, "the arena is gone after the run");
});

Deno.test("a gradients() that keeps a tensor between calls is trained again without the arena", async () => {
  // The first call's dW2 is kept and used at every step (times 0, so the gradients stay right).
  const text = solvedStub(9).replace(
    /\n {2}return \{/,
    "\n  kept ??= dW2;\n  const dW2kept = kept.mul(0).add(dW2); // [64, 27]\n  return {",
  ).replace("export function gradients(", "let kept;\nexport function gradients(")
    .replace(/(\{ [^}]*)\bdW2\b([^}]*\};\n\})/, "$1dW2: dW2kept$2");
  assert.match(text, /dW2: dW2kept/);
  const request = requestFor(text);
  const { end, sent } = await inWorker(request);
  assert.equal(end.ended, "trained", JSON.stringify(end));
  assert.deepEqual(end, await plainly(request));
  // The first run (with the arena) stopped before its end; the second ran from the start.
  const steps = sent.flatMap((m) => (m.kind === "progress" ? [m.body.step] : []));
  assert.ok(steps.length > 3, `one run only: ${steps}`);
  assert.deepEqual(steps.slice(-3), [2, 4, 6]);
});
