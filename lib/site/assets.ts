/**
 * The files every page shares, copied into the site at build time: our
 * stylesheet, and KaTeX's stylesheet with its fonts (from the npm package,
 * so the site needs no CDN). Browsers that read `woff2` (all current ones)
 * need nothing else, so only those fonts are copied and the stylesheet names
 * only them.
 *
 * @example
 * ```ts ignore
 * import { copyAssets } from "./assets.ts";
 * await copyAssets("/repo", "site");
 * ```
 * @module
 */

import { join } from "node:path";
import siteCss from "./assets/site.css" with { type: "text" };

/**
 * KaTeX's stylesheet naming only its `woff2` fonts.
 *
 * @example
 * ```ts
 * woff2Only('src:url(fonts/A.woff2) format("woff2"),url(fonts/A.woff) format("woff"),url(fonts/A.ttf) format("truetype")');
 * // 'src:url(fonts/A.woff2) format("woff2")'
 * ```
 */
export function woff2Only(css: string): string {
  return css.replace(/,\s*url\([^)]+\.woff\)\s*format\("woff"\)/g, "").replace(
    /,\s*url\([^)]+\.ttf\)\s*format\("truetype"\)/g,
    "",
  );
}

/**
 * Writes `assets/site.css` and `assets/katex/` (stylesheet and fonts) into `out`.
 *
 * @example
 * ```ts ignore
 * await copyAssets(Deno.cwd(), "site");
 * ```
 */
export async function copyAssets(root: string, out: string): Promise<void> {
  const katex = join(root, "node_modules/katex/dist");
  const target = join(out, "assets/katex");
  await Deno.mkdir(join(target, "fonts"), { recursive: true });
  await Deno.writeTextFile(join(out, "assets/site.css"), siteCss);
  await Deno.writeTextFile(join(target, "katex.css"), woff2Only(await Deno.readTextFile(join(katex, "katex.min.css"))));
  for await (const entry of Deno.readDir(join(katex, "fonts"))) {
    if (entry.name.endsWith(".woff2")) {
      await Deno.copyFile(join(katex, "fonts", entry.name), join(target, "fonts", entry.name));
    }
  }
}
