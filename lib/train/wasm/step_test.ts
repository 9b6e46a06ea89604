// The WebAssembly step against the TypeScript kernels of ../kernels.ts (which
// kernels_test.ts checks against the tensor module, and that against
// TensorFlow.js), at the lecture's sizes and at ragged ones; the matrix
// product and tanh on their own; and the rebuild: compiling kernels.as.ts now
// gives exactly the committed bytes.

import assert from "node:assert/strict";
import * as k from "../kernels.ts";
import { matmulNaive } from "../matmul.ts";
import { PARAM_NAMES } from "../../model.ts";
import { TorchGenerator } from "../../random/torch.ts";
import { assertClose } from "../../testing.ts";
import { fromArray } from "../../tensor.ts";
import { bytesModule, compileKernels } from "./build.ts";
import { KERNELS_WASM_BASE64 } from "./kernels_wasm.ts";
import type { StepDims } from "../sizes.ts";
import { Arena, instantiateKernels, transposeInto, WasmStep } from "./step.ts";

const g = new TorchGenerator(7);
const randn = (size: number, scale = 1) => Float64Array.from(g.randn(size), (v) => v * scale);

type Arrays = Record<typeof PARAM_NAMES[number], Float64Array>;

/** One step with the TypeScript kernels, float64: the loss, the gradients, the updated parameters. */
function tsStep(p: Arrays, X: Int32Array, Y: Int32Array, { n, B, E, H, V }: StepDims, lr: number) {
  const I = B * E;
  const f = (size: number) => new Float64Array(size);
  const [embcat, hprebn, bnraw, hpreact, h] = [f(n * I), f(n * H), f(n * H), f(n * H), f(n * H)];
  const [varInv, mean, variance, logits, probs] = [f(H), f(H), f(H), f(n * V), f(n * V)];
  k.embeddingForward(embcat, X, p.C, n, B, E);
  k.linearForward(hprebn, embcat, p.W1, p.b1, n, I, H);
  k.batchnormForward(hpreact, bnraw, varInv, mean, variance, hprebn, p.bngain, p.bnbias, n, H);
  k.tanhForward(h, hpreact, n * H);
  k.linearForward(logits, h, p.W2, p.b2, n, H, V);
  const loss = k.crossEntropyForward(probs, logits, Y, n, V);
  const d = Object.fromEntries(PARAM_NAMES.map((name) => [name, f(p[name].length)])) as Arrays;
  const [dlogits, dh, dhpreact, dhprebn, dembcat] = [f(n * V), f(n * H), f(n * H), f(n * H), f(n * I)];
  const scratch = f(Math.max(I * H, H * V, 2 * H));
  k.crossEntropyBackward(dlogits, probs, Y, n, V);
  k.linearBackward(dh, d.W2, d.b2, dlogits, h, p.W2, scratch, n, H, V);
  k.tanhBackward(dhpreact, dh, h, n * H);
  k.batchnormBackward(dhprebn, d.bngain, d.bnbias, dhpreact, bnraw, varInv, p.bngain, scratch, n, H);
  k.linearBackward(dembcat, d.W1, d.b1, dhprebn, embcat, p.W1, scratch, n, I, H);
  k.embeddingBackward(d.C, dembcat, X, n, B, E);
  const updated = Object.fromEntries(PARAM_NAMES.map((name) => [name, p[name].map((v, i) => v - lr * d[name][i])]));
  return { loss, grads: d, updated: updated as Arrays };
}

/**
 * Sets random parameters (float32 numbers, so both sides see the same ones; the step holds W2 transposed) and
 * the batch X, Y in `w`, runs one WebAssembly step and one TypeScript step, and checks that their losses,
 * gradients and updated parameters agree within float32 rounding.
 */
function assertStepsAgree(w: WasmStep, X: Int32Array, Y: Int32Array, label: string) {
  const dims = w.dims;
  const { B, E, H, V } = dims;
  const I = B * E;
  const shapes = { C: V * E, W1: I * H, b1: H, W2: H * V, b2: V, bngain: H, bnbias: H };
  const p = Object.fromEntries(PARAM_NAMES.map((name) => [name, randn(shapes[name], 0.5)])) as Arrays;
  for (const name of PARAM_NAMES) {
    if (name === "W2") transposeInto(w.params.W2, p.W2, H, V);
    else w.params[name].set(p[name]);
    p[name] = Float64Array.from(
      name === "W2" ? transposeInto(new Float32Array(H * V), w.params.W2, V, H) : w.params[name],
    );
  }
  w.Xb.set(X);
  w.Yb.set(Y);
  const lr = 0.1;
  const want = tsStep(p, X, Y, dims, lr);
  const loss = w.step(lr);
  const at = `${JSON.stringify(dims)}, ${label}`;
  assert.ok(Math.abs(loss - want.loss) < 1e-5 * Math.max(1, want.loss), `${at}: loss ${loss}, TypeScript ${want.loss}`);
  const grads = w.gradients();
  const updated = (name: typeof PARAM_NAMES[number]) =>
    name === "W2" ? transposeInto(new Float32Array(H * V), w.params.W2, V, H) : w.params[name];
  for (const name of PARAM_NAMES) {
    const shape = [want.grads[name].length];
    if (name === "C" || name === "W1" || name === "b1") {
      // The gradients below batchnorm are made of dhprebn, which can be zero up to rounding: b1's always (batchnorm
      // removes the mean), and all three with two examples (batchnorm's backward then cancels exactly). So they are
      // measured against the largest of their own numbers, W1's, and the gradient that enters batchnorm (dbnbias).
      const scale = Math.max(
        ...([name, "W1", "bnbias"] as const).flatMap((of) => Array.from(want.grads[of], Math.abs)),
      );
      const tol = name === "b1" ? 1e-5 : 2e-5;
      grads[name].forEach((v, i) =>
        assert.ok(Math.abs(v - want.grads[name][i]) <= tol * scale, `${at} d${name}[${i}] ${v}, ${want.grads[name][i]}`)
      );
    } else assertClose(grads[name], fromArray(want.grads[name], shape), `${at} d${name}`, 2e-5);
    assertClose(updated(name), fromArray(want.updated[name], shape), `${at} updated ${name}`, 2e-6);
  }
}

/** The number of distinct characters in each of the B columns of X [n, B]. */
function distinctPerColumn(X: Int32Array, B: number): number[] {
  return Array.from({ length: B }, (_, b) => new Set(X.filter((_, j) => j % B === b)).size);
}

Deno.test("the WebAssembly step equals the TypeScript kernels' step within float32 rounding, ragged sizes included", () => {
  const sizes: StepDims[] = [
    { n: 32, B: 3, E: 10, H: 200, V: 27 }, // the lecture's
    { n: 5, B: 2, E: 3, H: 7, V: 27 },
    { n: 9, B: 4, E: 5, H: 13, V: 11 },
    { n: 2, B: 1, E: 1, H: 1, V: 2 },
    { n: 37, B: 3, E: 10, H: 64, V: 30 },
    // Batchnorm's units go sixteen at a time, then four at a time: two sixteens, a four and one unit more, over
    // an odd number of rows; cross-entropy's examples go four at a time: one group of four and one of three.
    { n: 7, B: 2, E: 3, H: 37, V: 9 },
  ];
  for (const dims of sizes) {
    const { n, B, V } = dims;
    const w = new WasmStep(dims);
    // Two batches in a row: the tables of distinct characters are made afresh for each.
    for (const label of ["first batch", "second batch"]) {
      const X = Int32Array.from(g.randint(0, V, n * B));
      X[0] = X[B] = 1; // a repeated row of C collects both gradients
      assertStepsAgree(w, X, Int32Array.from(g.randint(0, V, n)), label);
    }
  }
});

Deno.test("the first layer from distinct characters: all distinct, one character, more examples than characters", () => {
  // Every column's characters all distinct, down to n = V (each column then holds every character once).
  for (const dims of [{ n: 9, B: 4, E: 5, H: 13, V: 11 }, { n: 27, B: 3, E: 10, H: 200, V: 27 }]) {
    const { n, B, V } = dims;
    const X = Int32Array.from({ length: n * B }, (_, j) => (Math.floor(j / B) * 5 + (j % B) * 3) % V);
    assert.deepEqual(distinctPerColumn(X, B), Array(B).fill(n));
    assertStepsAgree(new WasmStep(dims), X, Int32Array.from(g.randint(0, V, n)), "all distinct");
  }
  // A column with a single character, then two (products of one row: u = 1). Such a column's share of dC is
  // Σ_i dhprebn[i] @ W1_bᵀ, zero up to rounding as db1 is; the column with several characters gives dC its scale.
  // (Not every column: with all examples alike, batchnorm's variance would be 0.)
  const dims = { n: 12, B: 3, E: 6, H: 21, V: 9 };
  const w = new WasmStep(dims);
  const X = Int32Array.from(g.randint(0, 9, 36)).map((c, j) => (j % 3 === 1 ? 4 : c));
  assert.equal(distinctPerColumn(X, 3)[1], 1);
  assertStepsAgree(w, X, Int32Array.from(g.randint(0, 9, 12)), "column 1 all 4");
  const X2 = Int32Array.from(g.randint(0, 9, 36)).map((c, j) => (j % 3 === 0 ? 7 : j % 3 === 2 ? 2 : c));
  assert.deepEqual(distinctPerColumn(X2, 3).filter((u) => u === 1).length, 2);
  assertStepsAgree(w, X2, Int32Array.from(g.randint(0, 9, 12)), "columns 0 and 2 all 7 and all 2");
  // Many more examples than characters, every character in every column: min(n, V) = V rows a column.
  const many = { n: 40, B: 2, E: 3, H: 9, V: 4 };
  const Xm = Int32Array.from({ length: 80 }, (_, j) => (j * 7 + (j >> 3)) % 4);
  assert.deepEqual(distinctPerColumn(Xm, 2), [4, 4]);
  assertStepsAgree(new WasmStep(many), Xm, Int32Array.from(g.randint(0, 4, 40)), "n > V");
});

Deno.test("the WebAssembly batchnorm and tanh keep the variance accurate when the mean is far from zero", () => {
  const kernels = instantiateKernels() as unknown as
    & { batchnormTanhForward(...pointers: number[]): void }
    & ReturnType<typeof instantiateKernels>;
  // Sixteen units at a time, then four at a time: 37 units are two sixteens, a four and one more.
  for (const [n, H] of [[32, 200], [7, 37]]) {
    const arena = new Arena(kernels.heapBase());
    const [pout, pbnraw, pvarInv, pmean, pvariance, pinp, pgain, pbias] = [
      ...[n * H, n * H, H, H, H, n * H, H, H].map((size) => arena.floats(size)),
    ];
    arena.grow(kernels.memory);
    const view = (at: number, size: number) => new Float32Array(kernels.memory.buffer, at, size);
    // Inputs around 100 with a spread of about 1: Σx² − n·mean² would lose nearly all of the variance's digits
    // in float32, while the mean of such numbers is itself known only to about 2⁻¹⁷ (their spacing is 2⁻¹⁶).
    const inp = view(pinp, n * H);
    inp.set(randn(n * H).map((v, i) => 100 + v * (1 + (i % H) / H)));
    const gain = view(pgain, H), bias = view(pbias, H);
    gain.set(randn(H, 0.5));
    bias.set(randn(H, 0.5));
    kernels.batchnormTanhForward(pout, pbnraw, pvarInv, pmean, pvariance, pinp, pgain, pbias, n, H);
    const f = (size: number) => new Float64Array(size);
    const [hpreact, bnraw, varInv, mean, variance, h] = [f(n * H), f(n * H), f(H), f(H), f(H), f(n * H)];
    k.batchnormForward(
      hpreact,
      bnraw,
      varInv,
      mean,
      variance,
      Float64Array.from(inp),
      Float64Array.from(gain),
      Float64Array.from(bias),
      n,
      H,
    );
    k.tanhForward(h, hpreact, n * H);
    const at = `[${n}, ${H}]`;
    view(pvariance, H).forEach((v, i) =>
      assert.ok(Math.abs(v - variance[i]) <= 1e-5 * variance[i], `${at} variance[${i}] ${v}, TypeScript ${variance[i]}`)
    );
    assertClose(view(pmean, H), fromArray(mean, [H]), `${at} mean`, 1e-6);
    assertClose(view(pbnraw, n * H), fromArray(bnraw, [n * H]), `${at} bnraw`, 2e-5);
    assertClose(view(pout, n * H), fromArray(h, [n * H]), `${at} h`, 2e-5);
  }
});

Deno.test("a loss that is not finite leaves the WebAssembly step's parameters as they were", () => {
  const w = new WasmStep({ n: 4, B: 3, E: 2, H: 8, V: 5 });
  w.params.W2.fill(Infinity);
  w.params.W1.fill(0.5);
  w.Xb.set([1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2]);
  const before = w.params.W1.slice();
  assert.ok(!Number.isFinite(w.step(0.1)));
  assert.deepEqual(w.params.W1, before);
});

Deno.test("the register-tiled matmul equals the naive triple loop on ragged sizes, A plain or transposed", () => {
  const kernels = instantiateKernels();
  // [M, N, K]: edges of every kind, the lecture's six products' shapes, and long sums.
  const shapes = [[1, 1, 1], [3, 5, 2], [4, 8, 4], [7, 27, 9], [32, 200, 30], [30, 200, 32], [9, 3, 13]];
  shapes.push([9, 30, 130], [70, 27, 200], [200, 27, 32], [32, 30, 200]);
  for (const [M, N, K] of shapes) {
    for (const [sar, sap] of [[K, 1], [1, M]]) {
      const arena = new Arena(kernels.heapBase());
      const [pa, pb, pc, pbias] = [arena.floats(M * K), arena.floats(K * N), arena.floats(M * N), arena.floats(N)];
      arena.grow(kernels.memory);
      const view = (at: number, size: number) => new Float32Array(kernels.memory.buffer, at, size);
      const A = view(pa, M * K), Bm = view(pb, K * N), C = view(pc, M * N), bias = view(pbias, N);
      A.set(randn(M * K));
      Bm.set(randn(K * N));
      bias.set(randn(N));
      // Whatever is in C beforehand is overwritten.
      C.fill(NaN);
      kernels.matmul(pc, pa, pb, M, N, K, sar, sap, pbias);
      const want = new Float64Array(M * N);
      for (let r = 0; r < M; r++) want.set(bias, r * N);
      matmulNaive(want, Float64Array.from(A), Float64Array.from(Bm), M, N, K, sar, sap);
      assertClose(C, fromArray(want, [M * N]), `[${M}, ${N}, ${K}] strides (${sar}, ${sap})`, 1e-6);
    }
  }
});

Deno.test("the vectorised rational tanh is within float32 rounding of Math.tanh", () => {
  const kernels = instantiateKernels() as unknown as
    & { tanhForward(o: number, i: number, s: number): void }
    & ReturnType<
      typeof instantiateKernels
    >;
  const size = 40_001;
  const arena = new Arena(kernels.heapBase());
  const [pin, pout] = [arena.floats(size), arena.floats(size)];
  arena.grow(kernels.memory);
  const inp = new Float32Array(kernels.memory.buffer, pin, size);
  const out = new Float32Array(kernels.memory.buffer, pout, size);
  for (let i = 0; i < size; i++) inp[i] = -20 + i * 0.001;
  kernels.tanhForward(pout, pin, size);
  for (let i = 0; i < size; i++) {
    const want = Math.tanh(inp[i]);
    assert.ok(Math.abs(out[i] - want) <= 4e-7, `tanh(${inp[i]}) = ${out[i]}, Math.tanh ${want}`);
  }
  assert.equal(out[20_000], 0);
});

Deno.test("the vectorised tanh keeps the sign of zero, saturates at ±1 for large and infinite inputs, passes NaN on", () => {
  const kernels = instantiateKernels() as unknown as
    & { tanhForward(o: number, i: number, s: number): void }
    & ReturnType<typeof instantiateKernels>;
  // Fourteen numbers: a whole step of eight, then a vector of four and a last, partial vector of two.
  const values = [0, -0, 1e-30, -1e-30, 1e-3, 7.9, 7.906, -8, 20, 1e30, -3e38, Infinity, -Infinity, NaN];
  const arena = new Arena(kernels.heapBase());
  const [pin, pout] = [arena.floats(values.length), arena.floats(values.length)];
  arena.grow(kernels.memory);
  new Float32Array(kernels.memory.buffer, pin, values.length).set(values);
  const out = new Float32Array(kernels.memory.buffer, pout, values.length);
  kernels.tanhForward(pout, pin, values.length);
  values.forEach((x, i) => {
    const want = Math.tanh(Math.fround(x));
    if (Number.isNaN(x)) assert.ok(Number.isNaN(out[i]), `tanh(NaN) = ${out[i]}`);
    else if (x === 0) assert.ok(Object.is(out[i], x), `tanh(${Object.is(x, -0) ? "-0" : "0"}) = ${out[i]}`);
    // Near zero, relative to the input (the absolute error there is far below any tolerance).
    else if (Math.abs(x) < 1e-2) assert.ok(Math.abs(out[i] - want) <= 4e-7 * Math.abs(want), `tanh(${x}) = ${out[i]}`);
    else {assert.ok(
        Math.abs(out[i] - want) <= 4e-7 && Math.abs(out[i]) <= 1,
        `tanh(${x}) = ${out[i]}, Math.tanh ${want}`,
      );}
  });
});

Deno.test("rebuilding kernels.as.ts gives exactly the committed kernels_wasm.ts", async () => {
  const bytes = await compileKernels();
  const committed = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
  assert.ok(
    bytes.length === committed.length && bytes.every((b, i) => b === committed[i]),
    `kernels.as.ts compiles to ${bytes.length} bytes that differ from the committed ${committed.length}: run \`deno task wasm\``,
  );
  assert.match(bytesModule(bytes), /export const KERNELS_WASM_BASE64 =/);
});
