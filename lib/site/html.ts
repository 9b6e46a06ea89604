/**
 * Text escaped for HTML, for the build and the pages' scripts alike.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * escapeHtml("a < b"); // "a &lt; b"
 * ```
 * @module
 */

/**
 * Text escaped for HTML: for element content and for attribute values in double quotes.
 *
 * @example
 * ```ts
 * escapeHtml('<a href="x">'); // "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
