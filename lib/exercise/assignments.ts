/**
 * Where a learner's file assigns its gradients, read with a JavaScript and
 * TypeScript parser (Babel's: pure JavaScript, it needs no permission in
 * Deno and runs in an exercise page's worker alike), so that the statement
 * a hook wraps ends where the language ends it: a line without a `;` ends
 * where automatic semicolon insertion ends it, however the next line starts
 * (`console.log(…)`, a comment), and goes on when the next line continues
 * it (`(`, `[`, a template literal, `- x`).
 *
 * Not TypeScript's parser, nor Lezer's: both read environment variables
 * when they load (`process.env`), which `deno task exercise` and a plain
 * `deno test` are not allowed.
 *
 * An assignment is a statement that assigns one gradient (`const dh = …`,
 * `dh = …`) or several through a pattern (`const { dx: dh, dw: dW2 } = …`,
 * `[dh, dW2] = …`): each gradient with the path to its value in the
 * expression's value (`["dx"]`, `[1]`).
 *
 * @example
 * ```ts
 * import { gradientAssignments } from "./assignments.ts";
 * const [a] = gradientAssignments("const dh = f(x)\nconsole.log(dh)\n", ["dh"]);
 * [a.start, a.end, a.semicolon]; // [11, 15, 15]: `f(x)`, and ASI's `;` after it
 * a.targets; // [{ name: "dh", line: 1, path: [] }]
 * ```
 * @module
 */

import { parse } from "@babel/parser";

/** A node of the parser's tree, as far as it is read here. */
interface Node {
  type: string;
  start: number;
  end: number;
  loc: { start: { line: number } };
  [key: string]: unknown;
}

/** A gradient an assignment gives a value: its name, the line of its name, where its value is in the expression's. */
export interface Target {
  name: string;
  line: number;
  /** The keys from the expression's value to the gradient's (empty: the value itself). */
  path: (string | number)[];
}

/** One statement that assigns gradients. */
export interface Assignment {
  /** Where its expression (the right of `=`) starts and ends in the source. */
  start: number;
  end: number;
  /** Where automatic semicolon insertion ended the statement (no `;` written), or undefined. */
  semicolon?: number;
  /** Whether the expression awaits or yields (outside any function of its own). */
  awaits: boolean;
  /** Whether it assigns through a pattern (`{ dx: dh } = …`) rather than to one name. */
  pattern: boolean;
  /** The gradients it assigns. */
  targets: Target[];
}

const isNode = (x: unknown): x is Node => typeof x === "object" && x !== null && typeof (x as Node).type === "string";

/** The nodes right under `node` (comments and positions aside). */
function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "extra" || key.endsWith("Comments")) continue;
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) out.push(...value.filter(isNode));
  }
  return out;
}

/** A property's key (`dx`, `"d x"`, `1`), or undefined for a computed one. */
function keyOf(property: Node): string | undefined {
  const key = property.key as Node;
  if (property.computed) return undefined;
  if (key.type === "Identifier") return key.name as string;
  if (key.type === "StringLiteral" || key.type === "NumericLiteral") return String(key.value);
  return undefined;
}

/** The gradients `names` a pattern binds, each with its path (a rest element, or a computed key, leaves its names out). */
function patternTargets(node: Node | null, names: Set<string>, path: Target["path"] = []): Target[] {
  if (!node) return [];
  if (node.type === "Identifier") {
    const name = node.name as string;
    return names.has(name) ? [{ name, line: node.loc.start.line, path }] : [];
  }
  if (node.type === "AssignmentPattern") return patternTargets(node.left as Node, names, path); // `{ dx: dh = x }`
  if (node.type === "ObjectPattern") {
    return (node.properties as Node[]).flatMap((p) => {
      const key = p.type === "ObjectProperty" ? keyOf(p) : undefined;
      return key === undefined ? [] : patternTargets(p.value as Node, names, [...path, key]);
    });
  }
  if (node.type === "ArrayPattern") {
    return (node.elements as (Node | null)[]).flatMap((e, i) =>
      e?.type === "RestElement" ? [] : patternTargets(e, names, [...path, i])
    );
  }
  return [];
}

const FUNCTION = /Function|Method|^Class/;

/** Whether `node` awaits or yields outside any function of its own. */
function awaitsIn(node: Node): boolean {
  if (node.type === "AwaitExpression" || node.type === "YieldExpression") return true;
  if (FUNCTION.test(node.type)) return false;
  return childrenOf(node).some(awaitsIn);
}

/** The [target, expression] pairs of a statement: its declarations, or its assignment. */
function pairsOf(statement: Node): [Node, Node][] {
  if (statement.type === "VariableDeclaration") {
    return (statement.declarations as Node[]).flatMap((d) => d.init ? [[d.id as Node, d.init as Node]] : []);
  }
  const e = statement.expression as Node;
  return e.type === "AssignmentExpression" && e.operator === "=" ? [[e.left as Node, e.right as Node]] : [];
}

/** The assignments of gradients `names` a statement makes; `source` is the file's text. */
function assignmentsOf(statement: Node, names: Set<string>, source: string): Assignment[] {
  const semicolon = source[statement.end - 1] === ";" ? undefined : statement.end;
  return pairsOf(statement).flatMap(([target, expression]) => {
    const targets = patternTargets(target, names);
    if (targets.length === 0) return [];
    const pattern = target.type !== "Identifier";
    return [{
      start: expression.start,
      end: expression.end,
      semicolon,
      awaits: awaitsIn(expression),
      pattern,
      targets,
    }];
  });
}

/** The statements of the tree under `node` that may assign (a loop's `let` aside: it is no statement of its own). */
function statementsUnder(node: Node, out: Node[] = []): Node[] {
  for (const child of childrenOf(node)) {
    const loopHead = /^For/.test(node.type) && (child === node.init || child === node.left);
    if ((child.type === "VariableDeclaration" && !loopHead) || child.type === "ExpressionStatement") out.push(child);
    statementsUnder(child, out);
  }
  return out;
}

/**
 * Every statement of `source` that assigns one of the gradients `names`,
 * in the order of the source (see the module doc); none when the source
 * does not parse (it is run as it is, and its error is Deno's).
 *
 * @example
 * ```ts
 * const [a] = gradientAssignments("const { dx: dh, db } = f();\n", ["dh", "db"]);
 * a.targets.map((t) => t.path); // [["dx"], ["db"]]
 * a.semicolon; // undefined: the statement has its `;`
 * gradientAssignments("const dh = f(;\n", ["dh"]); // []
 * ```
 */
export function gradientAssignments(source: string, names: string[]): Assignment[] {
  let file: Node;
  try {
    file = parse(source, { sourceType: "module", plugins: ["typescript"], errorRecovery: true }) as unknown as Node;
  } catch {
    return [];
  }
  const wanted = new Set(names);
  return statementsUnder(file).flatMap((s) => assignmentsOf(s, wanted, source)).sort((a, b) => a.start - b.start);
}
