/**
 * One picture, two faces: characters on a terminal, an SVG image in a
 * Jupyter notebook running on Deno's kernel (`deno jupyter`).
 *
 * @example
 * ```ts
 * import { showPicture } from "./picture.ts";
 * showPicture(heatmap(dlogits), heatmapSvg(dlogits));
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
 * Prints `text` on a terminal; in a notebook, displays `svg` as an image
 * instead (with `text` as the plain-text fallback of the same output).
 *
 * @example
 * ```ts
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
