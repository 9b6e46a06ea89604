import assert from "node:assert/strict";
import { codeOnly, functionSpans, importSpecifiers } from "./source_code.ts";

Deno.test("codeOnly blanks comments, string text and regular expressions, and keeps offsets and lines", () => {
  const text = [
    "// Deno in a comment",
    'const a = "Deno.exit()"; /* Deno',
    "   more */ const b = 'it\\'s';",
    "const c = `x ${Deno.pid} y`;",
    'const r = /"[/]/g.test(a) ? a / 2 : 1;',
  ].join("\n");
  const code = codeOnly(text);
  assert.equal(code.length, text.length);
  assert.deepEqual(code.split("\n").map((l) => l.trimEnd()), [
    "",
    'const a = "           ";',
    "           const b = '     ';",
    "const c = `  ${Deno.pid}  `;",
    "const r = /    /g.test(a) ? a / 2 : 1;",
  ]);
});

Deno.test("codeOnly follows templates inside templates, and braces inside their code", () => {
  const code = codeOnly("f(`a ${g(`b ${{ c: 1 }.c}`)} d`); // e");
  assert.equal(code.trimEnd(), "f(`  ${g(`  ${{ c: 1 }.c}`)}  `);");
});

Deno.test("importSpecifiers finds static, type-only, re-exported, side-effect and dynamic imports, not comments", () => {
  const text = [
    "/**",
    ' * import { x } from "./example.ts";',
    " */",
    "import {",
    "  a,",
    '} from "./a.ts";',
    'import type { B } from "../b.ts";',
    'export { c } from "npm:c";',
    'import "./side.ts";',
    'const d = await import("./d.ts");',
    'const e = Array.from("from");',
  ].join("\n");
  assert.deepEqual(importSpecifiers(text), [
    { specifier: "./a.ts", line: 6 },
    { specifier: "../b.ts", line: 7 },
    { specifier: "npm:c", line: 8 },
    { specifier: "./side.ts", line: 9 },
    { specifier: "./d.ts", line: 10 },
  ]);
});

Deno.test("functionSpans measures functions, methods and block arrows from their first line to their last", () => {
  const text = [
    "export async function f(a: number): Promise<{ b: string }> {", // 1
    "  const g = (x: number) => {", // 2
    "    return x;", // 3
    "  };", // 4
    "  return { b: String(g(a)) };", // 5
    "}", // 6
    "class K {", // 7
    "  get size(): number {", // 8
    "    return 1;", // 9
    "  }", // 10
    "  #step(", // 11
    "    a: number,", // 12
    "  ): void {", // 13
    "    if (a) {", // 14
    "      [a].forEach((v) => {", // 15
    "        console.log(v);", // 16
    "      });", // 17
    "    }", // 18
    "  }", // 19
    "}", // 20
    "function overload(a: string): string;", // 21: no body
    'Deno.test("t", async () => {', // 22
    "  await f(1);", // 23
    "});", // 24
  ].join("\n");
  assert.deepEqual(functionSpans(text), [
    { name: "f", line: 1, lines: 6 },
    { name: "g", line: 2, lines: 3 },
    { name: "size", line: 8, lines: 3 },
    { name: "#step", line: 11, lines: 9 },
    { name: "forEach callback", line: 15, lines: 3 },
    { name: "Deno.test callback", line: 22, lines: 3 },
  ]);
});

Deno.test("functionSpans does not take calls, control statements or function types for functions", () => {
  const text = [
    "if (a) {",
    "  run(a);",
    "}",
    "while (b) {",
    "  b--;",
    "}",
    "type F = (x: number) => number;",
    "const h = (x: number) => x + 1;",
  ].join("\n");
  assert.deepEqual(functionSpans(text), []);
});
