/**
 * An exercise's page: the stub in an editor, the buttons (Check, Reset and
 * Undo reset, Download and Open), the hints of each gradient in steps and
 * its solution only when asked, the API card at hand, and where the
 * checker's words go. Its script is `browser/exercise.ts`; what the page
 * needs (the stub, the hints, the solutions, the card) is in the page, as
 * JSON, so that it works offline.
 *
 * @example
 * ```ts
 * import { exercisePage } from "./exercise_page.ts";
 * const data = { chapter: 3, title: "Cross-entropy", file: "03_cross_entropy.ts", stub: "", gradients: [], apiCard: "" };
 * exercisePage(data, 4_000_000).includes('id="check"'); // true
 * ```
 * @module
 */

import { formatSize } from "./chapter_page.ts";
import { pageStub } from "./exercise_build.ts";
import { escapeHtml } from "./html.ts";
import { layout, type PageLink } from "./page.ts";
import type { ExercisePageData } from "./browser/exercise_wire.ts";

export type { ExercisePageData, GradientHelp } from "./browser/exercise_wire.ts";

/**
 * The file name of exercise `chapter`'s page.
 *
 * @example
 * ```ts
 * exerciseHref(3); // "exercise_03.html"
 * ```
 */
export function exerciseHref(chapter: number): string {
  return `exercise_${String(chapter).padStart(2, "0")}.html`;
}

/** The hints' panel: a row per gradient with its buttons, and where the hint shows. */
function hintsHtml(data: ExercisePageData): string {
  const rows = data.gradients.map((g) =>
    `<li data-gradient="${escapeHtml(g.name)}"><code>${escapeHtml(g.name)}</code>
<button type="button" class="secondary hint">Hint 1</button>
<button type="button" class="secondary solution">Solution</button>
<pre class="said" hidden></pre></li>`
  );
  return `<section class="help" aria-labelledby="hints-title"><h2 id="hints-title">Hints</h2>
<p>Each gradient's hints come in steps, each a little closer to the answer: the forward line and the shapes, the local
derivative, the structure of the answer. The chapter's own lines show only when you press Solution.</p>
<ol class="hints">${rows.join("\n")}</ol></section>`;
}

/**
 * The exercise pages' Content-Security-Policy: scripts and workers only from
 * the site itself and from `blob:` (the learner's module is loaded from
 * one), no `eval` or `new Function` (WebAssembly may compile: the kernels
 * of exercise 9's run), requests only to the site itself. So code in the
 * page or its workers can reach no other origin, not even through an
 * `import()` written inside a string.
 *
 * @example
 * ```ts
 * EXERCISE_CSP.includes("script-src 'self' blob: 'wasm-unsafe-eval'"); // true
 * ```
 */
export const EXERCISE_CSP = [
  "default-src 'self'",
  "script-src 'self' blob: 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** Exercise 9's training: what it does, its buttons, and where its progress, chart and results go. */
function trainingHtml(training: { steps: number; ms: number }): string {
  return `<section class="training" aria-labelledby="training-title"><h2 id="training-title">Training with your backward pass</h2>
<p>Once every gradient is right, Train does what <code>deno task exercise 9</code> does next: the kernels train the
lecture's network for ${training.steps.toLocaleString("en-US")} steps, then your <code>gradients()</code> trains it from
the same start on the same batches, in a worker of its own that is stopped after ${training.ms / 1000} s. The worker
sends back the parameters; the page calibrates batchnorm, measures both networks' losses and samples names from each.
When your file changed since its last check (or the page was reloaded), Train checks it first, and trains only if every
gradient is right.</p>
<div class="buttons"><button id="train" type="button">Train with your gradients()</button>
<button id="stop-training" type="button" class="secondary" disabled>Stop</button></div>
<p id="train-progress" class="message" role="status" aria-live="polite"></p>
<div id="train-chart" class="chart"></div>
<pre id="train-result" class="result" hidden></pre></section>`;
}

/** The buttons above the editor. */
const TOOLBAR = `<div class="buttons exercise-buttons">
<button id="check" type="button" title="Ctrl-Enter or ⌘-Enter">Check</button>
<button id="reset" type="button" class="secondary">Reset to the stub</button>
<button id="undo-reset" type="button" class="secondary" hidden>Undo reset</button>
<button id="download" type="button" class="secondary">Download</button>
<input id="open" type="file" accept=".ts,text/plain" class="visually-hidden">
<label class="file" for="open">Open…</label>
</div>`;

/**
 * The page of an exercise, saying how much its checker loads (`checkerBytes`).
 *
 * @example
 * ```ts
 * const data = { chapter: 5, title: "Batchnorm", file: "05_batchnorm.ts", stub: "", gradients: [], apiCard: "" };
 * exercisePage(data, 1).includes("deno task exercise 5"); // true
 * ```
 */
export function exercisePage(data: ExercisePageData, checkerBytes: number, prev?: PageLink, next?: PageLink): string {
  // The page's copy of the stub says how the page checks, not the terminal's commands.
  const copy = { ...data, stub: pageStub(data.stub, data.training !== undefined) };
  const json = JSON.stringify(copy).replaceAll("<", "\\u003c");
  const main = `<div class="exercise"><div class="work">
<h1>Exercise ${data.chapter}. ${escapeHtml(data.title)}</h1>
<p>Replace each <code>todo(...)</code> with your gradient, then press Check (or Ctrl-Enter, ⌘-Enter on a Mac). The
checker is the one of <code>deno task exercise ${data.chapter}</code>: it says which gradients are right and, for a
wrong one, the likely mistake. Your code runs in a worker of its own that has nothing but the exercise's input, and is
stopped after 5 s. What you type is kept in this browser as you type it; Download gives the file
<code>chapters/yours/${escapeHtml(data.file)}</code> that <code>deno task exercise ${data.chapter}</code> checks, and
Open takes one back. The checker loads ${
    formatSize(checkerBytes)
  } when the page opens: TypeScript's compiler with its standard library, and TensorFlow.js for the reference
gradients.</p>
${TOOLBAR}
<p id="message" class="message" role="status" aria-live="polite">Loading the editor…</p>
<details class="api"><summary>The API at hand: every tensor operation, and the lecture's PyTorch as you write it here</summary><pre>${
    escapeHtml(data.apiCard)
  }</pre></details>
<div id="editor" class="editor"></div>
<section aria-labelledby="result-title"><h2 id="result-title">What the checker says</h2>
<pre id="result" class="result" aria-live="polite">Not checked yet.</pre></section>
${data.training ? trainingHtml(data.training) : ""}
</div>
${hintsHtml(data)}
</div>
<script type="application/json" id="exercise-data">${json}</script>`;
  return layout({
    title: `Exercise ${data.chapter}`,
    description: `Exercise ${data.chapter} of the backprop ninja tutorial: ${data.title}, checked in your browser.`,
    main,
    scripts: ["js/exercise.js"],
    section: "exercises",
    prev,
    next,
    bodyAttributes: `data-checker="js/exercise_check.js" data-chapter="${data.chapter}" data-state="loading"`,
    csp: EXERCISE_CSP,
    wide: true,
  });
}
