// The site in a real browser: `deno task site`'s build into a temporary folder, served on 127.0.0.1, loaded in Debian's
// headless Chromium by puppeteer-core. Every page loads with no console error and no failed request, and a chapter page
// weighs under 500 kB before Run; chapter 3 run in the page prints what `deno task chapter 3` prints; the training page
// trains 2,000 steps and its checkpoint is read by `deno task sample`, which gives the page's names; a run stopped and
// continued ends with the losses and names of `deno task train`; a checkpoint of `deno task train` opens in the page
// with the command's names, and a bad file is refused with the command's words. Screenshots of each kind of page at two
// widths go to site-screenshots/ (git-ignored), with the pages' weights. Needs --allow-read --allow-write --allow-run
// --allow-net=127.0.0.1 --allow-env (.ci/run grants them, and installs Chromium); without them, or without Chromium, it
// skips and says why.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fromFileUrl } from "../paths.ts";
import type { Page } from "puppeteer-core";
import { browserGate, type TestBrowser, withTestSite } from "./browser_testing.ts";
import { buildSite } from "./build.ts";

const ROOT = fromFileUrl(new URL("../..", import.meta.url));
const SHOTS = join(ROOT, "site-screenshots");
const WIDTHS = [390, 1280];

const { chromium, notPermitted, skip: noBrowser } = await browserGate("site_browser_test.ts");

/** Runs `deno` with `args` in the repository; its standard output, or a failure with what it said. */
async function deno(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  }).output();
  const [out, err] = [stdout, stderr].map((b) => new TextDecoder().decode(b));
  assert.equal(code, 0, `deno ${args.join(" ")} failed with exit code ${code}:\n${err}`);
  return out;
}

/** The names `deno task sample` prints for a checkpoint. */
async function cliNames(checkpoint: string): Promise<string[]> {
  const out = await deno("run", "--allow-read", "main.ts", "sample", "--checkpoint", checkpoint);
  return [...out.matchAll(/^ {2}(\S+)\s+(?:new|in the training set)$/gm)].map((m) => m[1]);
}

/** The names the training page shows. */
async function pageNames(page: Page): Promise<string[]> {
  return await page.$$eval("#names .name", (els) => els.map((e) => e.textContent ?? ""));
}

/** Waits until a file exists and its size stops changing (a download being written). */
async function settledFile(path: string, timeoutMs = 30_000): Promise<void> {
  let last = -1;
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    const size = (await Deno.stat(path).catch(() => null))?.size ?? -1;
    if (size > 0 && size === last) return;
    last = size;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${path} did not appear within ${timeoutMs / 1000} s`);
}

/** Checks what the build wrote, without a browser. */
async function checkBuild(out: string, built: Awaited<ReturnType<typeof buildSite>>): Promise<void> {
  const files = built.pages.map((p) => p.file);
  assert.equal(files[0], "index.html");
  assert.equal(files.at(-1), "training.html");
  assert.equal(files.filter((f) => /^\d\d_\w+\.html$/.test(f)).length, 9);
  assert.deepEqual(built.unreadable, []);
  const chapter3 = await Deno.readTextFile(join(out, "03_cross_entropy.html"));
  assert.match(chapter3, /<h3 id="logprobs"><a class="anchor" href="#logprobs"><span class="katex">/);
  assert.match(chapter3, /<pre class="text">name {5}\| exact \| approximate \| maxdiff\n/);
  assert.match(await Deno.readTextFile(join(out, "07_fused_cross_entropy.html")), /<figure class="picture"><svg/);
}

/** Every page loads cleanly; chapter pages weigh under 500 kB; the weights and screenshots are written. */
async function checkPages(b: TestBrowser, base: string, files: string[]): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  const weights: string[] = [];
  for (const file of files) {
    const watched = await b.open(base + file, WIDTHS[1]);
    assert.deepEqual(watched.problems, [], `${file}: ${watched.problems.join("; ")}`);
    const kB = (await watched.weight()) / 1000;
    weights.push(`${file.padEnd(30)} ${kB.toFixed(0).padStart(5)} kB`);
    if (/^\d\d_/.test(file)) assert.ok(kB < 500, `${file} weighs ${kB.toFixed(0)} kB before Run, more than 500`);
    await watched.page.close();
  }
  await Deno.writeTextFile(join(SHOTS, "weights.txt"), `Bytes each page loads before Run:\n${weights.join("\n")}\n`);
  for (const [kind, file] of [["index", "index.html"], ["chapter", "07_fused_cross_entropy.html"]]) {
    for (const width of WIDTHS) {
      const { page } = await b.open(base + file, width);
      await page.screenshot({ path: join(SHOTS, `${kind}-${width}.png`) });
      await page.close();
    }
  }
  const { page } = await b.open(base + "07_fused_cross_entropy.html", WIDTHS[0], true);
  await page.screenshot({ path: join(SHOTS, `chapter-${WIDTHS[0]}-dark.png`) });
  await page.close();
}

/** Chapter 3, run in the page with Ctrl-Enter: its chapter cells print what `deno task chapter 3` prints. */
async function checkChapterRun(b: TestBrowser, base: string): Promise<void> {
  const { page, problems } = await b.open(base + "03_cross_entropy.html", WIDTHS[1]);
  await page.keyboard.down("Control");
  await page.keyboard.press("Enter");
  await page.keyboard.up("Control");
  await page.waitForFunction(() => document.body.dataset.ran !== undefined, { timeout: 120_000 });
  assert.equal(
    await page.$eval("body", (e) => e.dataset.ran),
    "same",
    await page.$eval("#status", (e) => e.textContent),
  );
  const inPage = await page.$$eval(".cell[data-chapter-run] .out pre", (els) => els.map((e) => e.textContent).join(""));
  const cli = (await deno("run", "main.ts", "chapter", "3")).replace(/^\nChapter 3\. .*\n=+\n\n/, "");
  assert.ok(inPage.length > 1000, `the chapter's cells printed only ${JSON.stringify(inPage)}`);
  assert.equal(inPage, cli);
  assert.deepEqual(problems, []);
  await page.close();
}

/** The training page trains 2,000 steps; the loss falls; its checkpoint gives `deno task sample` the page's names. */
async function checkTraining(b: TestBrowser, base: string, tmp: string): Promise<void> {
  for (const width of WIDTHS) {
    const { page } = await b.open(base + "training.html", width);
    await page.screenshot({ path: join(SHOTS, `training-${width}.png`), fullPage: width === WIDTHS[0] });
    await page.close();
  }
  const { page, problems } = await b.open(base + "training.html", WIDTHS[1]);
  // A bad field: the command's line, and the focus on the field.
  await page.$eval("#flag-hidden", (e) => (e as HTMLInputElement).value = "0");
  await page.click("#train");
  await page.waitForFunction(() => document.getElementById("message")?.classList.contains("error"));
  assert.equal(
    await page.$eval("#message", (e) => e.textContent),
    'error: --hidden must be a whole number ≥ 1, got "0"',
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), "flag-hidden");
  await page.$eval("#flag-hidden", (e) => (e as HTMLInputElement).value = "200");
  await page.$eval("#flag-steps", (e) => (e as HTMLInputElement).value = "2000");
  await page.click("#train");
  await page.waitForFunction(() => ["finished", "failed"].includes(document.body.dataset.state ?? ""), {
    timeout: 300_000,
  });
  assert.equal(
    await page.$eval("body", (e) => e.dataset.state),
    "finished",
    await page.$eval("#message", (e) => e.textContent),
  );
  const losses = await page.$$eval("table.losses td.number:last-child", (els) => els.map((e) => Number(e.textContent)));
  // From −ln(1/27) = 3.30 for a network that knows nothing to about 2.36 after 2,000 steps.
  assert.equal(losses.length, 3);
  assert.ok(losses.every((l) => l < 2.6), `losses after 2,000 steps: ${losses}`);
  const names = await pageNames(page);
  assert.equal(names.length, 20);
  await page.screenshot({ path: join(SHOTS, `training-${WIDTHS[1]}-trained.png`), fullPage: true });
  const cdp = await page.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: tmp });
  await page.click("#download");
  await settledFile(join(tmp, "mlp.safetensors"));
  assert.deepEqual(await cliNames(join(tmp, "mlp.safetensors")), names);
  assert.deepEqual(problems, []);
  await page.close();
}

/** Stop, then Continue: the run ends where `deno task train` ends without a stop, with the same losses and names. */
async function checkStopContinue(b: TestBrowser, base: string, tmp: string): Promise<void> {
  const { page, problems } = await b.open(base + "training.html", WIDTHS[1]);
  await page.$eval("#flag-steps", (e) => (e as HTMLInputElement).value = "6000");
  await page.click("#train");
  await page.waitForFunction(() => Number(document.body.dataset.step) > 0);
  await page.click("#stop");
  await page.waitForFunction(() => ["paused", "finished"].includes(document.body.dataset.state ?? ""));
  assert.equal(await page.$eval("body", (e) => e.dataset.state), "paused", "the run finished before Stop took effect");
  const stoppedAt = Number(await page.$eval("body", (e) => e.dataset.step));
  assert.ok(stoppedAt > 0 && stoppedAt < 6000, `stopped at step ${stoppedAt}`);
  await page.click("#continue");
  await page.waitForFunction(() => document.body.dataset.state === "finished", { timeout: 300_000 });
  const losses = await page.$$eval("table.losses td.number:last-child", (els) => els.map((e) => e.textContent));
  const out = await deno(
    "run",
    "--allow-read",
    "--allow-write",
    "main.ts",
    "train",
    "--steps",
    "6000",
    "--out",
    join(tmp, "6000.safetensors"),
  );
  // The command's rows: split, examples, loss, then the loss of guessing uniformly (ln V).
  const cliLosses = [...out.matchAll(/^(?:train|val|test) +[\d,]+ +([\d.]+) +[\d.]+$/gm)].map((m) => m[1]);
  assert.equal(cliLosses.length, 3, `the three losses of deno task train in:\n${out}`);
  assert.deepEqual(losses, cliLosses);
  const cli = [...out.matchAll(/^ {2}(\S+)\s+(?:new|in the training set)$/gm)].map((m) => m[1]);
  assert.deepEqual(await pageNames(page), cli);
  assert.deepEqual(problems, []);
  await page.close();
}

/** A checkpoint of `deno task train` opens in the page with the command's names; a bad one gets the command's words. */
async function checkOpen(b: TestBrowser, base: string, tmp: string): Promise<void> {
  const made = join(tmp, "cli.safetensors");
  await deno(
    "run",
    "--allow-read",
    "--allow-write",
    "main.ts",
    "train",
    "--steps",
    "1000",
    "--out",
    made,
    "--samples",
    "0",
  );
  const { page, problems } = await b.open(base + "training.html", WIDTHS[1]);
  const input = (await page.$("input#open"))!;
  await input.uploadFile(made);
  await page.waitForFunction(() => ["opened", "failed"].includes(document.body.dataset.state ?? ""));
  assert.match(
    await page.$eval("#message", (e) => e.textContent ?? ""),
    /^cli\.safetensors: 1,000 steps of training\.$/,
  );
  assert.deepEqual(await pageNames(page), await cliNames(made));
  const bad = join(tmp, "notes.safetensors");
  await Deno.writeTextFile(bad, "these are not the tensors you are looking for\n");
  await input.uploadFile(bad);
  await page.waitForFunction(() => document.getElementById("message")?.classList.contains("error"));
  const said = await page.$eval("#message", (e) => e.textContent);
  assert.equal(
    said,
    "error: notes.safetensors is not a safetensors checkpoint (it does not start with a safetensors header)",
  );
  assert.deepEqual(problems, []);
  await page.close();
}

Deno.test({
  name: notPermitted
    ? `deno task site builds pages that work in a browser (skipped: ${notPermitted})`
    : "deno task site builds every page, and they work in headless Chromium",
  ignore: notPermitted !== undefined,
  async fn(t) {
    await withTestSite("site-build", async ({ out, tmp, base, openBrowser }) => {
      const built = await buildSite({ root: ROOT, out, log: () => {} });
      await t.step(
        "the build writes the index, nine chapter pages with their outputs, and the training page",
        () => checkBuild(out, built),
      );
      const ignore = noBrowser !== undefined;
      const skipped = ignore ? ` (skipped: ${noBrowser})` : "";
      const b = ignore ? undefined : await openBrowser(chromium!);
      await t.step({
        name: `every page loads with no console error and no failed request, a chapter under 500 kB${skipped}`,
        ignore,
        fn: () => checkPages(b!, base, built.pages.map((p) => p.file)),
      });
      await t.step({
        name: `chapter 3 run in the page (Ctrl-Enter) prints what deno task chapter 3 prints${skipped}`,
        ignore,
        fn: () => checkChapterRun(b!, base),
      });
      await t.step({
        name:
          `the training page refuses a bad flag, trains 2,000 steps, and deno task sample reads its checkpoint${skipped}`,
        ignore,
        fn: () => checkTraining(b!, base, tmp),
      });
      await t.step({
        name: `Stop, then Continue, ends where deno task train ends, with its losses and names${skipped}`,
        ignore,
        fn: () => checkStopContinue(b!, base, tmp),
      });
      await t.step({
        name:
          `a checkpoint of deno task train opens in the page; a bad file is refused as the command refuses it${skipped}`,
        ignore,
        fn: () => checkOpen(b!, base, tmp),
      });
    });
  },
});
