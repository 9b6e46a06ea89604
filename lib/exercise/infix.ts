/**
 * The lecture's infix arithmetic on tensors as this project's calls. In
 * PyTorch `a + b * c` adds and multiplies tensors; in TypeScript an
 * operator on a Tensor makes a number, so the expression has to be written
 * with calls, keeping PyTorch's precedence and every operand:
 * `a.add(b.mul(c))`. {@linkcode parseExpression} reads the expression
 * (numbers, names, member accesses, calls, indexing, brackets, unary `-`,
 * `**`, `*`, `/`, `@`, `+`, `-`); {@linkcode translateArithmetic} writes the
 * arithmetic around a column as calls. Which operands are tensors it learns
 * from the compiler's errors ({@linkcode Facts}), then from the form of an
 * operand (`x.sum(0)` is a Tensor, `x.shape[1]` and `2` are numbers), then
 * from its name (`n` is the batch's size).
 *
 * No `Deno` API: a browser page can use it too.
 *
 * @example
 * ```ts
 * import { noFacts, translateArithmetic } from "./infix.ts";
 * translateArithmetic("  const d = a + b * c;", 13, noFacts())?.code; // "a.add(b.mul(c))"
 * ```
 * @module
 */

/** An expression, each node with where it starts and ends on its line (0-based, end exclusive). */
export type Expr =
  | { kind: "number"; start: number; end: number }
  | { kind: "unary"; op: string; arg: Expr; start: number; end: number }
  | { kind: "binary"; op: string; left: Expr; right: Expr; start: number; end: number }
  | { kind: "chain"; base: string | Expr; parts: Part[]; start: number; end: number };

/** One step of a chain: `.name`, a call's arguments (an argument not read as an expression is its text), `[…]`. */
export type Part =
  | { kind: "member"; name: string }
  | { kind: "call"; args: (Expr | string)[] }
  | { kind: "index"; text: string };

interface Token {
  text: string;
  start: number;
  end: number;
  kind: "number" | "name" | "punct" | "other" | "end";
}

const TOKEN =
  /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([A-Za-z_$][\w$]*)|(\*\*|[-+*/@(),.[\]])|(\S))/y;

/** The tokens of `text` from `from` on; an `=`, `;`, comment or anything unknown is an "other" that ends an expression. */
function tokens(text: string, from: number): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = from;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const word = m[1] ?? m[2] ?? m[3] ?? m[4];
    const start = m.index + m[0].length - word.length;
    const kind = m[1] ? "number" : m[2] ? "name" : m[3] ? "punct" : "other";
    out.push({ text: word, start, end: start + word.length, kind });
  }
  out.push({ text: "", start: text.length, end: text.length, kind: "end" });
  return out;
}

/** Binding power of the binary operators: PyTorch's (and TypeScript's) precedence, `@` with `*`. */
const BINARY: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "@": 2 };

/** A recursive-descent reader of one expression's tokens. */
class Reader {
  i = 0;
  constructor(readonly text: string, readonly toks: Token[]) {}
  get peek(): Token {
    return this.toks[this.i];
  }
  is(text: string): boolean {
    return this.peek.kind === "punct" && this.peek.text === text;
  }
  expression(level = 1): Expr | undefined {
    let left = this.unary();
    while (left && BINARY[this.peek.text] >= level && this.peek.kind === "punct") {
      const op = this.toks[this.i++].text;
      const right = this.expression(BINARY[op] + 1);
      if (!right) return undefined;
      left = { kind: "binary", op, left, right, start: left.start, end: right.end };
    }
    return left;
  }
  unary(): Expr | undefined {
    if (this.is("-") || this.is("+")) {
      const { text: op, start } = this.toks[this.i++];
      const arg = this.unary();
      return arg && { kind: "unary", op, arg, start, end: arg.end };
    }
    const base = this.postfix();
    if (!base || !this.is("**")) return base;
    this.i++;
    const exponent = this.unary(); // right-associative, and -x ** 2 is -(x ** 2)
    return exponent && { kind: "binary", op: "**", left: base, right: exponent, start: base.start, end: exponent.end };
  }
  postfix(): Expr | undefined {
    const first = this.peek;
    if (first.kind === "number") return this.i++, { kind: "number", start: first.start, end: first.end };
    let base: string | Expr;
    if (first.kind === "name") base = (this.i++, first.text);
    else if (this.is("(")) {
      this.i++;
      const inner = this.expression();
      if (!inner || !this.is(")")) return undefined;
      this.i++;
      base = inner;
    } else return undefined;
    const parts = this.parts();
    return parts && { kind: "chain", base, parts, start: first.start, end: this.toks[this.i - 1].end };
  }
  parts(): Part[] | undefined {
    const parts: Part[] = [];
    for (;;) {
      if (this.is(".") && this.toks[this.i + 1].kind === "name") {
        parts.push({ kind: "member", name: this.toks[this.i + 1].text });
        this.i += 2;
      } else if (this.is("(")) {
        const args = this.args();
        if (!args) return undefined;
        parts.push({ kind: "call", args });
      } else if (this.is("[")) {
        const open = this.toks[this.i++].start;
        const close = this.skipTo(["]"]);
        if (close === undefined) return undefined;
        parts.push({ kind: "index", text: this.text.slice(open, close + 1) });
        this.i++;
      } else return parts;
    }
  }
  /** A call's arguments, from its `(` to after its `)`. */
  args(): (Expr | string)[] | undefined {
    this.i++;
    const args: (Expr | string)[] = [];
    while (!this.is(")")) {
      const from = this.i;
      const arg = this.expression();
      if (!arg || !(this.is(",") || this.is(")"))) {
        this.i = from;
        const end = this.skipTo([",", ")"]);
        if (end === undefined) return undefined;
        args.push(this.text.slice(this.toks[from].start, end).trim());
      } else args.push(arg);
      if (this.is(",")) this.i++;
    }
    this.i++;
    return args;
  }
  /** Moves to the next of `stops` outside brackets and returns where it is, or undefined at the end. */
  skipTo(stops: string[]): number | undefined {
    let depth = 0;
    while (this.peek.kind !== "end") {
      const t = this.peek.text;
      if (depth === 0 && stops.includes(t)) return this.peek.start;
      if ("([".includes(t)) depth++;
      else if (")]".includes(t)) depth--;
      if (depth < 0) return undefined;
      this.i++;
    }
    return undefined;
  }
}

/**
 * The expression of `text` that starts at index `from`, read as far as it
 * goes (to a `;`, a comment, an `=` …), or undefined when none starts there.
 *
 * @example
 * ```ts
 * const e = parseExpression("x = a * (b - c).sum(0);", 4);
 * e?.kind === "binary" && e.op; // "*"
 * ```
 */
export function parseExpression(text: string, from: number): Expr | undefined {
  return new Reader(text, tokens(text, from)).expression();
}

/** Where the right-hand side of a statement starts: after its `=`, `op=` or `return`, else at its first word. */
export function expressionStart(statement: string): number {
  const assigned = statement.match(
    /^\s*(?:(?:const|let|var)\s+)?[\w$.]+(?:\[[^\]]*\])*\s*(?:\*\*|[-+*/])?=(?![=>])\s*/,
  );
  if (assigned) return assigned[0].length;
  const returned = statement.match(/^\s*return\s+/);
  return returned ? returned[0].length : statement.length - statement.trimStart().length;
}

/**
 * Where the expression around index `at` starts, read backwards: after the
 * `(` of a call, a `[`, `{`, `,`, `:`, `?`, `=` or `;` that encloses it
 * (a bracket that only groups, `(a + b) * c`, is part of it), for a
 * statement whose right-hand side is not one expression (`return { d: a * b }`).
 */
function enclosingStart(line: string, at: number): number {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = line[i];
    if (")]}".includes(c)) depth++;
    else if ("([{".includes(c) && depth > 0) depth--;
    else if (c === "(" && !/[\w$)\]]\s*$/.test(line.slice(0, i))) continue; // a bracket that groups
    else if ("([{,:?=;<>&|!".includes(c)) return i + 1;
  }
  return 0;
}

/** What the compiler's errors on a line say about the types of its operands. */
export interface Facts {
  /** Operands (by the index they start at) that the compiler says are not numbers (TS2362, TS2363). */
  tensorAt: Set<number>;
  /** `+` expressions (by the index they start at) the compiler typed (TS2365): their left and right types. */
  plusAt: Map<number, [string, string]>;
  /** Names that are tensors wherever they are written in the file. */
  tensorNames: Set<string>;
  /** Whether the compiler checked the line's arithmetic, so that an operand with no error is a number. */
  checked: boolean;
  /** Names the compiler could not find (`dhpreact` assigned undeclared): no error on them says they are numbers. */
  unchecked?: Set<string>;
}

/**
 * Facts that say nothing: the operands' types are read from their form and
 * names alone.
 *
 * @example
 * ```ts
 * noFacts().tensorAt.size; // 0
 * ```
 */
export function noFacts(): Facts {
  return { tensorAt: new Set(), plusAt: new Map(), tensorNames: new Set(), checked: false };
}

type Kind = "tensor" | "number";

/** Names that are numbers in the exercises and the lecture (`n`, `vocab`, `nHidden`, `eps`, loop indices). */
const NUMBER_NAMES = /^(?:n|i|j|k|eps|lr|vocab\w*|n[A-Z_]\w*|\w*(?:[Ss]ize|[Cc]ount))$/;
/** What a member access or call makes a number: `x.shape[1]`, `x.item()`, `x.at(i, j)`, `x.data[i]`, `Math.sqrt(n)`. */
const NUMBER_PARTS = /^(?:shape|size|length|data|item|at|toFixed)$/;

/** The types of an expression's operands, from the facts, the operands' forms and their names. */
class Typing {
  #kinds = new Map<Expr, Kind>();
  /** Operands that the compiler typed as the side of a `+`, or that stand beside `-`, `*`, `/`, `**`. */
  #given = new Map<Expr, Kind>();
  #checkedOperands = new Set<Expr>();
  constructor(readonly facts: Facts, root: Expr) {
    this.#mark(root);
  }
  #mark(e: Expr): void {
    if (e.kind === "binary") {
      const plus = e.op === "+" ? this.facts.plusAt.get(e.start) : undefined;
      const sides = [e.left, e.right];
      sides.forEach((side, i) => {
        const said = plus?.[i];
        if (said === "Tensor" || said === "number") this.#given.set(side, said === "Tensor" ? "tensor" : "number");
        else if (e.op !== "+" && e.op !== "@") this.#checkedOperands.add(side);
      });
      sides.forEach((side) => this.#mark(side));
    } else if (e.kind === "unary") this.#mark(e.arg);
    else if (e.kind === "chain") {
      if (typeof e.base !== "string") this.#mark(e.base);
      argumentsOf(e).forEach((arg) => this.#mark(arg));
    }
  }
  of(e: Expr): Kind {
    let kind = this.#kinds.get(e);
    if (!kind) this.#kinds.set(e, kind = this.#infer(e));
    return kind;
  }
  #infer(e: Expr): Kind {
    switch (e.kind) {
      case "number":
        return "number";
      case "unary":
        return this.of(e.arg);
      case "binary":
        return e.op === "@" || this.of(e.left) === "tensor" || this.of(e.right) === "tensor" ? "tensor" : "number";
      case "chain":
        return this.#chain(e);
    }
  }
  #chain(e: Extract<Expr, { kind: "chain" }>): Kind {
    const names = e.parts.flatMap((p) => p.kind === "member" ? [p.name] : []);
    if (e.base === "Math" || names.some((name) => NUMBER_PARTS.test(name))) return "number";
    if (typeof e.base !== "string") return this.of(e.base);
    if (e.parts.some((p) => p.kind === "call") || names.includes("T")) return "tensor";
    if (this.facts.tensorAt.has(e.start)) return "tensor";
    const given = this.#given.get(e);
    if (given) return given;
    if (this.facts.tensorNames.has(names.at(-1) ?? e.base)) return "tensor";
    const unchecked = this.facts.unchecked?.has(e.base);
    if (this.facts.checked && !unchecked && this.#checkedOperands.has(e)) return "number";
    return NUMBER_NAMES.test(names.at(-1) ?? e.base) ? "number" : "tensor";
  }
}

/** An argument without the brackets around it all: `(1.0 / (n - 1))` is `1.0 / (n - 1)`. */
function unwrapped(arg: string): string {
  if (!arg.startsWith("(") || !arg.endsWith(")")) return arg;
  let depth = 0;
  for (let i = 0; i < arg.length - 1; i++) {
    if (arg[i] === "(") depth++;
    else if (arg[i] === ")" && --depth === 0) return arg; // the first bracket closes before the end
  }
  return arg.slice(1, -1);
}

const METHODS: Record<string, string> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "@": "matmul" };

/** Writes an expression with this project's calls where its operands are tensors. */
class Writer {
  constructor(readonly text: string, readonly types: Typing) {}
  write(e: Expr): string {
    switch (e.kind) {
      case "number":
        return this.text.slice(e.start, e.end);
      case "unary":
        return this.types.of(e.arg) === "tensor"
          ? e.op === "-" ? `${this.write(e.arg)}.neg()` : this.write(e.arg)
          : `${e.op}${this.write(e.arg)}`;
      case "binary":
        return this.#binary(e);
      case "chain":
        return this.#chain(e);
    }
  }
  #binary(e: Extract<Expr, { kind: "binary" }>): string {
    const [a, b] = [this.write(e.left), this.write(e.right)];
    if (this.types.of(e) === "number") return `${a} ${e.op} ${b}`;
    const method = METHODS[e.op];
    if (this.types.of(e.left) === "tensor") return `${a}.${method}(${unwrapped(b)})`;
    return method === "add" || method === "mul"
      ? `${b}.${method}(${unwrapped(a)})`
      : `${method}(${unwrapped(a)}, ${unwrapped(b)})`;
  }
  #chain(e: Extract<Expr, { kind: "chain" }>): string {
    let out = typeof e.base === "string"
      ? e.base
      : this.types.of(e.base) === "tensor"
      ? this.write(e.base)
      : `(${this.write(e.base)})`;
    for (const part of e.parts) {
      if (part.kind === "member") out += `.${part.name}`;
      else if (part.kind === "index") out += part.text;
      else out += `(${part.args.map((a) => typeof a === "string" ? a : this.write(a)).join(", ")})`;
    }
    return out;
  }
}

/** The call arguments of `e`'s arithmetic (not of the arguments' own calls): each a translation of its own. */
function argumentsOf(e: Expr): Expr[] {
  switch (e.kind) {
    case "number":
      return [];
    case "unary":
      return argumentsOf(e.arg);
    case "binary":
      return [...argumentsOf(e.left), ...argumentsOf(e.right)];
    case "chain": {
      const own = e.parts.flatMap((p) => p.kind === "call" ? p.args.filter((a) => typeof a !== "string") : []);
      return [...(typeof e.base === "string" ? [] : argumentsOf(e.base)), ...own];
    }
  }
}

/** The expressions whose arithmetic holds index `at`: `root`, then the call argument of it that holds `at`, and so on. */
function arithmeticPath(root: Expr, at: number): Expr[] {
  const inner = argumentsOf(root).find((arg) => arg.start <= at && at < arg.end);
  return inner ? [root, ...arithmeticPath(inner, at)] : [root];
}

/** An operator of an expression that does not work on tensors in TypeScript: a binary one, or unary `-`. */
export interface TensorOp {
  /** `+`, `-`, `*`, `/`, `**`, `@`, or `unary -`. */
  op: string;
  /** What a single operation comes to with a function: `mul(a, b)`, `neg(x)`. */
  asFunction: string;
  /** Where it is written: the index of its operator on the line. */
  at: number;
}

/**
 * The operators of `e`'s arithmetic that have a Tensor operand, in the
 * order they are written; with those of its calls' arguments when `intoArgs`.
 */
function tensorOps(e: Expr, types: Typing, writer: Writer, intoArgs = false): TensorOp[] {
  const of = (inner: Expr) => tensorOps(inner, types, writer, intoArgs);
  switch (e.kind) {
    case "binary": {
      const asFunction = `${METHODS[e.op]}(${writer.write(e.left)}, ${writer.write(e.right)})`;
      const at = writer.text.indexOf(e.op, e.left.end);
      const own = types.of(e) === "tensor" ? [{ op: e.op, asFunction, at }] : [];
      return [...of(e.left), ...own, ...of(e.right)];
    }
    case "unary": {
      const negated = e.op === "-" && types.of(e.arg) === "tensor";
      return [
        ...(negated ? [{ op: "unary -", asFunction: `neg(${writer.write(e.arg)})`, at: e.start }] : []),
        ...of(e.arg),
      ];
    }
    case "chain": {
      const own = e.parts.flatMap((p) => p.kind === "call" ? p.args.filter((a) => typeof a !== "string") : []);
      return [...(typeof e.base === "string" ? [] : of(e.base)), ...(intoArgs ? own.flatMap(of) : [])];
    }
    default:
      return [];
  }
}

/**
 * The arithmetic of `line`'s statement that holds `column` (1-based),
 * written with this project's calls (`code`), and the operators that had a
 * Tensor operand (`ops`): undefined when `column` is not in an expression
 * read whole, or nothing there is done to a Tensor.
 *
 * @example
 * ```ts
 * const said = translateArithmetic("  const d = -x.log() * n;", 13, noFacts());
 * said?.code; // "x.log().neg().mul(n)"
 * said?.ops.map((o) => o.op); // ["unary -", "*"]
 * ```
 */
export function translateArithmetic(
  line: string,
  column: number,
  facts: Facts,
): { code: string; ops: TensorOp[] } | undefined {
  for (const start of [expressionStart(line), enclosingStart(line, column - 1)]) {
    const whole = parseExpression(line, start);
    if (!whole || column - 1 < whole.start || column - 1 >= whole.end) continue;
    const types = new Typing(facts, whole);
    const writer = new Writer(line, types);
    // The outermost expression with an operator on a Tensor of its own: it writes its arguments' too.
    const root = arithmeticPath(whole, column - 1).find((e) => tensorOps(e, types, writer).length > 0);
    if (!root) continue;
    const ops = tensorOps(root, types, writer, true);
    const code = writer.write(root);
    // A function of the operands is the other way to write one operation, not a part of a longer expression.
    const alone = ops.length === 1 && (root.kind === "binary" || root.kind === "unary" && root.op === "-");
    return { code, ops: alone ? ops : ops.map((o) => ({ ...o, asFunction: code })) };
  }
  return undefined;
}
