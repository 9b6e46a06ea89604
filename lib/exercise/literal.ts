/**
 * A gradient written as a plain number, `const dhpreact = 0;`: TypeScript
 * reports it only where the number is used as a Tensor, and no operator made
 * it, so the advice is the tensor the number stands for, of the forward
 * tensor's shape.
 *
 * @example
 * ```ts
 * import { numberLiteralAdvice } from "./literal.ts";
 * numberLiteralAdvice("dhpreact", ["  const dhpreact = 0; // [n, 64]"]);
 * // "dhpreact is 0, a number, not a Tensor: a gradient of zeros is zeros(hpreact.shape)"
 * ```
 * @module
 */

/** A number as written: `0`, `-0.5`, `1e-5`. */
const NUMBER = String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;

/** The tensor a gradient of `value` everywhere is, for the forward tensor `of`. */
function tensorOf(value: string, of: string): string {
  return Number(value) === 0
    ? `a gradient of zeros is zeros(${of}.shape)`
    : `a gradient of ${value} everywhere is mul(ones(${of}.shape), ${value})`;
}

/**
 * What to say when `name`, used where a Tensor belongs, is a number literal
 * in `lines`: declared as one (`const dhpreact = 0;`), or the literal itself
 * (a notebook cell's `() => 0` in `let dhpreact = check(…)`); undefined when
 * it is not a literal (then an operator made the number).
 *
 * @example
 * ```ts
 * numberLiteralAdvice("0", ['let dW2 = check("dW2", () => 0);']);
 * // "0 is a number, not a Tensor: a gradient of zeros is zeros(W2.shape)"
 * numberLiteralAdvice("dh", ["const dh = dlogits * W2;"]); // undefined
 * ```
 */
export function numberLiteralAdvice(name: string, lines: readonly string[]): string | undefined {
  if (new RegExp(`^${NUMBER}$`).test(name)) {
    const gradient = lines.map((l) => l.match(/\b(?:const|let|var)\s+d([\w$]+)\s*=/)?.[1]).find((g) => g);
    return gradient && `${name} is a number, not a Tensor: ${tensorOf(name, gradient)}`;
  }
  // `const dhpreact = 0;`, or a notebook cell's `() => 0` as its check puts it in the stub: `const dhpreact: Tensor = (() => 0)();`
  const declared = new RegExp(
    `^\\s*(?:const|let|var)\\s+${name}\\s*(?::\\s*\\w+\\s*)?=\\s*(?:(${NUMBER})|\\(\\(\\)\\s*=>\\s*(${NUMBER})\\)\\(\\))\\s*;?\\s*(?://.*)?$`,
  );
  const value = lines.map((l) => l.match(declared)).map((m) => m?.[1] ?? m?.[2]).find((v) => v !== undefined);
  const of = name.match(/^d([\w$]+)$/)?.[1];
  return value !== undefined && of ? `${name} is ${value}, a number, not a Tensor: ${tensorOf(value, of)}` : undefined;
}
