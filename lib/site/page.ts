/**
 * The frame every page of the site shares: the document head (the
 * stylesheets, a colour scheme that follows the system's light or dark
 * setting), a header with the site's name and its sections (the chapters,
 * the exercises' list, the training page), a skip link
 * for keyboard users, the page's own content, an optional table of contents
 * and previous/next links.
 *
 * @example
 * ```ts
 * import { layout } from "./page.ts";
 * const html = layout({ title: "Training", main: "<h1>Training</h1>" });
 * html.startsWith("<!doctype html>"); // true
 * ```
 * @module
 */

import { escapeHtml } from "./html.ts";
import type { TocEntry } from "./prose.ts";

/**
 * The site's name, in every page's header and title.
 *
 * @example
 * ```ts
 * SITE_NAME; // "Backprop ninja"
 * ```
 */
export const SITE_NAME = "Backprop ninja";

/** A link to another page of the site. */
export interface PageLink {
  href: string;
  /** The link's text (plain text). */
  text: string;
}

/** What a page puts in the frame. */
export interface PageParts {
  /** The page's title (plain text), before the site's name. */
  title: string;
  /** The page's content, inside `<main>` (HTML). */
  main: string;
  /** A sentence for search engines and link previews. */
  description?: string;
  /** The headings for a table of contents beside the content (none when empty). */
  toc?: TocEntry[];
  /** The pages before and after this one. */
  prev?: PageLink;
  next?: PageLink;
  /** Scripts (modules) the page loads, relative to the site's root. */
  scripts?: string[];
  /** Stylesheets besides the site's own. */
  styles?: string[];
  /** Which section of the header this page is in. */
  section?: "chapters" | "exercises" | "training";
  /** Attributes of `<body>` such as `data-worker="js/03.js"` (already escaped). */
  bodyAttributes?: string;
  /** The page's Content-Security-Policy, as a `<meta http-equiv>` (none when absent). */
  csp?: string;
  /** A page to work in (an exercise's editor), given the window's width rather than a column of prose. */
  wide?: boolean;
}

/**
 * The table of contents: level-2 headings, each with its level-3 ones under it.
 *
 * @example
 * ```ts
 * tocHtml([{ depth: 2, id: "a", html: "A" }]).includes('href="#a"'); // true
 * ```
 */
export function tocHtml(toc: readonly TocEntry[]): string {
  const items: string[] = [];
  let open = false;
  for (const entry of toc.filter((e) => e.depth === 2 || e.depth === 3)) {
    const link = `<a href="#${entry.id}">${entry.html}</a>`;
    if (entry.depth === 2) {
      if (open) items.push("</ol></li>");
      items.push(`<li>${link}<ol>`);
      open = true;
    } else {
      if (!open) {
        items.push("<li><ol>");
        open = true;
      }
      items.push(`<li>${link}</li>`);
    }
  }
  if (open) items.push("</ol></li>");
  const list = items.join("").replaceAll("<ol></ol>", "");
  return `<nav class="toc" aria-label="On this page"><details><summary>On this page</summary><ol>${list}</ol></details></nav>`;
}

function pagerHtml(prev?: PageLink, next?: PageLink): string {
  if (!prev && !next) return "";
  const link = (l: PageLink | undefined, rel: "prev" | "next") =>
    l
      ? `<a class="${rel}" rel="${rel}" href="${escapeHtml(l.href)}"><span>${
        rel === "prev" ? "Previous" : "Next"
      }</span> ${escapeHtml(l.text)}</a>`
      : "<span></span>";
  return `<nav class="pager" aria-label="Chapters">${link(prev, "prev")}${link(next, "next")}</nav>`;
}

/**
 * A whole page.
 *
 * @example
 * ```ts
 * layout({ title: "Chapter 3", main: "<p>…</p>", next: { href: "04.html", text: "Chapter 4" } });
 * ```
 */
export function layout(p: PageParts): string {
  const current = (s: PageParts["section"]) => p.section === s ? ' aria-current="page"' : "";
  const styles = ["assets/site.css", ...(p.styles ?? [])].map((href) => `<link rel="stylesheet" href="${href}">`);
  const scripts = (p.scripts ?? []).map((src) => `<script type="module" src="${src}"></script>`);
  const toc = p.toc && p.toc.length > 0 ? tocHtml(p.toc) : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${
    p.csp
      ? `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(p.csp)}">\n`
      : ""
  }<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(p.title)} · ${SITE_NAME}</title>
${
    p.description
      ? `<meta name="description" content="${escapeHtml(p.description)}">\n`
      : ""
  }<link rel="icon" href="data:,">
${[...styles, ...scripts].join("\n")}
</head>
<body${p.bodyAttributes ? ` ${p.bodyAttributes}` : ""}>
<a class="skip" href="#content">Skip to the content</a>
<header class="site"><a class="home" href="index.html">${SITE_NAME}</a>
<nav aria-label="Site"><a href="index.html#chapters"${current("chapters")}>Chapters</a> <a href="index.html#exercises"${
    current("exercises")
  }>Exercises</a> <a href="training.html"${current("training")}>Training</a></nav></header>
<div class="page${toc ? " with-toc" : ""}${p.wide ? " wide" : ""}">
${toc}
<main id="content" tabindex="-1">
${p.main}
${pagerHtml(p.prev, p.next)}
</main>
</div>
</body>
</html>
`;
}
