/**
 * The chapters' prose as HTML, made at build time: markdown by marked (from
 * npm), formulas typeset by KaTeX (from npm) — the `### loss = …` headings of
 * the backward passes and the indented blocks of formulas, translated from
 * the chapters' Unicode notation by `math.ts` — and code highlighted. Every
 * heading gets an id and goes into the page's table of contents.
 *
 * @example
 * ```ts
 * import { Prose } from "./prose.ts";
 * const prose = new Prose();
 * prose.html("## The data\n\nNames.");
 * prose.toc; // [{ depth: 2, id: "the-data", html: "The data" }]
 * ```
 * @module
 */

import katex from "katex";
import { Marked, type Tokens } from "marked";
import { alignedTex, isFormula, texOf } from "./math.ts";
import { highlightTs } from "./highlight.ts";
import { escapeHtml } from "./html.ts";

/** A heading of the page, for its table of contents. */
export interface TocEntry {
  depth: number;
  id: string;
  /** The heading's content as HTML (formulas typeset). */
  html: string;
}

/**
 * A heading's id: its words in lower case joined by hyphens (for a formula,
 * the name on the left of its `=`).
 *
 * @example
 * ```ts
 * slug("logprobs = log(probs)"); // "logprobs"
 * slug("Batchnorm in one step"); // "batchnorm-in-one-step"
 * ```
 */
export function slug(text: string): string {
  const left = text.includes(" = ") ? text.slice(0, text.indexOf(" = ")) : text;
  return left.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "section";
}

/**
 * TeX typeset by KaTeX as HTML (with MathML for screen readers), or null if
 * KaTeX cannot read it.
 *
 * @example
 * ```ts
 * typeset("x^2", false)?.startsWith('<span class="katex">'); // true
 * ```
 */
export function typeset(tex: string, display: boolean): string | null {
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: true, strict: "ignore" });
  } catch {
    return null;
  }
}

/**
 * Renders prose, remembering its headings; one per page, so that ids stay unique on the page.
 *
 * @example
 * ```ts
 * const prose = new Prose();
 * prose.html("### bndiff2 = bndiff²").includes('id="bndiff2"'); // true
 * ```
 */
export class Prose {
  /** The headings rendered so far, in order. */
  readonly toc: TocEntry[] = [];
  /** Formulas KaTeX could not read (shown as plain text), for the build to report. */
  readonly unreadable: string[] = [];
  readonly #ids = new Set<string>();
  readonly #marked: Marked;

  constructor() {
    this.#marked = new Marked({ gfm: true, async: false });
    // deno-lint-ignore no-this-alias
    const self = this;
    this.#marked.use({
      renderer: {
        heading(token: Tokens.Heading) {
          return self.#heading(token, this.parser.parseInline(token.tokens));
        },
        code({ text, lang }: Tokens.Code) {
          return self.#code(text, lang);
        },
        html({ text }: Tokens.HTML | Tokens.Tag) {
          return escapeHtml(text);
        },
      },
    });
  }

  /**
   * A piece of markdown as HTML.
   *
   * @example
   * ```ts
   * new Prose().html("*a*"); // "<p><em>a</em></p>\n"
   * ```
   */
  html(markdown: string): string {
    return this.#marked.parse(markdown) as string;
  }

  /** A formula typeset, or its text as code if KaTeX cannot read the translation. */
  #formula(text: string, tex: string, display: boolean): string {
    const html = typeset(tex, display);
    if (html !== null) return html;
    this.unreadable.push(text);
    return display ? `<pre class="formula">${escapeHtml(text)}</pre>` : `<code>${escapeHtml(text)}</code>`;
  }

  #heading({ depth, text }: Tokens.Heading, inline: string): string {
    const formula = depth >= 3 && / = /.test(text) && !/`/.test(text);
    const html = formula ? this.#formula(text, texOf(text), false) : inline;
    let id = slug(text);
    for (let k = 2; this.#ids.has(id); k++) id = `${slug(text)}-${k}`;
    this.#ids.add(id);
    this.toc.push({ depth, id, html });
    return `<h${depth} id="${id}"><a class="anchor" href="#${id}">${html}</a></h${depth}>\n`;
  }

  #code(text: string, lang: string | undefined): string {
    if (!lang && isFormula(text)) {
      return `<div class="display">${this.#formula(text, alignedTex(text.split("\n")), true)}</div>\n`;
    }
    const body = lang === "ts" || lang === "typescript" ? highlightTs(text) : escapeHtml(text);
    return `<pre class="code"><code>${body}</code></pre>\n`;
  }
}
