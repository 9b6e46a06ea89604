import assert from "node:assert/strict";
import {
  buildDataset,
  buildVocab,
  characterCount,
  decodeWordsFile,
  encodePrefix,
  END_TOKEN_SHOWN,
  lectureSplit,
  lectureTrainingWords,
  loadNames,
  MAX_WORD_LENGTH,
  parseNames,
  parseWords,
} from "./data.ts";

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

Deno.test("any alphabet: the vocabulary is sorted by code point, the end token is 0 and never a data character", () => {
  const words = ["Äpfel", "straße", "l'été", "Jean-Luc", "東京", "𝒜b", "j.r."];
  const vocab = buildVocab(words);
  const chars = vocab.itos.slice(1);
  assert.deepEqual(chars, [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  assert.ok(chars.includes("𝒜") && chars.includes("東") && chars.includes("ß") && chars.includes("'"));
  assert.ok(chars.indexOf("ｚ") === -1 && chars.at(-1) === "𝒜", "U+1D49C sorts after U+6771 (東)");
  assert.equal(vocab.itos[0], END_TOKEN_SHOWN, "the data has a '.', so the end token is shown otherwise");
  assert.notEqual(vocab.stoi.get("."), 0, "a '.' of the data is a character of its own");
  const { Y, count } = buildDataset(["j.r."], vocab, 3);
  assert.equal(count, 5);
  assert.deepEqual(Array.from(Y), [
    vocab.stoi.get("j"),
    vocab.stoi.get("."),
    vocab.stoi.get("r"),
    vocab.stoi.get("."),
    0,
  ]);
  assert.equal(buildDataset(["𝒜b"], vocab, 2).count, 3, "one example per code point, not per UTF-16 unit");
  assert.equal(characterCount("𝒜b"), 2);
});

Deno.test("a words file: BOM, CRLF, blank lines and spaces accepted, duplicates kept", () => {
  const bytes = new TextEncoder().encode("\uFEFFÄhre\r\n\r\n  Öl \r\nÖl\n");
  assert.deepEqual(parseWords(decodeWordsFile(bytes, "w.txt"), "w.txt"), ["Ähre", "Öl", "Öl"]);
});

Deno.test("a words file that is not UTF-8, has a NUL, a line too long or no words is one line naming where", () => {
  const bytes = (...parts: (string | number[])[]) =>
    new Uint8Array(parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p));
  assert.throws(() => decodeWordsFile(bytes("anna\nbob\ncar", [0xff], "l\n"), "w.txt"), {
    message: "w.txt: line 3, byte 4: 0xff is not UTF-8; a words file must be UTF-8 text, one word a line; " +
      "it reads as Latin-1: iconv -f latin1 -t utf-8 w.txt > w.utf-8.txt",
  });
  // Bytes 0x80–0xbf are no Latin-1 letters: no advice to convert from it.
  assert.throws(() => decodeWordsFile(bytes("ab\n", [0xed, 0xa0, 0x80]), "my words.txt"), {
    message: /is not UTF-8; a words file must be UTF-8 text, one word a line$/,
  });
  assert.throws(() => decodeWordsFile(bytes("k", [0xe5], "l\n"), "dict/it's.txt"), {
    message: /: iconv -f latin1 -t utf-8 'dict\/it'\\''s\.txt' > 'it'\\''s\.utf-8\.txt'$/,
  });
  assert.throws(() => decodeWordsFile(bytes("é\nx", [0xe2, 0x28, 0xa1]), "w.txt"), {
    message: /^w\.txt: line 2, byte 2: 0xe2 0x28 is not UTF-8/,
  });
  assert.throws(() => decodeWordsFile(bytes("ab\n", [0xed, 0xa0, 0x80]), "w.txt"), {
    message: /^w\.txt: line 2, byte 1: 0xed 0xa0 is not UTF-8/,
  });
  assert.throws(() => decodeWordsFile(bytes("ab\nc", [0], "d"), "w.txt"), {
    message: "w.txt: line 2, byte 2 is a NUL byte; a words file is text, one word a line",
  });
  assert.throws(() => parseWords(`a\n${"ö".repeat(MAX_WORD_LENGTH + 1)}\n`, "w.txt"), {
    message:
      `w.txt: line 2 has 257 characters; a word may have at most ${MAX_WORD_LENGTH} (the file must hold one word a line)`,
  });
  assert.doesNotThrow(() => parseWords("𝒜".repeat(MAX_WORD_LENGTH), "w.txt"), "256 characters are 512 UTF-16 units");
  assert.throws(() => parseWords("\r\n \n", "w.txt"), {
    message: "w.txt: the file has no words (every line is blank)",
  });
});

Deno.test("a prefix is encoded, and a character outside the vocabulary is named", () => {
  const vocab = buildVocab(["Ähre", "Öl"]);
  assert.deepEqual(encodePrefix("Äh", vocab), [vocab.stoi.get("Ä"), vocab.stoi.get("h")]);
  assert.throws(() => encodePrefix("Øl", vocab), {
    message: 'the prefix "Øl" has the character "Ø" (U+00D8), which is not in the vocabulary of 6 characters',
  });
  assert.throws(() => encodePrefix(".", vocab), /"\." \(U\+002E\)/, "the end token's display is no character");
  const names = buildVocab(["emma", "olivia"]);
  assert.throws(() => encodePrefix("Em", names), {
    message: /not in the vocabulary of 7 characters; did you mean "em"\?$/,
  });
  assert.throws(
    () => encodePrefix("Ez", names),
    { message: /not in the vocabulary of 7 characters$/ },
    "z is in no word",
  );
});

Deno.test("the lecture's training words are the first 80 % of its shuffle, as lectureSplit trains on", () => {
  const split = lectureSplit(loadNames());
  assert.deepEqual(lectureTrainingWords(), split.words.slice(0, 25626));
});
