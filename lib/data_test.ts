import assert from "node:assert/strict";
import { buildDataset, buildVocab, lectureSplit, loadNames, parseNames } from "./data.ts";

Deno.test("names.txt holds the lecture's 32,033 names and a 27-token vocabulary", () => {
  const words = loadNames();
  assert.equal(words.length, 32033);
  assert.deepEqual(words.slice(0, 3), ["emma", "olivia", "ava"]);
  const vocab = buildVocab(words);
  assert.equal(vocab.size, 27);
  assert.equal(vocab.itos[0], ".");
  assert.equal(vocab.itos.join(""), ".abcdefghijklmnopqrstuvwxyz");
  assert.equal(vocab.stoi.get("a"), 1);
  assert.equal(vocab.stoi.get("z"), 26);
});

Deno.test("block size 3 gives 228,146 examples in all, and the lecture's split", () => {
  const words = loadNames();
  const all = buildDataset(words, buildVocab(words), 3);
  assert.equal(all.count, 228146);
  const split = lectureSplit(words);
  assert.deepEqual([split.train.count, split.dev.count, split.test.count], [182625, 22655, 22866]);
  assert.deepEqual(split.words.slice(0, 5), ["yuheng", "diondre", "xavien", "jori", "juanluis"]);
});

Deno.test("contexts slide over the word padded with the boundary token", () => {
  const vocab = buildVocab(["emma"]);
  const { X, Y, count } = buildDataset(["emma"], vocab, 3);
  const [dot, e, m, a] = [0, vocab.stoi.get("e")!, vocab.stoi.get("m")!, vocab.stoi.get("a")!];
  assert.equal(count, 5);
  assert.deepEqual(Array.from(X), [dot, dot, dot, dot, dot, e, dot, e, m, e, m, m, m, m, a]);
  assert.deepEqual(Array.from(Y), [e, m, m, a, dot]);
});

Deno.test("blank lines and CRLF endings are tolerated", () => {
  assert.deepEqual(parseNames("ava\r\n\r\nmia\r\n\n", "names.txt"), ["ava", "mia"]);
});

Deno.test("bad data gets an error naming the file and the line", () => {
  assert.throws(() => parseNames("ava\nj.r.\nmia", "my_names.txt"), {
    name: "RangeError",
    message: /^my_names\.txt:2: the name "j\.r\." contains "\."/,
  });
  assert.throws(() => parseNames("\n\n", "empty.txt"), {
    name: "RangeError",
    message: "empty.txt: the file has no names",
  });
  assert.throws(() => buildDataset(["ab"], buildVocab(["a"]), 3), {
    name: "RangeError",
    message: /"b" is not in the vocabulary/,
  });
  assert.throws(() => buildDataset(["a"], buildVocab(["a"]), 0), RangeError);
});
