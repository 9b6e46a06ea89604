import assert from "node:assert/strict";
import { latestRun, nextFreeRun, numberedRun } from "./runs.ts";

Deno.test("runs are numbered from the second on, beside the first", () => {
  assert.equal(numberedRun("checkpoints/mlp.safetensors", 1), "checkpoints/mlp.safetensors");
  assert.equal(numberedRun("checkpoints/mlp.safetensors", 2), "checkpoints/mlp-2.safetensors");
  assert.equal(numberedRun("/tmp/a/run.x.safetensors", 12), "/tmp/a/run.x-12.safetensors");
});

Deno.test("with no folder to read (or no permission to), the default path is both the next and the latest", async () => {
  const path = `no-such-folder-${crypto.randomUUID()}/mlp.safetensors`;
  assert.equal(await nextFreeRun(path), path);
  assert.equal(await latestRun(path), path);
});
