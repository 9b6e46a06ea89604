/**
 * The training page: `deno task train`'s flags as a form, the buttons (Train,
 * Stop, Continue, Download and Open a checkpoint), a progress line and the
 * loss curve that fill in as the worker trains, then the losses and the
 * sampled names. Its script is `browser/training.ts`.
 *
 * @example
 * ```ts
 * import { trainingPage } from "./training_page.ts";
 * trainingPage(300_000).includes('id="train"'); // true
 * ```
 * @module
 */

import { formatSize } from "./chapter_page.ts";
import { escapeHtml } from "./html.ts";
import { layout } from "./page.ts";
import { type FormField, MAX_CHECKPOINT_BYTES, TRAINING_FIELDS } from "./training_form.ts";

const GROUPS: Record<FormField["group"], string> = {
  network: "The network",
  training: "Training",
  sampling: "Sampling",
};

/** One field: its meaning, its flag, and an input with the command's default. */
function fieldHtml(f: FormField): string {
  const id = `flag-${f.flag}`;
  const control = f.choices
    ? `<select id="${id}" name="${f.flag}">${
      f.choices.map((c) => `<option${c === f.value ? " selected" : ""}>${escapeHtml(c)}</option>`).join("")
    }</select>`
    : `<input id="${id}" name="${f.flag}" value="${escapeHtml(f.value)}" inputmode="${
      f.flag === "lr" || f.flag === "temperature" ? "decimal" : "numeric"
    }" autocomplete="off" spellcheck="false"${f.placeholder ? ` placeholder="${escapeHtml(f.placeholder)}"` : ""}>`;
  return `<label for="${id}"><span>${escapeHtml(f.label)}</span><code>--${f.flag}</code>${control}</label>`;
}

function formHtml(): string {
  const groups = (Object.keys(GROUPS) as FormField["group"][]).map((g) =>
    `<fieldset><legend>${GROUPS[g]}</legend><div class="fields">${
      TRAINING_FIELDS.filter((f) => f.group === g).map(fieldHtml).join("\n")
    }</div></fieldset>`
  );
  return `<form id="flags" class="flags" novalidate>
${groups.join("\n")}
<div class="buttons">
<button id="train" type="submit">Train</button>
<button id="stop" type="button" class="secondary" disabled>Stop</button>
<button id="continue" type="button" class="secondary" disabled>Continue</button>
<button id="download" type="button" class="secondary" disabled>Download checkpoint</button>
<input id="open" type="file" accept=".safetensors" class="visually-hidden">
<label class="file" for="open">Open a checkpoint…</label>
<button id="sample" type="button" class="secondary" disabled>Sample again</button>
</div>
</form>`;
}

/**
 * The page, saying how much Train loads (`workerBytes`).
 *
 * @example
 * ```ts
 * trainingPage(280_000).startsWith("<!doctype html>"); // true
 * ```
 */
export function trainingPage(workerBytes: number): string {
  const main = `<h1>Training the network in your browser</h1>
<p>This trains the lecture's network here, in a worker of this tab, with the trainer of <code>deno task train</code> and
its WebAssembly kernels: the same numbers as the command line, at about the same speed. The fields are the command's
flags with its defaults and limits (<code>deno task train --help</code>). Train loads ${
    formatSize(workerBytes)
  } (the names, the kernels and the trainer).</p>
${formHtml()}
<p id="message" class="message" role="status" aria-live="polite"></p>
<p id="progress" class="progress" aria-live="off">Not started.</p>
<div id="curve" class="curve" role="img" aria-label="The loss curve: log10 of the loss, averaged over windows of steps"></div>
<section id="results" aria-live="polite">
<h2>Losses and names</h2>
<div id="losses"><p>After training: the loss over the training, validation and test sets, with batchnorm calibrated over the training set.</p></div>
<div id="names"><p>Then twenty names sampled from the network, each marked as one of the training set's or a new one. Open a checkpoint to sample from it without training.</p></div>
</section>
<p class="source">On your machine: <code>deno task train</code>, then <code>deno task sample --checkpoint PATH</code> for a checkpoint downloaded here.</p>`;
  return layout({
    title: "Training",
    description: "Train the backprop ninja lecture's MLP in your browser, on WebAssembly kernels, and sample names.",
    main,
    scripts: ["js/training.js"],
    section: "training",
    bodyAttributes: `data-worker="js/train_worker.js" data-max-checkpoint="${MAX_CHECKPOINT_BYTES}"`,
  });
}
