/**
 * Printing for people: chapter headings and wrapped paragraphs.
 *
 * @example
 * ```ts
 * import { heading, say } from "./print.ts";
 * heading(3, "Backprop through cross-entropy");
 * say("Each gradient below is checked against TensorFlow.js.");
 * ```
 * @module
 */

/** The width paragraphs are wrapped to. */
export const WIDTH = 80;

/**
 * Wraps text to {@linkcode WIDTH} columns, keeping blank lines as paragraph breaks.
 *
 * @example
 * ```ts
 * wrap("a ".repeat(50)).split("\n").length; // 2
 * ```
 */
export function wrap(text: string, width = WIDTH): string {
  return text.split(/\n\s*\n/).map((paragraph) => {
    const lines: string[] = [];
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
    return lines.join("\n");
  }).join("\n\n");
}

/**
 * Prints a wrapped paragraph followed by a blank line.
 *
 * @example
 * ```ts
 * say("The loss is the mean negative log probability of the right character.");
 * ```
 */
export function say(text: string): void {
  console.log(wrap(text) + "\n");
}

/**
 * Prints a chapter's heading, underlined.
 *
 * @example
 * ```ts
 * heading(1, "The data and the model");
 * ```
 */
export function heading(chapter: number, title: string): void {
  const text = `Chapter ${chapter}. ${title}`;
  console.log(`\n${text}\n${"=".repeat(text.length)}\n`);
}

/**
 * Formats rows of cells as a table with aligned columns; numbers align right.
 *
 * @example
 * ```ts
 * console.log(table([["split", "examples"], ["train", 182625]]));
 * ```
 */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map((c) => typeof c === "number" ? c.toLocaleString("en-US") : c));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => (row[c] ?? "").length)));
  return cells.map((row, r) =>
    row.map((cell, c) => typeof rows[r][c] === "number" ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))
      .join("  ").trimEnd()
  ).join("\n");
}
