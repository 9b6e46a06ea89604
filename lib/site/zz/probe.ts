import { openBrowser } from "../browser_testing.ts";
import { serveSite } from "../serve.ts";
const server = serveSite(Deno.args[0], 0);
const base = `http://127.0.0.1:${server.addr.port}/`;
const b = await openBrowser();
try {
  for (const file of Deno.args.slice(1)) {
    const w = await b.open(base + "exercise_03.html", 1280);
    const page = w.page;
    const t0 = performance.now();
    await page.waitForFunction(() => document.body.dataset.state !== "loading", { timeout: 60000 });
    console.log(
      "ready after",
      Math.round(performance.now() - t0),
      "ms;",
      await page.$eval("#message", (e) => e.textContent),
    );
    const input = await page.$("#open");
    await (input as any).uploadFile(file);
    for (let k = 1; k <= 3; k++) {
      const t1 = performance.now();
      await page.click("#check");
      await page.waitForFunction((n) => Number(document.body.dataset.checked ?? 0) >= n, { timeout: 60000 }, k);
      console.log(
        "check",
        k,
        Math.round(performance.now() - t1),
        "ms;",
        await page.$eval("#message", (e) => e.textContent),
      );
    }
    console.log("weight kB", Math.round((await w.weight()) / 1000), "problems", w.problems);
    await page.close();
  }
} finally {
  await b.close();
  await server.shutdown();
}
