/**
 * The lecture's Python as it reaches TypeScript: its snake_case names
 * (`dcounts_sum_inv`, here `dcountsSumInv`), its keyword arguments, and the
 * lines TypeScript's parser cannot read at all (`-x**2`, `for k in
 * range(n):`). translate.ts says what to write instead; these functions find
 * the names and the lines.
 *
 * No `Deno` API: a browser page can use it too.
 *
 * @example
 * ```ts
 * import { camelCase } from "./python.ts";
 * camelCase("dcounts_sum_inv"); // "dcountsSumInv"
 * ```
 * @module
 */

/**
 * The camelCase form of a snake_case name: `dnorm_logits` is `dnormLogits`.
 *
 * @example
 * ```ts
 * camelCase("bnvar_inv"); // "bnvarInv"
 * ```
 */
export function camelCase(name: string): string {
  return name.replace(/(?<=[A-Za-z0-9])_+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * What this file calls the lecture's snake_case `name`: its camelCase form
 * when some line of `lines` has it as a whole word, else undefined (also
 * for a name with no `_` inside it).
 *
 * @example
 * ```ts
 * fileNameFor("dcounts_sum_inv", ["  return { dcountsSumInv };"]); // "dcountsSumInv"
 * fileNameFor("dcounts_sum_inv", ["  return {};"]); // undefined
 * ```
 */
export function fileNameFor(name: string, lines: readonly string[]): string | undefined {
  const camel = camelCase(name);
  if (camel === name) return undefined;
  const word = new RegExp(`(?<![\\w$])${camel.replace(/\$/g, "\\$")}(?![\\w$])`);
  return lines.some((l) => word.test(l)) ? camel : undefined;
}

/**
 * `code` with each snake_case name that `lines` has in camelCase renamed to
 * it (not property names: `.one_hot` stays).
 *
 * @example
 * ```ts
 * renamed("bngain.mul(bnvar_inv)", ["const { bnvarInv } = fwd;"]); // "bngain.mul(bnvarInv)"
 * ```
 */
export function renamed(code: string, lines: readonly string[]): string {
  return code.replace(/(?<![\w$.])[A-Za-z]\w*_\w+/g, (name) => fileNameFor(name, lines) ?? name);
}

/**
 * A call's arguments with Python's keywords dropped (`keepdim=True` is
 * `true`, passed by position) and the names of the keywords dropped.
 *
 * @example
 * ```ts
 * positional("x.sum(1, keepdim=True)"); // { code: "x.sum(1, true)", keywords: ["keepdim"] }
 * ```
 */
export function positional(code: string): { code: string; keywords: string[] } {
  const keywords: string[] = [];
  const dropped = code.replace(/([(,]\s*)([A-Za-z_]\w*)\s*=(?![=>])\s*/g, (_, before: string, name: string) => {
    keywords.push(name);
    return before;
  });
  if (keywords.length === 0) return { code, keywords };
  const constants = { True: "true", False: "false", None: "null" } as Record<string, string>;
  return { code: dropped.replace(/\b(True|False|None)\b/g, (c) => constants[c]), keywords };
}

/** A number as written: `2`, `-0.5`, `1e-5`. */
const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
/** A name with member accesses and calls one deep: `counts_sum`, `fwd.x`, `x.sum(1)`. */
const OPERAND = String.raw`(?:${NUMBER}|[A-Za-z_$][\w$]*)(?:\.[\w$]+|\([^()]*\))*`;

/**
 * `-counts_sum**-2`: JavaScript forbids a unary minus right before `**`, so
 * the parser rejects the line. What to write, or undefined when the
 * statement has no such minus.
 */
function minusBeforePower(statement: string): string | undefined {
  const m = statement.match(
    new RegExp(`(?:^|[(=,*/+:?\\[]|[-+*/]=)\\s*-\\s*(${OPERAND})\\s*\\*\\*\\s*(-?${NUMBER}|${OPERAND})`),
  );
  if (!m) return undefined;
  const [, base, exponent] = m;
  const here = camelCase(base);
  const named = here === base ? "" : ` (the lecture's ${base} is ${here} here)`;
  return `JavaScript does not allow a unary minus right before \`**\` (is it -(x**2) or (-x)**2?), and \`**\` does not raise a tensor to a power: write -${base}**${exponent} as ${here}.pow(${exponent}).neg()${named}`;
}

/**
 * `for k in range(Xb.shape[0]):`: Python's loop. What to write, or undefined
 * when the statement is not one.
 */
function pythonLoop(statement: string): string | undefined {
  const m = statement.match(/^\s*for\s+([\w$]+(?:\s*,\s*[\w$]+)*)\s+in\s+(.*?):?\s*$/);
  if (!m) return undefined;
  const [, names, over] = m;
  const range = over.match(/^range\((.*)\)$/)?.[1];
  const name = names.split(",")[0].trim();
  const loop = range && !range.includes(",")
    ? `for (let ${name} = 0; ${name} < ${range}; ${name}++) { … }`
    : `for (const ${name} of …) { … }`;
  const dC = /\bXb\b/.test(over)
    ? ". The lecture's dC loop (each row of demb added into the row of dC that Xb names) is one call here: dC = zeros(C.shape).scatterAddRows(Xb, demb) (see the API card)"
    : "";
  return `\`for ${names} in ${over}:\` is Python's loop; TypeScript writes ${loop}, with braces around the body${dC}`;
}

/**
 * What to say of a line TypeScript's parser rejects (`message`, at
 * `column`) when it is the lecture's Python: a unary minus before `**`, or
 * a `for … in …:` loop; undefined otherwise.
 *
 * @example
 * ```ts
 * explainPythonSyntax("  for k in range(Xb.shape[0]):", "Expected '(', got 'k'", 7)?.slice(0, 38);
 * // "`for k in range(Xb.shape[0]):` is Pyth"
 * ```
 */
export function explainPythonSyntax(statement: string, message: string, column: number): string | undefined {
  if (/^\s*for\s/.test(statement) && /Expected '\('|'\(' expected/.test(message)) return pythonLoop(statement);
  return column > 0 ? minusBeforePower(statement) : undefined;
}
