/**
 * A learner's type and syntax errors in tensor terms. TypeScript rejects the
 * lecture's PyTorch habits with messages about types (`'IndexTensor' cannot
 * be used as an index type`, `Cannot find name 'keepdim'`); each of
 * {@linkcode TRANSLATIONS} is a named rule that recognises one habit from the
 * error and its line and says what to write instead. {@linkcode explainErrors}
 * translates a file's errors and keeps their causes only: an error that
 * another one explains (`keepdim=True` also makes `Cannot find name 'True'`,
 * `a @ b` the parser's "Declaration expected.") is left out. Each rule reads
 * the statement its error is in (statements.ts), and arithmetic on tensors
 * is written whole with calls, in PyTorch's precedence (infix.ts); the
 * lecture's snake_case names, keyword arguments and the Python the parser
 * rejects are read by python.ts.
 *
 * No `Deno` API: a browser page can use it too.
 *
 * @example
 * ```ts
 * import { explainTypeError } from "./translate.ts";
 * explainTypeError("TS2304", "Cannot find name 'keepdim'.", "  const s = counts.sum(1, keepdim=true);", 28);
 * // "TypeScript has no keyword arguments: `keepdim=true` assigns to an undefined name keepdim. Pass it by position: counts.sum(1, true)"
 * ```
 * @module
 */

import { pytorchName } from "./pytorch.ts";
import { numberLiteralAdvice } from "./literal.ts";
import { expressionStart, type Facts, noFacts, type TensorOp, translateArithmetic } from "./infix.ts";
import { statementAt, statementOf, statementSpans } from "./statements.ts";
import { camelCase, explainPythonSyntax, fileNameFor, positional, renamed } from "./python.ts";
import { PYTHON_COMMENT, pythonCommentAt, pythonLines, withoutComment } from "./python_lines.ts";

/** One error of a learner's file, with the line it is on. */
export interface SourceError {
  /** The TypeScript code (`TS2365`), or "" for a syntax error. */
  code: string;
  /** The compiler's message, first line. */
  message: string;
  /** The text of the line the error is on. */
  sourceLine: string;
  /** Its 1-based column on that line. */
  column: number;
  /** Its 1-based line, to tell which errors share one (errors without it share none). */
  line?: number;
}

/** One habit, recognised from its error, and what to write instead. */
export interface Translation {
  /** What it recognises, e.g. "index with [ ]". */
  name: string;
  /**
   * What to say about `error`, or undefined when it is not this habit;
   * `error.sourceLine` holds only the statement the error is in (the
   * others blanked), `all` is every error of the file and `lines` its
   * lines, when they are known.
   */
  explain(error: SourceError, all?: readonly SourceError[], lines?: readonly string[]): string | undefined;
  /** Translations that say it better when they fire on the same line: this one is then left out. */
  yieldsTo?: string[];
  /** Translations whose error, anywhere in the file, is the cause of this one: it is then left out. */
  causedBy?: string[];
  /** Translations whose error on the same statement is the cause of this one: it is then left out. */
  followsFrom?: string[];
}

const OPS: Record<string, { verb: string; method: string }> = {
  "+": { verb: "add", method: "add" },
  "-": { verb: "subtract", method: "sub" },
  "*": { verb: "multiply", method: "mul" },
  "/": { verb: "divide", method: "div" },
  "**": { verb: "raise", method: "pow" },
};

/** A number as written: `2`, `-0.5`, `1e-5`, `.5`. */
const NUMBER = String.raw`(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
/** Brackets of up to two levels: `(bnvar + 1e-5)`, `(-0.5 * pow(x, 2))`. */
const PARENS = String.raw`\((?:[^()]|\([^()]*\))*\)`;
/**
 * An operand as written: a number, a name or a bracketed expression, with
 * member accesses, calls and indexing (`fwd.probs`, `x.pow(2)`, `1e-5`).
 */
const OPERAND = String.raw`-?(?:${NUMBER}|[\w$]+|${PARENS})(?:\.[\w$]+|${PARENS}|\[[^\[\]]*\])*`;
const OPERATOR = String.raw`\*\*|[-+*/@]`;
/** The operands of a product or quotient before an operator: `1.0 / n` in `1.0 / n * ones(…)`. */
const FACTORS = String.raw`(?:${OPERAND}\s*(?:\*\*|[*/])\s*)*${OPERAND}`;

/**
 * The binary operation at `column` of `line`: the operand starting there and
 * what follows it, or (for an error on the right-hand operand) what precedes it.
 */
function operationAt(line: string, column: number): { a: string; op: string; b: string } | undefined {
  const rest = line.slice(column - 1);
  const ahead = rest.match(new RegExp(`^(${OPERAND})\\s*(${OPERATOR})\\s*(${OPERAND})`));
  if (ahead) return { a: ahead[1], op: ahead[2], b: ahead[3] };
  const behind = line.slice(0, column - 1).match(new RegExp(`(?<![\\w$.)\\]])(${FACTORS})\\s*(${OPERATOR})\\s*$`));
  const right = rest.match(new RegExp(`^${OPERAND}`))?.[0];
  return behind && right ? { a: behind[1], op: behind[2], b: right } : undefined;
}

/**
 * How to write `a op b` here: `a.mul(b) or mul(a, b)`; with a number first,
 * or an expression that may be one (`1.0 / n`), what a number allows.
 */
function callFor(method: string, a: string, b: string, aMayBeNumber = false): string {
  const numberFirst = aMayBeNumber || new RegExp(`^-?${NUMBER}$`).test(a) || new RegExp(`^${FACTORS}$`).test(a) &&
      !new RegExp(`^${OPERAND}$`).test(a);
  if (!numberFirst) return `${a}.${method}(${b}) or ${method}(${a}, ${b})`;
  return method === "add" || method === "mul"
    ? `${b}.${method}(${a}) or ${method}(${a}, ${b})`
    : `${method}(${a}, ${b})`;
}

const ARITHMETIC = ["TS2362", "TS2363", "TS2365"];

/** `dcounts += x`, `dlogits /= n` on tensors. */
const compoundAssignment: Translation = {
  name: "compound assignment",
  explain(error, all = [], lines) {
    const { code, sourceLine } = error;
    const compound = sourceLine.match(/(\w+)\s*(\*\*|[-+*/])=(?!=)\s*(.*?)\s*;?\s*(?:\/\/.*)?$/);
    if (!compound || ![...ARITHMETIC, "TS2588", "TS2322"].includes(code)) return undefined;
    const [, name, op, written] = compound;
    const { verb, method } = OPS[op];
    const value = /^[\w$.]+$/.test(written) ? written : "…"; // a name or a number; a longer value is elided
    // A const where it is declared (the stubs declare every gradient so) must become a let to be assigned again.
    const declared = new RegExp(`\\bconst\\s+${name}\\b`);
    const isConst = code === "TS2588" || declared.test(sourceLine) ||
      linesOf(error, all, lines).some((line) => declared.test(line));
    return `\`${op}=\` does not ${verb} tensors: write \`${name} = ${name}.${method}(${value})\` or \`${name} = ${method}(${name}, ${value})\`${
      isConst ? ` (and declare ${name} with let)` : ""
    }`;
  },
};

/** The operands the compiler says are tensors (TS2362, TS2363) or typed (TS2365), on `error`'s statement. */
function factsFor(error: SourceError, all: readonly SourceError[]): Facts {
  const facts: Facts = {
    tensorAt: new Set(),
    plusAt: new Map(),
    tensorNames: new Set(),
    checked: true,
    unchecked: new Set(),
  };
  for (const e of all.length > 0 ? all : [error]) {
    if (missingName(e)) facts.unchecked!.add(missingName(e)); // the compiler could not type it, so says nothing of it
    const sameStatement = statementOf(e.sourceLine, e.column) === error.sourceLine &&
      (e.line === undefined || error.line === undefined || e.line === error.line);
    const name = e.sourceLine.slice(e.column - 1).match(/^[\w$]+(?![\w$]|\s*[.([])/)?.[0];
    const operand = ["TS2362", "TS2363"].includes(e.code);
    const plus = e.code === "TS2365" ? e.message.match(/^Operator '\+' .* types '(\w+)' and '(\w+)'/) : null;
    if (name && (operand || plus?.[1] === "Tensor")) facts.tensorNames.add(name);
    if (!sameStatement) continue;
    if (operand) facts.tensorAt.add(e.column - 1);
    if (plus) facts.plusAt.set(e.column - 1, [plus[1], plus[2]]);
  }
  return facts;
}

/** And-lists: "`*`, `/` and `-`". */
const listed = (items: string[], and = "and") =>
  items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1]}`;

/**
 * What to say of an expression's operators on tensors, and the expression
 * written with calls (`code`), its keyword arguments passed by position and
 * the lecture's snake_case names as `lines` has them.
 */
function arithmeticText(written: string, ops: TensorOp[], lines: readonly string[] = []): string {
  const here = (code: string) => renamed(ourCalls(code), lines);
  const { code, keywords } = positional(written);
  const text = operatorText(
    here(code),
    ops.map((o) => ({ ...o, asFunction: here(positional(o.asFunction).code) })),
  );
  return keywords.length === 0 ? text : `${text} (${noKeywords(keywords)})`;
}

/** That `keywords` go by position, as said when an expression is written without them. */
const noKeywords = (keywords: string[]) =>
  `TypeScript has no keyword arguments: ${listed(keywords.map((k) => `${k}=`))} ${
    keywords.length === 1 ? "goes" : "go"
  } by position`;

/** What to say of an expression's operators on tensors, and the expression written with calls (`code`). */
function operatorText(code: string, ops: TensorOp[]): string {
  if (ops.length === 1) {
    const [{ op, asFunction }] = ops;
    const or = asFunction === code ? "" : ` or ${asFunction}`;
    if (op === "**") return `\`**\` does not raise a tensor to a power: write ${code}${or}`;
    if (op === "unary -") return `unary \`-\` does not negate a tensor (it makes a number): write ${code}${or}`;
    if (op === "@") return `\`@\` is Python's matrix product; TypeScript has no such operator: write ${code}${or}`;
    return `\`${op}\` does not ${OPS[op].verb} tensors: write ${code}${or}`;
  }
  const names = [...new Set(ops.map((o) => o.op))];
  const verbs = names.map((op) => op === "unary -" ? "negate" : op === "@" ? "matrix-multiply" : OPS[op].verb);
  const shown = names.map((op) => op === "unary -" ? "unary `-`" : `\`${op}\``);
  return `${listed(shown)} ${names.length === 1 ? "does" : "do"} not ${listed(verbs, "or")} tensors (in TypeScript ${
    names.length === 1 ? "it" : "each"
  } makes a number): write the whole expression as ${code}`;
}

/**
 * What to say of the arithmetic at `error`'s column: the whole expression
 * written with calls, PyTorch's precedence kept; or, when it cannot be read
 * whole, the operation at the column, and both ways to call it.
 */
function explainOperation(
  error: SourceError,
  all: readonly SourceError[],
  aMayBeNumber: boolean,
  lines: readonly string[] = [],
) {
  const whole = translateArithmetic(error.sourceLine, error.column, factsFor(error, all));
  if (whole) return arithmeticText(whole.code, whole.ops, lines);
  const { message, sourceLine, column } = error;
  const at = operationAt(sourceLine, column);
  const op = at?.op ?? message.match(/Operator '([-+*/])'/)?.[1] ?? "";
  if (op === "**") {
    return `\`**\` does not raise a tensor to a power: write ${at!.a}.pow(${at!.b}) or pow(${at!.a}, ${at!.b})`;
  }
  const which = OPS[op];
  return which &&
    `\`${op}\` does not ${which.verb} tensors: write ${
      callFor(which.method, at?.a ?? "a", at?.b ?? "b", aMayBeNumber)
    }`;
}

/** `a * b`, `h ** 2`, `a + b * c` on tensors: the left-hand operand (or both) is not a number. */
const arithmetic: Translation = {
  name: "arithmetic operator",
  explain: (error, all = [], lines = []) =>
    ["TS2362", "TS2365"].includes(error.code) ? explainOperation(error, all, false, lines) : undefined,
};

/**
 * `n * dhpreact`, `1 - h`: only the right-hand operand is not a number, so
 * the left one may be (`n`, `1.0 / n`), and the advice is what a number
 * allows. When the left one is a Tensor too, the compiler also reports it,
 * and {@linkcode arithmetic} says it for both.
 */
const arithmeticRight: Translation = {
  name: "arithmetic operator, right-hand side",
  yieldsTo: ["arithmetic operator"],
  explain: (error, all = [], lines = []) =>
    error.code === "TS2363" ? explainOperation(error, all, true, lines) : undefined,
};

/** Reassigning a const. */
const constReassigned: Translation = {
  name: "const reassigned",
  explain: ({ code, message }) =>
    code === "TS2588"
      ? `${message.match(/'(\w+)'/)?.[1] ?? "it"} is a const: declare it with let to assign it again`
      : undefined,
};

/**
 * `a @ b`: a syntax error in TypeScript, which Deno's parser reports (no code) or the type checker does, as
 * "',' expected" and "Declaration expected" (TS1005, TS1128) on the line.
 */
const matmulOperator: Translation = {
  name: "@",
  explain({ code, message, sourceLine, column }) {
    const parsed = code === "" && (sourceLine[column - 1] === "@" || /['`]@['`]/.test(message));
    const checked = ["TS1005", "TS1128"].includes(code) && /[\w)\]]\s*@\s*[\w(]/.test(sourceLine);
    if (!parsed && !checked) return undefined;
    const at = sourceLine.match(new RegExp(`(${OPERAND})\\s*@\\s*(${OPERAND})`));
    const [a, b] = at ? [at[1], at[2]] : ["a", "b"];
    return `\`@\` is Python's matrix product; TypeScript has no such operator: write ${a}.matmul(${b}) or matmul(${a}, ${b})`;
  },
};

/** An element access on a line: `dlogprobs[range(n), Yb] = -1 / n`, `Xb[k][j]`. */
interface Access {
  /** What is indexed: `dlogprobs`, `Xb`. */
  object: string;
  /** The indices, the brackets' lists flattened: `["range(n)", "Yb"]`, `["k", "j"]`. */
  indices: string[];
  /** What is assigned to it, when it is assigned: the operator (`=`, `+=`) and the value. */
  assigned?: { op: string; value: string };
}

/** The commas of `text` at bracket depth 0 split it: `"range(n), Yb"` is `["range(n)", "Yb"]`. */
function splitTopLevel(text: string): string[] {
  const parts = [""];
  let depth = 0;
  for (const c of text) {
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    if (c === "," && depth === 0) parts.push("");
    else parts[parts.length - 1] += c;
  }
  return parts.map((p) => p.trim());
}

/** Where the bracket opened at `open` closes, or -1. */
function closing(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === "[") depth++;
    else if (line[i] === "]" && --depth === 0) return i;
  }
  return -1;
}

/** The innermost element access of `line` that spans `column` (1-based). */
function accessAt(line: string, column: number): Access | undefined {
  let found: Access | undefined;
  for (const m of line.matchAll(/([A-Za-z_$][\w$.]*)\[/g)) {
    if (m.index > column - 1) break;
    const indices: string[] = [];
    let end = m.index + m[0].length - 1;
    while (line[end] === "[") {
      const close = closing(line, end);
      if (close === -1) return found;
      indices.push(...splitTopLevel(line.slice(end + 1, close)));
      end = close + 1;
    }
    if (end < column - 1) continue;
    const after = line.slice(end).match(/^\s*([-+*/]?=)(?![=>])\s*(.*?);?\s*(?:\/\/.*)?$/);
    found = { object: m[1], indices, assigned: after ? { op: after[1], value: after[2] } : undefined };
  }
  return found;
}

const LAYOUT = "a Tensor is not indexed with [ ]: its numbers are a flat, row-major .data with a .shape " +
  "(entry [i, j] of a [rows, cols] tensor is .data[i * cols + j])";

/** Where entry `indices` of `object` sits in its `.data`: `Xb.data[k * Xb.shape[1] + j]`. */
function flatIndex(object: string, indices: string[]): string {
  let at = indices[0];
  for (let axis = 1; axis < indices.length; axis++) {
    at = `${axis > 1 ? `(${at})` : at} * ${object}.shape[${axis}] + ${indices[axis]}`;
  }
  return `${object}.data[${at}]`;
}

/** What to write for an access that picks or sets one entry per row, `t[range(n), Yb]`. */
function perRow({ object, indices, assigned }: Access): string {
  const idx = indices[1];
  if (!assigned) return `${object}.pickPerRow(${idx}) picks entry [i, ${idx}[i]] of every row i`;
  const mask = `oneHot(${idx}, ${object}.shape[1])`;
  const whole = `${mask}.mul(${assigned.value})`;
  const mark = "(oneHot makes the mask of those entries)";
  switch (assigned.op) {
    case "=": {
      // Built whole, the gradient is declared once, from its forward tensor's shape (dlogprobs from logprobs's).
      const forward = /^d[A-Za-z]/.test(object) ? object[1].toLowerCase() + object.slice(2) : "";
      const declared = forward
        ? `const ${object} = ${mask.replace(`${object}.shape`, `${forward}.shape`)}` +
          `.mul(${assigned.value})`
        : `${object} = ${whole}`;
      return `to put ${assigned.value} at [i, ${idx}[i]] of every row i, build the tensor whole: ${declared} ${mark}` +
        (forward ? `, in place of the zeros it starts as and of this line` : "");
    }
    case "+=":
      return `to add ${assigned.value} at [i, ${idx}[i]] of every row i, add a whole tensor: ${object} = ${object}.add(${whole}) ${mark}`;
    case "-=":
      return `to subtract ${assigned.value} at [i, ${idx}[i]] of every row i, subtract a whole tensor: ${object} = ${object}.sub(${whole}) ${mark}`;
    default:
      return `to change entry [i, ${idx}[i]] of every row i, build a whole tensor from the mask ${mask} and combine it with ${object} ${mark}`;
  }
}

/** What to write for a row lookup or scatter with an index tensor, `C[Xb]`, `dC[Xb] += demb`. */
function byIndexTensor({ object, indices, assigned }: Access): string {
  const idx = indices[0];
  return assigned
    ? `${object}.scatterAddRows(${idx}, ${assigned.value}) adds each row of ${assigned.value} to the row of ${object} that ${idx} names (a row named twice gets both)`
    : `${object}.gatherRows(${idx}) takes the rows of ${object} that ${idx} names`;
}

/** What to write for entries by position, `Xb[k][j]`, `dC[ix] += …`. */
function byPosition({ object, indices, assigned }: Access, isIndexTensor: boolean): string {
  const entry = `entry [${indices.join(", ")}] of ${object} is ${flatIndex(object, indices)}`;
  if (indices.length === 1) {
    return `${entry} when ${object} is a vector; row ${indices[0]} of a matrix is ${
      flatIndex(object, [indices[0], "j"])
    } for each column j${
      assigned
        ? `. To add rows into the rows of ${object} that an index tensor names, ${object}.scatterAddRows(indices, rows) does the whole loop`
        : ""
    }`;
  }
  if (isIndexTensor || indices.length > 2) return entry;
  // Two indices into a Tensor: an entry of a matrix, or a row of a tensor with a third axis (demb[k][j]).
  const d = ["d", "c", "e"].find((name) => !indices.includes(name))!;
  return `${entry} when ${object} is a matrix (${object}.at(${indices.join(", ")}) reads it); with a third axis, [${
    indices.join(", ")
  }] is a row, whose entry ${d} is ${flatIndex(object, [...indices, d])}`;
}

/** `dlogprobs[range(n), Yb] = -1 / n`, `C[Xb]`, `Xb[k][j]`, `dC[ix] += demb[k][j]`. */
const indexWithBrackets: Translation = {
  name: "index with [ ]",
  explain({ code, message, sourceLine, column }) {
    const indexTensorIndex = code === "TS2538" && /'IndexTensor'/.test(message);
    const indexesTensor = ["TS7053", "TS7015"].includes(code) && /index type '(?:Index)?Tensor'/.test(message);
    if (!indexTensorIndex && !indexesTensor) return undefined;
    const access = accessAt(sourceLine, column);
    if (!access) return LAYOUT;
    const advice = /^range\(/.test(access.indices[0]) && access.indices.length === 2
      ? perRow(access)
      : indexTensorIndex
      ? byIndexTensor(access)
      : byPosition(access, /'IndexTensor'/.test(message));
    return `${LAYOUT}. Here, ${advice}`;
  },
};

/** `h[0, 1]`: the comma operator inside brackets. */
const commaInBrackets: Translation = {
  name: "comma in [ ]",
  yieldsTo: ["index with [ ]"],
  explain: ({ code }) =>
    code === "TS2695"
      ? "`[i, j]` is not two indices in TypeScript (the comma drops i): entry [i, j] of a [rows, cols] tensor is .data[i * cols + j]"
      : undefined,
};

/** The name a "Cannot find name" error is about, or "". */
const missingName = ({ code, message }: SourceError) =>
  code === "TS2304" || code === "TS2552" ? message.match(/'([\w$]+)'/)?.[1] ?? "" : "";

/** `range(n)`. */
const range: Translation = {
  name: "range",
  yieldsTo: ["index with [ ]"],
  explain(error) {
    if (missingName(error) !== "range") return undefined;
    const access = accessAt(error.sourceLine, error.column);
    return access && /^range\(/.test(access.indices[0]) && access.indices.length === 2
      ? `range(n) is Python's: the lecture's t[range(n), Yb] is t.pickPerRow(Yb) to read it, and a Tensor is not indexed with [ ]. Here, ${
        perRow(access)
      }`
      : "range(n) is Python's: TypeScript loops with for (let i = 0; i < n; i++); the lecture's t[range(n), Yb] is t.pickPerRow(Yb) to read it, oneHot(Yb, cols) to build it";
  },
};

/**
 * `torch.sum(x, 1, true)` as this project writes it, `x.sum(1, true)`, when
 * torch's (or F.'s) function is a method of the same name here.
 */
function asMethod(call: string | undefined): string | undefined {
  const m = call?.match(/^(torch|F)\.(\w+)\((.*)\)$/);
  if (!m || !pytorchName(m[1], m[2])?.startsWith(`x.${m[2]}(`)) return call;
  const [first, ...rest] = splitTopLevel(m[3]);
  return `${first}.${m[2]}(${rest.join(", ")})`;
}

/**
 * A function of this project called with the learner's `args` (`(Yb, 27)`),
 * when it takes what PyTorch's does, in order: `here` names its parameters
 * (`oneHot(Yb, numClasses)`), one for each argument; or, for `zeros(x.shape)`,
 * the shape of the learner's one argument.
 */
function withArguments(here: string, args: string): string | undefined {
  const like = here.match(/^([\w$]+)\(x\.shape\)$/);
  if (like && args !== "()") return /^\([\w$.]+\)$/.test(args) ? `${like[1]}(${args.slice(1, -1)}.shape)` : undefined;
  const m = args.startsWith("((") ? null : here.match(/^([\w$]+)\(([\w$]+(?:, [\w$]+)*)\)$/);
  const count = args === "()" ? m?.[2].split(",").length : splitTopLevel(args.slice(1, -1)).length;
  return m && m[2].split(",").length === count ? `${m[1]}${args}` : undefined;
}

/** `keepdim=True`, `dim=1`: keyword arguments. */
const keywordArgument: Translation = {
  name: "keyword argument",
  explain(error) {
    const name = missingName(error);
    const rest = error.sourceLine.slice(error.column - 1);
    const kw = rest.match(new RegExp(`^${name}\\s*=(?![=>])\\s*([^,)]*)`));
    if (!name || !kw || !/[(,]\s*$/.test(error.sourceLine.slice(0, error.column - 1))) return undefined;
    const args = String.raw`(?:[^()]|\([^()]*\))*`; // a call's arguments, with calls in them one deep
    const call = error.sourceLine.match(new RegExp(`${OPERAND}\\(${args}\\b${name}\\s*=${args}\\)`))?.[0];
    const positional = asMethod(
      call?.replace(/\b\w+\s*=(?![=>])\s*/g, "").replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, "false"),
    );
    return `TypeScript has no keyword arguments: \`${name}=${
      kw[1].trim()
    }\` assigns to an undefined name ${name}. Pass it by position${positional ? `: ${positional}` : ""}`;
  },
};

/** `True`, `False`, `None`. */
const pythonConstant: Translation = {
  name: "Python constant",
  yieldsTo: ["keyword argument"],
  explain(error) {
    const here = { True: "true", False: "false", None: "null (or leave the argument out)" }[missingName(error)];
    return here && `${missingName(error)} is Python's: TypeScript writes ${here}`;
  },
};

/** `torch.zeros_like(x)`, `F.one_hot(Yb, 27)`. */
const pytorchModule: Translation = {
  name: "torch. or F.",
  explain(error) {
    const module = missingName(error);
    if (!["torch", "F", "nn", "np"].includes(module)) return undefined;
    const name = error.sourceLine.slice(error.column - 1).match(/^[\w$]+(?:\.functional)?\.([\w$]+)/)?.[1] ?? "";
    const here = pytorchName(module === "nn" ? "F" : module, name);
    const whole = `${module}.${name}`;
    const args = error.sourceLine.slice(error.column - 1).match(new RegExp(`^${whole.replace(".", "\\.")}(${PARENS})`));
    const call = args ? positional(`${whole}${args[1]}`) : undefined;
    const written = call && here && (withArguments(here, call.code.slice(whole.length)) ?? asMethod(call.code));
    const so = written && written !== `${whole}${args![1]}` ? `, so write ${written}` : "";
    const keywords = call?.keywords.length ? ` (${noKeywords(call.keywords)})` : "";
    const named = so && withArguments(here!, "()") && !here!.includes(".") ? here!.replace(/\(.*/, "") : here;
    return here
      ? `${whole} is PyTorch's: here it is ${named}${so}${keywords} (the API card lists every operation)`
      : `${whole} is PyTorch's; this project's operations are lib/tensor.ts's, imported at the top of your file: the API card lists them, with the lecture's habits translated`;
  },
};

/**
 * `code` with each call of torch's or F.'s that has one here written as it
 * is here: `torch.ones_like(x)` is `ones(x.shape)`, `F.one_hot(i, 27)` is
 * `oneHot(i, 27)` (keywords already passed by position).
 */
function ourCalls(code: string): string {
  return code.replace(new RegExp(`(?<![\\w$.])(torch|F)\\.(\\w+)(${PARENS})`, "g"), (call, module, name, args) => {
    const here = pytorchName(module, name);
    return (here && (withArguments(here, args) ?? asMethod(call))) ?? call;
  });
}

/** What PyTorch's Tensor has that this one has not, and what to write instead. */
const PROPERTIES: Record<string, string> = {
  view: "x.reshape([n, -1]) is PyTorch's x.view(n, -1)",
  t: "x.T (or transpose(x)) transposes a matrix",
  numel: "x.size is how many numbers it holds",
  item: "x.item() is there; check the spelling",
};
const AUTOGRAD = ["grad", "backward", "retain_grad", "requires_grad", "zero_"];

/** `probs.grad`, `x.view(n, -1)`, … on a Tensor. */
const tensorProperty: Translation = {
  name: "property PyTorch has",
  explain({ code, message }) {
    const m = message.match(/^Property '([\w$]+)' does not exist on type '(Index)?Tensor'/);
    if (!m || (code !== "TS2339" && code !== "TS2551")) return undefined;
    const [, name] = m;
    if (AUTOGRAD.includes(name)) {
      return `there is no autograd here: a Tensor has no .${name}. You compute each gradient yourself, named d + the tensor's name (the gradient of probs is your dprobs)`;
    }
    const mean = message.match(/Did you mean '([\w$]+)'\?/)?.[1];
    return `a Tensor has no .${name}${Object.hasOwn(PROPERTIES, name) ? `: ${PROPERTIES[name]}` : ""}${
      mean ? `; did you mean .${mean}?` : ""
    } (the API card lists what a Tensor has)`;
  },
};

/** A number where a Tensor belongs: what `-x` (or `a * b`) on tensors made. */
const numberForTensor: Translation = {
  name: "number for a Tensor",
  causedBy: ["arithmetic operator", "arithmetic operator, right-hand side", "compound assignment"],
  explain({ code, message, sourceLine, column }, _all, lines) {
    if (!["TS2322", "TS2345"].includes(code) || !/'number'.*'Tensor/.test(message)) return undefined;
    const name = sourceLine.slice(column - 1).match(/^(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|[\w$]+)/)?.[0];
    const literal = name && numberLiteralAdvice(name, [sourceLine, ...lines ?? []]);
    if (literal) return literal;
    return `${
      name ? `${name} is` : "this is"
    } a number here, not a Tensor: an operator on tensors (-x, a * b, a + b) makes a number in TypeScript. Write x.neg(), a.mul(b), a.add(b) where it is computed`;
  },
};

/**
 * `(dhpreact * bnraw).sum(0)`: a Tensor's method called on what an operator
 * on tensors made, a number. The operator's own error on the statement says
 * what to write, so this one is then left out.
 */
const numberMember: Translation = {
  name: "method of a number",
  followsFrom: ["arithmetic operator", "arithmetic operator, right-hand side"],
  explain({ code, message }) {
    const m = message.match(/^Property '([\w$]+)' does not exist on type 'number'/);
    if (!m || (code !== "TS2339" && code !== "TS2551")) return undefined;
    return `.${
      m[1]
    } is called on a number, not a Tensor: an operator on tensors (-x, a * b, a + b) makes a number in TypeScript. Write x.neg(), a.mul(b), a.add(b) where it is computed`;
  },
};

/** What {@linkcode whereNegated} says it found, as the message of the error it places at the minus. */
const UNARY_MINUS = "A unary minus on a Tensor makes a number.";

/**
 * `-dlogits`, `-x.log()`: TypeScript lets a unary minus make a number of a
 * Tensor and reports only where that number is used as a Tensor
 * ({@linkcode numberForTensor}); {@linkcode explainErrors} places the error
 * at the minus when it finds it, and this says what to write there.
 */
const unaryMinus: Translation = {
  name: "unary minus",
  followsFrom: ["arithmetic operator", "arithmetic operator, right-hand side"],
  explain(error, _all, lines) {
    if (error.code !== "" || error.message !== UNARY_MINUS) return undefined;
    const whole = translateArithmetic(error.sourceLine, error.column, noFacts());
    return whole && arithmeticText(whole.code, whole.ops, lines);
  },
};

/**
 * Where the minus is of a bracketed negation whose method is called at
 * `column` (`(-dnormLogits).sum(1)`), as a 0-based index, or undefined.
 */
function negatedBracket(line: string, column: number): number | undefined {
  const close = line.slice(0, column - 1).match(/\)\s*\.\s*$/);
  if (!close) return undefined;
  let depth = 0;
  for (let i = close.index!; i >= 0; i--) {
    if (line[i] === ")") depth++;
    else if (line[i] === "(" && --depth === 0) {
      const minus = line.slice(i + 1).match(/^\s*-(?!-)/);
      return minus ? i + minus[0].length : undefined;
    }
  }
  return undefined;
}

/** The name whose value `error` says is a number: the one at its column, or before the `.` of a method it names. */
function numberName(error: SourceError, rule: Translation): string | undefined {
  if (rule === numberMember) return error.sourceLine.slice(0, error.column - 1).match(/([\w$]+)\s*\.\s*$/)?.[1];
  return error.sourceLine.slice(error.column - 1).match(/^[\w$]+/)?.[0];
}

/**
 * Where the number of `error` (a number where a Tensor belongs, or a
 * Tensor's method called on a number) was made by a unary minus on a
 * Tensor: at its column (`x.matmul(-W)`), or in the last assignment of the
 * name it is about above it in `lines`, as an error at the minus; undefined
 * when that assignment has no such minus.
 */
function whereNegated(error: SourceError, rule: Translation, lines: readonly string[]): SourceError | undefined {
  if (error.sourceLine[error.column - 1] === "-") return { ...error, code: "", message: UNARY_MINUS };
  const minus = rule === numberMember ? negatedBracket(error.sourceLine, error.column) : undefined;
  if (minus !== undefined) return { ...error, code: "", message: UNARY_MINUS, column: minus + 1 };
  const name = numberName(error, rule);
  if (!name || error.line === undefined) return undefined;
  const assigns = new RegExp(`^\\s*(?:(?:const|let|var)\\s+)?${name.replace(/\$/g, "\\$")}\\s*(?::[^=]+)?=(?![=>])`);
  for (let line = error.line; line >= 1; line--) {
    const text = line === error.line ? error.sourceLine.slice(0, error.column - 1) : lines[line - 1] ?? "";
    const span = statementSpans(text).reverse().find((s) => assigns.test(text.slice(s.start, s.end)));
    if (!span) continue;
    const statement = statementOf(text, span.start + 1);
    const whole = translateArithmetic(statement, expressionStart(statement) + 1, noFacts());
    const minus = whole?.ops.find((o) => o.op === "unary -");
    const sourceLine = line === error.line ? error.sourceLine : text;
    return minus && { code: "", message: UNARY_MINUS, sourceLine, column: minus.at + 1, line };
  }
  return undefined;
}

/** The lines of the file `error` is in: `lines` when known, else the lines of its errors. */
const linesOf = (error: SourceError, all: readonly SourceError[], lines?: readonly string[]) =>
  lines ?? [error, ...all].map((e) => e.sourceLine);

/** Whether `error`'s missing name starts its statement, assigned to (`dprobs = …`, `dcounts += …`). */
function assignedAt(error: SourceError): boolean {
  const name = missingName(error);
  const statement = error.sourceLine.slice(statementAt(error.sourceLine, error.column).start);
  const start = statement.length - statement.trimStart().length;
  return !!name && error.column - 1 === statementAt(error.sourceLine, error.column).start + start &&
    new RegExp(`^${name.replace(/\$/g, "\\$")}\\s*(?:\\*\\*|[-+*/])?=(?![=>])`).test(statement.trimStart());
}

/**
 * `dlogprobs = torch.zeros_like(logprobs)`: Python assigns a name it never
 * declared. Said at the name's first assignment; its later uses are then
 * follow-ons ({@linkcode explainErrors} leaves them out). A lecture's
 * snake_case name is said as the file's camelCase one.
 */
const undeclaredAssignment: Translation = {
  name: "assigned without declaring",
  explain(error, all = [], lines) {
    if (!assignedAt(error)) return undefined;
    const name = missingName(error);
    const here = fileNameFor(name, linesOf(error, all, lines));
    const rename = here ? `${name} is the lecture's name; here it is ${here} (where you use it too). ` : "";
    return `${rename}Python assigns without declaring; TypeScript declares a name once: const ${
      here ?? name
    } = … (let if you assign it again)`;
  },
};

/**
 * What the compiler's "Did you mean" adds for `name`: nothing when it
 * offers a forward tensor for a gradient (`logprobs` for `dlogprobs`).
 */
function didYouMean(name: string, message: string): string {
  const mean = message.match(/ Did you mean '([\w$]+)'\?$/);
  return mean && /^d[A-Za-z]/.test(name) && !/^d[A-Za-z]/.test(mean[1]) ? message.slice(0, mean.index) : message;
}

/** `# backward pass`: Python's comment, which {@linkcode explainErrors} places at the `#`. */
const pythonComment: Translation = {
  name: "# comment",
  explain: ({ message }) => message === PYTHON_COMMENT ? "`#` starts a comment in Python: write `//`" : undefined,
};

/** `print(x)`: Python's print. */
const pythonPrint: Translation = {
  name: "print",
  explain(error) {
    if (missingName(error) !== "print") return undefined;
    const call = error.sourceLine.slice(error.column - 1).match(new RegExp(`^print(${PARENS})`))?.[1] ?? "(x)";
    return `print is Python's: write console.log${call}`;
  },
};

/** A name not defined (after the PyTorch names above); a lecture's snake_case name is pointed to the file's. */
const unknownName: Translation = {
  name: "unknown name",
  explain(error, all = [], lines) {
    const name = missingName(error);
    if (!name) return undefined;
    const here = fileNameFor(name, linesOf(error, all, lines));
    if (here) return `${name} is the lecture's name; here it is ${here}`;
    const tip = /^d[A-Za-z]/.test(name) ? " (is it computed further down, or spelt differently?)" : "";
    return `${name} is not defined here${tip}: ${didYouMean(name, error.message)}`;
  },
};

/** `-counts_sum**-2`, `for k in range(n):`: Python that TypeScript's parser rejects. */
const pythonSyntax: Translation = {
  name: "Python syntax",
  explain: ({ code, message, sourceLine, column }) =>
    // Deno's parser (no code) in the terminal; TypeScript's own parser in the exercise pages and the checker.
    code === "" || code === "TS1005" || code === "TS17006"
      ? explainPythonSyntax(sourceLine, message, column)
      : undefined,
};

/**
 * The translations, in the order {@linkcode explainTypeError} tries them.
 *
 * @example
 * ```ts
 * const error = { code: "TS2339", message: "Property 'grad' does not exist on type 'Tensor'.", sourceLine: "probs.grad", column: 7 };
 * TRANSLATIONS.find((t) => t.explain(error))?.name; // "property PyTorch has"
 * ```
 */
export const TRANSLATIONS: readonly Translation[] = [
  pythonComment,
  compoundAssignment,
  arithmetic,
  arithmeticRight,
  constReassigned,
  matmulOperator,
  pythonSyntax,
  indexWithBrackets,
  commaInBrackets,
  range,
  keywordArgument,
  pythonConstant,
  pytorchModule,
  tensorProperty,
  numberMember,
  numberForTensor,
  unaryMinus,
  undeclaredAssignment,
  pythonPrint,
  unknownName,
];

/** The first translation of `error` and what it says (the compiler's message when none fits). */
function translate(error: SourceError, all: readonly SourceError[] = [], lines?: readonly string[]): Said {
  const statement = { ...error, sourceLine: statementOf(error.sourceLine, error.column) };
  for (const rule of TRANSLATIONS) {
    const text = rule.explain(statement, all, lines);
    if (text) return { error, rule, text };
  }
  return { error, text: error.message };
}

/** An error and what is said of it, by which translation. */
interface Said {
  error: SourceError;
  rule?: Translation;
  text: string;
}

/**
 * An error in the learner's terms: what the first translation that
 * recognises it says, or the compiler's message. `sourceLine` is the line of
 * the learner's file the error is on, `column` its column there; `code` is ""
 * for a syntax error. Of a line of several statements, it reads the one at
 * `column`.
 *
 * @example
 * ```ts
 * explainTypeError("TS2362", "The left-hand side of an arithmetic operation must be …", "  const d = a * b;", 13);
 * // "`*` does not multiply tensors: write a.mul(b) or mul(a, b)"
 * ```
 */
export function explainTypeError(code: string, message: string, sourceLine: string, column: number): string {
  return translate({ code, message, sourceLine, column }).text;
}

/** The statement `error` is in, as a key (its line and where the statement starts), or undefined without a line. */
const statementKey = (e: SourceError) =>
  e.line === undefined ? undefined : `${e.line}:${statementAt(e.sourceLine, e.column).start}`;

/** A syntax error: the parser's (code "" from deno's parser, TS1xxx from TypeScript's). */
const isSyntax = (e: SourceError) => e.code === "" || /^TS1\d{3}$/.test(e.code);

/** Whether `text` (another translation's) already passes keyword `name` by position. */
const saysKeyword = (text: string, name: string) =>
  /TypeScript has no keyword arguments: /.test(text) && text.includes(`${name}=`);

/**
 * Whether `t`'s suggestion already writes the lecture's snake_case name of
 * `s` as the file's (`bnvarInv` for `bnvar_inv` in exercise 8's one-liner).
 */
function writesRenamed(t: Said, s: Said): boolean {
  const name = missingName(s.error);
  const camel = camelCase(name);
  const word = new RegExp(`(?<![\\w$])${camel.replace(/\$/g, "\\$")}(?![\\w$])`);
  return camel !== name && t.rule !== undefined && word.test(t.text) && !word.test(t.error.sourceLine);
}

/** Whether `t`'s expression, written with calls, already writes `s`'s torch or F. call as it is here. */
const writesOurs = (t: Said, s: Said) =>
  [arithmetic, arithmeticRight, unaryMinus].includes(t.rule!) && !t.text.includes(`${missingName(s.error)}.`);

/** The name of a "Cannot find name" error, or of a shorthand property with no value (`return { dprobs }`). */
const undefinedName = (e: SourceError) =>
  missingName(e) || (e.code === "TS18004" ? e.message.match(/'([\w$]+)'/)?.[1] ?? "" : "");

/**
 * Whether `s` is a later use of a name whose first assignment was said
 * undeclared (`dprobs` in `dcounts_sum_inv = (counts * dprobs).sum(1)`,
 * `dcountsSumInv` in the return when `dcounts_sum_inv` was assigned).
 */
function usesUndeclared(s: Said, kept: Said[]): boolean {
  const name = undefinedName(s.error);
  const after = (t: Said) =>
    t.error.line === undefined || s.error.line === undefined || t.error.line < s.error.line ||
    t.error.line === s.error.line && t.error.column < s.error.column;
  return !!name && kept.some((t) => {
    const assigned = t.rule === undeclaredAssignment ? missingName(t.error) : "";
    return !!assigned && (assigned === name || camelCase(assigned) === name) && after(t);
  });
}

/**
 * Whether `s` follows from another of `said`: a translation it yields to or
 * follows from fired on its statement, its cause fired anywhere, an error
 * already `kept` on its statement says the same, or it is the parser's
 * follow-on (a syntax error left untranslated on a line whose syntax error
 * was explained).
 */
function followsOn(s: Said, said: Said[], kept: Said[]): boolean {
  const key = statementKey(s.error);
  const here = (t: Said) => key !== undefined && statementKey(t.error) === key;
  const fired = (names: string[] | undefined, where: (t: Said) => boolean = () => true) =>
    !!names && said.some((t) => t.rule && names.includes(t.rule.name) && where(t));
  const sameLine = (t: Said) => s.error.line !== undefined && t.error.line === s.error.line;
  return fired(s.rule?.yieldsTo, here) || fired(s.rule?.followsFrom, here) || fired(s.rule?.causedBy) ||
    kept.some((t) => here(t) && t.text === s.text) || usesUndeclared(s, kept) ||
    (s.rule === keywordArgument && said.some((t) => here(t) && t !== s && saysKeyword(t.text, missingName(s.error)))) ||
    (s.rule === unknownName && said.some((t) => here(t) && t !== s && writesRenamed(t, s))) ||
    (!s.rule && isSyntax(s.error) && kept.some((t) => sameLine(t) && t.rule && isSyntax(t.error))) ||
    (!s.rule && isSyntax(s.error) && said.some((t) => sameLine(t) && t.rule === pythonComment)) ||
    (s.rule === pytorchModule && said.some((t) => here(t) && writesOurs(t, s))) ||
    (s.rule === numberMember && madeByOperator(s, said));
}

/**
 * Whether `s`, a Tensor's method called on a number (`dnormLogits.clone()`),
 * is called on a name that an earlier statement assigned with an operator on
 * tensors, whose error is said (`const dnormLogits = counts * dcounts`): the
 * number is that statement's, which the learner fixes there.
 */
function madeByOperator(s: Said, said: Said[]): boolean {
  const receiver = s.error.sourceLine.slice(0, Math.max(0, s.error.column - 1)).match(/([\w$]+)\s*\.\s*$/)?.[1];
  if (!receiver || s.error.line === undefined) return false;
  const assigns = new RegExp(String.raw`^\s*(?:(?:const|let)\s+)?${receiver.replace(/\$/g, "\\$")}\s*=[^=]`);
  return said.some((t) =>
    t.rule?.name.startsWith("arithmetic operator") && t.error.line !== undefined && t.error.line < s.error.line! &&
    assigns.test(t.error.sourceLine)
  );
}

/**
 * `error` on a line with a Python comment (`dh = dlogits @ W2.T  # 2nd
 * layer`): an error in the comment is the comment's, at its `#`; one before
 * it reads the line without the comment.
 */
function inCode(error: SourceError): SourceError {
  const hash = pythonCommentAt(error.sourceLine);
  if (hash === undefined) return error;
  if (error.column - 1 >= hash) return { ...error, message: PYTHON_COMMENT, column: hash + 1 }; // its code kept
  return { ...error, sourceLine: withoutComment(error.sourceLine) };
}

/**
 * A file's errors, translated, their causes only: an error is left out when
 * a translation it yields to fired on its statement, when its cause fired
 * anywhere, when an earlier error on its statement says the same, or when
 * it is the parser's follow-on of a syntax error already explained. Each
 * comes with the name of the translation that said it (none: the compiler's
 * words). Given the file's `lines`, a number where a Tensor belongs that a
 * unary minus made (`const dlogits = -x.log()`, then `return { dlogits }`)
 * is said where the minus is.
 *
 * @example
 * ```ts
 * const line = "  const s = x.sum(1, keepdim=True);";
 * const said = explainErrors([
 *   { code: "TS2304", message: "Cannot find name 'keepdim'.", sourceLine: line, column: 22, line: 9 },
 *   { code: "TS2304", message: "Cannot find name 'True'.", sourceLine: line, column: 30, line: 9 },
 * ]);
 * said.length; // 1: True is explained by keepdim=True
 * ```
 */
export function explainErrors(
  errors: readonly SourceError[],
  lines?: readonly string[],
): { error: SourceError; text: string; rule?: string }[] {
  const uncommented = lines?.map(withoutComment);
  const said = errors.map(inCode).map((error) => {
    const first = translate(error, errors, uncommented);
    const negated = first.rule === numberForTensor || first.rule === numberMember
      ? whereNegated(error, first.rule, lines ?? [])
      : undefined;
    return negated ? translate(negated, errors, uncommented) : first;
  });
  const kept: Said[] = [];
  for (const s of said) if (!followsOn(s, said, kept)) kept.push(s);
  return kept.map(({ error, text, rule }) => ({ error, text, rule: rule?.name }));
}

/**
 * The errors of a file Deno's parser could not read (`error`, the first
 * line it stopped at), translated: every line of `lines` that is the
 * lecture's Python (a `#` comment, an `@`, a `for … in …:` loop, a unary
 * minus before `**`, a name assigned undeclared), each said once, so that
 * one run names them all; then `error` itself when no such line explains it.
 *
 * @example
 * ```ts
 * const lines = ["  dh = dlogits @ W2.T  # 2nd layer", "  for k in range(n):"];
 * const parser = { code: "", message: "Expected ident", sourceLine: lines[0], column: 3, line: 1 };
 * explainParseError(parser, lines).map((s) => s.error.column); // [3, 16, 24, 3]
 * ```
 */
export function explainParseError(
  error: SourceError,
  lines: readonly string[],
): { error: SourceError; text: string; rule?: string }[] {
  const found: SourceError[] = pythonLines(lines);
  const onItsLine = found.some((e) => e.line === error.line && e.code === "");
  const all = onItsLine ? found : [...found, error].sort((a, b) => a.line! - b.line! || a.column - b.column);
  return explainErrors(all, lines);
}
