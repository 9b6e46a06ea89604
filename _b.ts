import { WasmStep } from "./lib/train/wasm/step.ts";
import { Trainer } from "./lib/train/trainer.ts";
const t = new Trainer({ steps: 10 });
const w = new WasmStep({ n: 32, B: 3, E: 10, H: 200, V: 27 });
for (const k of Object.keys(w.params) as (keyof typeof w.params)[]) w.params[k].set(t.params[k].data);
const { X, Y } = t.data.train;
for (let i = 0; i < 32; i++) { w.Yb[i] = Y[i * 7]; for (let j = 0; j < 3; j++) w.Xb[i * 3 + j] = X[i * 21 + j]; }
const best = (fn: () => void) => {
  let b = Infinity;
  for (let r = 0; r < 20; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) fn();
    b = Math.min(b, (performance.now() - t0) / 500 * 1000);
  }
  return b.toFixed(1);
};
for (let i = 0; i < 3000; i++) { w.step(0.01); t.trainStep(); }
console.log("bare step", best(() => w.step(0.01)), "µs; trainer step", best(() => t.trainStep()), "µs");
