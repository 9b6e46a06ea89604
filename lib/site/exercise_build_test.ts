import assert from "node:assert/strict";
import { pageStub } from "./exercise_build.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";

Deno.test("every page's stub numbers its lines as the terminal's stub does: only the doc's lines on checking differ", () => {
  for (const spec of Object.values(EXERCISES)) {
    const terminal = spec.stub.split("\n");
    const page = pageStub(spec.stub, spec.chapter === 9).split("\n");
    const what = `exercise ${spec.chapter}`;
    assert.equal(page.length, terminal.length, `${what}: the page's stub has another number of lines`);
    const differ = page.flatMap((line, i) => (line === terminal[i] ? [] : [i]));
    assert.ok(differ.length > 0, `${what}: the page's stub still says how the terminal checks`);
    // The lines that differ are doc lines, all above the code: every line of code keeps its number.
    assert.ok(differ.every((i) => page[i].startsWith(" *") && terminal[i].startsWith(" *")), what);
    const code = terminal.findIndex((l) => l.startsWith("import "));
    assert.ok(differ.every((i) => i < code), `${what}: a line below the doc comment moved`);
    for (const gradient of spec.gradients) {
      const line = (lines: string[]) => lines.findIndex((l) => new RegExp(`^\\s*const ${gradient.name} = `).test(l));
      assert.equal(line(page), line(terminal), `${what}: ${gradient.name}`);
    }
    // The page's text is the page's: its buttons, not the terminal's commands.
    const text = differ.map((i) => page[i]).join("\n");
    assert.match(text, /press Check/);
    assert.doesNotMatch(text, /deno task exercise \d+ --|--watch/);
    assert.ok(differ.every((i) => page[i].length <= 80), `${what}: a line of the page's text is over 80 columns`);
    assert.equal(/Train, Stop/.test(text), spec.chapter === 9, what);
  }
});

Deno.test("a stub whose checking paragraphs are shorter than the page's text is kept as it is", () => {
  const stub = "/**\n * Replace each `todo(...)` with your gradient, then check your work with\n *\n" +
    " *     deno task exercise 3\n *\n * which checks again every time you save.\n */\nexport function gradients() {}\n";
  assert.equal(pageStub(stub, false), stub);
  assert.equal(pageStub("export function gradients() {}\n", false), "export function gradients() {}\n");
});
