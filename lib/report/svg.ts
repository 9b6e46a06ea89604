/**
 * The two pictures of the lecture as SVG, for notebooks and files: the heat
 * map of a matrix (the lecture's `plt.imshow(dlogits, cmap="gray")`) and the
 * loss curve (its `plt.plot` of log10 losses averaged over windows). Plain
 * strings, no DOM: the terminal keeps its character versions in
 * `heatmap.ts` and `chart.ts`, and `deno task train` writes the loss curve to
 * a file with lib/commands/loss_curve.ts.
 *
 * @example
 * ```ts
 * import { lossCurveSvg } from "./svg.ts";
 * const svg = lossCurveSvg(new Float32Array([0.5, 0.45, 0.4])); // "<svg xmlns=…"
 * ```
 * @module
 */

import type { Tensor } from "../tensor.ts";
import { heatLevels } from "./heatmap.ts";
import { windowMeans } from "./chart.ts";

/** Options for {@linkcode heatmapSvg}. */
export interface HeatmapSvgOptions {
  /** The labels of the columns, e.g. the 27 characters; none by default. */
  columnLabels?: readonly string[];
  /** The side of one cell in pixels (12). */
  cell?: number;
  /** A title above the picture. */
  title?: string;
}

/** Escapes text for an SVG text node or attribute. */
function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** A number with at most 3 significant digits, for ticks and legends. */
function short(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** A grey level: 0 is black, 1 is white. */
function grey(level: number): string {
  const v = Math.round(255 * Math.min(1, Math.max(0, level)));
  const hex = v.toString(16).padStart(2, "0");
  return `#${hex}${hex}${hex}`;
}

/**
 * A matrix as a grey heat map, black at its smallest entry and white at its
 * largest, like the lecture's `imshow(…, cmap="gray")`, with a legend.
 *
 * @example
 * ```ts
 * import { tensor } from "../tensor.ts";
 * const svg = heatmapSvg(tensor([[0.1, -0.9, 0.8]]), { columnLabels: [".", "a", "b"] });
 * svg.startsWith("<svg"); // true
 * ```
 */
export function heatmapSvg(m: Tensor, options: HeatmapSvgOptions = {}): string {
  const { rows, cols, lo, hi, level } = heatLevels(m);
  const { columnLabels, cell = 12, title } = options;
  if (columnLabels && columnLabels.length !== cols) {
    throw new RangeError(`Cannot label ${cols} columns with ${columnLabels.length} labels`);
  }
  const left = 28;
  const top = (title ? 22 : 0) + (columnLabels ? 16 : 4);
  const width = left + cols * cell + 8;
  const height = top + rows * cell + 28;
  const parts: string[] = [];
  if (title) parts.push(`<text x="${left}" y="15" font-size="13">${escapeXml(title)}</text>`);
  columnLabels?.forEach((label, j) =>
    parts.push(
      `<text x="${left + j * cell + cell / 2}" y="${top - 4}" font-size="10" text-anchor="middle">${
        escapeXml(label)
      }</text>`,
    )
  );
  for (let i = 0; i < rows; i++) {
    if (i % 5 === 0) {
      parts.push(
        `<text x="${left - 4}" y="${top + i * cell + cell - 2}" font-size="9" text-anchor="end">${i}</text>`,
      );
    }
    for (let j = 0; j < cols; j++) {
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${
          grey(level(i, j))
        }"/>`,
      );
    }
  }
  const legend = `black = ${short(lo)}, white = ${short(hi)} (${rows} rows × ${cols} columns)`;
  parts.push(`<text x="${left}" y="${height - 10}" font-size="11">${escapeXml(legend)}</text>`);
  return svgDocument(width, height, parts);
}

/** Options for {@linkcode lossCurveSvg}. */
export interface LossCurveOptions {
  /** How many points to draw at most: the steps are averaged over windows (200). */
  maxPoints?: number;
  /** Width and height in pixels (640 × 320). */
  width?: number;
  height?: number;
}

/**
 * The training loss as a line: log10 of each step's loss, averaged over
 * windows of steps, against the step, with labelled axes.
 *
 * @example
 * ```ts
 * const lossLog10 = Float32Array.from({ length: 1000 }, (_, step) => 0.5 - step / 4000); // a falling loss
 * const svg = lossCurveSvg(lossLog10, { maxPoints: 100 }); // a line through 100 means of 10 steps
 * ```
 */
export function lossCurveSvg(lossLog10: Float32Array, options: LossCurveOptions = {}): string {
  const { maxPoints = 200, width = 640, height = 320 } = options;
  if (lossLog10.length === 0) throw new RangeError("Cannot draw a loss curve of no steps");
  const { window, means: ys, starts, lengths } = windowMeans(lossLog10, maxPoints);
  const xs = starts.map((start, i) => start + lengths[i] / 2); // each window's middle step
  const left = 56;
  const right = 28;
  const top = 30;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (hi - lo < 1e-6) [lo, hi] = [lo - 0.05, hi + 0.05];
  const pad = 0.05 * (hi - lo);
  [lo, hi] = [lo - pad, hi + pad];
  const steps = lossLog10.length;
  const px = (x: number) => left + (plotW * x) / steps;
  const py = (y: number) => top + plotH * (1 - (y - lo) / (hi - lo));
  const parts: string[] = [
    `<text x="${left}" y="18" font-size="13">${
      escapeXml(`log10(loss), mean over windows of ${window.toLocaleString("en-US")} steps`)
    }</text>`,
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  for (const y of ticks(lo, hi, 5)) {
    parts.push(
      `<line x1="${left - 4}" y1="${py(y).toFixed(1)}" x2="${left + plotW}" y2="${py(y).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${(py(y) + 4).toFixed(1)}" font-size="11" text-anchor="end">${short(y)}</text>`,
    );
  }
  for (const x of ticks(0, steps, 6)) {
    parts.push(
      `<line x1="${px(x).toFixed(1)}" y1="${top + plotH}" x2="${px(x).toFixed(1)}" y2="${
        top + plotH + 4
      }" stroke="#999"/>`,
      `<text x="${px(x).toFixed(1)}" y="${top + plotH + 17}" font-size="11" text-anchor="middle">${
        x.toLocaleString("en-US")
      }</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 6}" font-size="11" text-anchor="middle">step</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${
      xs.map((x, k) => `${px(x).toFixed(1)},${py(ys[k]).toFixed(1)}`).join(" ")
    }"/>`,
  );
  return svgDocument(width, height, parts);
}

/**
 * Round tick positions between `lo` and `hi`, about `count` of them (steps of 1, 2 or 5 times a power of ten).
 *
 * @example
 * ```ts
 * ticks(0, 10_000, 5); // [0, 2000, 4000, 6000, 8000, 10000]
 * ```
 */
export function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const candidates = [1, 2, 5, 10].map((f) => f * power);
  const step = candidates.reduce((best, s) => Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Wraps drawn parts in a standalone SVG document with a white background. */
function svgDocument(width: number, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...parts,
    "</svg>",
  ].join("\n");
}
