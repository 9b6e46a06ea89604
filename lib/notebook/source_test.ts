import assert from "node:assert/strict";
import {
  chapterNumber,
  commentText,
  dedent,
  jsdocText,
  moveImport,
  outsideTemplates,
  parseModule,
  trimBlank,
} from "./source.ts";

const MODULE = `/**
 * # Chapter 9. A test
 *
 * Prose with \`code\`.
 *
 * @module
 */

import { a } from "../lib/a.ts";
import {
  b,
  c,
} from "./02_b.ts";

// ## A heading
//
// A paragraph.

/**
 * Doubles.
 *
 * @example
 * \`\`\`ts
 * twice(2); // 4
 * \`\`\`
 */
export function twice(x: number, y: Record<string, number>): number {
  return 2 * x;
}

export const N = 3;

if (import.meta.main) run();
`;

Deno.test("parseModule splits the doc, the imports and the items, in order", () => {
  const { doc, imports, items } = parseModule(MODULE);
  assert.equal(doc, "# Chapter 9. A test\n\nProse with `code`.");
  assert.deepEqual(imports, ['import { a } from "../lib/a.ts";', 'import {\n  b,\n  c,\n} from "./02_b.ts";']);
  assert.deepEqual(items.map((i) => i.kind === "comment" ? i.text : i.name), [
    "## A heading\n\nA paragraph.",
    "twice",
    "N",
  ]);
  const twice = items[1];
  assert.ok(twice.kind === "declaration");
  assert.equal(
    twice.text,
    "/** Doubles. */\nfunction twice(x: number, y: Record<string, number>): number {\n  return 2 * x;\n}",
  );
  assert.deepEqual(twice.params, ["x", "y"]);
  assert.deepEqual(twice.body, ["  return 2 * x;"]);
});

Deno.test("parseModule says where a block never ends", () => {
  assert.throws(() => parseModule("function f() {\n  return 1;\n"), { message: /line 1 never ends with a "}"/ });
});

Deno.test("comments and JSDoc become markdown without their markers or examples", () => {
  assert.equal(commentText(["// ## T", "//", "// a `b`."]), "## T\n\na `b`.");
  assert.equal(jsdocText(["/**", " * Text.", " *", " * @example", " * f();", " */"]), "Text.");
});

Deno.test("moveImport rewrites relative specifiers for code run elsewhere, and keeps bare ones", () => {
  assert.equal(
    moveImport('import { a } from "../lib/a.ts";', "chapters/03.ts", "chapters/notebooks"),
    'import { a } from "../../lib/a.ts";',
  );
  assert.equal(
    moveImport('import { b } from "./02_b.ts";', "chapters/03.ts", "chapters/notebooks"),
    'import { b } from "../02_b.ts";',
  );
  assert.equal(
    moveImport('import x from "asciichart";', "chapters/03.ts", "chapters/notebooks"),
    'import x from "asciichart";',
  );
});

Deno.test("dedent leaves the text of template literals alone", () => {
  const lines = ["  say(`a", "  b", "`);", "  c;"];
  assert.deepEqual(outsideTemplates(lines), [true, false, false, true]);
  assert.deepEqual(dedent(lines, 2), ["say(`a", "  b", "`);", "c;"]);
  assert.deepEqual(trimBlank(["", " ", "a", "", "b", ""]), ["a", "", "b"]);
});

Deno.test("chapterNumber reads the chapter number in a file name, NaN when there is none", () => {
  assert.equal(chapterNumber("chapters/exercises/07_fused_cross_entropy.ts"), 7);
  assert.equal(chapterNumber("chapters/03_cross_entropy.ts"), 3);
  assert.ok(Number.isNaN(chapterNumber("chapters/exercises/specs.ts")));
});
