// The blocked matrix product against its plain triple loop, on sizes that
// leave rows and steps over, with A plain and read transposed.

import assert from "node:assert/strict";
import { matmulAccumulate, matmulNaive } from "./matmul.ts";
import { TorchGenerator } from "../random/torch.ts";

const g = new TorchGenerator(99);
const randn = (size: number) => Float64Array.from(g.randn(size));

Deno.test("matmulAccumulate equals its naive triple loop, with and without transposed strides", () => {
  for (const [M, N, K] of [[1, 1, 1], [3, 5, 2], [4, 4, 4], [7, 27, 9], [32, 200, 30], [30, 200, 32], [9, 3, 13]]) {
    const A = randn(M * K);
    const B = randn(K * N);
    const start = randn(M * N);
    const fast = start.slice();
    const naive = start.slice();
    matmulAccumulate(fast, A, B, M, N, K, K, 1);
    matmulNaive(naive, A, B, M, N, K, K, 1);
    for (let i = 0; i < fast.length; i++) {
      assert.ok(Math.abs(fast[i] - naive[i]) < 1e-12, `[${M}, ${N}, ${K}] entry ${i}`);
    }
    // A stored as [K, M] and read transposed.
    const fastT = start.slice();
    const naiveT = start.slice();
    matmulAccumulate(fastT, A, B, M, N, K, 1, M);
    matmulNaive(naiveT, A, B, M, N, K, 1, M);
    for (let i = 0; i < fastT.length; i++) {
      assert.ok(Math.abs(fastT[i] - naiveT[i]) < 1e-12, `transposed [${M}, ${N}, ${K}] ${i}`);
    }
  }
});
