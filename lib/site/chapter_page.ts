/**
 * A chapter's page: its prose with the formulas typeset, its code cells
 * highlighted, under each cell what it printed or drew when the site was
 * built, and a Run button (or Ctrl/Cmd-Enter) that runs every cell again in
 * a Web Worker in the reader's browser (`browser/chapter.ts`).
 *
 * @example
 * ```ts
 * import { chapterPage } from "./chapter_page.ts";
 * import type { ChapterCells } from "./cells.ts";
 * const chapter: ChapterCells = {
 *   number: 1,
 *   title: "T",
 *   doc: "# Chapter 1. T",
 *   path: "chapters/01_t.ts",
 *   cells: [{ kind: "code", code: "console.log(1);", run: 0 }],
 *   module: "",
 *   runs: 1,
 *   chapterRuns: [0],
 * };
 * const { html } = chapterPage(chapter, [[{ kind: "text", text: "1\n" }]], { worker: "js/01_t.js", bytes: 1_800_000 });
 * ```
 * @module
 */

import type { ChapterCells } from "./cells.ts";
import { highlightTs } from "./highlight.ts";
import { escapeHtml } from "./html.ts";
import { layout, type PageLink } from "./page.ts";
import { Prose } from "./prose.ts";
import type { CellOutput } from "./run/messages.ts";
import { outputsHtml } from "./run/render.ts";

/** The runnable bundle of a chapter: its script, and how many bytes Run loads. */
export interface RunBundle {
  /** The worker's script, relative to the site's root. */
  worker: string;
  /** The bytes of the script and the chunks it imports. */
  bytes: number;
}

/**
 * A size for people: "1.9 MB", "320 kB".
 *
 * @example
 * ```ts
 * formatSize(1_900_000); // "1.9 MB"
 * ```
 */
export function formatSize(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/** What Run does, then the bar above the cells: the Run button, the keys, and a status line that screen readers hear. */
function runBar(c: ChapterCells, bundle: RunBundle): string {
  return `<p class="about-run">The outputs under the cells are from when this page was built. Run computes all ${c.runs} cells
again in your browser; it loads ${
    formatSize(bundle.bytes)
  } of TensorFlow.js and the chapter's code when you press it.</p>
<div class="runbar" role="region" aria-label="Run this chapter">
<button id="run" type="button" aria-keyshortcuts="Control+Enter Meta+Enter">Run</button>
<span class="keys"><kbd>Ctrl</kbd>/<kbd>⌘</kbd> <kbd>Enter</kbd></span>
<p id="status" class="status" aria-live="polite">Not run in this browser yet.</p>
</div>`;
}

/** One code cell and its outputs. */
function codeCell(code: string, run: number, outputs: readonly CellOutput[], inChapterRun: boolean): string {
  return `<section class="cell" data-run="${run}"${inChapterRun ? " data-chapter-run" : ""}>
<pre class="code"><code>${highlightTs(code)}</code></pre>
<div class="out" data-run="${run}">${outputsHtml(outputs)}</div>
</section>`;
}

/**
 * A chapter's page, with the outputs of the build's run under its cells.
 *
 * @example
 * ```ts
 * import type { ChapterCells } from "./cells.ts";
 * const chapter: ChapterCells = {
 *   number: 2,
 *   title: "T",
 *   doc: "# Chapter 2. T\n\nWhat it is about.",
 *   path: "chapters/02_t.ts",
 *   cells: [{ kind: "prose", markdown: "## A step" }, { kind: "code", code: "say(`hi`);", run: 0 }],
 *   module: "",
 *   runs: 1,
 *   chapterRuns: [0],
 * };
 * const prev = { href: "01_t.html", text: "1. T" };
 * const { html } = chapterPage(chapter, [[{ kind: "text", text: "hi\n" }]], { worker: "js/02_t.js", bytes: 9 }, prev);
 * html.includes('<h2 id="a-step">'); // true
 * ```
 */
export function chapterPage(
  c: ChapterCells,
  outputs: readonly CellOutput[][],
  bundle: RunBundle,
  prev?: PageLink,
  next?: PageLink,
  exercise?: PageLink,
): { html: string; unreadable: string[] } {
  const prose = new Prose();
  const parts: string[] = [];
  for (const cell of c.cells) {
    if (cell.kind === "prose") parts.push(`<div class="prose">${prose.html(cell.markdown)}</div>`);
    else if (cell.kind === "imports") {
      parts.push(`<details class="imports"><summary>The chapter's imports</summary>
<pre class="code"><code>${highlightTs(cell.code)}</code></pre></details>`);
    } else parts.push(codeCell(cell.code, cell.run, outputs[cell.run] ?? [], c.chapterRuns.includes(cell.run)));
  }
  // The Run bar goes after the introduction and the imports, before the first cell.
  const first = parts.findIndex((p) => p.startsWith('<section class="cell"'));
  parts.splice(first === -1 ? parts.length : first, 0, runBar(c, bundle));
  if (exercise) {
    parts.push(
      `<p class="exercise-link"><a href="${escapeHtml(exercise.href)}">${
        escapeHtml(exercise.text)
      }</a>: derive this chapter's gradients yourself, checked in the page as <code>deno task exercise ${c.number}</code> checks them.</p>`,
    );
  }
  parts.push(
    `<p class="source">This page is made from <code>${
      escapeHtml(c.path)
    }</code> by <code>deno task site</code>; its cells are the chapter's notebook's. On your machine: <code>deno task chapter ${c.number}</code>.</p>`,
  );
  const description = c.cells[0]?.kind === "prose" ? c.cells[0].markdown.split("\n\n")[1] ?? "" : "";
  const html = layout({
    title: `${c.number}. ${c.title}`,
    description: description.replace(/\s+/g, " ").replace(/`/g, ""),
    main: `<article class="chapter">${parts.join("\n")}</article>`,
    toc: prose.toc,
    prev,
    next,
    scripts: ["js/chapter.js"],
    styles: ["assets/katex/katex.css"],
    section: "chapters",
    bodyAttributes: `data-worker="${escapeHtml(bundle.worker)}" data-runs="${c.runs}"`,
  });
  return { html, unreadable: prose.unreadable };
}
