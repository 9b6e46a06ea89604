/**
 * Errors in a learner's file, located. `deno` reports type errors
 * (`TS2365 [ERROR]: … at URL:line:col`), syntax errors
 * (`error: SyntaxError: … at URL:line:col`) and uncaught errors with the URL
 * of the module it ran; {@linkcode parseDenoErrors} finds each with its
 * position. translate.ts says what they mean for tensors.
 *
 * @example
 * ```ts
 * import { parseDenoErrors } from "./errors.ts";
 * parseDenoErrors("TS2304 [ERROR]: Cannot find name 'range'.\n    at file:///a.ts:9:13\n").type[0].column; // 13
 * ```
 * @module
 */

/** One error with its place in a module. */
export interface Located {
  /** The module's URL as deno printed it. */
  url: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** The TypeScript code (`TS2365`), or "" for other errors. */
  code: string;
  /** deno's message, first line. */
  message: string;
}

/** What deno printed on stderr, sorted out. */
export interface DenoErrors {
  /** Type errors: the file was not run. */
  type: Located[];
  /** A syntax or load error (the file was not run), or an uncaught error. */
  other?: Located | { message: string };
}

// deno prints types of other modules as `import("file:///…/tensor.ts", { with: … }).Tensor`.
const simplify = (text: string) =>
  text.replace(/import\("[^"]*"(?:, \{[^}]*\}\s*\})?\)\./g, "").replace(/<ArrayBuffer(?:Like)?>/g, "");

/**
 * Sorts deno's stderr (run with `NO_COLOR=1`) into located errors.
 *
 * @example
 * ```ts
 * parseDenoErrors("TS2304 [ERROR]: Cannot find name 'x'.\n  x\n  ~\n    at file:///a.ts:3:1\n").type[0].line; // 3
 * ```
 */
export function parseDenoErrors(stderr: string): DenoErrors {
  const type: Located[] = [];
  for (const m of stderr.matchAll(/^(TS\d+) \[ERROR\]: ([^\n]*)[\s\S]*?\n\s+at (\S+):(\d+):(\d+)/gm)) {
    type.push({ code: m[1], message: simplify(m[2]), url: m[3], line: Number(m[4]), column: Number(m[5]) });
  }
  if (type.length > 0) return { type };
  const error = stderr.match(/^error: (?:Uncaught (?:\(in promise\) )?)?([^\n]*)/m);
  if (!error) return { type };
  const at = stderr.slice(error.index).match(/\n\s+at (?:.*\()?(\S+?):(\d+):(\d+)\)?\s*$/m);
  const message = simplify(error[1]);
  return {
    type,
    other: at ? { url: at[1], line: Number(at[2]), column: Number(at[3]), code: "", message } : { message },
  };
}
