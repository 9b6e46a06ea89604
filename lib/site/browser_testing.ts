/**
 * Helpers for the site's tests in a real browser: Debian's Chromium, driven
 * by puppeteer-core (from npm), headless, with a new empty profile, and a
 * page that records every console error, uncaught error and failed request,
 * and the bytes it loaded.
 *
 * @example
 * ```ts ignore
 * import { chromiumPath, openBrowser } from "./browser_testing.ts";
 * if (await chromiumPath()) {
 *   const browser = await openBrowser();
 *   const watched = await browser.open("http://127.0.0.1:8000/", 1280);
 *   watched.problems; // [] when all went well
 *   await watched.weight(); // the bytes it loaded
 *   await browser.close();
 * }
 * ```
 * @module
 */

import type { Browser, Page } from "puppeteer-core";
import { serveSite } from "./serve.ts";

/** Where Debian's `chromium` package puts the browser. */
const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * The path of Chromium, or null when it is not installed.
 *
 * @example
 * ```ts ignore
 * await chromiumPath(); // "/usr/bin/chromium" after `apt-get install chromium`
 * ```
 */
export async function chromiumPath(): Promise<string | null> {
  for (const path of CHROMIUM_PATHS) {
    const info = await Deno.stat(path).catch(() => null);
    if (info?.isFile) return path;
  }
  return null;
}

/** Whether a browser test can run here, and if not, why. */
export interface BrowserGate {
  /** Chromium's path, or null when it is absent or the permissions to look for it are missing. */
  chromium: string | null;
  /** Why tests that need the permissions are skipped; undefined when they are granted. */
  notPermitted?: string;
  /** Why tests that need Chromium too are skipped; undefined when they can run. */
  skip?: string;
}

/**
 * Whether the browser tests of `file` can run here: they need read, write,
 * run, env and 127.0.0.1 permissions (as `.ci/run` grants them) and Debian's
 * Chromium. When they cannot, it prints why once, so the skip is visible.
 *
 * @example
 * ```ts ignore
 * const gate = await browserGate("site_browser_test.ts");
 * if (gate.chromium) await openBrowser(gate.chromium);
 * ```
 */
export async function browserGate(file: string): Promise<BrowserGate> {
  const granted = async (descriptor: Deno.PermissionDescriptor) =>
    (await Deno.permissions.query(descriptor)).state === "granted";
  const permitted = (await granted({ name: "read" })) && (await granted({ name: "write" })) &&
    (await granted({ name: "run" })) && (await granted({ name: "net", host: "127.0.0.1" })) &&
    (await granted({ name: "env" }));
  const notPermitted = permitted
    ? undefined
    : "needs --allow-read --allow-write --allow-run --allow-net=127.0.0.1 --allow-env (.ci/run grants them)";
  const chromium = permitted ? await chromiumPath() : null;
  const skip = notPermitted ??
    (chromium ? undefined : "no Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)");
  if (skip) console.log(`${file}: the browser tests skipped: ${skip}`);
  return { chromium, notPermitted, skip };
}

/** A page being watched: what went wrong on it, and how many bytes it loaded. */
export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught errors and failed or refused requests, one line each. */
  problems: string[];
  /** The bytes of the page and of everything it has loaded so far (bodies; the cache is off). */
  weight(): Promise<number>;
}

/** A headless Chromium with its own empty profile, removed on close. */
export interface TestBrowser {
  browser: Browser;
  /** Opens `url` at a width (and a height of 900), waiting until the network is idle. */
  open(url: string, width: number, dark?: boolean): Promise<WatchedPage>;
  close(): Promise<void>;
}

/** Records a page's problems. */
function watch(page: Page): WatchedPage {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e instanceof Error ? e.message : String(e)}`));
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const weight = () =>
    page.evaluate(() =>
      performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
        .reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0)
    );
  return { page, problems, weight };
}

/**
 * Starts headless Chromium (as root it needs `--no-sandbox`), with a new empty profile.
 *
 * @example
 * ```ts ignore
 * const browser = await openBrowser();
 * await browser.close();
 * ```
 */
export async function openBrowser(executablePath = "/usr/bin/chromium"): Promise<TestBrowser> {
  // Loaded here, not at the top: puppeteer-core reads the environment as it loads, which a test may not be allowed.
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = await Deno.makeTempDir({ prefix: "site-chromium-" });
  const browser = await puppeteer.launch({
    executablePath,
    userDataDir: profile,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    async open(url, width, dark = false) {
      const page = await browser.newPage();
      const watched = watch(page);
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: dark ? "dark" : "light" }]);
      await page.setViewport({ width, height: 900 });
      await page.setCacheEnabled(false);
      await page.goto(url, { waitUntil: "networkidle0" });
      return watched;
    },
    async close() {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** A site's folder served on 127.0.0.1, a folder for a test's files, and a browser to open on them. */
export interface TestSite {
  /** Where the site is built (empty at first). */
  out: string;
  /** A folder for the files a test writes. */
  tmp: string;
  /** The served site's address, ending in `/`. */
  base: string;
  /** Opens the browser, which is closed with the rest. */
  openBrowser(executablePath: string): Promise<TestBrowser>;
}

/**
 * Runs `fn` with a site's folder served on a free port of 127.0.0.1 and a
 * folder for its files (both named after `name`); then closes the browser
 * it opened, stops the server and removes both folders, `fn` passed or not.
 *
 * @example
 * ```ts ignore
 * await withTestSite("site-exercises", async (site) => {
 *   await buildSite({ root, out: site.out, log: () => {} });
 *   const b = await site.openBrowser("/usr/bin/chromium");
 *   await b.open(site.base + "index.html", 1280);
 * });
 * ```
 */
export async function withTestSite(name: string, fn: (site: TestSite) => Promise<void>): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: `${name}-` });
  const tmp = await Deno.makeTempDir({ prefix: `${name}-files-` });
  const server = serveSite(out, 0);
  let browser: TestBrowser | null = null;
  try {
    await fn({
      out,
      tmp,
      base: `http://127.0.0.1:${server.addr.port}/`,
      openBrowser: async (path) => browser = await openBrowser(path),
    });
  } finally {
    await (browser as TestBrowser | null)?.close();
    await server.shutdown();
    await Deno.remove(out, { recursive: true });
    await Deno.remove(tmp, { recursive: true });
  }
}
