/**
 * What a chapter's runnable module tells the page while it runs, one message
 * at a time (a Web Worker's `postMessage`): which cell it is in, what that
 * cell printed or drew, and that it finished. The build runs the same module
 * in a Deno worker and keeps the same messages as the page's first outputs.
 *
 * @example
 * ```ts
 * import { addOutput, type CellOutput } from "./messages.ts";
 * const outputs: CellOutput[] = [];
 * addOutput(outputs, { kind: "text", text: "a\n" });
 * addOutput(outputs, { kind: "text", text: "b\n" });
 * outputs; // [{ kind: "text", text: "a\nb\n" }]
 * ```
 * @module
 */

/** One output under a code cell: printed text, a picture (SVG, with its text version), or an error. */
export type CellOutput =
  | { kind: "text"; text: string }
  | { kind: "picture"; svg: string; text: string }
  | { kind: "error"; text: string };

/** A message from a running chapter module to the page. */
export type RunMessage =
  | { kind: "cell"; run: number }
  | { kind: "output"; run: number; output: CellOutput }
  | { kind: "done"; ms: number };

/**
 * Appends an output to a cell's list, joining text printed one line at a
 * time into one block, as a notebook shows it.
 *
 * @example
 * ```ts
 * const outputs: CellOutput[] = [{ kind: "text", text: "loss\n" }];
 * addOutput(outputs, { kind: "picture", svg: "<svg/>", text: "chart" });
 * outputs.length; // 2
 * ```
 */
export function addOutput(outputs: CellOutput[], output: CellOutput): void {
  const last = outputs.at(-1);
  if (last?.kind === "text" && output.kind === "text") last.text += output.text;
  else outputs.push({ ...output });
}

/**
 * The text of a run's outputs, pictures by their text version: what a
 * terminal would have shown.
 *
 * @example
 * ```ts
 * outputText([{ kind: "text", text: "a\n" }, { kind: "picture", svg: "<svg/>", text: "chart\n" }]); // "a\nchart\n"
 * ```
 */
export function outputText(outputs: readonly CellOutput[]): string {
  return outputs.map((o) => o.text).join("");
}
