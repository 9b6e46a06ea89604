/**
 * The chapters write their formulas the way a comment can, in Unicode:
 * `loss = −(1/n) Σᵢ logprobs[i, Yb[i]]`, `x̂ᵢ = (xᵢ − μ) / √(σ² + ε)`. A page
 * can typeset them: this module turns that notation into TeX for KaTeX.
 * Names of tensors (`logprobs`, `W1`) stay upright, as in the code; single
 * letters are italic; `Σᵢ` is a sum over i, `√(…)` a root, `^(…)` and the
 * Unicode super- and subscripts are exponents and indices, and a run of
 * ordinary words ("for the correct class") is text.
 *
 * @example
 * ```ts
 * import { texOf } from "./math.ts";
 * texOf("countsSumInv = countsSum⁻¹"); // "\\mathrm{countsSumInv} = \\mathrm{countsSum}^{-1}"
 * ```
 * @module
 */

/** Unicode subscripts and superscripts, as the characters they stand for. */
const SUBSCRIPTS: Record<string, string> = { "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n", "₀": "0", "₁": "1", "₂": "2" };
const SUPERSCRIPTS: Record<string, string> = {
  "⁻": "-",
  "¹": "1",
  "²": "2",
  "³": "3",
  "ᵀ": "\\top",
  "⁰": "0",
  "⁴": "4",
};

/** Symbols with a TeX name. */
const SYMBOLS: Record<string, string> = {
  "μ": "\\mu",
  "σ": "\\sigma",
  "ε": "\\varepsilon",
  "γ": "\\gamma",
  "β": "\\beta",
  "∂": "\\partial",
  "·": "\\cdot",
  "−": "-",
  "×": "\\times",
  "½": "\\tfrac{1}{2}",
  "@": "\\mathbin{@}",
  "≤": "\\le",
  "≈": "\\approx",
};

/** Functions that TeX sets upright with their own spacing. */
const FUNCTIONS = new Set(["log", "exp", "max", "min", "tanh"]);

/** Words that are English, not names: a run of words that has one is text. */
const WORDS = new Set(
  "a an and as at each every for from is of on or other over the to where with correct class row rows column mean variance"
    .split(" "),
);

/** A piece of a formula: a name or word, a number, an operator or symbol, or a group. */
type Token =
  | { kind: "name"; text: string; hat: boolean }
  | { kind: "number"; text: string }
  | { kind: "symbol"; tex: string }
  | { kind: "space" }
  | { kind: "script"; up: boolean; tex: string };

/** Escapes the characters TeX gives a meaning to. */
function escapeTex(text: string): string {
  return text.replace(/[\\{}$&#%~^_]/g, (c) => c === "\\" ? "\\backslash " : c === "~" ? "\\sim " : `\\${c}`);
}

/** The text from `open` (an opening parenthesis) to its match, and the index after it. */
function group(src: string, open: number): { inner: string; end: number } {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === "(") depth++;
    else if (src[i] === ")" && --depth === 0) return { inner: src.slice(open + 1, i), end: i + 1 };
  }
  return { inner: src.slice(open + 1), end: src.length };
}

/** Splits a formula into tokens; `√(…)` and `^(…)` are translated whole. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const name = rest.match(/^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*/);
    const number = rest.match(/^\d+(?:\.\d+)?(?:e-?\d+)?/);
    const c = src[i];
    if (/\s/.test(c)) {
      while (i < src.length && /\s/.test(src[i])) i++;
      tokens.push({ kind: "space" });
    } else if (name) {
      const hat = src[i + name[0].length] === "\u0302";
      tokens.push({ kind: "name", text: name[0], hat });
      i += name[0].length + (hat ? 1 : 0);
    } else if (number) {
      tokens.push({ kind: "number", text: number[0] });
      i += number[0].length;
    } else if ((c === "√" || c === "^") && src[i + 1] === "(") {
      const { inner, end } = group(src, i + 1);
      tokens.push(c === "√" ? { kind: "symbol", tex: `\\sqrt{${texOf(inner)}}` } : scriptOf(true, texOf(inner)));
      i = end;
    } else if ((c === "^" || c === "_") && /[A-Za-z0-9]/.test(src[i + 1] ?? "")) {
      const word = rest.slice(1).match(/^[A-Za-z0-9]+/)![0];
      tokens.push(scriptOf(c === "^", texOf(word)));
      i += 1 + word.length;
    } else if (c in SUBSCRIPTS || c in SUPERSCRIPTS) {
      const table = c in SUBSCRIPTS ? SUBSCRIPTS : SUPERSCRIPTS;
      let text = "";
      while (i < src.length && src[i] in table) text += table[src[i++]];
      tokens.push(scriptOf(table === SUPERSCRIPTS, text));
    } else {
      tokens.push({ kind: "symbol", tex: c === "Σ" ? "\\sum" : SYMBOLS[c] ?? escapeTex(c) });
      i++;
    }
  }
  return tokens;
}

function scriptOf(up: boolean, tex: string): Token {
  return { kind: "script", up, tex };
}

/** A name as TeX: a letter italic, a tensor's name upright, a function with its own command. */
function nameTex(name: string, hat: boolean): string {
  if (FUNCTIONS.has(name)) return `\\${name}`;
  const base = name.length === 1 ? name : `\\mathrm{${name}}`;
  return hat ? `\\hat{${base}}` : base;
}

/** A number as TeX: 1e-5 as 10⁻⁵. */
function numberTex(text: string): string {
  const m = text.match(/^(\d+(?:\.\d+)?)e(-?\d+)$/);
  if (!m) return text;
  return m[1] === "1" ? `10^{${m[2]}}` : `${m[1]} \\cdot 10^{${m[2]}}`;
}

/**
 * A formula in the chapters' Unicode notation as TeX.
 *
 * @example
 * ```ts
 * texOf("x̂ᵢ = (xᵢ − μ) / √(σ² + ε)"); // "\\hat{x}_{i} = (x_{i} - \\mu) / \\sqrt{\\sigma^{2} + \\varepsilon}"
 * texOf("max over each row of logits"); // "\\text{max over each row of logits}"
 * ```
 */
export function texOf(src: string): string {
  const tokens = tokenize(src.trim());
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "name") {
      // A run of words separated by spaces only, one of them English: text.
      const run = [t.text];
      let j = i;
      while (
        tokens[j + 1]?.kind === "space" && tokens[j + 2]?.kind === "name" && !(tokens[j + 2] as { hat: boolean }).hat &&
        tokens[j + 3]?.kind !== "script"
      ) {
        run.push((tokens[j + 2] as { text: string }).text);
        j += 2;
      }
      if (run.some((w) => WORDS.has(w)) && !t.hat && tokens[i + 1]?.kind !== "script") {
        // Math mode drops spaces: the text keeps those on its sides.
        const prior = tokens[i - 2];
        const wordBefore = prior?.kind === "name" || prior?.kind === "number" || prior?.kind === "script" ||
          (prior?.kind === "symbol" && /^[,;.)\]]$/.test(prior.tex));
        const before = tokens[i - 1]?.kind === "space" && wordBefore ? " " : "";
        const after = tokens[j + 1]?.kind === "space" && j + 2 < tokens.length ? " " : "";
        out.push(`\\text{${before}${escapeTex(run.join(" "))}${after}}`);
        i = j;
        continue;
      }
      out.push(nameTex(t.text, t.hat));
    } else if (t.kind === "number") out.push(numberTex(t.text));
    else if (t.kind === "symbol") out.push(/\\[A-Za-z]+$/.test(t.tex) ? `${t.tex} ` : t.tex);
    else if (t.kind === "script") out.push(`${t.up ? "^" : "_"}{${t.tex}}`);
    else out.push(" ");
  }
  return out.join("").replace(/ +/g, " ").trim();
}

/**
 * The lines of a displayed block of formulas as one TeX `aligned`
 * environment, aligned at each line's first `=` (a line that starts with `=`
 * continues the one above); what stands after three or more spaces is the
 * line's note, set after a gap.
 *
 * @example
 * ```ts
 * alignedTex(["μ  = (1/n) Σᵢ xᵢ     the mean"]);
 * // "\\begin{aligned}\\mu &= (1/n) \\sum_{i} x_{i} &&\\text{the mean}\\end{aligned}"
 * ```
 */
export function alignedTex(lines: readonly string[]): string {
  const rows = lines.map((line) => {
    const [formula, ...notes] = line.trim().split(/ {3,}/);
    const at = formula.indexOf("=");
    const aligned = at >= 0
      ? `${texOf(formula.slice(0, at))} &= ${texOf(formula.slice(at + 1))}`
      : `& ${texOf(formula)}`;
    const note = notes.join(" ");
    return `${aligned}${note === "" ? "" : ` &&${noteTex(note)}`}`.trim();
  });
  return `\\begin{aligned}${rows.join(" \\\\ ")}\\end{aligned}`;
}

/** A note beside a formula: plain text, unless it has a formula of its own. */
function noteTex(note: string): string {
  return /[=Σ^_ᵢⱼₖ²√]/.test(note) ? texOf(note) : `\\text{${escapeTex(note)}}`;
}

/**
 * Whether a block of text is formulas (the chapters' displayed math) rather
 * than code: it uses a character of their notation and no brackets of a
 * tensor's shape.
 *
 * @example
 * ```ts
 * isFormula("σ² = 1/(n − 1) Σᵢ (xᵢ − μ)²"); // true
 * isFormula("emb = C[Xb]    [n, 3, 10]"); // false
 * ```
 */
export function isFormula(text: string): boolean {
  return /[Σ∂√μσγεᵢⱼₖ²\u0302]/.test(text) && !/\[n, /.test(text);
}
