/**
 * A grey-scale picture of a matrix in the terminal, like matplotlib's
 * `imshow(..., cmap="gray")` in the lecture: one cell per entry, dark for
 * the smallest value and white for the largest.
 *
 * With colour, each cell is two spaces on one of the 24 grey backgrounds of
 * the 256-colour palette. Without colour, each cell is a character from a
 * ramp of ten, light to dense. The caller says which: this module touches no
 * `Deno` API, so that a browser page can draw too (on a terminal,
 * `colorWanted()` of lib/notebook/picture.ts decides).
 *
 * @example
 * ```ts
 * import { heatmap } from "./heatmap.ts";
 * import { tensor } from "../tensor.ts";
 * console.log(heatmap(tensor([[0, 1], [1, 0]]), { color: false }));
 * ```
 * @module
 */

import { formatShape, type Tensor } from "../tensor.ts";

/** The plain-text ramp, from the smallest value to the largest. */
export const RAMP = " .:-=+*#%@";

/** Options for {@linkcode heatmap}. */
export interface HeatmapOptions {
  /** ANSI grey backgrounds (true) or characters (false). */
  color: boolean;
}

/**
 * Draws a matrix, one row of text per row, with a legend line below.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * heatmap(tensor([[0, 0.5, 1]]), { color: false }); // " +@\n' ' = 0.00, '@' = 1.00"
 * ```
 */
export function heatmap(m: Tensor, options: HeatmapOptions): string {
  const { rows, cols, lo, hi, level: levelAt } = heatLevels(m);
  const { color } = options;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    let line = "";
    for (let j = 0; j < cols; j++) {
      const level = levelAt(i, j); // 0 … 1
      if (color) {
        line += `\x1b[48;5;${232 + Math.round(level * 23)}m  `;
      } else {
        line += RAMP[Math.round(level * (RAMP.length - 1))];
      }
    }
    lines.push(color ? line + "\x1b[0m" : line);
  }
  const darkest = color ? "black" : `'${RAMP[0]}'`;
  const lightest = color ? "white" : `'${RAMP.at(-1)}'`;
  lines.push(`${darkest} = ${lo.toPrecision(3)}, ${lightest} = ${hi.toPrecision(3)}`);
  return lines.join("\n");
}

/** A matrix ready to draw: its size, its range, and each entry as a level from 0 (smallest) to 1 (largest). */
export interface HeatLevels {
  rows: number;
  cols: number;
  lo: number;
  hi: number;
  level(i: number, j: number): number;
}

/**
 * The levels of a matrix's entries, for the character heat map and the SVG one alike.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * heatLevels(tensor([[0, 5, 10]])).level(0, 1); // 0.5
 * ```
 */
export function heatLevels(m: Tensor): HeatLevels {
  if (m.shape.length !== 2) {
    throw new TypeError(`Cannot draw ${formatShape(m.shape)} as a heat map: it must be a matrix`);
  }
  const [rows, cols] = m.shape;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of m.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo || 1;
  return { rows, cols, lo, hi, level: (i, j) => (m.data[i * cols + j] - lo) / span };
}
