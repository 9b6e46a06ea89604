/**
 * One picture, two faces: characters on a terminal, an image in a Jupyter
 * notebook running on Deno's kernel (`deno jupyter`). The pictures themselves
 * are drawn in lib/report/ as SVG, which touches no `Deno` API; deciding
 * where they go (a notebook or a terminal, and whether it takes colour) is
 * this module's part. In a notebook the SVG is shown as a PNG (drawn by
 * ./png.ts), because Debian's nbconvert 6.5 prefers an SVG to a PNG of the
 * same output and then strips the SVG's drawing when it exports the notebook
 * to HTML: with a PNG, the exported page keeps the picture.
 *
 * @example
 * ```ts
 * import { colorWanted, showPicture } from "./picture.ts";
 * import { heatmap } from "../report/heatmap.ts";
 * import { heatmapSvg } from "../report/svg.ts";
 * import { tensor } from "../tensor.ts";
 * const m = tensor([[0, 1], [1, 0]]); // [2, 2]
 * showPicture(heatmap(m, { color: colorWanted() }), heatmapSvg(m));
 * ```
 * @module
 */

import { Buffer } from "node:buffer";
import { loadRasteriser, type Rasteriser } from "./png.ts";

/** The part of `Deno.jupyter` we use; it exists only under `deno jupyter`. */
interface JupyterApi {
  display(bundle: Record<string, string>, options: { raw: boolean }): Promise<void>;
}

/**
 * Deno's Jupyter API when this code runs inside a notebook, else undefined.
 * (Outside a notebook, reading `Deno.jupyter` throws.)
 *
 * @example
 * ```ts
 * if (jupyter()) console.log("in a notebook");
 * ```
 */
export function jupyter(): JupyterApi | undefined {
  try {
    const api = (Deno as unknown as { jupyter?: Partial<JupyterApi> }).jupyter;
    return typeof api?.display === "function" ? api as JupyterApi : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether text pictures may use colour: only on a terminal, and only when
 * `NO_COLOR` is not set (a notebook's output is not a terminal).
 *
 * @example
 * ```ts
 * import { heatmap } from "../report/heatmap.ts";
 * import { tensor } from "../tensor.ts";
 * console.log(heatmap(tensor([[0, 1]]), { color: colorWanted() }));
 * ```
 */
export function colorWanted(): boolean {
  return !Deno.noColor && Deno.stdout.isTerminal();
}

/**
 * In a notebook, the PNG rasteriser, loaded once when this module is
 * imported (a third of a second or so); elsewhere, or when it cannot load,
 * none, and pictures are shown as SVG.
 */
const notebook: { rasterise?: Rasteriser } = { rasterise: jupyter() ? await rasteriserOrNone() : undefined };

/** The rasteriser, or undefined with one line on stderr saying why pictures stay SVG. */
async function rasteriserOrNone(): Promise<Rasteriser | undefined> {
  try {
    return await loadRasteriser();
  } catch (error) {
    console.error(`Pictures are shown as SVG only: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

/**
 * What a notebook is sent for one picture (a MIME bundle): the PNG that
 * `rasterise` draws from `svg`, in base64, with `text` as the plain-text
 * version of the same output; the SVG itself when there is no rasteriser or
 * it fails (with one line on stderr). Never both: nbconvert 6.5 would pick
 * the SVG.
 *
 * @example
 * ```ts
 * mimeBundle("#.#", "<svg/>"); // no rasteriser: { "image/svg+xml": "<svg/>", "text/plain": "#.#" }
 * ```
 */
export function mimeBundle(text: string, svg: string, rasterise?: Rasteriser): Record<string, string> {
  if (rasterise) {
    try {
      const { png } = rasterise(svg);
      // Buffer rather than Uint8Array's toBase64, which the Deno 2 releases of 2024 lack.
      return {
        "image/png": Buffer.from(png.buffer, png.byteOffset, png.length).toString("base64"),
        "text/plain": text,
      };
    } catch (error) {
      console.error(`This picture is shown as SVG only: ${error instanceof Error ? error.message : error}`);
    }
  }
  return { "image/svg+xml": svg, "text/plain": text };
}

/**
 * Prints `text` on a terminal; in a notebook, displays `svg` as a PNG image
 * instead (see {@linkcode mimeBundle}), with `text` as the plain-text
 * fallback of the same output.
 *
 * @example
 * ```ts
 * import { lossChart } from "../report/chart.ts";
 * import { lossCurveSvg } from "../report/svg.ts";
 * const losses = new Float32Array([0.5, 0.45, 0.4]);
 * showPicture(lossChart(losses), lossCurveSvg(losses));
 * ```
 */
export function showPicture(
  text: string,
  svg: string,
  api: JupyterApi | undefined = jupyter(),
  rasterise: Rasteriser | undefined = notebook.rasterise,
): void {
  if (!api) {
    console.log(text + "\n");
    return;
  }
  api.display(mimeBundle(text, svg, rasterise), { raw: true });
}
