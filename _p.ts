import { Arena, instantiateKernels } from "./lib/train/wasm/step.ts";
// deno-lint-ignore no-explicit-any
const k = instantiateKernels() as any;
const a = new Arena(k.heapBase());
const n = 32, I = 30, H = 200, V = 27;
const big = () => a.floats(64000);
const [A1, B1, C1, D1, E1, F1, G1, Y] = [big(), big(), big(), big(), big(), big(), big(), a.floats(64)];
a.grow(k.memory);
const f = new Float32Array(k.memory.buffer);
for (let i = 0; i < f.length; i++) f[i] = Math.random() * 0.1;
new Int32Array(k.memory.buffer, Y, 32).fill(3);
const time = (name: string, fn: () => void) => {
  for (let i = 0; i < 2000; i++) fn();
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 1000 * 1000);
  }
  console.log(name.padEnd(28), best.toFixed(2), "µs");
};
time("fwd1 [32,30]@[30,200]", () => k.matmul(C1, A1, B1, n, H, I, I, 1, D1));
time("fwd2 [32,200]@[200,27]", () => k.matmul(C1, A1, B1, n, V, H, H, 1, D1));
time("dh [32,27]@[27,200]", () => k.matmul(C1, A1, B1, n, H, V, V, 1, 0));
time("dW2 hT[200,32]@[32,27]", () => k.matmul(C1, A1, B1, H, V, n, 1, H, 0));
time("dW1 eT[30,32]@[32,200]", () => k.matmul(C1, A1, B1, I, H, n, 1, I, 0));
time("demb [32,200]@[200,30]", () => k.matmul(C1, A1, B1, n, I, H, H, 1, 0));
time("transpose W1", () => k.transpose(C1, A1, I, H));
time("transpose W2", () => k.transpose(C1, A1, H, V));
time("bn fwd", () => k.batchnormForward(C1, D1, E1, F1, G1, A1, B1, B1, n, H));
time("bn bwd", () => k.batchnormBackward(C1, D1, E1, A1, B1, F1, G1, Y + 4096, n, H));
time("tanh fwd", () => k.tanhForward(C1, A1, n * H));
time("tanh bwd", () => k.tanhBackward(C1, A1, B1, n * H));
time("ce fwd", () => k.crossEntropyForward(C1, A1, Y, n, V));
time("ce bwd", () => k.crossEntropyBackward(C1, A1, Y, n, V));
time("sgd", () => k.sgdUpdate(C1, A1, 12400, 0.01));
time("sumRows 32x200", () => k.sumRows(C1, A1, n, H));
time("sumRows 32x27", () => k.sumRows(C1, A1, n, V));
time("embF", () => k.embeddingForward(C1, Y, A1, n, 3, 10));

