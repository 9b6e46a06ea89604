import { WasmStep } from "./lib/train/wasm/step.ts";
import { Trainer } from "./lib/train/trainer.ts";
const t = new Trainer({ steps: 10 });
const w = new WasmStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
for (const k of Object.keys(w.params) as (keyof typeof w.params)[]) w.params[k].set(t.params[k].data);
const { X, Y } = t.data.train;
for (let i = 0; i < 32; i++) { w.Yb[i] = Y[i * 7]; for (let j = 0; j < 3; j++) w.Xb[i * 3 + j] = X[i * 21 + j]; }
for (let r = 0; r < 3; r++) {
  for (let i = 0; i < 2000; i++) w.step(0.01);
  const t0 = performance.now();
  for (let i = 0; i < 10000; i++) w.step(0.01);
  console.log("bare step", ((performance.now() - t0) / 10000 * 1000).toFixed(1), "µs");
  const t1 = performance.now();
  for (let i = 0; i < 10000; i++) t.trainStep();
  console.log("trainer step", ((performance.now() - t1) / 10000 * 1000).toFixed(1), "µs");
}
