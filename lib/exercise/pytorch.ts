/**
 * The lecture's PyTorch, as this project writes it: the habits a learner
 * brings from the lecture's notebook (`a @ b`, `keepdim=True`,
 * `dlogprobs[range(n), Yb] = -1/n`, `torch.zeros_like`, …) beside what to
 * write here. `deno task exercise --api` prints the table under the API
 * card, and errors.ts quotes it when TypeScript rejects one of them. A test
 * checks that every operation it names is in lib/tensor.ts.
 *
 * No `Deno` API: a browser page can show the table too.
 *
 * @example
 * ```ts
 * import { FROM_PYTORCH, pytorchName } from "./pytorch.ts";
 * FROM_PYTORCH.find((t) => t.pytorch === "a @ b")?.here; // "a.matmul(b)"
 * pytorchName("F", "one_hot"); // "oneHot(Yb, numClasses)"
 * ```
 * @module
 */

/** One habit from the lecture's notebook and how it is written here. */
export interface Translation {
  /** How the lecture writes it. */
  pytorch: string;
  /** How this project writes it. */
  here: string;
}

/**
 * The lecture's habits and what to write instead, in the order a learner
 * meets them in the exercises.
 *
 * @example
 * ```ts
 * FROM_PYTORCH.map((t) => `${t.pytorch} → ${t.here}`)[0]; // "a * b, a + b, a - b, a / b → a.mul(b), a.add(b), a.sub(b), a.div(b)"
 * ```
 */
export const FROM_PYTORCH: readonly Translation[] = [
  { pytorch: "a * b, a + b, a - b, a / b", here: "a.mul(b), a.add(b), a.sub(b), a.div(b)" },
  { pytorch: "x**2, -x, 1 - x", here: "x.pow(2), x.neg(), sub(1, x)" },
  { pytorch: "a + b * c, (a + b) * c", here: "a.add(b.mul(c)), a.add(b).mul(c) (PyTorch's precedence, every operand)" },
  { pytorch: "a @ b", here: "a.matmul(b)" },
  { pytorch: "x.T", here: "x.T (of a matrix; a vector has nothing to transpose)" },
  { pytorch: "x.sum(1, keepdim=True)", here: "x.sum(1, true) (arguments go by position)" },
  { pytorch: "x.max(1, keepdim=True).values", here: "x.max(1, true).values" },
  { pytorch: "x.view(n, -1)", here: "x.reshape([n, -1])" },
  { pytorch: "x[i, j], x[i][j]", here: "x.data[i * cols + j] (x.at(i, j) reads it)" },
  { pytorch: "logprobs[range(n), Yb]", here: "logprobs.pickPerRow(Yb)" },
  { pytorch: "d[range(n), Yb] = v", here: "d = oneHot(Yb, cols).mul(v)" },
  { pytorch: "C[Xb]", here: "C.gatherRows(Xb)" },
  { pytorch: "the dC loop over Xb[k, j]", here: "dC = zeros(C.shape).scatterAddRows(Xb, demb)" },
  { pytorch: "torch.zeros_like(x)", here: "zeros(x.shape)" },
  { pytorch: "F.one_hot(Yb, 27)", here: "oneHot(Yb, 27)" },
  { pytorch: "x.grad", here: "dx, your own: there is no autograd here" },
];

/**
 * What PyTorch's `torch.X` and `F.X` (`torch.nn.functional`) are here, by
 * module and name.
 */
const NAMES: Record<string, Record<string, string>> = {
  torch: {
    zeros: "zeros(shape)",
    zeros_like: "zeros(x.shape)",
    ones: "ones(shape)",
    ones_like: "ones(x.shape)",
    tensor: "tensor(values)",
    exp: "x.exp()",
    log: "x.log()",
    tanh: "x.tanh()",
    sum: "x.sum(axis, keepdim)",
    mean: "x.mean(axis, keepdim)",
    max: "x.max(axis, keepdim)",
    var: "x.variance(axis, keepdim)",
    matmul: "a.matmul(b)",
    softmax: "x.softmax(axis)",
    transpose: "x.T",
    arange: "a loop, for (let i = 0; i < n; i++)",
  },
  F: {
    one_hot: "oneHot(Yb, numClasses)",
    softmax: "x.softmax(axis)",
    tanh: "x.tanh()",
  },
};

/**
 * What to write here for PyTorch's `module.name` (`torch.zeros_like`,
 * `F.one_hot`), or undefined when there is no one thing.
 *
 * @example
 * ```ts
 * pytorchName("torch", "zeros_like"); // "zeros(x.shape)"
 * pytorchName("F", "cross_entropy"); // undefined
 * ```
 */
export function pytorchName(module: string, name: string): string | undefined {
  return Object.hasOwn(NAMES, module) && Object.hasOwn(NAMES[module], name) ? NAMES[module][name] : undefined;
}

/**
 * Every `here` of {@linkcode FROM_PYTORCH} and of the `torch.`/`F.` names,
 * for the test that each names operations lib/tensor.ts has.
 *
 * @example
 * ```ts
 * everyTranslation().includes("zeros(x.shape)"); // true
 * ```
 */
export function everyTranslation(): string[] {
  return [...FROM_PYTORCH.map((t) => t.here), ...Object.values(NAMES).flatMap((m) => Object.values(m))];
}

/**
 * The table as text for the whole API card: the lecture's line, then this
 * project's, one habit a line.
 *
 * @example
 * ```ts
 * pytorchCard().split("\n")[0]; // "From the lecture's PyTorch:"
 * ```
 */
export function pytorchCard(): string {
  const width = Math.max(...FROM_PYTORCH.map((t) => t.pytorch.length)) + 2;
  return [
    "From the lecture's PyTorch:",
    "",
    ...FROM_PYTORCH.map((t) => `    ${t.pytorch.padEnd(width)}${t.here}`),
  ].join("\n");
}
