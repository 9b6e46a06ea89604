/**
 * The page's `showPicture` and `colorWanted`: what a chapter draws (the heat
 * map of dlogits, the loss curve) goes to the page as an SVG picture, with the
 * terminal's text version beside it, as a notebook shows it, and that text
 * takes no colour. A chapter's runnable module imports this module in place of
 * `lib/notebook/picture.ts`, whose versions ask Deno (`Deno.jupyter`,
 * `Deno.noColor`, `Deno.stdout`), which a browser's worker does not have.
 *
 * @example
 * ```ts
 * import { colorWanted, showPicture } from "./picture.ts";
 * showPicture(colorWanted() ? "in colour" : "▁▂▃", "<svg></svg>");
 * ```
 * @module
 */

import { emit } from "./runtime.ts";

/**
 * Whether a chapter's text pictures may use colour: never in a page (its
 * outputs are not a terminal), as in a notebook.
 *
 * @example
 * ```ts
 * colorWanted(); // false
 * ```
 */
export function colorWanted(): boolean {
  return false;
}

/**
 * Sends a picture to the page, under the running cell.
 *
 * @example
 * ```ts
 * showPicture("chart as text", '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
 * ```
 */
export function showPicture(text: string, svg: string): void {
  emit({ kind: "picture", svg, text: text + "\n\n" }); // as the terminal prints it: console.log(text + "\n")
}
