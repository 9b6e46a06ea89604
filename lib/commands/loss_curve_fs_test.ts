// The loss curve on disk: written beside the checkpoint, replaced on the next
// run, and a file that `deno task train` did not write is left alone. Needs
// --allow-read --allow-write; plain `deno test` skips it visibly, .ci/run runs it.

import assert from "node:assert/strict";
import { join } from "node:path";
import { LOSS_CURVE_MARK, saveLossCurve } from "./loss_curve.ts";

const granted = async (name: "read" | "write") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const SKIP = "skipped: needs --allow-read --allow-write (.ci/run grants them)";

Deno.test({
  name: canUseFiles
    ? "saveLossCurve writes beside the checkpoint and never replaces a file it did not write"
    : `saveLossCurve on disk (${SKIP})`,
  ignore: !canUseFiles,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const checkpoint = join(dir, "mlp.safetensors");
      const losses = Float32Array.from([0.5, 0.45, 0.4]);
      assert.equal(
        await saveLossCurve(checkpoint, losses),
        `The loss curve: ${dir}/mlp.loss.svg (open it in a browser).`,
      );
      const written = await Deno.readTextFile(join(dir, "mlp.loss.svg"));
      assert.ok(written.startsWith(`${LOSS_CURVE_MARK}\n<svg`));
      await saveLossCurve(checkpoint, Float32Array.from([0.3]));
      assert.notEqual(await Deno.readTextFile(join(dir, "mlp.loss.svg")), written, "its own file is replaced");

      await Deno.writeTextFile(join(dir, "mine.loss.svg"), "my drawing");
      assert.match(await saveLossCurve(join(dir, "mine.safetensors"), losses), /Did not write the loss curve/);
      assert.equal(await Deno.readTextFile(join(dir, "mine.loss.svg")), "my drawing");
      assert.equal(await saveLossCurve(checkpoint, new Float32Array(0)), "No training steps, so no loss curve.");
      assert.match(
        await saveLossCurve(join(dir, "no", "such", "dir", "x.safetensors"), losses),
        /^Could not write the loss curve to .*x\.loss\.svg: No such file or directory/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
