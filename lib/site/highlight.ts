/**
 * TypeScript highlighted at build time, with highlight.js (from npm): the
 * page gets spans with `hljs-*` classes that its stylesheet colours in the
 * light and the dark theme, and no highlighter runs in the browser.
 *
 * @example
 * ```ts
 * import { highlightTs } from "./highlight.ts";
 * highlightTs("const a = 1;"); // '<span class="hljs-keyword">const</span> a = <span class="hljs-number">1</span>;'
 * ```
 * @module
 */

import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";

hljs.registerLanguage("typescript", typescript);

/**
 * TypeScript source as HTML: escaped, with each token in a `<span class="hljs-…">`.
 *
 * @example
 * ```ts
 * highlightTs("x < y").includes("&lt;"); // true
 * ```
 */
export function highlightTs(code: string): string {
  return hljs.highlight(code, { language: "typescript", ignoreIllegals: true }).value;
}
