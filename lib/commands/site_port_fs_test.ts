// `deno task site --serve` on a port another process listens on says so in
// one line before it builds or reuses anything (a build takes half a minute).
// The port is held by a child process, so that this test needs only
// --allow-run; skips visibly without it.

import assert from "node:assert/strict";

const permitted = (await Deno.permissions.query({ name: "run" })).state === "granted";
const SKIP = "skipped: needs --allow-run (.ci/run grants it)";
if (!permitted) console.log(`site_port_fs_test.ts: ${SKIP}`);

/** A child that listens on a free port of 127.0.0.1 until its input closes, and that port. */
async function holdPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const code = `const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
console.log(l.addr.port);
for await (const _ of Deno.stdin.readable) { /* until closed */ }
l.close();`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the port holder ended before it printed its port: ${JSON.stringify(text)}`);
    text += value;
  }
  return {
    port: Number(text.trim()),
    release: async () => {
      await child.stdin.close();
      await reader.cancel();
      await child.status;
    },
  };
}

Deno.test({
  name: permitted
    ? "deno task site --serve on a port in use is one line and exit code 2, before any build"
    : `deno task site --serve on a port in use is one line and exit code 2, before any build (${SKIP})`,
  ignore: !permitted,
  async fn() {
    const held = await holdPort();
    try {
      const root = new URL("../..", import.meta.url).pathname;
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["task", "--quiet", "site", "--serve", "--port", String(held.port)],
        cwd: root,
        env: { NO_COLOR: "1" },
      }).output();
      const out = new TextDecoder().decode(stdout), err = new TextDecoder().decode(stderr);
      assert.equal(code, 2, err);
      assert.equal(out, "", "nothing was built or reused");
      assert.equal(
        err.trim(),
        `error: port ${held.port} is in use: choose another with --port (0 picks a free one)`,
      );
    } finally {
      await held.release();
    }
  },
});
