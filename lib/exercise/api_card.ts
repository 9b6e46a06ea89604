/**
 * The API at hand: a short card of the tensor operations an exercise needs,
 * one line each (the signature and the first sentence of its JSDoc), under
 * how a Tensor is laid out. It is read from the source of `lib/tensor.ts`
 * (imported as text), so it cannot drift from the module it describes. Each
 * exercise stub opens with the card of the operations its solution uses; the
 * whole card lists every one.
 *
 * No `Deno` API: a browser page can show the card too.
 *
 * @example
 * ```ts
 * import { apiCard, usedOperations } from "./api_card.ts";
 * const card = apiCard(usedOperations("const dprobs = probs.pow(-1).mul(dlogprobs);"));
 * card.includes("t.pow(exponent)"); // true
 * ```
 * @module
 */

import tensorSource from "../tensor.ts" with { type: "text" };
import { pytorchCard } from "./pytorch.ts";

/** One operation of lib/tensor.ts, as the card shows it. */
export interface ApiEntry {
  /** Its name: `mul`, `sum`, `T`. */
  name: string;
  /** How it is called: `a.mul(b)`, `oneHot(indices, numClasses)`, `t.T`. */
  signature: string;
  /** The first sentence of its JSDoc, as plain text. */
  summary: string;
  /** Whether it is a method (or getter) of a Tensor rather than a function. */
  method: boolean;
}

/** What lib/tensor.ts says a Tensor and an IndexTensor are, for the card's head. */
export interface ApiLayout {
  /** The first paragraph of each type's JSDoc, by name (`Tensor`, `IndexTensor`). */
  types: { name: string; summary: string }[];
  /** The documented fields of a Tensor: `t.data`, `t.shape`. */
  fields: ApiEntry[];
}

/** The operations and the layout documented in a source text. */
export interface Api {
  entries: ApiEntry[];
  layout: ApiLayout;
}

/** A JSDoc block and the declaration after it. */
interface Documented {
  doc: string;
  declaration: string;
  /** Whether the declaration sits inside `export class Tensor`. */
  inClass: boolean;
}

/** Every JSDoc block of `source` with the first line of code after it. */
function documented(source: string): Documented[] {
  const out: Documented[] = [];
  const classStart = source.indexOf("\nexport class Tensor ");
  const classEnd = classStart === -1 ? -1 : source.indexOf("\n}\n", classStart);
  for (const m of source.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n([^\n]*)/g)) {
    const doc = m[1].split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join("\n").trim();
    const inClass = m.index > classStart && m.index < classEnd;
    out.push({ doc, declaration: m[2], inClass });
  }
  return out;
}

/** The first paragraph of a JSDoc text, on one line. */
function firstParagraph(doc: string): string {
  return doc.split(/\n\s*\n|\n@/)[0].replace(/\s*\n\s*/g, " ").trim();
}

/** The first sentence: up to the first `.` followed by a space or the end, outside backticks and not in "e.g.". */
function firstSentence(text: string): string {
  let code = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "`") code = !code;
    else if (code || text[i] !== "." || /\b(?:e\.g|i\.e)$/.test(text.slice(0, i))) continue;
    else if (i + 1 === text.length || text[i + 1] === " ") return text.slice(0, i + 1);
  }
  return text;
}

/** Doc markup as plain text: `{@linkcode x}` is x, `this` in code is the receiver's name, backticks go. */
function plain(text: string, receiver: string): string {
  return text
    .replace(/\{@link(?:code)? ([^}]+)\}/g, "$1")
    .replace(/`([^`]*)`/g, (_, code: string) => code.replace(/\bthis\b/g, receiver));
}

/** The parameter names of a parameter list, `?` after optional ones: `axis?, keepdim?`. */
function parameterNames(params: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of params + ",") {
    if ("([{<".includes(c)) depth++;
    else if (")]}>".includes(c)) depth--;
    if (c === "," && depth === 0) {
      const m = current.trim().match(/^(\.\.\.)?(\w+)(\?)?\s*(=)?/);
      if (m) names.push(`${m[1] ?? ""}${m[2]}${m[3] || m[4] ? "?" : ""}`);
      current = "";
    } else current += c;
  }
  return names;
}

/** One documented declaration as an entry, or null when it is not an operation (a type, a field). */
function entryOf({ declaration, inClass }: Documented): ApiEntry | null {
  const fn = declaration.match(/^export function (\w+)\((.*)\)/);
  if (fn) {
    return { name: fn[1], signature: `${fn[1]}(${parameterNames(fn[2]).join(", ")})`, summary: "", method: false };
  }
  if (!inClass) return null;
  const getter = declaration.match(/^ {2}get (\w+)\(\)/);
  if (getter) return { name: getter[1], signature: `t.${getter[1]}`, summary: "", method: true };
  const method = declaration.match(/^ {2}(\w+)\((.*)\)/);
  if (!method) return null;
  const params = parameterNames(method[2]);
  if (method[1] === "constructor") {
    return { name: "Tensor", signature: `new Tensor(${params.join(", ")})`, summary: "", method: false };
  }
  const receiver = params[0] === "b" ? "a" : "t";
  return { name: method[1], signature: `${receiver}.${method[1]}(${params.join(", ")})`, summary: "", method: true };
}

/**
 * Reads the operations and the layout documented in `source`, a text like
 * lib/tensor.ts's: its exported functions, the methods and getters of its
 * `Tensor` class, and the docs of `Tensor`, `IndexTensor` and their fields.
 * A method hides the function of the same name (the function is still
 * there: the card says so once).
 *
 * @example
 * ```ts
 * readApi().entries.find((e) => e.name === "mul")?.signature; // "a.mul(b)"
 * readApi("/** Doubles `t`. *\/\nexport function twice(t: Tensor) {}").entries[0].summary; // "Doubles t."
 * ```
 */
export function readApi(source: string = tensorSource): Api {
  const entries: ApiEntry[] = [];
  const layout: ApiLayout = { types: [], fields: [] };
  for (const item of documented(source)) {
    const type = item.declaration.match(/^export (?:class|interface) (Tensor|IndexTensor)\b/);
    if (type) layout.types.push({ name: type[1], summary: plain(firstParagraph(item.doc), "t") });
    const field = item.inClass && item.declaration.match(/^ {2}readonly (\w+):/);
    if (field) {
      const summary = plain(firstSentence(firstParagraph(item.doc)), "t");
      layout.fields.push({ name: field[1], signature: `t.${field[1]}`, summary, method: true });
    }
    const entry = entryOf(item);
    if (!entry) continue;
    const receiver = entry.signature.match(/^(\w)\./)?.[1] ?? "t";
    entry.summary = plain(firstSentence(firstParagraph(item.doc)), receiver);
    entries.push(entry);
  }
  const methods = new Set(entries.filter((e) => e.method).map((e) => e.name));
  return { entries: entries.filter((e) => e.method || !methods.has(e.name)), layout };
}

/**
 * The operations of the API that `code` uses, in the order of lib/tensor.ts:
 * called as functions (`mul(`), as methods (`.mul(`), or read as getters
 * (`.T`).
 *
 * @example
 * ```ts
 * usedOperations("const dh = dlogits.matmul(W2.T);"); // ["matmul", "T"]
 * ```
 */
export function usedOperations(code: string, api: Api = readApi()): string[] {
  return api.entries.filter(({ name, signature }) => {
    const use = signature.endsWith(")")
      ? `(?<![\\w$.])${name}\\(|(?<!\\bMath)\\.${name}\\(` // a call: mul(a, b) or a.mul(b), not Math.max(…)
      : `\\.${name}\\b(?!\\()`; // a getter: W2.T
    return new RegExp(use).test(code);
  }).map((e) => e.name);
}

/**
 * The four elementwise operations every formula is built from: a stub's card
 * always lists them, whether or not its chapter's solution uses each one, so
 * a learner who writes `a.add(b)` where the solution wrote `a.sub(neg(b))`
 * finds it at hand.
 */
const ARITHMETIC: readonly string[] = ["add", "sub", "mul", "div"];

/**
 * The operations a stub's card lists: the four of arithmetic, then those the
 * chapter's solution uses ({@linkcode usedOperations}), each once, in the
 * order of lib/tensor.ts.
 *
 * @example
 * ```ts
 * stubOperations("const dW2 = h.T.matmul(dlogits);"); // ["add", "sub", "mul", "div", "matmul", "T"]
 * ```
 */
export function stubOperations(solution: string, api: Api = readApi()): string[] {
  const used = new Set([...ARITHMETIC, ...usedOperations(solution, api)]);
  return api.entries.map((e) => e.name).filter((name) => used.has(name));
}

/** How wide the card's lines may be, so a stub's ` * ` and the code indent stay within 120 columns. */
const WIDTH = 112;

/**
 * The words of a summary, where a line may break: never inside brackets
 * (`[n, numClasses]`) nor beside an operator (`dC[Xb] += demb`).
 */
function words(summary: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let glue = false;
  for (const piece of summary.split(" ")) {
    const operator = /^[-+*/@=<>]+$/.test(piece);
    if (out.length > 0 && (depth > 0 || glue || operator)) out[out.length - 1] += " " + piece;
    else out.push(piece);
    for (const c of piece) depth += "([{".includes(c) ? 1 : ")]}".includes(c) ? -1 : 0;
    glue = operator;
  }
  return out;
}

/** `name   summary` lines, the summary wrapped under itself. */
function rows(entries: readonly ApiEntry[], indent: string): string[] {
  const column = Math.max(...entries.map((e) => e.signature.length)) + 2;
  const lines: string[] = [];
  for (const { signature, summary } of entries) {
    let line = indent + signature.padEnd(column);
    for (const word of words(summary)) {
      if (line.trim().length > signature.length && line.length + 1 + word.length > WIDTH) {
        lines.push(line.trimEnd());
        line = indent + " ".repeat(column);
      }
      line += (line.endsWith(" ") ? "" : " ") + word;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/**
 * The card: how a Tensor is laid out, then the operations `names` (all of
 * them when none are given), one line each. Plain text that is also
 * Markdown (a paragraph and an indented code block), for a terminal, a stub's
 * JSDoc and a notebook alike.
 *
 * @example
 * ```ts
 * console.log(apiCard(["mul", "sum", "oneHot"]));
 * ```
 */
export function apiCard(names?: readonly string[], api: Api = readApi()): string {
  const unknown = names?.filter((name) => !api.entries.some((e) => e.name === name)) ?? [];
  if (unknown.length > 0) throw new RangeError(`lib/tensor.ts has no operation ${unknown.join(", ")}`);
  const entries = names ? api.entries.filter((e) => names.includes(e.name)) : api.entries;
  const indent = "    ";
  const types = api.layout.types.map((t) => ({ name: t.name, signature: t.name, summary: t.summary, method: false }));
  return [
    "The API at hand, read from lib/tensor.ts. A Tensor's numbers are a flat array, row after row:",
    "",
    ...rows([...types, ...api.layout.fields], indent),
    "",
    "Every method is also a function of the tensor first (`a.mul(b)` is `mul(a, b)`), so a formula may start with a",
    "number: `mul(-0.5, x)`. The operations:",
    "",
    ...rows(entries, indent),
  ].join("\n");
}

/**
 * lib/tensor.ts's helpers that a learner's gradients have no use for: the
 * whole card leaves them off (`formatShape`, `sizeOf` and `broadcastShapes`
 * serve the library's own messages; `zeros` and `fromArray` make a tensor
 * where `new Tensor` would).
 */
const HELPERS: readonly string[] = ["formatShape", "sizeOf", "broadcastShapes", "Tensor"];

/**
 * The whole card, what `deno task exercise --api` prints: every operation of
 * lib/tensor.ts a learner may call (not its {@linkcode HELPERS}), then the
 * lecture's PyTorch habits and what to write instead.
 *
 * @example
 * ```ts
 * wholeApiCard().includes("a.matmul(b)"); // true
 * wholeApiCard().includes("formatShape"); // false
 * ```
 */
export function wholeApiCard(api: Api = readApi()): string {
  const names = api.entries.map((e) => e.name).filter((name) => !HELPERS.includes(name));
  return `${apiCard(names, api)}\n\n${pytorchCard()}`;
}

/**
 * A card as the lines of a JSDoc comment (` * ` before each), as a stub
 * carries it.
 *
 * @example
 * ```ts
 * asJsDoc("a\n\nb"); // " * a\n *\n * b"
 * ```
 */
export function asJsDoc(card: string): string {
  return card.split("\n").map((line) => (line ? ` * ${line}` : " *")).join("\n");
}
