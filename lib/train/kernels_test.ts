// Each fast kernel against the plain tensor-module version of the same
// computation (which tensor_test.ts checks against TensorFlow.js), on odd
// sizes that exercise the leftover rows and columns as well as the lecture's.
// The fused batchnorm and cross-entropy kernels are checked against chapters 7
// and 8 in chapters/training_test.ts, since lib does not import the lessons.

import assert from "node:assert/strict";
import * as k from "./kernels.ts";
import {
  add,
  fromArray,
  gatherRows,
  indexTensor,
  matmul,
  mul,
  pow,
  reshape,
  scatterAddRows,
  sub,
  sumToShape,
  tanh,
  transpose,
  zeros,
} from "../tensor.ts";
import { TorchGenerator } from "../random/torch.ts";
import { assertClose } from "../testing.ts";

const g = new TorchGenerator(99);
const randn = (size: number) => Float64Array.from(g.randn(size));

const f32 = (data: Float64Array, shape: number[]) => fromArray(data, shape);

Deno.test("linear forward and backward equal the tensor module's matmul, transpose and sum", () => {
  for (const [n, I, O] of [[32, 30, 200], [32, 200, 27], [5, 7, 3]]) {
    const inp = randn(n * I), W = randn(I * O), b = randn(O), dout = randn(n * O);
    const out = new Float64Array(n * O);
    k.linearForward(out, inp, W, b, n, I, O);
    const [tInp, tW, tB, tDout] = [f32(inp, [n, I]), f32(W, [I, O]), f32(b, [O]), f32(dout, [n, O])];
    assertClose(out, add(matmul(tInp, tW), tB), `linear forward [${n}, ${I}, ${O}]`);
    const dinp = new Float64Array(n * I), dW = new Float64Array(I * O), db = new Float64Array(O);
    k.linearBackward(dinp, dW, db, dout, inp, W, new Float64Array(I * O), n, I, O);
    assertClose(dinp, matmul(tDout, transpose(tW)), "dinp");
    assertClose(dW, matmul(transpose(tInp), tDout), "dW");
    assertClose(db, sumToShape(tDout, [O]), "db");
    // Backward accumulates: a second call doubles every gradient.
    k.linearBackward(dinp, dW, db, dout, inp, W, new Float64Array(I * O), n, I, O);
    assertClose(db, mul(sumToShape(tDout, [O]), 2), "db accumulates");
  }
});

Deno.test("embedding forward and backward equal gatherRows and scatterAddRows", () => {
  const [V, E, n, B] = [27, 10, 32, 3];
  const C = randn(V * E);
  const X = Int32Array.from(g.randint(0, V, n * B));
  X[0] = X[1] = X[5] = 4; // repeated rows must accumulate
  const out = new Float64Array(n * B * E);
  k.embeddingForward(out, X, C, n, B, E);
  const Xb = indexTensor(X, [n, B]);
  assertClose(out, reshape(gatherRows(f32(C, [V, E]), Xb), [n, -1]), "embcat");
  const dout = randn(n * B * E);
  const dC = new Float64Array(V * E);
  k.embeddingBackward(dC, dout, X, n, B, E);
  assertClose(dC, scatterAddRows(zeros([V, E]), Xb, f32(dout, [n, B, E])), "dC");
});

Deno.test("the rational tanh is within 3e-7 of Math.tanh everywhere, and its backward is (1 − h²)·dh", () => {
  for (let x = -20; x <= 20; x += 0.001) assert.ok(Math.abs(k.tanhRational(x) - Math.tanh(x)) < 3e-7, `x = ${x}`);
  assert.equal(k.tanhRational(0), 0);
  const size = 6400;
  const inp = randn(size).map((v) => 3 * v), dout = randn(size);
  const out = new Float64Array(size), naive = new Float64Array(size);
  k.tanhForward(out, inp, size);
  k.tanhForwardNaive(naive, inp, size);
  assertClose(out, tanh(f32(inp, [size])), "tanh", 1e-6);
  const dinp = new Float64Array(size);
  k.tanhBackward(dinp, dout, naive, size);
  assertClose(dinp, mul(sub(1, pow(f32(naive, [size]), 2)), f32(dout, [size])), "dhpreact");
});
