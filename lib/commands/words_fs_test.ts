// `deno task train --data` and `deno task sample` on a words file, through the CLI: a run on words with umlauts, a
// '.' and capitals saves a checkpoint that records the file; sample needs no data file, marks names in-set or new
// while the file is there unchanged and says it cannot tell otherwise; --resume on another file, a bad file, a prefix
// outside the vocabulary and a --samples-out over a file are one line each. They need --allow-read --allow-write;
// plain `deno test` has none, so they are skipped there, visibly, and .ci/run runs them with the permissions:
//
//     deno test --allow-read --allow-write lib/commands/words_fs_test.ts

import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../cli.ts";
import { quietly } from "../testing.ts";
import { sha256Hex } from "../train/data_file.ts";
import { decodeSafetensors } from "../train/safetensors.ts";
import { sampleCommand, trainCommand } from "./train.ts";

const granted = async (name: "read" | "write") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const SKIP_FILES = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
if (!canUseFiles) console.log(`words_fs_test.ts: file-system tests ${SKIP_FILES}`);

function fsTest(name: string, fn: (dir: string) => Promise<void>): void {
  Deno.test({
    name: canUseFiles ? name : `${name} (${SKIP_FILES})`,
    ignore: !canUseFiles,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "backprop-ninja-words-" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

const WORDS = [
  "Äpfel",
  "Öl",
  "Übermut",
  "straße",
  "Jean-Luc",
  "l'été",
  "j.r.",
  "Müller",
  "Bär",
  "Käse",
  "Größe",
  "Tür",
];
/** The characters of WORDS, distinct, in code point order. */
const CHARS = [...new Set(WORDS.join(""))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);

/** The one line a command refuses with. */
async function refused(run: () => Promise<number>): Promise<string> {
  const error = await quietly(run).then(() => null, (e) => e);
  assert.ok(error instanceof UsageError, `refused with a UsageError, got ${error}`);
  assert.ok(!error.message.includes("\n"), "one line");
  return error.message;
}

fsTest("train --data records the file; sample marks in-set or new, or says it cannot tell", async (dir) => {
  const words = join(dir, "wörter.txt");
  await Deno.writeTextFile(words, "\uFEFF" + WORDS.join("\r\n") + "\r\n\r\n");
  const out = join(dir, "w.safetensors");
  const run = await quietly(() => trainCommand(["--data", words, "--steps", "200", "--samples", "5", "--out", out]));
  assert.equal(run.result, 0, run.output);
  const V = CHARS.length + 1;
  assert.ok(
    run.output.includes(`uniform (ln ${V})\n`) && run.output.includes(`  ${Math.log(V).toFixed(4)}\nval`),
    run.output,
  );
  const { metadata } = decodeSafetensors(await Deno.readFile(out), out);
  const bytes = await Deno.readFile(words);
  assert.deepEqual(JSON.parse(metadata.data), { name: words, size: bytes.length, sha256: await sha256Hex(bytes) });
  assert.equal(
    metadata.vocab,
    "." + [...new Set(WORDS.join(""))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!).join(""),
  );
  const known = await quietly(() => sampleCommand(["--checkpoint", out, "--samples", "30"]));
  assert.match(known.output, /30 samples \(seed 2147483657, temperature 1\), \d+ of them new:/);
  assert.match(known.output, / {2}\S+ +(in the training set|new)\n/);
  await Deno.writeTextFile(words, "changed\n", { append: true });
  const changed = await quietly(() => sampleCommand(["--checkpoint", out, "--samples", "3"]));
  assert.match(
    changed.output,
    /; new or not, cannot tell: .*wörter\.txt has changed since training \(SHA-256 [0-9a-f]{64}, not/,
  );
  await Deno.remove(words);
  const gone = await quietly(() => sampleCommand(["--checkpoint", out, "--samples", "3"]));
  assert.match(gone.output, /new or not, cannot tell: .*wörter\.txt, the words it learned from, cannot be read/);
  assert.equal(gone.output.split("\n").filter((line) => /^ {2}\S/.test(line)).length, 3, "three names, unmarked");
});

fsTest(
  "--resume on another words file is refused naming both hashes; --prefix and --samples-out guard",
  async (dir) => {
    const [a, b] = [join(dir, "a.txt"), join(dir, "b.txt")];
    await Deno.writeTextFile(a, WORDS.join("\n"));
    await Deno.writeTextFile(b, WORDS.slice(1).join("\n"));
    const out = join(dir, "a.safetensors");
    assert.equal(
      (await quietly(() => trainCommand(["--data", a, "--steps", "20", "--samples", "0", "--out", out]))).result,
      0,
    );
    const [ha, hb] = [await sha256Hex(await Deno.readFile(a)), await sha256Hex(await Deno.readFile(b))];
    assert.equal(
      await refused(() => trainCommand(["--resume", out, "--data", b, "--steps", "40"])),
      `refusing to resume on ${b} (SHA-256 ${hb}): the checkpoint learned from ${a} (SHA-256 ${ha})`,
    );
    assert.match(
      await refused(() => trainCommand(["--resume", out, "--data", join(dir, "names.txt"), "--steps", "40"])),
      /names\.txt: no such data file$/,
    );
    const lecture = join(dir, "lecture.safetensors");
    assert.equal((await quietly(() => trainCommand(["--steps", "5", "--samples", "0", "--out", lecture]))).result, 0);
    assert.match(
      await refused(() => trainCommand(["--resume", lecture, "--data", a, "--steps", "10"])),
      new RegExp(
        `^refusing to resume on .*a\\.txt \\(SHA-256 ${ha}\\): the checkpoint learned from the lecture's data/names\\.txt \\(built in, SHA-256 [0-9a-f]{64}\\)$`,
      ),
    );
    const lectureFile = new URL("../../data/names.txt", import.meta.url).pathname;
    const onNames = await quietly(() =>
      trainCommand(["--resume", lecture, "--data", lectureFile, "--steps", "10", "--samples", "0"])
    );
    assert.equal(onNames.result, 0, "the lecture's own file is the data the checkpoint learned from");
    const resumed = await quietly(() => trainCommand(["--resume", out, "--steps", "40", "--samples", "0"]));
    assert.equal(resumed.result, 0, "without --data it continues on the file it records");
    assert.equal(
      await refused(() => sampleCommand(["--checkpoint", out, "--prefix", "Øl"])),
      `--prefix: the prefix "Øl" has the character "Ø" (U+00D8), which is not in the vocabulary of ${CHARS.length} characters`,
    );
    const prefixed = await quietly(() => sampleCommand(["--checkpoint", out, "--prefix", "Kä", "--top-k", "3"]));
    assert.match(prefixed.output, /20 samples \(seed 2147483657, temperature 1, top-k 3, prefix "Kä"\)/);
    const names = join(dir, "names.txt");
    await Deno.writeTextFile(names, "mine\n");
    assert.equal(
      await refused(() => sampleCommand(["--checkpoint", out, "--samples-out", names])),
      `refusing to overwrite ${names}: it exists; choose another --samples-out, or add --force`,
    );
    assert.equal(await Deno.readTextFile(names), "mine\n", "the file is as it was");
    await quietly(() => sampleCommand(["--checkpoint", out, "--samples", "2500", "--samples-out", names, "--force"]));
    assert.equal((await Deno.readTextFile(names)).split("\n").length, 2501, "2,500 names, one a line");
  },
);

fsTest("a bad --data file is one line before anything else happens", async (dir) => {
  const few = join(dir, "few.txt");
  await Deno.writeTextFile(few, "ab\ncd\n");
  const out = join(dir, "never.safetensors");
  assert.equal(
    await refused(() => trainCommand(["--data", few, "--out", out])),
    `${few}: 2 words, too few: the lecture's 80/10/10 split needs at least 6`,
  );
  assert.equal(await Deno.stat(out).then(() => true, () => false), false, "no checkpoint is written");
});
