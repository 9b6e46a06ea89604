import assert from "node:assert/strict";
import { paragraphs, wrapParagraphs } from "./paragraphs.ts";
import { formatVerdicts } from "./verdicts.ts";

const long = "the sign is flipped: the loss falls as the log-probability of the right character rises, so its " +
  "gradient is negative, and dlogprobs takes the mean's 1/n too";
const verdicts = [
  { name: "dlogprobs", status: "wrong" as const, detail: long, line: 65, maxdiff: 1.25 },
  { name: "dprobs", status: "TODO" as const, detail: "", line: 66 },
];

/** `fn` with the paragraphs unwrapped, as in an exercise page's checker; the width restored after. */
function unwrapped<T>(fn: () => T): T {
  paragraphs.width = Infinity;
  try {
    return fn();
  } finally {
    paragraphs.width = 80;
  }
}

Deno.test("paragraphs are wrapped at 80 columns for the terminal, and not at all for the page", () => {
  const text = `${"word ".repeat(30).trim()}\n\nsecond paragraph`;
  assert.ok(wrapParagraphs(text).split("\n").every((l) => l.length <= 80));
  assert.deepEqual(unwrapped(() => wrapParagraphs(text)).split("\n"), [
    "word ".repeat(30).trim(),
    "",
    "second paragraph",
  ]);
});

Deno.test("the page's verdicts: each diagnosis on one line for the page to flow, the table's lines as the terminal's", () => {
  const terminal = formatVerdicts({ chapter: 3 }, verdicts).split("\n");
  const page = unwrapped(() => formatVerdicts({ chapter: 3 }, verdicts)).split("\n");
  assert.deepEqual(page.slice(0, 3), terminal.slice(0, 3), "the table");
  assert.ok(!terminal.some((l) => l.includes("the sign is flipped") && l.endsWith("1/n too")), "wrapped there");
  const diagnosis = page.find((l) => l.includes("the sign is flipped"))!;
  assert.ok(diagnosis.length > 80 && diagnosis.endsWith("takes the mean's 1/n too"), diagnosis);
  assert.equal(page.join(" ").replace(/\s+/g, " "), terminal.join(" ").replace(/\s+/g, " "), "the same words");
});
