/**
 * How wide the checker's paragraphs are wrapped: to the terminal's 80
 * columns (lib/report/print.ts's `wrap`), or not at all in an exercise
 * page's checker, whose worker sets {@linkcode paragraphs}`.width` to
 * `Infinity` as it starts, so that the page flows each paragraph to its own
 * width. Tables, code and the learner's output keep their lines either way:
 * only the paragraphs go through {@linkcode wrapParagraphs}.
 *
 * @example
 * ```ts
 * import { wrapParagraphs } from "./paragraphs.ts";
 * wrapParagraphs("a ".repeat(50)).split("\n").length; // 2: 80 columns, as the terminal prints it
 * ```
 * @module
 */

import { WIDTH, wrap } from "../report/print.ts";

/**
 * The width the checker's paragraphs are wrapped to: 80 columns unless the
 * page's checker worker (a process of its own) says otherwise.
 *
 * @example
 * ```ts
 * paragraphs.width; // 80
 * ```
 */
export const paragraphs = { width: WIDTH };

/**
 * `text` wrapped to {@linkcode paragraphs}`.width`, blank lines kept as paragraph breaks.
 *
 * @example
 * ```ts
 * paragraphs.width = Infinity;
 * wrapParagraphs("a ".repeat(50)).split("\n").length; // 1: the page flows it
 * paragraphs.width = 80;
 * ```
 */
export function wrapParagraphs(text: string): string {
  return wrap(text, paragraphs.width);
}
