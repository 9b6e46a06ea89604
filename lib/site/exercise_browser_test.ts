// The exercise pages in a real browser: `deno task site`'s build (with the exercise pages) into a temporary folder,
// served on 127.0.0.1, loaded in Debian's headless Chromium by puppeteer-core. Every exercise page loads cleanly and
// checks its stub; in exercises 3 and 5 a correct answer, written with functions and with methods, gets the verdicts
// `deno task exercise N` prints for the same file, and so do four planted mistakes, one in exercise 9 (what each said
// goes to site-screenshots/exercise-mistakes.txt); a `while (true)` is stopped with the located message while the page
// stays responsive; the learner's worker can reach nothing, and the page's CSP forbids code from strings there; an
// import() of a computed module is refused before running; exercise 9's solution trains the CLI's 3,000 steps beside
// the kernels' run (site-screenshots/exercise-9-training.txt), and Stop stops a run; code typed into the editor
// survives a reload, Reset keeps it for Undo, and the downloaded file passes `deno task exercise N`. Needs --allow-read
// --allow-write --allow-run --allow-net=127.0.0.1 --allow-env (.ci/run grants them, and installs Chromium); without
// them, or without Chromium, it skips and says why.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { fromFileUrl } from "../paths.ts";
import { browserGate, type TestBrowser, withTestSite } from "./browser_testing.ts";
import { buildSite } from "./build.ts";
import { exerciseHref } from "./exercise_page.ts";
import { EXERCISE_PAGES, exercisePageData } from "../commands/site.ts";
import { checkText, edited, solvedStub } from "../commands/exercise/testing.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { explainErrors } from "../exercise/translate.ts";
import { stuckInTerminal } from "../exercise/verdicts.ts";
import { stuckInPage } from "./browser/exercise_report.ts";
import { pageStub, typecheckFiles } from "./exercise_build.ts";
import { fileFit, fitLine } from "../exercise/file_fit.ts";
import { exerciseInput } from "../commands/exercise/context.ts";
import { referenceGradients } from "../check/reference.ts";

const ROOT = fromFileUrl(new URL("../..", import.meta.url));
const SHOTS = join(ROOT, "site-screenshots");

const { chromium, notPermitted, skip: noBrowser } = await browserGate("exercise_browser_test.ts");

/** Exercise 3's gradients written with functions only, and with methods only. */
const FORMS_3: Record<string, string[]> = {
  functions: [
    "const dlogprobs = mul(oneHot(Yb, vocabSize), -1 / n); // [n, 27]",
    "const dprobs = mul(pow(probs, -1), dlogprobs); // [n, 27]",
    "const dcountsSumInv = sum(mul(counts, dprobs), 1, true); // [n, 1]",
    "const dcountsSum = mul(neg(pow(countsSum, -2)), dcountsSumInv); // [n, 1]",
    "let dcounts = mul(countsSumInv, dprobs); // [n, 27]",
    "dcounts = add(dcounts, mul(ones([n, vocabSize]), dcountsSum)); // [n, 27]",
    "const dnormLogits = mul(counts, dcounts); // [n, 27]",
    "const dlogitMaxes = sum(neg(dnormLogits), 1, true); // [n, 1]",
    "let dlogits = clone(dnormLogits); // [n, 27]",
    "dlogits = add(dlogits, mul(oneHot(indexTensor(logitArgmax.data, [n]), vocabSize), dlogitMaxes)); // [n, 27]",
  ],
  methods: [
    "const dlogprobs = oneHot(Yb, vocabSize).mul(-1 / n); // [n, 27]",
    "const dprobs = probs.pow(-1).mul(dlogprobs); // [n, 27]",
    "const dcountsSumInv = counts.mul(dprobs).sum(1, true); // [n, 1]",
    "const dcountsSum = countsSum.pow(-2).neg().mul(dcountsSumInv); // [n, 1]",
    "let dcounts = countsSumInv.mul(dprobs); // [n, 27]",
    "dcounts = dcounts.add(ones([n, vocabSize]).mul(dcountsSum)); // [n, 27]",
    "const dnormLogits = counts.mul(dcounts); // [n, 27]",
    "const dlogitMaxes = dnormLogits.neg().sum(1, true); // [n, 1]",
    "let dlogits = dnormLogits.clone(); // [n, 27]",
    "dlogits = dlogits.add(oneHot(indexTensor(logitArgmax.data, [n]), vocabSize).mul(dlogitMaxes)); // [n, 27]",
  ],
};

/** Exercise 5's gradients written with functions only, and with methods only. */
const FORMS_5: Record<string, string[]> = {
  functions: [
    "const dbngain = sum(mul(bnraw, dhpreact), 0, true); // [1, 64]",
    "const dbnbias = sum(dhpreact, 0, true); // [1, 64]",
    "const dbnraw = mul(bngain, dhpreact); // [n, 64]",
    "const dbnvarInv = sum(mul(bndiff, dbnraw), 0, true); // [1, 64]",
    "const dbnvar = mul(mul(-0.5, pow(add(bnvar, 1e-5), -1.5)), dbnvarInv); // [1, 64]",
    "const dbndiff2 = mul(mul(1 / (n - 1), ones(bndiff2.shape)), dbnvar); // [n, 64]",
    "let dbndiff = mul(bnvarInv, dbnraw); // [n, 64]",
    "dbndiff = add(dbndiff, mul(mul(2, bndiff), dbndiff2)); // [n, 64]",
    "const dbnmeani = sum(neg(dbndiff), 0, true); // [1, 64]",
    "let dhprebn = clone(dbndiff); // [n, 64]",
    "dhprebn = add(dhprebn, mul(1 / n, mul(ones(dhprebn.shape), dbnmeani))); // [n, 64]",
  ],
  methods: [
    "const dbngain = bnraw.mul(dhpreact).sum(0, true); // [1, 64]",
    "const dbnbias = dhpreact.sum(0, true); // [1, 64]",
    "const dbnraw = bngain.mul(dhpreact); // [n, 64]",
    "const dbnvarInv = bndiff.mul(dbnraw).sum(0, true); // [1, 64]",
    "const dbnvar = bnvar.add(1e-5).pow(-1.5).mul(-0.5).mul(dbnvarInv); // [1, 64]",
    "const dbndiff2 = ones(bndiff2.shape).mul(1 / (n - 1)).mul(dbnvar); // [n, 64]",
    "let dbndiff = bnvarInv.mul(dbnraw); // [n, 64]",
    "dbndiff = dbndiff.add(bndiff.mul(2).mul(dbndiff2)); // [n, 64]",
    "const dbnmeani = dbndiff.neg().sum(0, true); // [1, 64]",
    "let dhprebn = dbndiff.clone(); // [n, 64]",
    "dhprebn = dhprebn.add(ones(dhprebn.shape).mul(dbnmeani).mul(1 / n)); // [n, 64]",
  ],
};

/** Exercise `chapter`'s stub with its todo lines replaced by `lines`. */
function answered(chapter: number, lines: string[]): string {
  const stub = EXERCISES[chapter].stub;
  const todos = [...stub.matchAll(/^ {2}const \w+ = todo\(\w+\);.*\n/gm)];
  assert.equal(todos.length, EXERCISES[chapter].gradients.length);
  const first = todos[0].index!;
  const last = todos.at(-1)!;
  return stub.slice(0, first) + lines.map((l) => `  ${l}\n`).join("") + stub.slice(last.index! + last[0].length);
}

/** Mistakes a learner makes, planted in correct files: four wrong gradients (one in exercise 9), and a type error. */
const MISTAKES: { what: string; chapter: number; text: () => string; said: RegExp }[] = [
  {
    what: "exercise 3, dlogprobs without the 1/n of the mean",
    chapter: 3,
    text: () => edited(solvedStub(3), [["oneHot(Yb, vocabSize).mul(-1 / n)", "oneHot(Yb, vocabSize).mul(-1)"]]),
    said: / wrong/,
  },
  {
    what: "exercise 3, dcounts without its second contribution (through countsSum)",
    chapter: 3,
    text: () => edited(solvedStub(3), [[/\n {2}dcounts = add\(dcounts, [^\n]*/, ""]]),
    said: / wrong/,
  },
  {
    what: "exercise 5, dbndiff2 with 1/n where the forward pass has 1/(n − 1)",
    chapter: 5,
    text: () => edited(solvedStub(5), [["mul(1 / (n - 1), ones(bndiff2.shape))", "mul(1 / n, ones(bndiff2.shape))"]]),
    said: / wrong/,
  },
  {
    what: "exercise 9, dhpreact with tanh's derivative as 1 − h, without the square",
    chapter: 9,
    text: () => edited(solvedStub(9), [["sub(1, h.pow(2)).mul(dh)", "sub(1, h).mul(dh)"]]),
    said: / wrong/,
  },
  {
    what: "exercise 3, dprobs written with `*`, as in PyTorch",
    chapter: 3,
    text: () => edited(solvedStub(3), [["mul(pow(probs, -1), dlogprobs)", "pow(probs, -1) * dlogprobs"]]),
    said: /does not multiply tensors/,
  },
];

/** What `deno task exercise N` says of `text`, after its first line, with its file named as in the page. */
async function cliSays(chapter: number, text: string): Promise<{ text: string; code: number }> {
  const workspace = join(ROOT, `chapters/yours-web-test-${crypto.randomUUID().slice(0, 8)}/`);
  try {
    const { result, output } = await checkText(workspace, chapter, text);
    const shown = `chapters/${workspace.split("/").at(-2)}/${EXERCISES[chapter].file}`;
    // The CLI's line about a file that seems another exercise's is the page's on Open, not in its check.
    const said = output.replace(/^Exercise \d+\. [^\n]*\n\n/, "").replace(
      /^\S+ is checked as exercise \d+, but [\s\S]*?\n\n/,
      "",
    ).replaceAll(
      shown,
      `chapters/yours/${EXERCISES[chapter].file}`,
    );
    return { text: said.trimEnd(), code: result };
  } finally {
    await Deno.remove(workspace, { recursive: true }).catch(() => {});
  }
}

/** The text with its white space collapsed: the terminal wraps a longer file name elsewhere. */
const flat = (text: string) => text.replace(/\s+/g, " ").trim();

/** Where the page's summary points a stuck learner (its Hint buttons), read as a pattern of the gradient's name. */
const STUCK_IN_PAGE = new RegExp(
  stuckInPage("NAME").replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("NAME", "([\\w$]+)").replaceAll(" ", "\\s+"),
  "g",
);

/** The page's text in the terminal's words: the only difference is where the summary points a stuck learner. */
const asInTerminal = (text: string, chapter: number) =>
  flat(text.replace(STUCK_IN_PAGE, (_, name: string) => stuckInTerminal(chapter)(name)));

/**
 * Opens exercise `chapter`'s page and waits for its checker; runs `fn` in it;
 * then the page has had no console error and no failed request. The page is
 * closed, `fn` passed or not.
 */
async function onExercise(b: TestBrowser, base: string, chapter: number, fn: (page: Page) => Promise<void>) {
  const { page, problems } = await b.open(base + exerciseHref(chapter), 1280);
  try {
    await page.waitForFunction(() => document.body.dataset.state === "ready", { timeout: 120_000 });
    await fn(page);
    assert.deepEqual(problems, [], `exercise ${chapter}: ${problems.join("; ")}`);
  } finally {
    await page.close();
  }
}

/** The learner's text as the page keeps it in the browser's storage. */
const storedText = (page: Page, chapter: number) =>
  page.evaluate((c) => localStorage.getItem(`backprop-ninja:exercise:${c}:code`), chapter);

/**
 * Records every text the page's status line shows, into `window.statusLog`
 * (at each change of the document, so that a text shown for a moment is
 * caught too: the seconds of a wait are counted there as well). Given to
 * `evaluate` after a load, or to `evaluateOnNewDocument` to see a load.
 */
function logStatus(): void {
  const log: string[] = (globalThis as unknown as { statusLog: string[] }).statusLog = [];
  const note = () => {
    const text = document.getElementById("message")?.textContent ?? "";
    if (text !== log.at(-1)) log.push(text);
  };
  new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
  note();
}

/**
 * What the status line showed since {@linkcode logStatus}, with the seconds of waits left out, each once, and what
 * it shows now last.
 */
const statusSeen = async (page: Page) =>
  [
    ...new Set(
      await page.evaluate(() => [
        ...(globalThis as unknown as { statusLog: string[] }).statusLog,
        document.getElementById("message")?.textContent ?? "",
      ]),
    ),
  ].map((t) => t.replace(/ \d+ s$/, ""));

/** Opens `text` in the page as the exercise's file (through Open), then checks it; what the page said. */
async function pageSays(page: Page, tmp: string, chapter: number, text: string) {
  const file = join(tmp, EXERCISES[chapter].file);
  await Deno.writeTextFile(file, text);
  await (await page.$("input#open"))!.uploadFile(file);
  await page.waitForFunction((t) => document.getElementById("message")?.textContent?.startsWith(t), {}, "Opened ");
  assert.equal(await storedText(page, chapter), text);
  const opened = await page.$eval("#message", (e) => e.textContent ?? "");
  assert.match(opened, /^Opened [\w.]+\. Undo open/, "a file of this exercise is opened with no warning");
  return await checkNow(page);
}

/** Whether the first line of the element `selector` is in the window (its top, and a line below it). */
const inView = (page: Page, selector: string) =>
  page.$eval(selector, (e) => {
    const top = e.getBoundingClientRect().top;
    return top >= 0 && top + 20 <= innerHeight;
  });

/**
 * Presses Check with the page scrolled to its top, as a learner does above
 * the editor; what the checker said once the check is done, what the status
 * line says, and whether the verdict came into view.
 */
async function checkNow(page: Page): Promise<{ text: string; code: number; status: string; shown: boolean }> {
  const before = Number(await page.$eval("body", (e) => e.dataset.checked ?? "0"));
  await page.evaluate(() => scrollTo(0, 0));
  await page.click("#check");
  await page.waitForFunction((n) => Number(document.body.dataset.checked ?? "0") > n, { timeout: 60_000 }, before);
  return {
    text: await page.$eval("#result", (e) => e.textContent ?? ""),
    code: Number(await page.$eval("#result", (e) => (e as HTMLElement).dataset.code)),
    status: await page.$eval("#message", (e) => e.textContent ?? ""),
    shown: await inView(page, "#result"),
  };
}

/** Each exercise page loads with no problem, and its stub gets the verdicts of `deno task exercise N` on the stub. */
async function checkStubs(b: TestBrowser, base: string, tmp: string): Promise<void> {
  for (const chapter of EXERCISE_PAGES) {
    await onExercise(b, base, chapter, async (page) => {
      const said = await pageSays(page, tmp, chapter, EXERCISES[chapter].stub);
      const count = EXERCISES[chapter].gradients.length;
      assert.match(said.text, new RegExp(`^0 of ${count} done\\. Next:`, "m"));
      const next = EXERCISES[chapter].gradients[0].name;
      assert.ok(flat(said.text).endsWith(`Next: ${next} (${stuckInPage(next)})`), said.text);
      assert.equal(said.code, 1);
      // The status line sums it up, and the verdict (under the editor) is brought into view.
      const gradients = count === 1 ? "gradient" : "gradients";
      assert.match(said.status, new RegExp(`^Checked in \\d+\\.\\d s: 0 of ${count} ${gradients} right\\.$`));
      assert.ok(said.shown, `exercise ${chapter}: the verdict is not in view after Check`);
      // Done start to finish: the chapter's own lines in place of the todos pass.
      const solved = await pageSays(page, tmp, chapter, solvedStub(chapter));
      assert.equal(solved.code, 0, `exercise ${chapter} solved:\n${solved.text}`);
      assert.match(solved.text, /(?:are|is) right\. Well done!$/);
      assert.match(solved.status, new RegExp(`^Checked in \\d+\\.\\d s: all ${count} right\\.$`));
      assert.ok(solved.shown, `exercise ${chapter}: the verdict is not in view after Check`);
    });
  }
  await onExercise(b, base, 3, async (page) => {
    const typo = EXERCISES[3].stub.replace("todo(probs);", "probs * dlogprobs;");
    const said = await pageSays(page, tmp, 3, typo);
    assert.match(said.status, /^Checked in \d+\.\d s: 1 type error, nothing run\.$/);
    assert.ok(said.shown, "the type error is not in view after Check");
    // Checked again where the verdict shows, the page stays where it is.
    const at = await page.evaluate(() => scrollY);
    const before = Number(await page.$eval("body", (e) => e.dataset.checked));
    await page.$eval("#check", (e) => (e as HTMLButtonElement).click());
    await page.waitForFunction((n) => Number(document.body.dataset.checked) > n, { timeout: 60_000 }, before);
    assert.equal(await page.evaluate(() => scrollY), at, "the page jumped, though the verdict was in view");
  });
  const cli = await cliSays(3, EXERCISES[3].stub);
  await onExercise(b, base, 3, async (page) => {
    assert.equal(asInTerminal((await pageSays(page, tmp, 3, EXERCISES[3].stub)).text, 3), flat(cli.text));
  });
}

/** Exercises 3 and 5, right, written with functions and with methods: the CLI's verdicts, all right. */
async function checkRightAnswers(b: TestBrowser, base: string, tmp: string): Promise<void> {
  for (const [chapter, forms] of [[3, FORMS_3], [5, FORMS_5]] as const) {
    await onExercise(b, base, chapter, async (page) => {
      for (const [form, lines] of Object.entries(forms)) {
        const text = answered(chapter, lines);
        const [inPage, cli] = [await pageSays(page, tmp, chapter, text), await cliSays(chapter, text)];
        assert.equal(cli.code, 0, `the CLI on exercise ${chapter} with ${form}:\n${cli.text}`);
        assert.equal(inPage.code, 0, `the page on exercise ${chapter} with ${form}:\n${inPage.text}`);
        assert.equal(asInTerminal(inPage.text, chapter), flat(cli.text), `exercise ${chapter} with ${form}`);
        assert.match(inPage.text, /are right\. Well done!$/);
      }
    });
  }
}

/** Where the editor and the hints are, and how wide the document is, at the window's width `width`. */
async function layoutAt(page: Page, width: number) {
  await page.setViewport({ width, height: 900 });
  return await page.evaluate(() => {
    const box = (s: string) => document.querySelector(s)!.getBoundingClientRect().toJSON() as DOMRect;
    return { editor: box(".editor"), hints: box(".help"), scrollWidth: document.documentElement.scrollWidth };
  });
}

/**
 * Screenshots of an exercise page with a diagnosis, from a phone's width to
 * a wide screen's; the editor takes the width a laptop gives it (not a
 * column of prose's 50rem), and beside it on a wide screen go the hints.
 */
async function screenshots(page: Page): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  for (const width of [390, 1000, 1280, 1300, 1920]) {
    const at = await layoutAt(page, width);
    assert.equal(at.scrollWidth, width, `at ${width} px the page is ${at.scrollWidth} px wide`);
    // The checker's words flow to the page's width: no line runs out of its box.
    const result = await page.$eval("#result", (e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(
      result[0] <= result[1] + 1,
      `at ${width} px the checker's words are ${result[0]} px wide in ${result[1]}`,
    );
    if (width >= 1000 && width < 1440) {
      assert.ok(at.editor.width >= width - 40, `at ${width} px the editor is ${at.editor.width} px wide`);
      assert.ok(at.hints.top > at.editor.bottom, `at ${width} px the hints are not under the editor`);
    }
    if (width === 1920) {
      assert.ok(at.editor.width >= 1200, `at 1920 px the editor is ${at.editor.width} px wide`);
      assert.ok(at.hints.left > at.editor.right && at.hints.top < at.editor.top, "at 1920 px the hints are not beside");
    }
    await page.$eval("h1", (e) => e.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, `exercise-${width}.png`), fullPage: true });
  }
  await page.setViewport({ width: 1280, height: 900 });
}

/**
 * The checker's message at its marked line, on hover: the size of its text
 * (not the window's width), just above or below the line.
 */
async function checkTooltip(page: Page): Promise<void> {
  const mark = (await page.$(".cm-lintRange-error"))!;
  await mark.hover();
  await page.waitForSelector(".cm-tooltip-hover", { timeout: 5_000 });
  const [tip, line, editor] = await Promise.all(
    [".cm-tooltip-hover", ".cm-lintRange-error", ".editor"].map((s) =>
      page.$eval(s, (e) => e.getBoundingClientRect().toJSON() as DOMRect)
    ),
  );
  const rem = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  assert.ok(tip.width <= 34 * rem + 1, `the tooltip is ${tip.width} px wide`);
  assert.ok(tip.width < editor.width, `the tooltip is ${tip.width} px wide, the editor ${editor.width}`);
  const gap = Math.min(Math.abs(tip.bottom - line.top), Math.abs(tip.top - line.bottom));
  assert.ok(gap < 8, `the tooltip is ${gap} px from its line`);
  await page.mouse.move(0, 0);
}

/** Three planted mistakes: the page names each as the CLI does; what each said is written down. */
async function checkMistakes(b: TestBrowser, base: string, tmp: string): Promise<void> {
  const notes: string[] = [];
  for (const mistake of MISTAKES) {
    await onExercise(b, base, mistake.chapter, async (page) => {
      const text = mistake.text();
      const [inPage, cli] = [await pageSays(page, tmp, mistake.chapter, text), await cliSays(mistake.chapter, text)];
      assert.equal(inPage.code, 1);
      assert.equal(cli.code, 1);
      assert.equal(asInTerminal(inPage.text, mistake.chapter), flat(cli.text), mistake.what);
      assert.match(inPage.text, mistake.said);
      const marks = Number(await page.$eval("#result", (e) => (e as HTMLElement).dataset.marks));
      assert.ok(marks > 0, `${mistake.what}: no line is marked in the editor`);
      if (mistake === MISTAKES[0]) {
        // Its paragraphs are not wrapped at the terminal's 80 columns: the page flows them (pre-wrap).
        assert.ok(inPage.text.split("\n").some((l) => l.length > 80), inPage.text);
        assert.equal(await page.$eval("#result", (e) => getComputedStyle(e).whiteSpace), "pre-wrap");
        await screenshots(page);
      }
      if (mistake === MISTAKES.at(-1)) await checkTooltip(page);
      notes.push(
        `== ${mistake.what}\n-- the page:\n${inPage.text}\n-- deno task exercise ${mistake.chapter}:\n${cli.text}`,
      );
    });
  }
  await Deno.mkdir(SHOTS, { recursive: true });
  await Deno.writeTextFile(join(SHOTS, "exercise-mistakes.txt"), `${notes.join("\n\n")}\n`);
}

/** A `while (true)` in gradients() is stopped with the CLI's located message; the page answers meanwhile. */
async function checkRunaway(b: TestBrowser, base: string, tmp: string): Promise<void> {
  const text = edited(solvedStub(3), [[/\n {2}const dprobs = /, "\n  while (true) {}\n  const dprobs = "]]);
  await onExercise(b, base, 3, async (page) => {
    const file = join(tmp, EXERCISES[3].file);
    await Deno.writeTextFile(file, text);
    await (await page.$("input#open"))!.uploadFile(file);
    await page.waitForFunction(() => document.getElementById("message")?.textContent?.startsWith("Opened "));
    const started = performance.now();
    await page.click("#check");
    await page.waitForFunction(() => document.getElementById("message")?.textContent === "Running your gradients()…");
    // While the learner's worker spins, the page answers: a hint opens at once.
    const clicked = performance.now();
    await page.click('li[data-gradient="dprobs"] button.hint');
    const answeredMs = performance.now() - clicked;
    assert.ok(answeredMs < 2000, `the hint took ${answeredMs.toFixed(0)} ms to open during the run`);
    assert.equal(await page.$eval("body", (e) => e.dataset.state), "checking");
    assert.match(
      await page.$eval('li[data-gradient="dprobs"] pre.said', (e) => e.textContent ?? ""),
      /^1\. dprobs inverts/,
    );
    await page.waitForFunction(() => document.body.dataset.state === "checked", { timeout: 60_000 });
    const ms = performance.now() - started;
    const said = await page.$eval("#result", (e) => e.textContent ?? "");
    const lineOf = (what: string) => text.split("\n").findIndex((l) => l.includes(what)) + 1;
    assert.ok(
      flat(said).startsWith(
        `Your gradients() ran for 5 s without returning, so it was stopped. It was running after line ${
          lineOf("const dlogprobs = ")
        } (dlogprobs), before line ${lineOf("const dprobs = ")} (dprobs) of chapters/yours/03_cross_entropy.ts: `,
      ),
      said,
    );
    assert.ok(ms < 15_000, `stopped after ${ms.toFixed(0)} ms`);
    const cli = await cliSays(3, text);
    assert.equal(flat(said), flat(cli.text));
  });
}

/** What a learner's file tries in its worker: the ways out it looks for, and a forged report of "all right". */
const PROBE = `
  const scope = globalThis as unknown as Record<string, unknown>;
  const ways = ["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "Worker", "importScripts", "indexedDB", "caches"];
  console.log(\`reachable: \${ways.filter((k) => scope[k] !== undefined).join(", ") || "none"}\`);
  console.log(\`input: \${Object.keys(input).join(", ")}\`);
  const strings: [string, () => unknown][] = [
    ["new Function", () => new Function("return 1")()],
    ["eval", () => (0, eval)("1")],
    ["import in a string", () => new Function("return import('https://example.com/x.js')")()],
  ];
  for (const [what, f] of strings) {
    try {
      console.log(\`\${what}: ran \${String(f())}\`);
    } catch (error) {
      console.log(\`\${what}: \${(error as Error).name}\`);
    }
  }
  const forged = { ended: "returned", tensors: {}, returned: {}, recorded: {}, forward: {}, changedForward: [] };
  (scope.postMessage as (m: unknown) => void)({ kind: "report", report: forged });
`;

/** The learner's worker has none of the ways out, only the exercise's input, and a report it forges is ignored. */
async function checkConfined(b: TestBrowser, base: string, tmp: string): Promise<void> {
  const stub = EXERCISES[3].stub;
  const text = edited(stub, [[
    "export function gradients({ fwd, batch, n }: ExerciseInput): Record<string, Tensor> {",
    `export function gradients(input: ExerciseInput): Record<string, Tensor> {\n  const { fwd, batch, n } = input;${PROBE}`,
  ]]);
  await onExercise(b, base, 3, async (page) => {
    const said = await pageSays(page, tmp, 3, text);
    const lines = said.text.split("\n");
    assert.equal(lines[0], "reachable: none");
    assert.equal(lines[1], "input: fwd, params, batch, n"); // exercise 3 starts from the loss: no upstream gradient
    // The page's Content-Security-Policy holds in the learner's worker: no code from a string, so no import() in one.
    assert.deepEqual(lines.slice(2, 5), [
      "new Function: EvalError",
      "eval: EvalError",
      "import in a string: EvalError",
    ]);
    assert.match(said.text, /^0 of 8 done\. Next: dlogprobs/m);
    assert.equal(said.code, 1);
  });
}

/** An import() of a computed module and import.meta are refused before the file runs, each located. */
async function checkImportCalls(b: TestBrowser, base: string, tmp: string): Promise<void> {
  const text = edited(EXERCISES[3].stub, [[
    "export function gradients({ fwd, batch, n }: ExerciseInput): Record<string, Tensor> {",
    `export function gradients({ fwd, batch, n }: ExerciseInput): Record<string, Tensor> {
  const where = "https://example" + ".com/x.js";
  void import(where);
  console.log(import.meta.url);`,
  ]]);
  const line = text.split("\n").findIndex((l) => l.includes("void import(where)")) + 1;
  await onExercise(b, base, 3, async (page) => {
    const said = await pageSays(page, tmp, 3, text);
    assert.equal(said.code, 1);
    assert.match(
      said.text,
      /^chapters\/yours\/03_cross_entropy\.ts imports what an exercise file may not, so it was not run:/,
    );
    const file = "chapters/yours/03_cross_entropy.ts";
    assert.ok(flat(said.text).includes(`${file}:${line}:8: import(…) of a computed module is refused:`), said.text);
    assert.ok(flat(said.text).includes(`${file}:${line + 1}:15: import.meta is refused:`), said.text);
    // nothing was requested from example.com
  });
}

/** The numbers of a row of the training's loss table: the learner's and the kernels'. */
function lossRow(text: string, label: string): [number, number] {
  const row = text.split("\n").find((l) => l.startsWith(label));
  assert.ok(row, `the training's table has a row "${label}":\n${text}`);
  const [yours, kernels] = row.slice(label.length).trim().split(/\s+/).map(Number);
  return [yours, kernels];
}

/**
 * Exercise 9 start to finish: the chapters' solution checks right, then trains the CLI's 3,000 steps in the page
 * beside the kernels' run, its losses falling, both curves drawn, names sampled; Stop stops a second run.
 */
async function checkTraining(b: TestBrowser, base: string, tmp: string): Promise<void> {
  await onExercise(b, base, 9, async (page) => {
    assert.equal(await page.$eval("#train", (e) => (e as HTMLButtonElement).disabled), false, "Train is disabled");
    assert.equal((await pageSays(page, tmp, 9, solvedStub(9))).code, 0);
    await page.evaluate(logStatus);
    const started = performance.now();
    await page.click("#train");
    await page.waitForFunction(() => /^step \d/.test(document.getElementById("train-progress")?.textContent ?? ""));
    assert.ok(await inView(page, "#train-progress"), "the training's progress is not in view after Train");
    // While the learner's worker trains, the page answers: a hint opens at once.
    const clicked = performance.now();
    await page.click('li[data-gradient="dh"] button.hint');
    assert.ok(performance.now() - clicked < 2000, "the page did not answer while training");
    await page.waitForFunction(() => document.body.dataset.state === "trained", { timeout: 200_000 });
    const ms = performance.now() - started;
    const said = await page.$eval("#train-result", (e) => e.textContent ?? "");
    assert.equal(await page.$eval("#train-result", (e) => (e as HTMLElement).dataset.code), "0", said);
    assert.match(
      await page.$eval("#train-progress", (e) => e.textContent ?? ""),
      /^step 3,000 of 3,000: loss \d\.\d{4} \(the kernels' \d\.\d{4}\)/,
    );
    const [first, last] = [
      lossRow(said, "loss, mean of the first 100 steps"),
      lossRow(said, "loss, mean of the last 100 steps"),
    ];
    assert.ok(last[0] < first[0] - 0.3, `the losses did not fall: ${first[0]} → ${last[0]}`);
    const val = lossRow(said, "val loss, batchnorm calibrated");
    assert.ok(Math.abs(val[0] - val[1]) < 0.05, `val loss ${val[0]}, the kernels' ${val[1]}`);
    const names = said.slice(said.indexOf("\nyours ") + 1).split("\n").slice(1, 21).map((l) => l.trim().split(/\s+/));
    assert.equal(names.length, 20);
    assert.ok(names.every((n) => n.length === 2 && /^[a-z]+$/.test(n[0])), said);
    assert.match(flat(said), /Your backward pass trained the network as well as the kernels do: 3,000 steps in/);
    assert.equal(await page.$$eval("#train-chart polyline", (l) => l.length), 2);
    // The status line said what was happening, the seconds after the last step included.
    const seen = await statusSeen(page);
    for (
      const phase of [
        "The kernels' run first: the curve yours is compared with…",
        "Training with your gradients()…",
        "Calibrating batchnorm and evaluating both networks, then sampling names…",
      ]
    ) assert.ok(seen.includes(phase), `the status line never said "${phase}": ${JSON.stringify(seen)}`);
    assert.match(seen.at(-1)!, /^Trained in \d+\.\d s: your backward pass trains the network\.$/);
    await Deno.mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, "exercise-9-trained.png"), fullPage: true });
    await Deno.writeTextFile(join(SHOTS, "exercise-9-training.txt"), `in ${(ms / 1000).toFixed(1)} s:\n${said}\n`);
    // Stop: a second run, stopped once the learner's training has started.
    await page.click("#train");
    await page.waitForFunction(() => /^step \d/.test(document.getElementById("train-progress")?.textContent ?? ""));
    await page.click("#stop-training");
    await page.waitForFunction(() => document.body.dataset.state === "trained", { timeout: 30_000 });
    assert.match(
      await page.$eval("#train-result", (e) => e.textContent ?? ""),
      /^You stopped the training after step \d+ of 3,000\.$/,
    );
    assert.equal(await page.$eval("#check", (e) => (e as HTMLButtonElement).disabled), false);
    await checkTrainAfterReload(page, tmp);
  });
}

/**
 * After a reload, Train works on the saved file with no Check pressed: it
 * checks the file first, says so, and trains; a file with a wrong gradient
 * is checked and not trained. The editor keeps the learner's text throughout.
 */
async function checkTrainAfterReload(page: Page, tmp: string): Promise<void> {
  await page.reload({ waitUntil: "networkidle0" });
  await page.waitForFunction(() => document.body.dataset.state === "ready", { timeout: 120_000 });
  assert.equal(await storedText(page, 9), solvedStub(9));
  await page.evaluate(logStatus);
  await page.click("#train");
  await page.waitForFunction(() => /^step \d/.test(document.getElementById("train-progress")?.textContent ?? ""), {
    timeout: 60_000,
  });
  const seen = await statusSeen(page);
  const first = "Checking your file first (Train trains only with a file whose gradients are all right)…";
  assert.ok(seen.includes(first), `the status line never said "${first}": ${JSON.stringify(seen)}`);
  assert.equal(await page.$eval("#result", (e) => (e as HTMLElement).dataset.code), "0");
  await page.click("#stop-training");
  await page.waitForFunction(() => document.body.dataset.state === "trained", { timeout: 30_000 });
  // A wrong gradient: Train checks, says why it did not train, and the checker's verdicts show.
  const wrong = MISTAKES.find((m) => m.chapter === 9)!.text();
  const file = join(tmp, EXERCISES[9].file);
  await Deno.writeTextFile(file, wrong);
  await (await page.$("input#open"))!.uploadFile(file);
  await page.waitForFunction(() => document.getElementById("message")?.textContent?.startsWith("Opened "));
  await page.click("#train");
  await page.waitForFunction(() => document.body.dataset.state === "checked", { timeout: 60_000 });
  assert.match(
    await page.$eval("#message", (e) => e.textContent ?? ""),
    /^Checked in \d+\.\d s: \d+ of 13 gradients right; not trained, as not every gradient is right yet\.$/,
  );
  assert.ok(await inView(page, "#result"), "the verdict is not in view after a Train that did not train");
  assert.equal(await page.$eval("#result", (e) => (e as HTMLElement).dataset.code), "1");
  assert.equal(await storedText(page, 9), wrong);
}

/** Opens exercise `from`'s solved file in exercise `to`'s page (through Open); the status line then. */
async function openOther(page: Page, tmp: string, from: number): Promise<{ message: string; tone: string }> {
  const file = join(tmp, EXERCISES[from].file);
  await Deno.writeTextFile(file, solvedStub(from));
  await (await page.$("input#open"))!.uploadFile(file);
  await page.waitForFunction(() => document.getElementById("message")?.textContent?.startsWith("Opened "));
  return await page.$eval(
    "#message",
    (e) => ({ message: e.textContent ?? "", tone: (e as HTMLElement).dataset.tone! }),
  );
}

/** The line the page says of exercise `from`'s file opened in exercise `to`'s page, from the shared module. */
function otherLine(from: number, to: number): string {
  const exercises = EXERCISE_PAGES.map((c) => ({ ...EXERCISES[c], names: EXERCISES[c].gradients.map((g) => g.name) }));
  const off = fitLine(fileFit(solvedStub(from), to, exercises), to);
  return `Opened ${EXERCISES[from].file}, but ${off}. Undo open brings back what was here, until you edit.`;
}

/**
 * A file of another exercise, opened: the page says in one line which
 * exercise it seems to be for and what it defines that this one does not
 * ask for, or lacks; Undo open brings the learner's text back; its check is
 * the CLI's for the same file.
 */
async function checkOtherFile(b: TestBrowser, base: string, tmp: string): Promise<void> {
  await onExercise(b, base, 8, async (page) => {
    const mine = solvedStub(8).replace("\n  return { dhprebn };", "\n  // mine\n  return { dhprebn };");
    await pageSays(page, tmp, 8, mine);
    const said = await openOther(page, tmp, 5);
    assert.deepEqual(said, { message: otherLine(5, 8), tone: "warning" });
    assert.match(
      said.message,
      /^Opened 05_batchnorm\.ts, but it seems to be exercise 5's file \([^)]+\), not exercise 8's:/,
    );
    assert.match(said.message, /: it defines dbngain, dbnbias, [^:]*, which exercise 8 does not ask for\. Undo open /);
    assert.equal(await storedText(page, 8), solvedStub(5));
    assert.deepEqual(await undoState(page), { message: said.message, undo: "Undo open" });
    await page.click("#undo-reset");
    assert.equal(await storedText(page, 8), mine, "Undo open did not bring the learner's text back");
    assert.equal(await page.$eval("#message", (e) => (e as HTMLElement).dataset.tone), "");
    // Checked, exercise 5's file as exercise 8's: what deno task exercise 8 says of it (its one gradient is right).
    await openOther(page, tmp, 5);
    const [checked, cli] = [await checkNow(page), await cliSays(8, solvedStub(5))];
    assert.deepEqual([checked.code, cli.code], [0, 0]);
    assert.equal(asInTerminal(checked.text, 8), flat(cli.text));
  });
  // The other way round: exercise 8's file in exercise 5's page lacks most of what exercise 5 asks for.
  await onExercise(b, base, 5, async (page) => {
    const lacks = await openOther(page, tmp, 8);
    assert.deepEqual(lacks, { message: otherLine(8, 5), tone: "warning" });
    assert.match(lacks.message, /not exercise 5's: it lacks dbngain, dbnbias, [^:]*, which exercise 5 asks for\./);
    const [checked, cli] = [await checkNow(page), await cliSays(5, solvedStub(8))];
    assert.deepEqual([checked.code, cli.code], [1, 1]);
    assert.equal(asInTerminal(checked.text, 5), flat(cli.text));
  });
}

/** Waits until a file exists and its size stops changing (a download being written). */
async function settledFile(path: string, timeoutMs = 30_000): Promise<string> {
  let last = -1;
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    const size = (await Deno.stat(path).catch(() => null))?.size ?? -1;
    if (size > 0 && size === last) return await Deno.readTextFile(path);
    last = size;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`${path} did not appear within ${timeoutMs / 1000} s`);
}

/** The status line, and whether Undo shows and what it says. */
const undoState = (page: Page) =>
  page.evaluate(() => ({
    message: document.getElementById("message")!.textContent,
    undo: (document.getElementById("undo-reset") as HTMLButtonElement).hidden
      ? null
      : document.getElementById("undo-reset")!.textContent,
  }));

/**
 * Reset, then Undo reset: the learner's text is back once, and Undo is
 * gone (not a swap); after a Reset and an edit, Undo is gone too, and the
 * edit kept.
 */
async function checkUndo(page: Page, typed: string): Promise<void> {
  const stub = pageStub(EXERCISES[3].stub, false);
  assert.equal(await page.$eval("#exercise-data", (e) => JSON.parse(e.textContent!).stub), stub);
  assert.equal((await undoState(page)).undo, null, "Undo shows before anything to undo");
  await page.click("#reset");
  assert.equal(await storedText(page, 3), stub);
  assert.deepEqual(await undoState(page), {
    message: "Back to the stub; your version is kept: Undo reset brings it back, until you edit.",
    undo: "Undo reset",
  });
  await page.click("#undo-reset");
  assert.equal(await storedText(page, 3), typed);
  assert.deepEqual(await undoState(page), { message: "Reset undone: your version is back.", undo: null });
  // The editor's own Ctrl-Z steps back through a Reset as well, and Undo reset goes.
  await page.click("#reset");
  await page.keyboard.down("Control");
  await page.keyboard.press("z");
  await page.keyboard.up("Control");
  assert.equal(await storedText(page, 3), typed);
  assert.deepEqual(await undoState(page), {
    message: "Your version is back (the editor's Ctrl-Z undid the reset).",
    undo: null,
  });
  await page.click("#reset");
  await page.keyboard.type("x");
  assert.equal(await storedText(page, 3), stub.replace("todo(logprobs)", "xtodo(logprobs)"), "typed at the first todo");
  assert.deepEqual(await undoState(page), {
    message: "You edited after the reset, so Undo reset is gone (Ctrl-Z in the editor still steps back).",
    undo: null,
  });
  await page.reload({ waitUntil: "networkidle0" });
  assert.equal((await undoState(page)).undo, null, "Undo came back after a reload");
  assert.equal(await storedText(page, 3), stub.replace("todo(logprobs)", "xtodo(logprobs)"));
}

/**
 * A learner's first visit (nothing stored): the status line says what loads,
 * the editor opens on the first todo with the function in sight (the page
 * itself stays at its top), and its doc speaks of the page's buttons, not
 * of the terminal's commands. Two hints then the solution: all three show.
 */
async function checkFirstVisit(b: TestBrowser, base: string): Promise<void> {
  const { page, problems } = await b.open(base + exerciseHref(3), 1280);
  await page.evaluate(() => localStorage.clear());
  await page.evaluateOnNewDocument(logStatus);
  await page.reload({ waitUntil: "networkidle0" });
  await page.waitForFunction(() => document.body.dataset.state === "ready", { timeout: 120_000 });
  const seen = await statusSeen(page);
  assert.ok(seen.includes("Loading the checker: TypeScript and TensorFlow.js…"), JSON.stringify(seen));
  assert.match(seen.at(-1)!, /^The checker is ready \(loaded in \d+\.\d s\)\.$/);
  const editor = await page.evaluate(() => {
    const scroller = document.querySelector(".cm-scroller")!.getBoundingClientRect();
    const lines = [...document.querySelectorAll<HTMLElement>(".cm-line")].filter((l) => {
      const r = l.getBoundingClientRect();
      return r.top >= scroller.top - 1 && r.bottom <= scroller.bottom + 1;
    }).map((l) => l.textContent);
    return {
      lines,
      cursorLine: document.querySelector(".cm-activeLine")?.textContent,
      cursorNumber: document.querySelector(".cm-activeLineGutter")?.textContent,
      focused: document.activeElement?.classList.contains("cm-content"),
      pageScroll: scrollY,
      doc: JSON.parse(document.getElementById("exercise-data")!.textContent!).stub as string,
    };
  });
  assert.equal(editor.cursorLine, "  const dlogprobs = todo(logprobs); // [n, 27]");
  assert.equal(editor.focused, true, "the editor has the focus, its cursor on the first todo");
  assert.equal(editor.pageScroll, 0, "the page scrolled away from its top");
  assert.ok(editor.lines.some((l) => l?.startsWith("export function gradients(")), JSON.stringify(editor.lines));
  assert.ok(editor.lines.includes(editor.cursorLine), JSON.stringify(editor.lines));
  // The editor numbers the line as the terminal's copy of the stub does, so an error's line is the same in both.
  const terminalLine = EXERCISES[3].stub.split("\n").indexOf(editor.cursorLine!) + 1;
  assert.ok(terminalLine > 0);
  assert.equal(editor.cursorNumber, String(terminalLine));
  assert.match(editor.doc.replaceAll("\n * ", " "), /press Check above the editor/);
  assert.doesNotMatch(editor.doc, /deno task exercise 3 --hint|--watch|--solution/);
  await page.screenshot({ path: join(SHOTS, "exercise-first-visit.png") });
  // Hints, then the solution under them.
  const row = 'li[data-gradient="dprobs"]';
  await page.click(`${row} button.hint`);
  await page.click(`${row} button.hint`);
  await page.click(`${row} button.solution`);
  const said = await page.$eval(`${row} pre.said`, (e) => e.textContent ?? "");
  assert.match(
    said,
    /^1\. dprobs inverts [^]*\n\n2\. dprobs: [^]*\n\nThe solution from chapter 3 [^]*const dprobs = /,
    said,
  );
  assert.equal(await page.$eval(`${row} button.solution`, (e) => (e as HTMLButtonElement).disabled), true);
  assert.deepEqual(problems, []);
  await page.close();
}

/** Code typed into the editor survives a reload; Reset keeps it for Undo; the download passes the CLI. */
async function checkKeeping(b: TestBrowser, base: string, tmp: string): Promise<void> {
  await onExercise(b, base, 3, async (page) => {
    await pageSays(page, tmp, 3, answered(3, FORMS_3.methods));
    await page.click(".cm-content");
    await page.keyboard.down("Control");
    await page.keyboard.press("End");
    await page.keyboard.up("Control");
    await page.keyboard.type("\n// typed in the page");
    const typed = (await storedText(page, 3))!;
    assert.ok(typed.endsWith("\n// typed in the page"), `the stored text ends ${JSON.stringify(typed.slice(-40))}`);
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForFunction(() => document.body.dataset.state === "ready", { timeout: 120_000 });
    // What the editor holds after the reload, as Download gives it: the typed text.
    const downloads = join(tmp, "downloads");
    await Deno.mkdir(downloads, { recursive: true });
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
    await page.click("#download");
    const downloaded = await settledFile(join(downloads, EXERCISES[3].file));
    assert.equal(downloaded, typed);
    await checkUndo(page, typed);
    const cli = await cliSays(3, downloaded);
    assert.equal(cli.code, 0, cli.text);
  });
}

/** The steps of the test, in order: what each asserts, and what does it (in a browser, on the site at `base`). */
const STEPS: [string, (b: TestBrowser, base: string, tmp: string) => Promise<void>][] = [
  [
    "every exercise page loads cleanly, checks its stub as the CLI does, and passes the chapter's solution",
    checkStubs,
  ],
  [
    "exercises 3 and 5, right with functions and with methods, get the CLI's verdicts",
    checkRightAnswers,
  ],
  [
    "three planted mistakes each get the CLI's diagnosis, and a type error its message",
    checkMistakes,
  ],
  [
    "a while (true) is stopped with the CLI's located message, and the page answers meanwhile",
    checkRunaway,
  ],
  [
    "the learner's worker has no way out and only the exercise's input; a report it forges is ignored",
    checkConfined,
  ],
  [
    "an import() of a computed module and import.meta are refused before running, each located",
    checkImportCalls,
  ],
  [
    "exercise 9: the chapters' solution trains 3,000 steps in the page beside the kernels', and Stop stops it",
    checkTraining,
  ],
  [
    "a file of another exercise, opened, is named in one line with what it adds or lacks; Undo open; the CLI's check",
    checkOtherFile,
  ],
  [
    "a first visit: the status line says what loads, the editor opens on the first todo, hints and solution show",
    checkFirstVisit,
  ],
  [
    "typed code survives a reload, Reset can be undone once, until an edit; the download passes the CLI",
    checkKeeping,
  ],
];

Deno.test({
  name: notPermitted
    ? `the exercise pages check as deno task exercise does (skipped: ${notPermitted})`
    : "the exercise pages check in headless Chromium as deno task exercise does",
  ignore: notPermitted !== undefined,
  async fn(t) {
    await withTestSite("site-exercises", async (site) => {
      const exercises = EXERCISE_PAGES.map(exercisePageData);
      const built = await buildSite({ root: ROOT, out: site.out, log: () => {}, exercises });
      const pages = built.pages.map((p) => p.file).filter((f) => f.startsWith("exercise_"));
      assert.deepEqual(pages, EXERCISE_PAGES.map(exerciseHref));
      const ignore = noBrowser !== undefined;
      const skipped = ignore ? ` (skipped: ${noBrowser})` : "";
      const b = ignore ? undefined : await site.openBrowser(chromium!);
      for (const [name, fn] of STEPS) {
        await t.step({ name: `${name}${skipped}`, ignore, fn: () => fn(b!, site.base, site.tmp) });
      }
    });
  },
});

Deno.test({
  name: `the pages' type check passes the stubs and finds \`*\` and a misspelt name as deno check does${
    notPermitted ? ` (skipped: ${notPermitted})` : ""
  }`,
  ignore: notPermitted !== undefined,
  async fn() {
    // Loaded here: TypeScript reads the environment as it loads.
    const { TypeChecker } = await import("./browser/exercise_types.ts");
    const checker = new TypeChecker(await typecheckFiles(ROOT));
    const path = (chapter: number) => `/exercise/chapters/yours/${EXERCISES[chapter].file}`;
    for (const chapter of EXERCISE_PAGES) assert.deepEqual(checker.errors(path(chapter), EXERCISES[chapter].stub), []);
    const stub = EXERCISES[3].stub;
    const line = stub.split("\n").findIndex((l) => l.includes("const dprobs = todo(probs);")) + 1;
    const times = checker.errors(path(3), stub.replace("todo(probs);", "probs * dlogprobs;"));
    assert.ok(times.some((e) => e.code === "TS2362" && e.line === line), JSON.stringify(times));
    assert.deepEqual(explainErrors(times).map((e) => e.text), [
      "`*` does not multiply tensors: write probs.mul(dlogprobs) or mul(probs, dlogprobs)",
    ]);
    const misspelt = checker.errors(path(3), stub.replace("todo(probs);", "mull(probs, dlogprobs);"));
    assert.deepEqual(misspelt.map((e) => [e.code, e.line]), [["TS2552", line]]);
    assert.match(misspelt[0].message, /^Cannot find name 'mull'\. Did you mean 'mul'\?$/);
  },
});

Deno.test({
  name: `each line a diagnosis suggests for a tensor used twice type-checks in place of the stub's todo${
    notPermitted ? ` (skipped: ${notPermitted})` : ""
  }`,
  ignore: notPermitted !== undefined,
  async fn() {
    const { TypeChecker } = await import("./browser/exercise_types.ts");
    const checker = new TypeChecker(await typecheckFiles(ROOT));
    const input = exerciseInput();
    const ref = referenceGradients(input.params, input.batch.Xb, input.batch.Yb).grads;
    let suggested = 0;
    for (const spec of Object.values(EXERCISES)) {
      for (const g of spec.gradients) {
        for (const { advice } of g.partials?.(input, ref) ?? []) {
          const line = advice.match(/: (const \w+ = .*)$/)?.[1];
          assert.ok(line, `exercise ${spec.chapter}, ${g.name}: no line to write in ${JSON.stringify(advice)}`);
          // The placeholders stand for tensors the learner writes: an upstream gradient in scope stands in for them.
          const code = line.replaceAll("<what you have>", g.deps[0]).replaceAll("…", g.deps[0]) + ";";
          const stub = spec.stub.replace(new RegExp(`const ${g.name} = todo\\(\\w+\\);`), code);
          assert.notEqual(stub, spec.stub, `exercise ${spec.chapter} has no todo line for ${g.name}`);
          const errors = checker.errors(`/exercise/chapters/yours/${spec.file}`, stub);
          assert.deepEqual(errors.map((e) => e.message), [], `exercise ${spec.chapter}: ${code}`);
          suggested++;
        }
      }
    }
    assert.equal(suggested, 8, "two lines for each of dcounts, dlogits, dbndiff and dhprebn");
  },
});
