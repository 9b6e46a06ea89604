import assert from "node:assert/strict";
import { exerciseHref, exercisePage } from "./exercise_page.ts";
import { checkerEntry, trainerEntry } from "./exercise_build.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";

const data = {
  chapter: 3,
  title: "Backprop through cross-entropy",
  file: "03_cross_entropy.ts",
  stub: "// </script><script>alert(1)</script>\nexport function gradients() {}\n",
  gradients: [{ name: "dprobs", hints: ["one", "two", "three"] as [string, string, string], solution: "sol" }],
  apiCard: "a.mul(b)  Elementwise a * b",
};

Deno.test("an exercise page has the buttons, a hint row per gradient, and its data as JSON that cannot close the script", () => {
  const html = exercisePage(data, 6_200_000, undefined, { href: exerciseHref(4), text: "Exercise 4" });
  for (const id of ["check", "reset", "undo-reset", "download", "open", "editor", "result", "exercise-data"]) {
    assert.match(html, new RegExp(`id="${id}"`));
  }
  assert.match(html, /<li data-gradient="dprobs"><code>dprobs<\/code>/);
  assert.match(html, /The checker loads 6\.2 MB/);
  assert.match(html, /href="exercise_04\.html"/);
  const json = html.match(/<script type="application\/json" id="exercise-data">([^]*?)<\/script>/)![1];
  assert.deepEqual(JSON.parse(json), data);
  assert.match(html, /a\.mul\(b\) {2}Elementwise a \* b/);
});

Deno.test("the checker's entry imports the specs and the input from the chapters, relative to the scratch folder", () => {
  const entry = checkerEntry("/repo", "/repo/site/.cells");
  assert.match(entry, /^import \{ EXERCISES \} from "\.\.\/\.\.\/chapters\/exercises\/specs\.ts";$/m);
  assert.match(entry, /from "\.\.\/\.\.\/lib\/commands\/exercise\/context\.ts";$/m);
  assert.match(entry, /^serveChecks\(\{ specs: EXERCISES, input: exerciseInput, context: contextFor \}\);$/m);
});

Deno.test("exercise pages carry a CSP with no eval and no other origin; only exercise 9's has the training", () => {
  const html = exercisePage(data, 1);
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)![1];
  assert.match(csp, /script-src 'self' blob: 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp, /'unsafe-eval'|https?:|\*/);
  assert.match(csp, /connect-src 'self';/);
  assert.doesNotMatch(html, /id="train"/);
  const nine = exercisePage({ ...data, chapter: 9, training: { steps: 3000, ms: 120_000 } }, 1);
  for (const id of ["train", "stop-training", "train-progress", "train-chart", "train-result"]) {
    assert.match(nine, new RegExp(`id="${id}"`));
  }
  assert.match(nine, /for 3,000 steps/);
  assert.match(nine, /stopped after 120 s/);
});

Deno.test("the training worker's entry hands chapter 2's forward pass to the training loop", () => {
  const entry = trainerEntry("/repo", "/repo/site/.cells");
  assert.match(entry, /^import \{ forward \} from "\.\.\/\.\.\/chapters\/02_forward\.ts";$/m);
  assert.match(entry, /^serveTraining\(forward\);$/m);
});

Deno.test("each page's copy of its stub speaks of the page's buttons, not of the terminal's commands; the rest is kept", () => {
  for (const spec of Object.values(EXERCISES)) {
    const training = spec.chapter === 9 ? { steps: 3000, ms: 120_000 } : undefined;
    const html = exercisePage({ ...data, chapter: spec.chapter, stub: spec.stub, training }, 1);
    const json = html.match(/<script type="application\/json" id="exercise-data">([^]*?)<\/script>/)![1];
    const stub: string = JSON.parse(json).stub;
    assert.match(spec.stub, new RegExp(`deno task exercise ${spec.chapter} --hint`), "the terminal's stub has them");
    assert.doesNotMatch(stub, /deno task exercise \d+ --(?:hint|solution|watch)|deno task exercise --api/);
    const prose = stub.replaceAll("\n * ", " "); // the doc's lines joined
    assert.match(prose, /Replace each `todo\(\.\.\.\)` with your gradient, then press Check above the editor/);
    assert.match(stub, /\n \* {5}Check {13}Ctrl-Enter, or ⌘-Enter on a Mac\n/);
    assert.match(stub, /\n \* {5}Hint, Solution {4}under the editor, for each gradient: hints in steps,\n/);
    assert.equal(/Train trains the lecture's 200-unit network/.test(prose), spec.chapter === 9);
    assert.ok(stub.split("\n").every((l) => l.length <= 120), `exercise ${spec.chapter}: a line over 120 columns`);
    // The code is the terminal stub's, line for line, from the doc's end on, and at the same line numbers.
    const code = (text: string) => text.slice(text.indexOf("\n */\n"));
    assert.equal(code(stub), code(spec.stub));
    assert.equal(stub.split("\n").length, spec.stub.split("\n").length);
  }
});

Deno.test("an exercise page's top bar links to the exercises' list, as the current section; its status line starts", () => {
  const html = exercisePage(data, 1);
  assert.match(html, /<nav aria-label="Site">.*<a href="index\.html#exercises" aria-current="page">Exercises<\/a>/s);
  assert.doesNotMatch(html, /href="index\.html#chapters" aria-current/);
  assert.match(html, /<p id="message" class="message" role="status" aria-live="polite">Loading the editor…<\/p>/);
});
