import { WasmStep } from "./lib/train/wasm/step.ts";
for (const [H, n] of [[1024, 512], [512, 512], [1024, 32]]) {
  const w = new WasmStep({ n, B: 3, E: 10, H, V: 27 });
  for (const k of Object.keys(w.params) as (keyof typeof w.params)[]) w.params[k].forEach((_, i, a) => a[i] = Math.sin(i) * 0.1);
  for (let i = 0; i < n * 3; i++) w.Xb[i] = i % 27;
  for (let i = 0; i < n; i++) w.Yb[i] = (i * 7) % 27;
  for (let i = 0; i < 20; i++) w.step(0.001);
  let best = Infinity;
  for (let r = 0; r < 10; r++) { const t0 = performance.now(); for (let i = 0; i < 10; i++) w.step(0.001); best = Math.min(best, (performance.now() - t0) / 10); }
  console.log(H, n, best.toFixed(3), "ms");
}
