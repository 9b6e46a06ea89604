// Words files read from disk for `deno task train --data`: Debian's word lists (wngerman, wfrench, wswedish, which
// .ci/run installs; a test whose list is absent skips itself and says so), and every bad input refused in one line.
// They need --allow-read and --allow-write (and --allow-run for the FIFO, made by mkfifo); plain `deno test` has none,
// so they are skipped there, visibly, and .ci/run runs them with the permissions:
//
//     deno test --allow-read --allow-write --allow-run lib/train/data_file_fs_test.ts

import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "./config.ts";
import { DataFileError, MAX_DATA_FILE_BYTES, readWordsFile, sha256Hex } from "./data_file.ts";
import { dataForRun } from "../commands/words.ts";
import { buildVocab, END_TOKEN_SHOWN } from "../data.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";
const canUseFiles = (await granted("read")) && (await granted("write"));
const canRun = canUseFiles && (await granted("run"));
const SKIP_FILES = "skipped: needs --allow-read --allow-write (.ci/run grants them)";
if (!canUseFiles) console.log(`data_file_fs_test.ts: file-system tests ${SKIP_FILES}`);

function fsTest(name: string, fn: (dir: string) => Promise<void>, skip: string | null = null): void {
  const why = canUseFiles ? skip : SKIP_FILES;
  Deno.test({
    name: why ? `${name} (${why})` : name,
    ignore: why !== null,
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

/** Whether a file exists (for the word lists of Debian's packages). */
function exists(path: string): boolean {
  try {
    return canUseFiles && Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

const LISTS = [
  { path: "/usr/share/dict/ngerman", pkg: "wngerman", letters: ["ä", "ö", "ü", "ß", "Ä"], latin1: false },
  { path: "/usr/share/dict/french", pkg: "wfrench", letters: ["é", "è", "ç", "'", "."], latin1: false },
  // Debian's Swedish list is ISO-8859-1: refused as it is (naming the line and byte), read once converted.
  { path: "/usr/share/dict/swedish", pkg: "wswedish", letters: ["å", "ä", "ö"], latin1: true },
];

for (const { path, pkg, letters, latin1 } of LISTS) {
  fsTest(`${path}: read, hashed, its own letters in the vocabulary, split for a run`, async (dir) => {
    let file = path;
    if (latin1) {
      assert.match(await refusal(path), /: line \d+, byte \d+: 0x[c-f][0-9a-f] 0x[0-7][0-9a-f] is not UTF-8/);
      file = join(dir, "utf8.txt");
      await Deno.writeTextFile(file, new TextDecoder("latin1").decode(await Deno.readFile(path)));
    }
    const bytes = await Deno.readFile(file);
    const { words, source } = await readWordsFile(file);
    assert.equal(source.size, bytes.length);
    assert.equal(source.sha256, await sha256Hex(bytes));
    const lines = new TextDecoder().decode(bytes).split("\n").filter((line) => line.trim() !== "");
    assert.equal(words.length, lines.length, "one word a line, blank lines skipped");
    const vocab = buildVocab(words);
    for (const letter of letters) assert.ok(vocab.stoi.get(letter)! > 0, `${letter} is in ${path}'s vocabulary`);
    const dots = words.some((word) => word.includes("."));
    assert.equal(vocab.itos[0], dots ? END_TOKEN_SHOWN : ".", "the end token is shown as '.' unless the data has one");
    const data = await dataForRun(file, { blockSize: 3 });
    assert.equal(data.vocab.size, vocab.size);
    const characters = words.reduce((sum, word) => sum + [...word].length, 0);
    assert.equal(data.train.count + data.dev.count + data.test.count, characters + words.length);
    assert.deepEqual(data.source, source);
  }, exists(path) ? null : `skipped: ${path} is absent (apt-get install ${pkg}, as .ci/run does)`);
}

/** The one line a bad file is refused with. */
async function refusal(path: string, limit?: number): Promise<string> {
  const error = await readWordsFile(path, limit).then(() => null, (e) => e);
  assert.ok(error instanceof DataFileError, `${path} is refused: ${error}`);
  assert.ok(!error.message.includes("\n"), "one line");
  return error.message;
}

fsTest("each bad words file is refused in one line that names it", async (dir) => {
  const write = (name: string, bytes: Uint8Array | string) => {
    const path = join(dir, name);
    Deno.writeFileSync(path, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
    return path;
  };
  const six = "anna\nbob\ncarl\ndora\neve\nfay\n";
  assert.equal(await refusal(join(dir, "missing.txt")), `${join(dir, "missing.txt")}: no such data file`);
  const empty = write("empty.txt", "");
  assert.equal(await refusal(empty), `${empty}: the file is empty; give a text file with one word a line`);
  const few = write("few.txt", "ab\r\ncd\n\nef\n");
  assert.equal(await refusal(few), `${few}: 3 words, too few: the lecture's 80/10/10 split needs at least 6`);
  const latin1 = write("latin1.txt", new Uint8Array([...new TextEncoder().encode("anna\nbob\ncar"), 0xe9, 10]));
  assert.equal(
    await refusal(latin1),
    `${latin1}: line 3, byte 4: 0xe9 0x0a is not UTF-8; a words file must be UTF-8 text, one word a line; ` +
      `it reads as Latin-1: iconv -f latin1 -t utf-8 ${latin1} > latin1.utf-8.txt`,
  );
  const nul = write("nul.txt", "anna\nbob\nc\0arl\n" + six);
  assert.equal(await refusal(nul), `${nul}: line 3, byte 2 is a NUL byte; a words file is text, one word a line`);
  const long = write("long.txt", six + "x".repeat(300) + "\n");
  assert.match(await refusal(long), /: line 7 has 300 characters; a word may have at most 256/);
  const big = write("big.txt", six.repeat(100));
  assert.equal(
    await refusal(big, 1000),
    `${big}: the file is larger than ${1000 / 2 ** 20} MiB, the most a words file may have`,
  );
  assert.equal(await refusal(dir), `${dir}: it is not a regular file but a folder; give a text file of words`);
  assert.match(await refusal("/dev/zero"), /^\/dev\/zero: it is not a regular file but a device, pipe or socket/);
});

fsTest("a file over 256 MiB is refused from its size, without reading it", async (dir) => {
  const path = join(dir, "huge.txt");
  using file = await Deno.open(path, { write: true, create: true });
  await file.truncate(MAX_DATA_FILE_BYTES + 1); // sparse: no disk space used
  assert.match(await refusal(path), /: the file is larger than 256 MiB, the most a words file may have$/);
});

fsTest("a FIFO is refused before it is opened (opening one would wait for a writer)", async (dir) => {
  const path = join(dir, "fifo");
  const made = await new Deno.Command("mkfifo", { args: [path] }).output().catch(() => null);
  if (!made?.success) return console.log("  (mkfifo is not available here: nothing to test)");
  assert.match(await refusal(path), /: it is not a regular file but a device, pipe or socket/);
}, canRun ? null : "skipped: needs --allow-run for mkfifo (.ci/run grants it)");

fsTest(
  "a vocabulary too large for the 1 GiB budget is refused before the datasets are made, naming its size",
  async (dir) => {
    const chars = Array.from({ length: 70_000 }, (_, i) => String.fromCodePoint(0x20000 + i));
    const lines = Array.from({ length: chars.length / 4 }, (_, i) => chars.slice(4 * i, 4 * i + 4).join(""));
    const path = join(dir, "cjk.txt");
    await Deno.writeTextFile(path, lines.join("\n"));
    await assert.rejects(() => dataForRun(path, DEFAULT_CONFIG), {
      message:
        /^the data's vocabulary of 70,001 tokens \(its characters and the end token\) would need 1\.\d GiB of buffers; the limit is 1 GiB$/,
    });
    const fits = join(dir, "cjk-small.txt");
    await Deno.writeTextFile(fits, lines.slice(0, 500).join("\n"));
    assert.equal((await dataForRun(fits, DEFAULT_CONFIG)).vocab.size, 2001, "2,000 CJK characters fit");
  },
);
