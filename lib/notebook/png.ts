/**
 * The SVG pictures of lib/report/ as PNG images, for notebooks: Debian's
 * nbconvert (6.5) strips an SVG when it exports a notebook to HTML, and a PNG
 * shows in every viewer. The SVG is rasterised by resvg, compiled to
 * WebAssembly (the npm package `@resvg/resvg-wasm`), with DejaVu Sans from the
 * npm package `dejavu-fonts-ttf` for the text, so the picture looks the same
 * on every machine and needs no system font. Both files come from the
 * project's node_modules/, so rasterising needs read permission (a notebook
 * on Deno's kernel has it).
 *
 * @example
 * ```ts
 * import { loadRasteriser } from "./png.ts";
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const rasterise = await loadRasteriser();
 *   const picture = rasterise('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>');
 *   picture.png.length; // a PNG file of 40 × 20 white pixels
 * }
 * ```
 * @module
 */

import { initWasm, Resvg } from "@resvg/resvg-wasm";

/** The font every text of a picture is drawn in, whatever family the SVG names. */
const FONT_FAMILY = "DejaVu Sans";
const FONT_FILE = "dejavu-fonts-ttf/ttf/DejaVuSans.ttf";
const WASM_FILE = "@resvg/resvg-wasm/index_bg.wasm";

/** One picture as PNG. */
export interface PngPicture {
  /** The PNG file. */
  png: Uint8Array;
  /** Its size in pixels, the SVG's: one pixel of the PNG for one of the SVG, so that it shows at the same size. */
  width: number;
  height: number;
  /** The PNG's pixels, row by row, 4 bytes (red, green, blue, alpha) each. */
  pixels: Uint8Array;
}

/** Draws an SVG document as a PNG picture. */
export type Rasteriser = (svg: string) => PngPicture;

/** The WebAssembly module may be started once per process: the one start, shared by every loader. */
const wasm: { started?: Promise<void> } = {};

/**
 * Reads a file that an npm package ships, from node_modules/.
 *
 * @example
 * ```ts
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const font = await packageFile("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"); // the TrueType file's bytes
 * }
 * ```
 */
export async function packageFile(specifier: string): Promise<Uint8Array> {
  const url = import.meta.resolve(specifier);
  if (!url.startsWith("file:")) {
    throw new Error(`Cannot read ${specifier}: it resolves to ${url}, not to a file in node_modules/`);
  }
  return await Deno.readFile(new URL(url));
}

/**
 * Loads resvg's WebAssembly and the font (about 3 MB from node_modules/),
 * and returns the function that draws a picture.
 *
 * @example
 * ```ts
 * import { lossCurveSvg } from "../report/svg.ts";
 * if ((await Deno.permissions.query({ name: "read" })).state === "granted") {
 *   const rasterise = await loadRasteriser();
 *   const { width, height } = rasterise(lossCurveSvg(new Float32Array([0.5, 0.45, 0.4]))); // 640, 320
 * }
 * ```
 */
export async function loadRasteriser(): Promise<Rasteriser> {
  wasm.started ??= packageFile(WASM_FILE).then((bytes) => initWasm(bytes));
  const [font] = await Promise.all([packageFile(FONT_FILE), wasm.started]);
  return (svg) => rasterise(svg, font);
}

/** Draws `svg` at its own size with `font`, freeing resvg's memory after. */
function rasterise(svg: string, font: Uint8Array): PngPicture {
  const resvg = new Resvg(svg, {
    font: { fontBuffers: [font], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  try {
    const image = resvg.render();
    try {
      return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
