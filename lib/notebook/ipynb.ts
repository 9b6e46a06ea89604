/**
 * The Jupyter notebook format (nbformat 4), as much of it as the chapters'
 * notebooks need: markdown and code cells for Deno's kernel, written as the
 * stable, diff-friendly JSON that Jupyter itself writes (one-space indent).
 *
 * @example
 * ```ts
 * import { code, markdown, notebook, notebookJson } from "./ipynb.ts";
 * const text = notebookJson(notebook([markdown("# Hello"), code('console.log("hi");')]));
 * ```
 * @module
 */

/** One output of a code cell, as Jupyter stores it. */
export type Output = Record<string, unknown> & { output_type: string };

/** A markdown or code cell. */
export interface Cell {
  cell_type: "markdown" | "code";
  /** nbformat 4.5's cell id, made from the cell's text by {@linkcode notebook} (so regenerating keeps it). */
  id?: string;
  metadata: Record<string, unknown>;
  /** The cell's text, split after each newline, as nbformat stores it. */
  source: string[];
  /** Code cells only. */
  outputs?: Output[];
  /** Code cells only: null until run. */
  execution_count?: number | null;
}

/** A whole notebook. */
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: 4;
  nbformat_minor: number;
}

/** Splits text into nbformat's list of lines, each keeping its newline. */
function lines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((l) => l !== "");
}

/**
 * A markdown cell.
 *
 * @example
 * ```ts
 * markdown("## The data").source; // ["## The data"]
 * ```
 */
export function markdown(text: string): Cell {
  return { cell_type: "markdown", metadata: {}, source: lines(text.trim()) };
}

/**
 * A code cell, not yet run.
 *
 * @example
 * ```ts
 * code("const x = 1;").execution_count; // null
 * ```
 */
export function code(text: string): Cell {
  return { cell_type: "code", metadata: {}, source: lines(text.trim()), outputs: [], execution_count: null };
}

/** FNV-1a of the text, as 8 hex digits: a cell id that only changes with the cell. */
function cellHash(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * Throws when a code cell ends with a bare assignment (`ok &&= val < 2.4;`):
 * Deno's kernel would show its value under the cell, a stray `true`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.throws(() => refuseShownValue("ok &&= val < 2.4;"), SyntaxError);
 * refuseShownValue("ok &&= val < 2.4;\nsay(`…`);"); // fine
 * ```
 */
export function refuseShownValue(text: string): void {
  const last = text.trimEnd().split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("//")).at(-1);
  if (last && /^[A-Za-z_$][\w$.]*(\[[^\]]*\])?\s*(?:[-+*/%]|&&|\|\||\?\?)?=(?![=>])/.test(last)) {
    throw new SyntaxError(
      `A notebook cell would end with \`${last.trim()}\`, and Deno's kernel would show its value under the cell: ` +
        `end the cell with a statement that has no value (move the assignment above the call that follows it)`,
    );
  }
}

/**
 * A notebook for Deno's kernel (`deno jupyter --install` registers it as "deno"), each cell with an id made from
 * its text (a repeated cell gets `-2`, `-3`, …).
 *
 * @example
 * ```ts
 * notebook([markdown("# Title")]).metadata.kernelspec; // { name: "deno", … }
 * ```
 */
export function notebook(cells: Cell[]): Notebook {
  const used = new Map<string, number>();
  return {
    cells: cells.map((cell) => {
      if (cell.cell_type === "code") refuseShownValue(cellText(cell));
      const hash = cellHash(`${cell.cell_type}\n${cellText(cell)}`);
      const seen = used.get(hash) ?? 0;
      used.set(hash, seen + 1);
      const { cell_type, ...rest } = cell;
      return { cell_type, id: seen === 0 ? hash : `${hash}-${seen + 1}`, ...rest };
    }),
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: {
        codemirror_mode: "typescript",
        file_extension: ".ts",
        mimetype: "text/x.typescript",
        name: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/**
 * The notebook as the JSON text of an .ipynb file.
 *
 * @example
 * ```ts
 * notebookJson(notebook([])).endsWith("}\n"); // true
 * ```
 */
export function notebookJson(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

/**
 * A cell's source as one string.
 *
 * @example
 * ```ts
 * cellText(code("a;\nb;")); // "a;\nb;"
 * ```
 */
export function cellText(cell: Pick<Cell, "source">): string {
  return Array.isArray(cell.source) ? cell.source.join("") : String(cell.source);
}

/**
 * What a notebook says, outputs aside: each cell's type and text. Two
 * notebooks with the same sources have equal sources.
 *
 * @example
 * ```ts
 * sources(notebook([markdown("# A")])); // [["markdown", "# A"]]
 * ```
 */
export function sources(nb: Pick<Notebook, "cells">): [string, string][] {
  return nb.cells.map((c) => [c.cell_type, cellText(c)]);
}

/**
 * The notebook `generated`, with the outputs and execution counts of
 * `executed` (the same cells, run by Jupyter) and nothing else of it: no
 * timings, no kernel metadata, so the committed file changes only where
 * an output does.
 *
 * @example
 * ```ts
 * const generated = notebook([code('console.log("hi");')]);
 * const executed = structuredClone(generated); // as Jupyter saves it after a run:
 * executed.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: ["hi\n"] }];
 * withOutputs(generated, executed).cells[0].outputs; // [{ output_type: "stream", name: "stdout", text: ["hi\n"] }]
 * ```
 */
export function withOutputs(generated: Notebook, executed: Pick<Notebook, "cells">): Notebook {
  if (JSON.stringify(sources(generated)) !== JSON.stringify(sources(executed))) {
    throw new Error("Cannot take outputs from a notebook whose cells differ from the generated ones");
  }
  return {
    ...generated,
    cells: generated.cells.map((cell, i) => {
      if (cell.cell_type !== "code") return cell;
      const run = executed.cells[i];
      const outputs = (run.outputs ?? []).map((o) => {
        const { metadata: _, ...rest } = o as Output & { metadata?: unknown };
        return o.output_type === "stream" ? rest as Output : { ...rest, metadata: {} } as Output;
      });
      return { ...cell, outputs, execution_count: run.execution_count ?? null };
    }),
  };
}

/**
 * The error outputs of a run notebook, one line each: the cell's number, the
 * error's name and message.
 *
 * @example
 * ```ts
 * const executed = notebook([code("f();")]);
 * executed.cells[0].outputs = [{ output_type: "error", ename: "ReferenceError", evalue: "f is not defined" }];
 * errorsOf(executed); // ["cell 1: ReferenceError: f is not defined"]
 * ```
 */
export function errorsOf(nb: Pick<Notebook, "cells">): string[] {
  const out: string[] = [];
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") out.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === "stream" && o.name === "stderr") {
        out.push(`cell ${i + 1} wrote to stderr: ${cellText({ source: o.text as string[] }).trim().split("\n")[0]}`);
      }
    }
  });
  return out;
}
