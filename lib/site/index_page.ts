/**
 * The site's front page: what the tutorial is, the chapters (each with the
 * first paragraph of its module doc), the exercises, and the training page.
 *
 * @example
 * ```ts
 * import { indexPage } from "./index_page.ts";
 * const html = indexPage([{ number: 1, title: "The data and the model", href: "01_data_and_model.html", summary: "…" }]);
 * ```
 * @module
 */

import { escapeHtml } from "./html.ts";
import { layout, type PageLink } from "./page.ts";
import { Prose } from "./prose.ts";

/** A chapter as the index lists it. */
export interface ChapterEntry {
  number: number;
  title: string;
  href: string;
  /** The first paragraph of the chapter's module doc (markdown). */
  summary: string;
}

/**
 * The first paragraph after a module doc's `# Chapter N. Title` line.
 *
 * @example
 * ```ts
 * summaryOf("# Chapter 1. T\n\nFirst one.\nStill.\n\nSecond."); // "First one.\nStill."
 * ```
 */
export function summaryOf(doc: string): string {
  return doc.split(/\n\s*\n/).find((p) => !p.startsWith("#"))?.trim() ?? "";
}

const INTRO = `A literate tutorial that teaches backpropagation by hand, the way Andrej Karpathy's lecture
"makemore part 4: becoming a backprop ninja" does, in TypeScript. You derive every gradient of a small neural network
yourself and see each one checked against TensorFlow.js's autograd, then train the network and sample new names from
it.

The network is the lecture's character-level MLP over 32,033 names: an embedding \`C\`, a linear layer \`W1\`/\`b1\`,
batch normalisation (\`bngain\`, \`bnbias\`), \`tanh\`, a second linear layer \`W2\`/\`b2\`, and cross-entropy. The
numbers are the lecture's own: the shuffle of the names, the initial parameters and the minibatch are reproduced bit
for bit, so you can follow the video side by side.

Everything here runs in this browser tab, with nothing to install: each chapter page shows its code and what it printed,
and its **Run** button computes it all again on your machine.`;

const EXERCISES =
  `Reading solved gradients teaches less than deriving them. Chapters 3 to 8 also come as exercises, with
every gradient left as \`todo(…)\` like the lecture's notebook, and a checker that says which line is wrong and why
(the chain rule left out, a sum over the wrong axis, Bessel's correction…); exercise 9 is the lecture's exercise 4, the
whole backward pass, then the network trained with it. They run on your machine, from a clone of the repository
(\`deno task exercise 3\`, or the exercise notebooks in Jupyter), and in this browser.`;

const TRAINING = `The training page trains the lecture's network in this tab, on the same WebAssembly kernels as
\`deno task train\`: the flags as a form, a live loss curve, Stop and Continue, then the losses and twenty sampled names.
Download the checkpoint for \`deno task sample\`, or open one made by \`deno task train\` and sample from it here.`;

/**
 * The front page.
 *
 * @example
 * ```ts
 * indexPage([]).includes("<h1>"); // true
 * ```
 */
export function indexPage(chapters: readonly ChapterEntry[], exercises: readonly PageLink[] = []): string {
  const prose = new Prose();
  const list = chapters.map((c) =>
    `<li><a href="${escapeHtml(c.href)}">${c.number}. ${escapeHtml(c.title)}</a>${prose.html(c.summary)}</li>`
  ).join("\n");
  const main = `<h1>Backprop ninja, in TypeScript</h1>
<div class="prose">${prose.html(INTRO)}</div>
<h2 id="chapters">The chapters</h2>
<ol class="chapters">
${list}
</ol>
<h2 id="exercises">Do it yourself</h2>
<div class="prose">${prose.html(EXERCISES)}</div>${
    exercises.length > 0
      ? `\n<p>In this browser, checked as the terminal checks them:</p>\n<ul class="exercises">${
        exercises.map((e) => `<li><a href="${escapeHtml(e.href)}">${escapeHtml(e.text)}</a></li>`).join("\n")
      }</ul>`
      : ""
  }
<h2 id="training">Training</h2>
<div class="prose">${prose.html(TRAINING)}</div>
<p><a href="training.html">Train the network in your browser</a></p>
<h2 id="offline">On your machine</h2>
<div class="prose">${
    prose.html(`The same chapters run from a clone with \`deno task chapter 3\`; \`deno test\` verifies every one, and
\`deno task site --serve\` builds this site and serves it on localhost.`)
  }</div>`;
  return layout({
    title: "Backprop by hand, in TypeScript",
    description:
      "Karpathy's backprop ninja lecture in TypeScript: every gradient derived, checked and run in the browser.",
    main,
    section: "chapters",
  });
}
