import assert from "node:assert/strict";
import { tf } from "./check/tf.ts";
import {
  add,
  broadcastShapes,
  clone,
  div,
  exp,
  fromArray,
  full,
  gatherRows,
  indexTensor,
  log,
  matmul,
  max,
  mean,
  mul,
  neg,
  oneHot,
  ones,
  pickPerRow,
  pow,
  reshape,
  scatterAddRows,
  softmax,
  sub,
  sum,
  sumToShape,
  tanh,
  Tensor,
  tensor,
  transpose,
  variance,
  zeros,
  zerosLike,
} from "./tensor.ts";
import { TorchGenerator } from "./random/torch.ts";

const g = new TorchGenerator(1234);

/** A tensor of standard normals, for test inputs. */
function randn(shape: number[]): Tensor {
  return fromArray(g.randn(shape.reduce((a, b) => a * b, 1)), shape);
}

/** Positive numbers in [0.5, 2.5), for log, pow and division. */
function positive(shape: number[]): Tensor {
  const t = randn(shape);
  return fromArray(t.data.map((v) => 0.5 + Math.abs(v) % 2), shape);
}

function tfOf(t: Tensor): tf.Tensor {
  return tf.tensor(t.data, [...t.shape]);
}

/** Asserts same shape and every value within `tol` of TensorFlow.js's (0 = bit-identical). */
function assertMatchesTf(ours: Tensor, theirs: tf.Tensor, tol = 0, what = "values"): void {
  assert.deepEqual([...ours.shape], theirs.shape, `${what}: shape`);
  const ref = theirs.dataSync();
  for (let i = 0; i < ours.size; i++) {
    const diff = Math.abs(ours.data[i] - ref[i]);
    assert.ok(
      diff <= tol * Math.max(1, Math.abs(ref[i])),
      `${what}: entry ${i} is ${ours.data[i]}, TensorFlow.js says ${ref[i]}`,
    );
  }
}

Deno.test("creation: tensor, fromArray, zeros, ones, full, zerosLike, clone", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.at(1, 2), 6);
  assert.deepEqual(t.toNested(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(tensor(2.5).item(), 2.5);
  assert.deepEqual(tensor(2.5).shape, []);
  assert.deepEqual(Array.from(zeros([2, 2]).data), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(ones([3]).data), [1, 1, 1]);
  assert.deepEqual(Array.from(full([2], 7).data), [7, 7]);
  assert.deepEqual(zerosLike(t).shape, [2, 3]);
  const c = clone(t);
  c.data[0] = 99;
  assert.equal(t.data[0], 1, "clone must not share data");
  assert.throws(() => tensor([[1, 2], [3]]), TypeError);
  assert.throws(() => fromArray([1, 2, 3], [2, 2]), { name: "TypeError", message: /shape \[2, 2\] from 3 numbers/ });
  assert.throws(() => t.at(2, 0), RangeError);
});

Deno.test("float32 storage rounds as the lecture's dtype does", () => {
  assert.equal(tensor([0.1]).data[0], Math.fround(0.1));
  assert.notEqual(tensor([0.1]).data[0], 0.1);
});

Deno.test("matmul equals tf.matMul", () => {
  const a = randn([32, 30]);
  const b = randn([30, 64]);
  assertMatchesTf(matmul(a, b), tf.matMul(tfOf(a), tfOf(b)), 1e-6);
  assert.throws(() => matmul(zeros([32, 30]), zeros([64, 200])), {
    name: "TypeError",
    message: "Cannot matmul [32, 30] by [64, 200]: inner dimensions 30 and 64 must match",
  });
});

Deno.test("transpose and reshape equal TensorFlow.js's", () => {
  const a = randn([5, 7]);
  assertMatchesTf(transpose(a), tf.transpose(tfOf(a)));
  const e = randn([4, 3, 10]);
  const r = reshape(e, [4, -1]);
  assertMatchesTf(r, tf.reshape(tfOf(e), [4, -1]));
  assert.equal(r.data, e.data, "reshape is a view: the data is shared");
  assert.throws(() => reshape(e, [7, -1]), { name: "TypeError", message: /Cannot reshape \[4, 3, 10\] to \[7, -1\]/ });
  assert.throws(() => transpose(e), {
    name: "TypeError",
    message:
      /^Cannot transpose \[4, 3, 10\]: .*this has 3 axes: reshape it to a matrix first, e\.g\. reshape\(\[4 \* 3, 10\]\)$/,
  });
  assert.throws(() => randn([27]).T, {
    message: /^Cannot transpose \[27\]: .*a vector has nothing to transpose .*drop the \.T, or reshape\(\[27, 1\]\)/,
  });
});

Deno.test("elementwise + - * / broadcast like TensorFlow.js, bit for bit", () => {
  const cases: [number[], number[]][] = [
    [[32, 27], [32, 27]],
    [[32, 27], [32, 1]],
    [[32, 64], [1, 64]],
    [[32, 64], [64]],
    [[1, 64], [32, 64]],
    [[32, 1], [1, 27]],
    [[4, 3, 5], [3, 1]],
    [[4, 1, 5], [1, 3, 1]],
    [[6], []],
  ];
  for (const [sa, sb] of cases) {
    const a = randn(sa);
    const b = positive(sb);
    const what = `${JSON.stringify(sa)} with ${JSON.stringify(sb)}`;
    assertMatchesTf(add(a, b), tf.add(tfOf(a), tfOf(b)), 0, `add ${what}`);
    assertMatchesTf(sub(a, b), tf.sub(tfOf(a), tfOf(b)), 0, `sub ${what}`);
    assertMatchesTf(mul(a, b), tf.mul(tfOf(a), tfOf(b)), 0, `mul ${what}`);
    assertMatchesTf(div(a, b), tf.div(tfOf(a), tfOf(b)), 0, `div ${what}`);
  }
  const a = randn([3, 4]);
  assertMatchesTf(mul(a, 0.1), tf.mul(tfOf(a), 0.1), 0, "times a number");
  assertMatchesTf(sub(1, a), tf.sub(1, tfOf(a)), 0, "a number minus");
  assertMatchesTf(neg(a), tf.neg(tfOf(a)), 0, "neg");
});

Deno.test("a shape that cannot broadcast is a TypeError naming the op and both shapes", () => {
  assert.throws(() => add(zeros([32, 27]), zeros([31])), {
    name: "TypeError",
    message: /^Cannot add \[32, 27\] and \[31\]: sizes 27 and 31/,
  });
  assert.throws(() => mul(zeros([32, 64]), zeros([32, 27])), {
    name: "TypeError",
    message: /^Cannot multiply \[32, 64\] and \[32, 27\]/,
  });
  assert.deepEqual(broadcastShapes([4, 1, 5], [3, 1]), [4, 3, 5]);
});

Deno.test("exp, log, tanh and powers equal TensorFlow.js's", () => {
  const x = randn([8, 9]);
  const p = positive([8, 9]);
  assertMatchesTf(exp(x), tf.exp(tfOf(x)), 0, "exp");
  assertMatchesTf(log(p), tf.log(tfOf(p)), 0, "log");
  assertMatchesTf(tanh(x), tf.tanh(tfOf(x)), 0, "tanh");
  assertMatchesTf(pow(x, 2), tf.pow(tfOf(x), 2), 0, "pow 2");
  assertMatchesTf(pow(p, -1), tf.pow(tfOf(p), -1), 2.5e-7, "pow -1");
  assertMatchesTf(pow(p, -0.5), tf.pow(tfOf(p), -0.5), 2.5e-7, "pow -0.5 (1 / sqrt rounds twice, as PyTorch does)");
  assertMatchesTf(pow(p, 0.5), tf.sqrt(tfOf(p)), 0, "pow 0.5");
  assertMatchesTf(pow(p, 3), tf.pow(tfOf(p), 3), 2.5e-7, "pow 3");
});

Deno.test("sum, mean, max and variance over an axis equal TensorFlow.js's, keepdim or not", () => {
  const x = randn([6, 5, 4]);
  for (const axis of [0, 1, 2, -1]) {
    for (const keepdim of [true, false]) {
      const what = `axis ${axis}, keepdim ${keepdim}`;
      assertMatchesTf(sum(x, axis, keepdim), tf.sum(tfOf(x), axis, keepdim), 1e-6, `sum ${what}`);
      assertMatchesTf(mean(x, axis, keepdim), tf.mean(tfOf(x), axis, keepdim), 1e-6, `mean ${what}`);
      const m = max(x, axis, keepdim);
      assertMatchesTf(m.values, tf.max(tfOf(x), axis, keepdim), 0, `max ${what}`);
      const argmax = tf.argMax(tfOf(x), axis);
      assert.deepEqual(Array.from(m.indices.data), Array.from(argmax.dataSync()), `argmax ${what}`);
      const { variance: biased } = tf.moments(tfOf(x), axis, keepdim);
      const n = x.shape.at(axis)!;
      assertMatchesTf(variance(x, axis, keepdim, 0), biased, 1e-6, `biased variance ${what}`);
      assertMatchesTf(variance(x, axis, keepdim), tf.mul(biased, n / (n - 1)), 1e-6, `unbiased variance ${what}`);
    }
  }
  assertMatchesTf(sum(x), tf.sum(tfOf(x)), 1e-6, "sum of everything");
  assertMatchesTf(mean(x), tf.mean(tfOf(x)), 1e-6, "mean of everything");
  assert.throws(() => sum(x, 3), { name: "TypeError", message: "Cannot sum [6, 5, 4] over axis 3: it has 3 axes" });
});

Deno.test("max returns the first index at a tie, as PyTorch's argmax does on the CPU", () => {
  const { values, indices } = max(tensor([[1, 5, 5], [7, 7, 0]]), 1, true);
  assert.deepEqual(values.toNested(), [[5], [7]]);
  assert.deepEqual(Array.from(indices.data), [1, 0]);
  assert.deepEqual(indices.shape, [2, 1]);
});

Deno.test("softmax equals tf.softmax", () => {
  const x = randn([32, 27]);
  assertMatchesTf(softmax(x, 1), tf.softmax(tfOf(x)), 1e-6);
});

Deno.test("gatherRows is C[Xb] and equals tf.gather", () => {
  const C = randn([27, 10]);
  const Xb = indexTensor([1, 0, 5, 26, 26, 3], [2, 3]);
  assertMatchesTf(gatherRows(C, Xb), tf.gather(tfOf(C), tf.tensor(Xb.data, [2, 3], "int32")));
  assert.throws(() => gatherRows(C, indexTensor([27], [1])), {
    name: "RangeError",
    message: /index 27 is out of range \[0, 27\)/,
  });
});

Deno.test("scatterAddRows accumulates repeated indices, like tf.unsortedSegmentSum", () => {
  const ix = indexTensor([3, 1, 3, 3, 0, 1], [2, 3]);
  const demb = randn([2, 3, 4]);
  const dC = scatterAddRows(zeros([5, 4]), ix, demb);
  const expected = tf.unsortedSegmentSum(tf.reshape(tfOf(demb), [6, 4]), tf.tensor1d(ix.data, "int32"), 5);
  assertMatchesTf(dC, expected, 1e-7);
  assert.throws(() => scatterAddRows(zeros([5, 4]), ix, zeros([6, 4])), {
    name: "TypeError",
    message: /rows must be \[2, 3, 4\]/,
  });
});

Deno.test("pickPerRow is logprobs[range(n), Yb]; oneHot equals tf.oneHot", () => {
  const x = randn([4, 6]);
  const Yb = indexTensor([5, 0, 2, 2], [4]);
  const mask = tf.oneHot(tf.tensor1d(Yb.data, "int32"), 6);
  assertMatchesTf(pickPerRow(x, Yb), tf.sum(tf.mul(tfOf(x), mask), 1));
  assertMatchesTf(oneHot(Yb, 6), mask.toFloat());
  assert.throws(() => pickPerRow(x, indexTensor([0, 1], [2])), TypeError);
});

Deno.test("sumToShape is the gradient of a broadcast, as TensorFlow.js's autograd computes it", () => {
  const cases: [number[], number[]][] = [[[32, 27], [27]], [[32, 64], [1, 64]], [[32, 27], [32, 1]], [[4, 3, 5], [
    3,
    1,
  ]], [[6], []]];
  for (const [big, small] of cases) {
    const a = randn(big);
    const b = randn(small);
    const upstream = randn(big);
    // The gradient of sum(upstream * (a + b)) with respect to b.
    const db = tf.grad((bt: tf.Tensor) => tf.sum(tf.mul(tfOf(upstream), tf.add(tfOf(a), bt))))(tfOf(b));
    assertMatchesTf(sumToShape(upstream, small), db, 1e-6, `${JSON.stringify(big)} back to ${JSON.stringify(small)}`);
  }
  assert.throws(() => sumToShape(zeros([32, 27]), [32, 2]), {
    name: "TypeError",
    message: /Cannot sum back \[32, 27\] and \[32, 2\]/,
  });
  assert.throws(() => sumToShape(zeros([27]), [32, 27]), {
    name: "TypeError",
    message: /Cannot sum \[27\] back to \[32, 27\]/,
  });
});

/** Asserts two tensors are the same numbers, bit for bit, in the same shape. */
function assertSameTensor(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  assert.deepEqual(a.data, b.data, `${what}: values`);
}

Deno.test("each method equals its function, bit for bit", () => {
  const a = randn([4, 6]);
  const b = randn([1, 6]);
  const p = positive([4, 6]);
  const m = randn([6, 3]);
  const ix = indexTensor([2, 0, 2], [3]);
  const Yb = indexTensor([5, 0, 2, 2], [4]);
  const cases: [string, Tensor, Tensor][] = [
    ["add", a.add(b), add(a, b)],
    ["add", a.add(2.5), add(a, 2.5)],
    ["sub", a.sub(b), sub(a, b)],
    ["sub", a.sub(1), sub(a, 1)],
    ["mul", a.mul(b), mul(a, b)],
    ["mul", a.mul(-0.5), mul(-0.5, a)],
    ["div", a.div(p), div(a, p)],
    ["div", a.div(32), div(a, 32)],
    ["pow", p.pow(-1.5), pow(p, -1.5)],
    ["pow", p.pow(-0.5), pow(p, -0.5)],
    ["pow", a.pow(2), pow(a, 2)],
    ["neg", a.neg(), neg(a)],
    ["exp", a.exp(), exp(a)],
    ["log", p.log(), log(p)],
    ["tanh", a.tanh(), tanh(a)],
    ["sum", a.sum(), sum(a)],
    ["sum", a.sum(0, true), sum(a, 0, true)],
    ["sum", a.sum(1), sum(a, 1)],
    ["mean", a.mean(), mean(a)],
    ["mean", a.mean(0, true), mean(a, 0, true)],
    ["variance", a.variance(0, true), variance(a, 0, true)],
    ["variance", a.variance(1, false, 0), variance(a, 1, false, 0)],
    ["max", a.max(1, true).values, max(a, 1, true).values],
    ["softmax", a.softmax(1), softmax(a, 1)],
    ["softmax", a.softmax(), softmax(a)],
    ["matmul", a.matmul(m), matmul(a, m)],
    ["transpose", a.transpose(), transpose(a)],
    ["T", a.T, transpose(a)],
    ["reshape", a.reshape([2, -1]), reshape(a, [2, -1])],
    ["clone", a.clone(), clone(a)],
    ["sumToShape", a.sumToShape([6]), sumToShape(a, [6])],
    ["gatherRows", a.gatherRows(ix), gatherRows(a, ix)],
    ["scatterAddRows", zeros([4, 6]).scatterAddRows(ix, m.T), scatterAddRows(zeros([4, 6]), ix, m.T)],
    ["pickPerRow", a.pickPerRow(Yb), pickPerRow(a, Yb)],
  ];
  for (const [name, byMethod, byFunction] of cases) assertSameTensor(byMethod, byFunction, name);
  assert.deepEqual(a.max(1).indices, max(a, 1).indices, "max: indices");
  // Every operation the class has as a method is in the table above.
  const methods = Object.getOwnPropertyNames(Tensor.prototype).filter((k) =>
    !["constructor", "size", "at", "item", "toNested"].includes(k)
  );
  assert.deepEqual(methods.sort(), [...new Set(cases.map(([name]) => name))].sort());
});

Deno.test("methods share data or copy, as their functions do, and scatterAddRows works in place", () => {
  const a = randn([4, 6]);
  assert.equal(a.reshape([24]).data, a.data, "reshape is a view");
  assert.notEqual(a.clone().data, a.data, "clone copies");
  assert.notEqual(a.T.data, a.data, "T copies");
  const table = zeros([3, 2]);
  assert.equal(table.scatterAddRows(indexTensor([1, 1], [2]), ones([2, 2])), table, "returns the table it changed");
  assert.deepEqual(table.toNested(), [[0, 0], [2, 2], [0, 0]]);
  assert.throws(() => a.matmul(a), { name: "TypeError", message: /Cannot matmul \[4, 6\] by \[4, 6\]/ });
});

// ---------------------------------------------------------------------------
// The fast loops give the plain loops' numbers. matmul, the elementwise
// operations and sumToShape are written for speed (see their comments); here
// each is compared, bit for bit, with the plain loop it replaced (the
// definition, one element at a time), on random shapes and broadcasts, and
// numbers of every scale with zeros, infinities and NaNs among them. A NaN
// is compared as NaN: which of its bit patterns comes out is the machine's
// choice (x86 keeps the first operand's, and JavaScript may add in either
// order), in the plain loops too.

/** A uniform number in [0, 1), and a whole number in [0, n), from the test's generator (random() is 32 bits). */
const uniform = () => g.random() / 2 ** 32;
const below = (n: number) => Math.floor(uniform() * n);

/** Asserts two tensors are the same numbers in the same shape: bit for bit, -0 apart from 0, any NaN as NaN. */
function assertSameNumbers(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  const at = a.data.findIndex((v, i) => !Object.is(v, b.data[i]));
  assert.equal(at, -1, `${what}: element ${at} is ${a.data[at]}, the plain loop gives ${b.data[at]}`);
}

/** Random float32 numbers of many scales, some of them ±0, ±Infinity or NaN. */
function wild(shape: number[]): Tensor {
  if (shape.includes(0)) return zeros(shape);
  const t = randn(shape);
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-40];
  return fromArray(t.data.map((v) => (uniform() < 0.03 ? special[below(6)] : v * 2 ** (below(40) - 20))), shape);
}

/** Where element `flat` of `outShape` reads from a tensor of `shape` broadcast to it: the definition, axis by axis. */
function sourceOffset(shape: number[], outShape: number[], flat: number): number {
  let offset = 0;
  let stride = 1;
  for (let axis = outShape.length - 1; axis >= 0; axis--) {
    const i = flat % outShape[axis];
    flat = Math.floor(flat / outShape[axis]);
    const own = axis - (outShape.length - shape.length);
    if (own < 0) continue;
    if (shape[own] !== 1) offset += i * stride;
    stride *= shape[own];
  }
  return offset;
}

/** The plain loop of an elementwise operation: each element of the result from its two sources. */
function plainBinary(a: Tensor, b: Tensor, fn: (x: number, y: number) => number): Tensor {
  const outShape = broadcastShapes(a.shape, b.shape);
  const out = zeros(outShape);
  for (let i = 0; i < out.size; i++) {
    out.data[i] = fn(a.data[sourceOffset([...a.shape], outShape, i)], b.data[sourceOffset([...b.shape], outShape, i)]);
  }
  return out;
}

/** The plain matmul: each entry a sum over p in order, in float64, rounded once. */
function plainMatmul(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const out = zeros([n, m]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let total = 0;
      for (let p = 0; p < k; p++) total += a.data[i * k + p] * b.data[p * m + j];
      out.data[i * m + j] = total;
    }
  }
  return out;
}

/** The plain sumToShape: each element of the gradient, in order, added to its source's float64 sum. */
function plainSumToShape(grad: Tensor, shape: number[]): Tensor {
  const sums = new Float64Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < grad.size; i++) sums[sourceOffset(shape, [...grad.shape], i)] += grad.data[i];
  return fromArray(sums, shape);
}

/**
 * A random shape of 0 to 4 axes, each 1 to 7 long (sometimes 0), and two shapes that broadcast to it, each with some
 * of its leading axes dropped and some sizes 1.
 */
function randomShapes(): { full: number[]; a: number[]; b: number[] } {
  const full = Array.from({ length: below(5) }, () => (uniform() < 0.05 ? 0 : 1 + below(7)));
  const part = () => full.slice(below(full.length + 1)).map((d) => (uniform() < 0.4 ? 1 : d));
  return { full, a: part(), b: part() };
}

Deno.test("the fast elementwise loops equal the plain loop, bit for bit, on 500 random broadcasts", () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ["add", add, (x, y) => x + y],
    ["sub", sub, (x, y) => x - y],
    ["mul", mul, (x, y) => x * y],
    ["div", div, (x, y) => x / y],
  ];
  for (let trial = 0; trial < 500; trial++) {
    const { a: sa, b: sb } = randomShapes();
    const [a, b] = [wild(sa), wild(sb)];
    for (const [name, fast, fn] of ops) {
      assertSameNumbers(fast(a, b), plainBinary(a, b, fn), `${name} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`);
    }
  }
  const t = wild([3, 4]);
  assertSameNumbers(mul(-0.5, t), plainBinary(tensor(-0.5), t, (x, y) => x * y), "a number first");
  assertSameNumbers(sub(1, t), plainBinary(tensor(1), t, (x, y) => x - y), "a number first");
});

Deno.test("the fast matmul equals the plain Σ_p loop, bit for bit, on random shapes", () => {
  const shapes = [[32, 30, 200], [32, 200, 27], [200, 32, 27], [32, 27, 200], [1, 1, 1], [3, 0, 2], [0, 3, 2]];
  for (let trial = 0; trial < 60; trial++) shapes.push([1 + below(9), below(13), 1 + below(9)]);
  for (const [n, k, m] of shapes) {
    const [a, b] = [wild([n, k]), wild([k, m])];
    assertSameNumbers(matmul(a, b), plainMatmul(a, b), `[${n}, ${k}] by [${k}, ${m}]`);
  }
});

Deno.test("the fast sumToShape and unary loops equal the plain loops, bit for bit", () => {
  for (let trial = 0; trial < 200; trial++) {
    const { full: big, a: small } = randomShapes();
    const grad = wild(big);
    assertSameNumbers(sumToShape(grad, small), plainSumToShape(grad, small), `${JSON.stringify(big)} back to ${small}`);
  }
  const x = wild([7, 13]);
  const f = Math.fround;
  const unaries: [string, Tensor, (v: number) => number][] = [
    ["neg", neg(x), (v) => -v],
    ["exp", exp(x), Math.exp],
    ["log", log(x), Math.log],
    ["tanh", tanh(x), Math.tanh],
    ["pow 2", pow(x, 2), (v) => v * v],
    ["pow -1", pow(x, -1), (v) => 1 / v],
    ["pow 0.5", pow(x, 0.5), Math.sqrt],
    ["pow -0.5", pow(x, -0.5), (v) => 1 / f(Math.sqrt(v))],
    ["pow 3", pow(x, 3), (v) => v ** 3],
  ];
  for (const [name, fast, fn] of unaries) assertSameNumbers(fast, fromArray(x.data.map(fn), [7, 13]), name);
});
