/**
 * The page's `showPicture`: what a chapter draws (the heat map of dlogits,
 * the loss curve) goes to the page as an SVG picture, with the terminal's
 * text version beside it, as a notebook shows it. A chapter's runnable module
 * imports it in place of `lib/report/picture.ts`, whose notebook version
 * needs `Deno.jupyter`.
 *
 * @example
 * ```ts
 * import { showPicture } from "./picture.ts";
 * showPicture("▁▂▃", "<svg></svg>");
 * ```
 * @module
 */

import { emit } from "./runtime.ts";

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
