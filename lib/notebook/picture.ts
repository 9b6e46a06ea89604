/**
 * One picture, two faces: characters on a terminal, an SVG image in a
 * Jupyter notebook running on Deno's kernel (`deno jupyter`). The pictures
 * themselves are drawn in lib/report/, which touches no `Deno` API; deciding
 * where they go (a notebook or a terminal, and whether it takes colour) is
 * this module's part.
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
 * Prints `text` on a terminal; in a notebook, displays `svg` as an image
 * instead (with `text` as the plain-text fallback of the same output).
 *
 * @example
 * ```ts
 * import { lossChart } from "../report/chart.ts";
 * import { lossCurveSvg } from "../report/svg.ts";
 * const losses = new Float32Array([0.5, 0.45, 0.4]);
 * showPicture(lossChart(losses), lossCurveSvg(losses));
 * ```
 */
export function showPicture(text: string, svg: string, api: JupyterApi | undefined = jupyter()): void {
  if (!api) {
    console.log(text + "\n");
    return;
  }
  api.display({ "image/svg+xml": svg, "text/plain": text }, { raw: true });
}
