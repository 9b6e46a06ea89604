/**
 * Errors in a learner's file, located and in the learner's terms. `deno`
 * reports type errors (`TS2365 [ERROR]: … at URL:line:col`), syntax errors
 * (`error: SyntaxError: … at URL:line:col`) and uncaught errors with the URL
 * of the module it ran; {@linkcode parseDenoErrors} finds each with its
 * position, and {@linkcode explainTypeError} says what the common ones mean
 * for tensors (`+=` does not add tensors, `*` does not multiply them, …).
 *
 * @example
 * ```ts
 * import { explainTypeError } from "./errors.ts";
 * explainTypeError("TS2365", "Operator '+=' cannot be applied to types 'Tensor' and 'Tensor'.", "  dcounts += mul(a, b);", 3);
 * // "`+=` does not add tensors: write `dcounts = add(dcounts, …)` (and declare dcounts with let)"
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

/** The operator at `column` of `line` (1-based), or "". */
function operatorAt(line: string, column: number): string {
  const rest = line.slice(column - 1);
  return rest.match(/^[\w.\[\]()]*\s*([-+*/]=?)/)?.[1] ?? "";
}

const OPS: Record<string, { verb: string; fn: string }> = {
  "+": { verb: "add", fn: "add" },
  "-": { verb: "subtract", fn: "sub" },
  "*": { verb: "multiply", fn: "mul" },
  "/": { verb: "divide", fn: "div" },
};

/**
 * A type error in the learner's terms. `sourceLine` is the line of the
 * learner's file the error is on, `column` its column there.
 *
 * @example
 * ```ts
 * explainTypeError("TS2362", "The left-hand side of an arithmetic operation must be …", "  const d = a * b;", 13);
 * // "`*` does not multiply tensors: write mul(a, b)"
 * ```
 */
export function explainTypeError(code: string, message: string, sourceLine: string, column: number): string {
  const compound = sourceLine.match(/(\w+)\s*([-+*/])=(?!=)/);
  if (
    compound && (code === "TS2365" || code === "TS2588" || code === "TS2322" || code === "TS2362" || code === "TS2363")
  ) {
    const [, name, op] = compound;
    const { verb, fn } = OPS[op];
    const isConst = code === "TS2588" || new RegExp(`const\\s+${name}\\b`).test(sourceLine);
    return `\`${op}=\` does not ${verb} tensors: write \`${name} = ${fn}(${name}, …)\`${
      code === "TS2588" || isConst ? ` (and declare ${name} with let)` : ""
    }`;
  }
  if (code === "TS2365" || code === "TS2362" || code === "TS2363") {
    const op = operatorAt(sourceLine, column) || message.match(/Operator '([-+*/])'/)?.[1] || "";
    const binary = sourceLine.slice(column - 1).match(/^([\w.]+(?:\([^()]*\))?)\s*([-+*/])\s*([\w.]+(?:\([^()]*\))?)/);
    const which = OPS[binary?.[2] ?? op[0]];
    if (which) {
      const args = binary ? `${binary[1]}, ${binary[3]}` : "a, b";
      return `\`${binary?.[2] ?? op[0]}\` does not ${which.verb} tensors: write ${which.fn}(${args})`;
    }
  }
  if (code === "TS2588") {
    const name = message.match(/'(\w+)'/)?.[1] ?? "it";
    return `${name} is a const: declare it with let to assign it again`;
  }
  if (code === "TS2304" || code === "TS2552") {
    const name = message.match(/'(\w+)'/)?.[1] ?? "";
    const tip = /^d[A-Z]|^d[a-z]/.test(name) ? " (is it computed further down, or spelt differently?)" : "";
    return `${name} is not defined here${tip}: ${message}`;
  }
  return message;
}
