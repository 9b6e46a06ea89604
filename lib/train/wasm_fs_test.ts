// The committed kernels.wasm is the module the trainer loads (whose bytes
// kernels_wasm.ts holds, and which wasm/step_test.ts rebuilds from source).
// Reading the file needs --allow-read, which .ci/run gives.

import assert from "node:assert/strict";
import { KERNELS_WASM_BASE64 } from "./wasm/kernels_wasm.ts";

const canRead = (await Deno.permissions.query({ name: "read" })).state === "granted";

Deno.test({
  name: `kernels.wasm holds the same bytes as kernels_wasm.ts${
    canRead ? "" : " (skipped: needs --allow-read (.ci/run grants it))"
  }`,
  ignore: !canRead,
  fn() {
    const file = Deno.readFileSync(new URL("./wasm/kernels.wasm", import.meta.url));
    const committed = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    assert.deepEqual(file, committed, "kernels.wasm and kernels_wasm.ts differ: run `deno task wasm`");
  },
});
