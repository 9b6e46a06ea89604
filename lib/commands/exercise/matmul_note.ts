/**
 * A matrix product whose inner sizes do not match, thrown: `dlogits.matmul(W2)`
 * with dlogits `[32, 27]` and W2 `[64, 27]` throws "Cannot matmul [32, 27] by
 * [64, 27]: inner dimensions 27 and 64 must match". The usual cause in a
 * backward pass is a factor that wants its transpose; this names, with the
 * learner's own operands, each product of the two (one or the other
 * transposed, or the two swapped) whose sizes do fit, and its shape.
 *
 * @example
 * ```ts
 * import { matmulNote } from "./matmul_note.ts";
 * matmulNote(
 *   "Cannot matmul [32, 27] by [64, 27]: inner dimensions 27 and 64 must match",
 *   "  const dh = dlogits.matmul(W2); // [n, 64]",
 * ); // "dlogits is [32, 27] and W2 is [64, 27]: … dlogits.matmul(W2.T), [32, 64] …"
 * ```
 * @module
 */

/** The two factors of the first product in `statement`: `a.matmul(b)` or `matmul(a, b)`, as written. */
function factorsOf(statement: string): [string, string] | undefined {
  const operand = String.raw`[\w$.]+(?:\([^()]*\))?(?:\.T)?`;
  const method = new RegExp(String.raw`(${operand})\.matmul\(\s*(${operand})\s*\)`).exec(statement);
  if (method) return [method[1], method[2]];
  const call = new RegExp(String.raw`\bmatmul\(\s*(${operand})\s*,\s*(${operand})\s*\)`).exec(statement);
  return call ? [call[1], call[2]] : undefined;
}

/** `x` transposed as it would be written: `W2.T` for `W2`, `h` for `h.T`. */
const transposed = (x: string) => x.endsWith(".T") ? x.slice(0, -2) : `${x}.T`;

/**
 * What to add to a thrown `message` of a product whose inner sizes do not
 * match, on the line `statement`; undefined when the message is another.
 */
export function matmulNote(message: string, statement: string): string | undefined {
  const m = /^Cannot matmul \[(\d+), (\d+)\] by \[(\d+), (\d+)\]: inner dimensions/.exec(message);
  if (!m) return undefined;
  const [p, q, r, s] = m.slice(1).map(Number);
  const [a, b] = factorsOf(statement) ?? ["a", "b"];
  const fits: string[] = [];
  if (q === s) fits.push(`${a}.matmul(${transposed(b)}), [${p}, ${r}]`);
  if (p === r) fits.push(`${transposed(a)}.matmul(${b}), [${q}, ${s}]`);
  if (s === p) fits.push(`${b}.matmul(${a}), [${r}, ${q}]`);
  const shapes = `${a} is [${p}, ${q}] and ${b} is [${r}, ${s}]: the inner sizes, ${q} and ${r}, must be equal.`;
  if (fits.length === 0) return `${shapes} No transpose of either makes them fit: check which tensors the line uses.`;
  return `${shapes} What fits: ${fits.join("; ")}. In a backward pass the product that has the gradient's shape ` +
    `is the one (a transpose is .T).`;
}
