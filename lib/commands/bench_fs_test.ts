// The bench's PyTorch column needs --allow-run (which .ci/run grants, and
// `deno task bench` has). These tests never need Python: they check that a
// Python that cannot be run, or has no torch, costs one line and nothing else.

import assert from "node:assert/strict";
import { quietly } from "../testing.ts";
import { benchCommand } from "./bench.ts";

const canRun = (await Deno.permissions.query({ name: "run" })).state === "granted";
const SKIP = " (skipped: needs --allow-run (.ci/run grants it))";

Deno.test({
  name: `a --python that cannot be run leaves PyTorch out in one line${canRun ? "" : SKIP}`,
  ignore: !canRun,
  async fn() {
    const { result, output } = await quietly(() => benchCommand(["--quick", "--python", "/nonexistent/python3"]));
    assert.equal(result, 0);
    assert.match(output, /^PyTorch: not timed, \/nonexistent\/python3 could not be run \(.+\)\.$/m);
    assert.doesNotMatch(output, /PyTorch \d/);
    assert.match(output, /WebAssembly SIMD kernels/);
  },
});

Deno.test({
  name: `a Python without torch leaves PyTorch out in one line${canRun ? "" : SKIP}`,
  ignore: !canRun,
  async fn() {
    // `deno` itself stands in for a Python whose script fails: it cannot run a .py file.
    const { result, output } = await quietly(() => benchCommand(["--quick", "--python", Deno.execPath()]));
    assert.equal(result, 0);
    assert.match(output, /^PyTorch: not timed, .* has no usable torch \(.+\); try --python PATH/m);
  },
});

Deno.test({
  name: `a --native that cannot be run is left out in one line${canRun ? "" : SKIP}`,
  ignore: !canRun,
  async fn() {
    const { result, output } = await quietly(() => benchCommand(["--quick", "--native", "/nonexistent/mlp"]));
    assert.equal(result, 0);
    assert.match(output, /^native \/nonexistent\/mlp: not timed, it could not be run \(.+\)\.$/m);
    assert.doesNotMatch(output, /^native C/m);
  },
});

Deno.test({
  name: `a --native that prints no median_ms= is left out in one line${canRun ? "" : SKIP}`,
  ignore: !canRun,
  async fn() {
    // `deno` stands in for a native peer that runs but prints no time: it does not know the flags it is given.
    const { result, output } = await quietly(() => benchCommand(["--quick", "--native", Deno.execPath()]));
    assert.equal(result, 0);
    assert.match(output, /^native .*: not timed \((exit code \d+|printed no median_ms=)\)\.$/m);
  },
});
