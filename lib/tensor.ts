/**
 * A small tensor module: float32 numbers in a flat `Float32Array` with a
 * shape, and the operations the lecture's forward and backward passes use.
 *
 * Every operation is a plain loop a learner can follow. Results are computed
 * in float64 (JavaScript's numbers) and stored as float32, the lecture's
 * dtype; sums accumulate in float64 and round once at the end. The loops of
 * `matmul` and of the elementwise operations are arranged for speed (each
 * says how), and add the same numbers in the same order as the plain loop,
 * so they give its results bit for bit (tensor_test.ts compares them). A shape that
 * does not fit throws a `TypeError` naming the operation and the shapes.
 *
 * Each operation is a function, and those PyTorch has as tensor methods are
 * methods too, named alike: `x.matmul(w).add(b)` is `add(matmul(x, w), b)`,
 * the lecture's `x @ w + b`, read left to right. The method calls the
 * function, so both give the same numbers. A number has no methods: the
 * lecture's `-0.5 * x` is `mul(-0.5, x)` (or `x.mul(-0.5)`).
 *
 * @example
 * ```ts
 * import { add, matmul, tensor } from "./tensor.ts";
 * const x = tensor([[1, 2], [3, 4]]); // [2, 2]
 * const w = tensor([[1], [1]]); // [2, 1]
 * const b = tensor([10]); // [1]
 * x.matmul(w).add(b).data; // Float32Array [13, 17]
 * add(matmul(x, w), b).data; // the same, as functions
 * ```
 * @module
 */

/** A shape: the size of each axis, outermost first. */
export type Shape = readonly number[];

/** Nested arrays of numbers, as `tensor()` accepts them. */
export type Nested = number | readonly Nested[];

/**
 * Formats a shape as the lecture prints it: `[32, 27]`.
 *
 * @example
 * ```ts
 * formatShape([32, 27]); // "[32, 27]"
 * ```
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/**
 * How many numbers a tensor of this shape holds.
 *
 * @example
 * ```ts
 * sizeOf([32, 3, 10]); // 960
 * ```
 */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides: how far apart neighbours along each axis are. */
function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * A float32 tensor: a flat row-major `data` array and a `shape`. Entry
 * `[i, j]` of a `[rows, cols]` tensor is `data[i * cols + j]`.
 *
 * @example
 * ```ts
 * const t = new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * t.at(1, 0); // 3
 * t.data[1 * 2 + 0]; // 3, the same entry
 * t.sub(1).pow(2).sum().item(); // 14: Σ (t − 1)²
 * ```
 */
export class Tensor {
  /** The numbers, row-major. */
  readonly data: Float32Array;
  /** The size of each axis. */
  readonly shape: Shape;

  /**
   * Wraps `data` (not copied) with `shape`.
   *
   * @example
   * ```ts
   * const t = new Tensor(new Float32Array(6), [2, 3]);
   * ```
   */
  constructor(data: Float32Array, shape: Shape) {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new TypeError(`Cannot make a tensor of shape ${formatShape(shape)}: sizes must be whole numbers ≥ 0`);
      }
    }
    if (data.length !== sizeOf(shape)) {
      throw new TypeError(
        `Cannot make a tensor of shape ${formatShape(shape)} from ${data.length} numbers: it needs ${sizeOf(shape)}`,
      );
    }
    this.data = data;
    this.shape = [...shape];
  }

  /** How many numbers the tensor holds. */
  get size(): number {
    return this.data.length;
  }

  /**
   * The number at a position.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).at(1, 0); // 3
   * ```
   */
  at(...index: number[]): number {
    if (index.length !== this.shape.length) {
      throw new TypeError(`Cannot index a tensor of shape ${formatShape(this.shape)} with ${index.length} indices`);
    }
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) {
      const i = index[axis];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[axis]) {
        throw new RangeError(`Index ${i} is out of range for axis ${axis} of size ${this.shape[axis]}`);
      }
      offset = offset * this.shape[axis] + i;
    }
    return this.data[offset];
  }

  /**
   * The only number of a one-element tensor (PyTorch's `.item()`).
   *
   * @example
   * ```ts
   * tensor(3.5).item(); // 3.5
   * ```
   */
  item(): number {
    if (this.size !== 1) {
      throw new TypeError(
        `Cannot take item() of a tensor of shape ${formatShape(this.shape)}: it must hold one number`,
      );
    }
    return this.data[0];
  }

  /**
   * The numbers as nested arrays.
   *
   * @example
   * ```ts
   * tensor([[1, 2]]).toNested(); // [[1, 2]]
   * ```
   */
  toNested(): Nested {
    const build = (axis: number, offset: number): Nested => {
      if (axis === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  // -------------------------------------------------------------------------
  // The operations as methods, so a formula reads left to right as the
  // lecture's does: `a.sub(b).pow(2)` is `(a - b)**2`. Each calls the
  // function of the same name below; there is one implementation.

  /**
   * Elementwise `this + b`, with broadcasting; `b` may be a number. Same as {@linkcode add}.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).add(tensor([10, 20])).data; // [11, 22, 13, 24]
   * ```
   */
  add(b: Tensor | number): Tensor {
    return add(this, b);
  }

  /**
   * Elementwise `this - b`, with broadcasting; `b` may be a number. Same as {@linkcode sub}.
   *
   * @example
   * ```ts
   * tensor([3, 5]).sub(1).data; // [2, 4]
   * ```
   */
  sub(b: Tensor | number): Tensor {
    return sub(this, b);
  }

  /**
   * Elementwise `this * b`, with broadcasting; `b` may be a number. Same as {@linkcode mul}.
   *
   * @example
   * ```ts
   * tensor([1, 2]).mul(3).data; // [3, 6]
   * ```
   */
  mul(b: Tensor | number): Tensor {
    return mul(this, b);
  }

  /**
   * Elementwise `this / b`, with broadcasting; `b` may be a number. Same as {@linkcode div}.
   *
   * @example
   * ```ts
   * tensor([1, 2]).div(2).data; // [0.5, 1]
   * ```
   */
  div(b: Tensor | number): Tensor {
    return div(this, b);
  }

  /**
   * Elementwise `this ** exponent`. Same as {@linkcode pow}.
   *
   * @example
   * ```ts
   * tensor([4]).pow(-0.5).item(); // 0.5
   * ```
   */
  pow(exponent: number): Tensor {
    return pow(this, exponent);
  }

  /**
   * Elementwise `-this`. Same as {@linkcode neg}.
   *
   * @example
   * ```ts
   * tensor([1, -2]).neg().data; // [-1, 2]
   * ```
   */
  neg(): Tensor {
    return neg(this);
  }

  /**
   * Elementwise `e ** this`. Same as {@linkcode exp}.
   *
   * @example
   * ```ts
   * tensor([0]).exp().item(); // 1
   * ```
   */
  exp(): Tensor {
    return exp(this);
  }

  /**
   * Elementwise natural logarithm. Same as {@linkcode log}.
   *
   * @example
   * ```ts
   * tensor([1]).log().item(); // 0
   * ```
   */
  log(): Tensor {
    return log(this);
  }

  /**
   * Elementwise hyperbolic tangent. Same as {@linkcode tanh}.
   *
   * @example
   * ```ts
   * tensor([0]).tanh().item(); // 0
   * ```
   */
  tanh(): Tensor {
    return tanh(this);
  }

  /**
   * The sum over `axis`, keeping it as size 1 if `keepdim`; of everything without an axis. Same as {@linkcode sum}.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).sum(0, true).toNested(); // [[4, 6]]
   * ```
   */
  sum(axis?: number, keepdim = false): Tensor {
    return sum(this, axis, keepdim);
  }

  /**
   * The mean over `axis`, keeping it as size 1 if `keepdim`; of everything without an axis. Same as {@linkcode mean}.
   *
   * @example
   * ```ts
   * tensor([1, 2, 3, 6]).mean().item(); // 3
   * ```
   */
  mean(axis?: number, keepdim = false): Tensor {
    return mean(this, axis, keepdim);
  }

  /**
   * The variance over `axis`, dividing by its size minus `correction` (1: Bessel's). Same as {@linkcode variance}.
   *
   * @example
   * ```ts
   * tensor([1, 2, 3, 4]).variance(0).item(); // 1.6666666269302368
   * ```
   */
  variance(axis: number, keepdim = false, correction = 1): Tensor {
    return variance(this, axis, keepdim, correction);
  }

  /**
   * The largest value over `axis` (`.values`) and where it is (`.indices`). Same as {@linkcode max}.
   *
   * @example
   * ```ts
   * const logitMaxes = tensor([[1, 5], [7, 2]]).max(1, true).values; // [[5], [7]]
   * ```
   */
  max(axis: number, keepdim = false): MaxResult {
    return max(this, axis, keepdim);
  }

  /**
   * Softmax over `axis` (the last by default). Same as {@linkcode softmax}.
   *
   * @example
   * ```ts
   * tensor([[0, 0]]).softmax(1).toNested(); // [[0.5, 0.5]]
   * ```
   */
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }

  /**
   * The matrix product `this @ b`, `[n, k]` by `[k, m]` giving `[n, m]`. Same as {@linkcode matmul}.
   *
   * @example
   * ```ts
   * tensor([[1, 2]]).matmul(tensor([[3], [4]])).item(); // 11
   * ```
   */
  matmul(b: Tensor): Tensor {
    return matmul(this, b);
  }

  /**
   * The transpose of a matrix, a copy. Same as {@linkcode transpose} and {@linkcode Tensor.T}.
   *
   * @example
   * ```ts
   * tensor([[1, 2, 3]]).transpose().shape; // [3, 1]
   * ```
   */
  transpose(): Tensor {
    return transpose(this);
  }

  /**
   * The transpose of a matrix, as PyTorch's `t.T`: `h.T.matmul(dlogits)`. Same as {@linkcode transpose}.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).T.toNested(); // [[1, 3], [2, 4]]
   * ```
   */
  get T(): Tensor {
    return transpose(this);
  }

  /**
   * The same numbers with another shape, sharing the data (PyTorch's `view`); one size may be -1. Same as
   * {@linkcode reshape}.
   *
   * @example
   * ```ts
   * zeros([32, 3, 10]).reshape([32, -1]).shape; // [32, 30]
   * ```
   */
  reshape(shape: Shape): Tensor {
    return reshape(this, shape);
  }

  /**
   * A copy that shares nothing with this tensor. Same as {@linkcode clone}.
   *
   * @example
   * ```ts
   * const dlogits = ones([2, 3]).clone();
   * ```
   */
  clone(): Tensor {
    return clone(this);
  }

  /**
   * This gradient summed back to the shape of an input that was broadcast. Same as {@linkcode sumToShape}.
   *
   * @example
   * ```ts
   * ones([32, 27]).sumToShape([27]).data[0]; // 32
   * ```
   */
  sumToShape(shape: Shape): Tensor {
    return sumToShape(this, shape);
  }

  /**
   * The rows of this table at `indices`: `C[Xb]`, `[V, D]` at `[...]` giving `[..., D]`. Same as
   * {@linkcode gatherRows}.
   *
   * @example
   * ```ts
   * tensor([[0, 0], [1, 1], [2, 2]]).gatherRows(indexTensor([2, 0], [2])).toNested(); // [[2, 2], [0, 0]]
   * ```
   */
  gatherRows(indices: IndexTensor): Tensor {
    return gatherRows(this, indices);
  }

  /**
   * Adds each row of `src` to the row of this table that `indices` names, in place; a row named twice gets both. Same
   * as {@linkcode scatterAddRows}.
   *
   * @example
   * ```ts
   * zeros([3, 1]).scatterAddRows(indexTensor([1, 1], [2]), tensor([[2], [3]])).toNested(); // [[0], [5], [0]]
   * ```
   */
  scatterAddRows(indices: IndexTensor, src: Tensor): Tensor {
    return scatterAddRows(this, indices, src);
  }

  /**
   * One entry per row: `t[range(n), idx]` for a `[n, k]` tensor, giving `[n]`. Same as {@linkcode pickPerRow}.
   *
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).pickPerRow(indexTensor([1, 0], [2])).data; // [2, 3]
   * ```
   */
  pickPerRow(indices: IndexTensor): Tensor {
    return pickPerRow(this, indices);
  }
}

/**
 * Integer indices with a shape, like the lecture's `Xb` (`[32, 3]`) and `Yb` (`[32]`), laid out as a Tensor is:
 * `Xb[k, j]` is `Xb.data[k * 3 + j]`.
 *
 * @example
 * ```ts
 * const Xb: IndexTensor = indexTensor([0, 0, 5, 0, 5, 13], [2, 3]);
 * Xb.data[1 * 3 + 2]; // 13, the entry [1, 2]
 * ```
 */
export interface IndexTensor {
  /** The indices, row-major. */
  readonly data: Int32Array;
  /** The size of each axis. */
  readonly shape: Shape;
}

/**
 * Makes an index tensor, checking that the shape fits.
 *
 * @example
 * ```ts
 * const Yb = indexTensor([1, 0, 2], [3]);
 * ```
 */
export function indexTensor(data: ArrayLike<number>, shape: Shape): IndexTensor {
  if (data.length !== sizeOf(shape)) {
    throw new TypeError(`Cannot make an index tensor of shape ${formatShape(shape)} from ${data.length} indices`);
  }
  return { data: Int32Array.from(data), shape: [...shape] };
}

// ---------------------------------------------------------------------------
// Creation

/**
 * A tensor from a number or nested arrays; the shape is read off the nesting.
 *
 * @example
 * ```ts
 * tensor([[1, 2, 3], [4, 5, 6]]).shape; // [2, 3]
 * ```
 */
export function tensor(values: Nested): Tensor {
  // The shape: follow the first element down until a number is reached.
  const shape: number[] = [];
  for (let probe: Nested = values; Array.isArray(probe); probe = probe[0] ?? 0) shape.push(probe.length);
  // The numbers, row-major; every row must have the length the first one had.
  const flat: number[] = [];
  const walk = (v: Nested, axis: number): void => {
    if (axis === shape.length) {
      if (typeof v !== "number") {
        throw new TypeError(`Cannot make a tensor from ragged nested arrays of shape ${formatShape(shape)}`);
      }
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new TypeError(
        `Cannot make a tensor from ragged nested arrays: the first row suggests shape ${formatShape(shape)}`,
      );
    }
    for (const item of v) walk(item, axis + 1);
  };
  walk(values, 0);
  return new Tensor(Float32Array.from(flat), shape);
}

/**
 * A tensor of the given shape from a flat list of numbers.
 *
 * @example
 * ```ts
 * fromArray([1, 2, 3, 4, 5, 6], [2, 3]);
 * ```
 */
export function fromArray(values: ArrayLike<number>, shape: Shape): Tensor {
  return new Tensor(Float32Array.from(values), shape);
}

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * zeros([2, 3]).data; // Float32Array(6) [0, 0, 0, 0, 0, 0]
 * ```
 */
export function zeros(shape: Shape): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * ones([2]).data; // Float32Array(2) [1, 1]
 * ```
 */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/**
 * A tensor filled with one value.
 *
 * @example
 * ```ts
 * full([2], 7).data; // Float32Array(2) [7, 7]
 * ```
 */
export function full(shape: Shape, value: number): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

/**
 * Zeros with the shape of `t`, PyTorch's `torch.zeros_like`.
 *
 * @example
 * ```ts
 * zerosLike(ones([3])).data; // Float32Array(3) [0, 0, 0]
 * ```
 */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape);
}

/**
 * A copy that shares nothing with `t`.
 *
 * @example
 * ```ts
 * const copy = clone(ones([2]));
 * ```
 */
export function clone(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape);
}

// ---------------------------------------------------------------------------
// Shape

/**
 * The same numbers with another shape (PyTorch's `view`; the data is shared).
 * One size may be -1, meaning "whatever is left".
 *
 * @example
 * ```ts
 * reshape(zeros([32, 3, 10]), [32, -1]).shape; // [32, 30]
 * ```
 */
export function reshape(t: Tensor, shape: Shape): Tensor {
  const free = shape.indexOf(-1);
  let resolved = [...shape];
  if (free !== -1) {
    const known = sizeOf(shape.filter((_, i) => i !== free));
    if (known === 0 || t.size % known !== 0) {
      throw new TypeError(
        `Cannot reshape ${formatShape(t.shape)} to ${formatShape(shape)}: ${t.size} numbers do not divide into it`,
      );
    }
    resolved = shape.map((d, i) => (i === free ? t.size / known : d));
  }
  if (sizeOf(resolved) !== t.size) {
    throw new TypeError(
      `Cannot reshape ${formatShape(t.shape)} to ${formatShape(shape)}: ${t.size} numbers cannot fill ${
        sizeOf(resolved)
      }`,
    );
  }
  return new Tensor(t.data, resolved);
}

/** Why a shape that is not a matrix's has no transpose, and what to write instead. */
function cannotTranspose(shape: Shape): string {
  const head = `Cannot transpose ${formatShape(shape)}: .T and transpose() take a matrix [rows, cols]`;
  if (shape.length === 1) {
    return `${head}, and a vector has nothing to transpose (PyTorch's .T leaves it as it is): drop the .T, or ` +
      `reshape([${shape[0]}, 1]) for a column, reshape([1, ${shape[0]}]) for a row`;
  }
  return `${head}, and this has ${shape.length} axes: reshape it to a matrix first, e.g. reshape([${
    shape.slice(0, -1).join(" * ") || 1
  }, ${shape.at(-1) ?? 1}])`;
}

/**
 * The transpose of a matrix, `t.T`.
 *
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3]])).shape; // [3, 1]
 * ```
 */
export function transpose(t: Tensor): Tensor {
  if (t.shape.length !== 2) throw new TypeError(cannotTranspose(t.shape));
  const [rows, cols] = t.shape;
  const out = zeros([cols, rows]); // [cols, rows]
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out.data[j * rows + i] = t.data[i * cols + j];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Matrix product

/**
 * The matrix product `a @ b` of `[n, k]` by `[k, m]`, giving `[n, m]`.
 *
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).item(); // 11
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new TypeError(`Cannot matmul ${formatShape(a.shape)} by ${formatShape(b.shape)}: both must be matrices`);
  }
  const [n, k] = a.shape;
  const [k2, m] = b.shape;
  if (k !== k2) {
    throw new TypeError(
      `Cannot matmul ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${k} and ${k2} must match`,
    );
  }
  const out = zeros([n, m]); // [n, m]
  // out[i, j] = Σ_p a[i, p] · b[p, j], summed in float64 over p = 0, 1, … k-1 and rounded once to float32. The loops
  // run over p before j: `sums` holds the running sums of all of out's row i at once, so the innermost loop reads b
  // along its rows, where its numbers lie side by side (down b's columns, m numbers apart, is several times slower),
  // and it takes eight rows of b at a time, to go through `sums` an eighth as often. Each sum still adds the same
  // terms in the same order (JavaScript adds left to right), so the result is what the plain Σ_p loop gives.
  const [x, y] = [a.data, b.data];
  const sums = new Float64Array(m); // [m]
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    let p = 0;
    for (; p + 8 <= k; p += 8) {
      const q = i * k + p; // where a[i, p] is; a[i, p + 1] … a[i, p + 7] follow it
      const a0 = x[q], a1 = x[q + 1], a2 = x[q + 2], a3 = x[q + 3];
      const a4 = x[q + 4], a5 = x[q + 5], a6 = x[q + 6], a7 = x[q + 7];
      const r0 = p * m, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m; // where rows p … p + 7 of b start
      const r4 = r3 + m, r5 = r4 + m, r6 = r5 + m, r7 = r6 + m;
      for (let j = 0; j < m; j++) {
        sums[j] = sums[j] + a0 * y[r0 + j] + a1 * y[r1 + j] + a2 * y[r2 + j] + a3 * y[r3 + j] +
          a4 * y[r4 + j] + a5 * y[r5 + j] + a6 * y[r6 + j] + a7 * y[r7 + j];
      }
    }
    // The last rows of b, fewer than eight, one at a time.
    for (; p < k; p++) {
      const aip = x[i * k + p];
      for (let j = 0; j < m; j++) sums[j] += aip * y[p * m + j];
    }
    out.data.set(sums, i * m); // each rounded to float32
  }
  return out;
}

// ---------------------------------------------------------------------------
// Broadcasting

/**
 * The shape two shapes broadcast to, by NumPy's rule: align from the right;
 * each pair of sizes must be equal, or one of them 1.
 *
 * @example
 * ```ts
 * broadcastShapes([32, 27], [32, 1]); // [32, 27]
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape, op = "broadcast"): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = a[a.length - i] ?? 1;
    const db = b[b.length - i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new TypeError(
        `Cannot ${op} ${formatShape(a)} and ${formatShape(b)}: sizes ${da} and ${db} at axis ${
          rank - i
        } of the result neither match nor are 1`,
      );
    }
    out[rank - i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * How `shape` broadcasts to `outShape`, a row at a time (a row is the last axis): where each of the result's rows
 * starts in `shape`'s data, and how far apart its numbers are along the row. The step is 0 where `shape` has size 1
 * on the last axis (or no axis at all): every number of the row reads the same one.
 */
function broadcastRows(shape: Shape, outShape: Shape): { starts: Int32Array; step: number } {
  const rank = outShape.length;
  const shift = rank - shape.length;
  const own = stridesOf(shape);
  // The stride of each of the result's axes in `shape`'s data: 0 along an axis `shape` is copied along.
  const strides = outShape.map((_, axis) => (axis < shift || shape[axis - shift] === 1 ? 0 : own[axis - shift]));
  const starts = new Int32Array(sizeOf(outShape.slice(0, -1)));
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let row = 0; row < starts.length; row++) {
    let start = 0;
    for (let axis = 0; axis < rank - 1; axis++) start += index[axis] * strides[axis];
    starts[row] = start;
    // Count up the multi-index of the axes before the last, the last of them fastest.
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < outShape[axis]) break;
      index[axis] = 0;
    }
  }
  return { starts, step: rank === 0 ? 0 : strides[rank - 1] };
}

/**
 * One row of an elementwise operation: `out[o + k] = x[i + k · di] ∘ y[j + k · dj]` for `k < width`. Each operation
 * writes its own loop (see {@linkcode add}), rather than handing `binary` a function to call for each pair of numbers:
 * JavaScript compiles a loop that does one thing to far faster code (several times, for `add` on a `[32, 200]`).
 */
type RowLoop = (
  out: Float32Array,
  o: number,
  x: Float32Array,
  i: number,
  di: number,
  y: Float32Array,
  j: number,
  dj: number,
  width: number,
) => void;

/** Applies `loop` to each row of broadcast elements of `a` and `b` (see {@linkcode RowLoop}). */
function binary(op: string, a: Tensor, b: Tensor, loop: RowLoop): Tensor {
  const outShape = broadcastShapes(a.shape, b.shape, op);
  const out = zeros(outShape);
  // When each side is one number or has the result's shape (the common cases), the whole result is one row: element
  // k pairs with element k, or with the one number. Otherwise a row is the result's last axis.
  const whole = [a, b].every((t) => t.size === 1 || t.size === out.size);
  const rowShape = whole ? [out.size] : outShape;
  const width = rowShape.at(-1) ?? 1;
  const ra = broadcastRows(whole ? [a.size] : a.shape, rowShape);
  const rb = broadcastRows(whole ? [b.size] : b.shape, rowShape);
  for (let row = 0; row < ra.starts.length; row++) {
    loop(out.data, row * width, a.data, ra.starts[row], ra.step, b.data, rb.starts[row], rb.step, width);
  }
  return out;
}

/** A number becomes a one-element tensor of shape `[]` that broadcasts anywhere. */
function asTensor(x: Tensor | number): Tensor {
  return typeof x === "number" ? new Tensor(Float32Array.of(x), []) : x;
}

/**
 * Elementwise `a + b`, with broadcasting. Either side may be a number.
 *
 * @example
 * ```ts
 * add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).data; // [11, 22, 13, 24]
 * ```
 */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("add", asTensor(a), asTensor(b), (out, o, x, i, di, y, j, dj, width) => {
    for (let k = 0; k < width; k++) out[o + k] = x[i + k * di] + y[j + k * dj];
  });
}

/**
 * Elementwise `a - b`, with broadcasting.
 *
 * @example
 * ```ts
 * sub(tensor([[3, 5]]), tensor([[1], [2]])).shape; // [2, 2]
 * ```
 */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("subtract", asTensor(a), asTensor(b), (out, o, x, i, di, y, j, dj, width) => {
    for (let k = 0; k < width; k++) out[o + k] = x[i + k * di] - y[j + k * dj];
  });
}

/**
 * Elementwise `a * b`, with broadcasting.
 *
 * @example
 * ```ts
 * mul(tensor([1, 2]), 3).data; // [3, 6]
 * ```
 */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("multiply", asTensor(a), asTensor(b), (out, o, x, i, di, y, j, dj, width) => {
    for (let k = 0; k < width; k++) out[o + k] = x[i + k * di] * y[j + k * dj];
  });
}

/**
 * Elementwise `a / b`, with broadcasting.
 *
 * @example
 * ```ts
 * div(tensor([1, 2]), 2).data; // [0.5, 1]
 * ```
 */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("divide", asTensor(a), asTensor(b), (out, o, x, i, di, y, j, dj, width) => {
    for (let k = 0; k < width; k++) out[o + k] = x[i + k * di] / y[j + k * dj];
  });
}

/**
 * Sums a gradient back to the shape of the input it flows to: the backward
 * of broadcasting. A broadcast copied an input along some axes (new leading
 * axes, or axes of size 1); every copy passed its gradient on, so the input's
 * gradient is the sum over those axes.
 *
 * @example
 * ```ts
 * // b2 ([27]) was broadcast over the 32 rows of logits ([32, 27]).
 * const dlogits = ones([32, 27]);
 * sumToShape(dlogits, [27]).data[0]; // 32
 * ```
 */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
  const outShape = broadcastShapes(grad.shape, shape, "sum back");
  if (outShape.length !== grad.shape.length || outShape.some((d, i) => d !== grad.shape[i])) {
    throw new TypeError(
      `Cannot sum ${formatShape(grad.shape)} back to ${formatShape(shape)}: ${
        formatShape(shape)
      } does not broadcast to it`,
    );
  }
  const out = zeros(shape);
  const sums = new Float64Array(out.size);
  // Each of grad's numbers, in order, added to the sum of the number of `shape` it was copied from.
  const width = grad.shape.at(-1) ?? 1;
  const { starts, step } = broadcastRows(shape, grad.shape);
  for (let row = 0; row < starts.length; row++) {
    for (let k = 0; k < width; k++) sums[starts[row] + k * step] += grad.data[row * width + k];
  }
  out.data.set(sums);
  return out;
}

// ---------------------------------------------------------------------------
// Elementwise functions

/**
 * A tensor of `t`'s shape, filled by `loop` from `t`'s numbers. Each operation writes its own loop, as the
 * elementwise operations of two tensors do (see {@linkcode RowLoop}): a loop that calls a function handed to it for
 * every number runs several times slower.
 */
function unary(t: Tensor, loop: (out: Float32Array, x: Float32Array) => void): Tensor {
  const out = zeros(t.shape);
  loop(out.data, t.data);
  return out;
}

/**
 * Elementwise `-t`.
 *
 * @example
 * ```ts
 * neg(tensor([1, -2])).data; // [-1, 2]
 * ```
 */
export function neg(t: Tensor): Tensor {
  return unary(t, (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i];
  });
}

/**
 * Elementwise `t ** exponent`. The lecture's three powers are computed as
 * PyTorch computes them: `x ** 2` as `x * x`, `x ** -1` as `1 / x`, and
 * `x ** -0.5` as `1 / sqrt(x)` with the square root rounded to float32.
 *
 * @example
 * ```ts
 * pow(tensor([4]), -0.5).item(); // 0.5
 * ```
 */
export function pow(t: Tensor, exponent: number): Tensor {
  const f = Math.fround;
  if (exponent === 2) {
    return unary(t, (out, x) => {
      for (let i = 0; i < x.length; i++) out[i] = x[i] * x[i];
    });
  }
  if (exponent === -1) {
    return unary(t, (out, x) => {
      for (let i = 0; i < x.length; i++) out[i] = 1 / x[i];
    });
  }
  if (exponent === 0.5) {
    return unary(t, (out, x) => {
      for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
    });
  }
  if (exponent === -0.5) {
    return unary(t, (out, x) => {
      for (let i = 0; i < x.length; i++) out[i] = 1 / f(Math.sqrt(x[i]));
    });
  }
  return unary(t, (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i] ** exponent;
  });
}

/**
 * Elementwise `e ** t`.
 *
 * @example
 * ```ts
 * exp(tensor([0])).item(); // 1
 * ```
 */
export function exp(t: Tensor): Tensor {
  return unary(t, (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
  });
}

/**
 * Elementwise natural logarithm.
 *
 * @example
 * ```ts
 * log(tensor([1])).item(); // 0
 * ```
 */
export function log(t: Tensor): Tensor {
  return unary(t, (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
  });
}

/**
 * Elementwise hyperbolic tangent.
 *
 * @example
 * ```ts
 * tanh(tensor([0])).item(); // 0
 * ```
 */
export function tanh(t: Tensor): Tensor {
  return unary(t, (out, x) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
  });
}

// ---------------------------------------------------------------------------
// Reductions over one axis

/** Checks an axis (negative counts from the end) and returns it as 0 … rank-1. */
function resolveAxis(op: string, t: Tensor, axis: number): number {
  const rank = t.shape.length;
  const resolved = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || resolved < 0 || resolved >= rank) {
    throw new TypeError(`Cannot ${op} ${formatShape(t.shape)} over axis ${axis}: it has ${rank} axes`);
  }
  return resolved;
}

/** The shape after reducing `axis`: size 1 there with keepdim, otherwise gone. */
function reducedShape(shape: Shape, axis: number, keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

/**
 * Visits each line along `axis`: `visit(start, stride, length, outIndex)`,
 * where the line's elements sit at `start + i * stride`.
 */
function forEachLine(
  t: Tensor,
  axis: number,
  visit: (start: number, stride: number, length: number, out: number) => void,
): void {
  const length = t.shape[axis];
  const inner = sizeOf(t.shape.slice(axis + 1));
  const outer = sizeOf(t.shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) visit(o * length * inner + i, inner, length, o * inner + i);
  }
}

/**
 * The sum over `axis` (`t.sum(axis, keepdim=keepdim)`), or of everything
 * when no axis is given.
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0, true).toNested(); // [[4, 6]]
 * ```
 */
export function sum(t: Tensor, axis?: number, keepdim = false): Tensor {
  if (axis === undefined) {
    let total = 0;
    for (let i = 0; i < t.size; i++) total += t.data[i];
    return new Tensor(Float32Array.of(total), []);
  }
  const ax = resolveAxis("sum", t, axis);
  const out = zeros(reducedShape(t.shape, ax, keepdim));
  forEachLine(t, ax, (start, stride, length, o) => {
    let total = 0;
    for (let i = 0; i < length; i++) total += t.data[start + i * stride];
    out.data[o] = total;
  });
  return out;
}

/**
 * The mean over `axis`, or of everything when no axis is given.
 *
 * @example
 * ```ts
 * mean(tensor([1, 2, 3, 6])).item(); // 3
 * ```
 */
export function mean(t: Tensor, axis?: number, keepdim = false): Tensor {
  if (axis === undefined) return new Tensor(Float32Array.of(sum(t).item() / t.size), []);
  const ax = resolveAxis("mean", t, axis);
  const out = zeros(reducedShape(t.shape, ax, keepdim));
  forEachLine(t, ax, (start, stride, length, o) => {
    let total = 0;
    for (let i = 0; i < length; i++) total += t.data[start + i * stride];
    out.data[o] = total / length;
  });
  return out;
}

/**
 * The variance over `axis` with `correction` subtracted from the count:
 * 1 is Bessel's correction (`torch.var`'s default, the lecture's n − 1),
 * 0 the biased variance.
 *
 * @example
 * ```ts
 * variance(tensor([1, 2, 3, 4]), 0).item(); // 1.6666666269302368
 * ```
 */
export function variance(t: Tensor, axis: number, keepdim = false, correction = 1): Tensor {
  const ax = resolveAxis("take the variance of", t, axis);
  const out = zeros(reducedShape(t.shape, ax, keepdim));
  forEachLine(t, ax, (start, stride, length, o) => {
    let total = 0;
    for (let i = 0; i < length; i++) total += t.data[start + i * stride];
    const m = total / length;
    let squares = 0;
    for (let i = 0; i < length; i++) squares += (t.data[start + i * stride] - m) ** 2;
    out.data[o] = squares / (length - correction);
  });
  return out;
}

/** The result of {@linkcode max}: the largest values and where they are. */
export interface MaxResult {
  /** The largest value of each line. */
  values: Tensor;
  /** The position of that value along the axis (the first one, at a tie). */
  indices: IndexTensor;
}

/**
 * The largest value over `axis` and its index, like `t.max(axis, keepdim=…)`.
 * At a tie the first index wins.
 *
 * @example
 * ```ts
 * const { values, indices } = max(tensor([[1, 5, 5]]), 1, true);
 * // values [[5]], indices [[1]]
 * ```
 */
export function max(t: Tensor, axis: number, keepdim = false): MaxResult {
  const ax = resolveAxis("max", t, axis);
  const shape = reducedShape(t.shape, ax, keepdim);
  const values = zeros(shape);
  const indices = new Int32Array(values.size);
  forEachLine(t, ax, (start, stride, length, o) => {
    let best = 0;
    for (let i = 1; i < length; i++) {
      if (t.data[start + i * stride] > t.data[start + best * stride]) best = i;
    }
    values.data[o] = t.data[start + best * stride];
    indices[o] = best;
  });
  return { values, indices: { data: indices, shape } };
}

/**
 * Softmax over `axis`: `exp(x − max) / Σ exp(x − max)`.
 *
 * @example
 * ```ts
 * softmax(tensor([[0, 0]]), 1).toNested(); // [[0.5, 0.5]]
 * ```
 */
export function softmax(t: Tensor, axis = -1): Tensor {
  const ax = resolveAxis("softmax", t, axis);
  const out = zeros(t.shape);
  forEachLine(t, ax, (start, stride, length) => {
    let m = -Infinity;
    for (let i = 0; i < length; i++) m = Math.max(m, t.data[start + i * stride]);
    let total = 0;
    for (let i = 0; i < length; i++) total += Math.exp(t.data[start + i * stride] - m);
    for (let i = 0; i < length; i++) out.data[start + i * stride] = Math.exp(t.data[start + i * stride] - m) / total;
  });
  return out;
}

// ---------------------------------------------------------------------------
// Indexing

function checkIndex(op: string, index: number, size: number): void {
  if (index < 0 || index >= size) throw new RangeError(`Cannot ${op}: index ${index} is out of range [0, ${size})`);
}

/**
 * Looks up rows of a table: `C[Xb]` for a table `[V, D]` and indices of any
 * shape `[...]` gives `[..., D]`.
 *
 * @example
 * ```ts
 * const C = tensor([[0, 0], [1, 1], [2, 2]]);
 * gatherRows(C, indexTensor([2, 0], [2])).toNested(); // [[2, 2], [0, 0]]
 * ```
 */
export function gatherRows(table: Tensor, indices: IndexTensor): Tensor {
  if (table.shape.length !== 2) {
    throw new TypeError(`Cannot gather rows of ${formatShape(table.shape)}: the table must be a matrix`);
  }
  const [rows, width] = table.shape;
  const out = zeros([...indices.shape, width]); // [..., width]
  for (let i = 0; i < indices.data.length; i++) {
    const row = indices.data[i];
    checkIndex("gather rows", row, rows);
    out.data.set(table.data.subarray(row * width, (row + 1) * width), i * width);
  }
  return out;
}

/**
 * Adds rows into a table at the given indices: `dC[ix] += demb`, where a row
 * index that appears twice receives both contributions. `src` has the shape
 * `[...indices.shape, D]`; `table` (`[V, D]`) is changed in place.
 *
 * @example
 * ```ts
 * const dC = zeros([3, 1]);
 * scatterAddRows(dC, indexTensor([1, 1], [2]), tensor([[2], [3]]));
 * dC.toNested(); // [[0], [5], [0]]
 * ```
 */
export function scatterAddRows(table: Tensor, indices: IndexTensor, src: Tensor): Tensor {
  if (table.shape.length !== 2) {
    throw new TypeError(`Cannot scatter-add into ${formatShape(table.shape)}: the table must be a matrix`);
  }
  const [rows, width] = table.shape;
  const expected = [...indices.shape, width];
  if (src.shape.length !== expected.length || src.shape.some((d, i) => d !== expected[i])) {
    throw new TypeError(
      `Cannot scatter-add ${formatShape(src.shape)} into ${formatShape(table.shape)} at indices ${
        formatShape(indices.shape)
      }: the rows must be ${formatShape(expected)}`,
    );
  }
  for (let i = 0; i < indices.data.length; i++) {
    const row = indices.data[i];
    checkIndex("scatter-add rows", row, rows);
    for (let j = 0; j < width; j++) table.data[row * width + j] += src.data[i * width + j];
  }
  return table;
}

/**
 * One entry per row: `t[range(n), idx]` for `t` of shape `[n, k]`, giving `[n]`.
 *
 * @example
 * ```ts
 * pickPerRow(tensor([[1, 2], [3, 4]]), indexTensor([1, 0], [2])).data; // [2, 3]
 * ```
 */
export function pickPerRow(t: Tensor, indices: IndexTensor): Tensor {
  if (t.shape.length !== 2 || indices.shape.length !== 1 || indices.shape[0] !== t.shape[0]) {
    throw new TypeError(
      `Cannot pick one entry per row of ${formatShape(t.shape)} with indices ${
        formatShape(indices.shape)
      }: they must be [n, k] and [n]`,
    );
  }
  const [n, k] = t.shape;
  const out = zeros([n]); // [n]
  for (let i = 0; i < n; i++) {
    checkIndex("pick per row", indices.data[i], k);
    out.data[i] = t.data[i * k + indices.data[i]];
  }
  return out;
}

/**
 * One-hot rows: `F.one_hot(idx, numClasses)` as float32, `[n, numClasses]`.
 *
 * @example
 * ```ts
 * oneHot(indexTensor([2, 0], [2]), 3).toNested(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(indices: IndexTensor, numClasses: number): Tensor {
  const out = zeros([...indices.shape, numClasses]); // [..., numClasses]
  for (let i = 0; i < indices.data.length; i++) {
    checkIndex("one-hot", indices.data[i], numClasses);
    out.data[i * numClasses + indices.data[i]] = 1;
  }
  return out;
}
