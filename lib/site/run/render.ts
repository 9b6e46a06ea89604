/**
 * A code cell's outputs as HTML, the same at build time and in the page
 * after Run: text in a `<pre>`, a picture as its SVG in a `<figure>`, an
 * error in a `<pre class="error">`.
 *
 * @example
 * ```ts
 * import { outputsHtml } from "./render.ts";
 * outputsHtml([{ kind: "text", text: "a < b\n" }]); // '<pre class="text">a &lt; b\n</pre>'
 * ```
 * @module
 */

import { escapeHtml } from "../html.ts";
import type { CellOutput } from "./messages.ts";

/**
 * One output as HTML.
 *
 * @example
 * ```ts
 * outputHtml({ kind: "error", text: "Error: no" }); // '<pre class="error">Error: no</pre>'
 * ```
 */
export function outputHtml(output: CellOutput): string {
  switch (output.kind) {
    case "text":
      return `<pre class="text">${escapeHtml(output.text)}</pre>`;
    case "picture":
      return `<figure class="picture">${output.svg}</figure>`;
    case "error":
      return `<pre class="error">${escapeHtml(output.text)}</pre>`;
  }
}

/**
 * A cell's outputs as HTML, one after another.
 *
 * @example
 * ```ts
 * outputsHtml([]); // ""
 * ```
 */
export function outputsHtml(outputs: readonly CellOutput[]): string {
  return outputs.map(outputHtml).join("");
}
