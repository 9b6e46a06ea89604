/// <reference lib="dom" />
/**
 * The script of a chapter page: Run (the button, or Ctrl/Cmd-Enter) starts
 * the chapter's runnable module in a Web Worker and puts what each cell
 * prints under it. A cell's old output stays, dimmed, until its new one is
 * complete, and is then replaced in one go, so the page does not jump while
 * outputs arrive. At the end the status line says how long the run took and
 * whether every output equals the one the page was built with.
 *
 * @example
 * ```ts
 * // In a chapter page: <script type="module" src="js/chapter.js"></script>
 * ```
 * @module
 */

import { addOutput, type CellOutput, type RunMessage } from "../run/messages.ts";
import { outputsHtml } from "../run/render.ts";

/** The page's elements and the state of its run: all mutable state of this script. */
const page = {
  button: document.getElementById("run") as HTMLButtonElement | null,
  status: document.getElementById("status") as HTMLElement | null,
  worker: null as Worker | null,
  /** The outputs of the cell that is running, until it is complete. */
  pending: [] as CellOutput[],
  current: -1,
  /** Each output area's HTML as built, to compare with the run's. */
  built: new Map<number, string>(),
  changed: [] as number[],
  started: 0,
};

function outArea(run: number): HTMLElement | null {
  return document.querySelector(`.out[data-run="${run}"]`);
}

function say(text: string): void {
  if (page.status) page.status.textContent = text;
}

/** Puts the finished cell's outputs in place and notes whether they differ from the built ones. */
function settle(run: number): void {
  const area = outArea(run);
  if (!area) return;
  // As the browser writes it back, to compare with the built HTML read the same way.
  const parsed = document.createElement("template");
  parsed.innerHTML = outputsHtml(page.pending);
  const html = parsed.innerHTML;
  if (html !== page.built.get(run)) page.changed.push(run);
  if (area.innerHTML !== html) area.innerHTML = html;
  area.classList.remove("stale");
  area.closest(".cell")?.classList.remove("running");
  page.pending = [];
}

function onMessage(message: RunMessage): void {
  const runs = Number(document.body.dataset.runs);
  if (message.kind === "cell") {
    if (page.current >= 0) settle(page.current);
    page.current = message.run;
    outArea(message.run)?.closest(".cell")?.classList.add("running");
    say(`Running cell ${message.run + 1} of ${runs}…`);
  } else if (message.kind === "output") {
    addOutput(page.pending, message.output);
  } else {
    if (page.current >= 0) settle(page.current);
    const same = page.changed.length === 0
      ? "every output is the same as the page's"
      : `${page.changed.length} cell${page.changed.length === 1 ? "" : "s"} gave other outputs than the page's: ${
        page.changed.map((r) => r + 1).join(", ")
      }`;
    finish(`Ran all ${runs} cells in your browser in ${(message.ms / 1000).toFixed(1)} s; ${same}.`);
    document.body.dataset.ran = page.changed.length === 0 ? "same" : "changed";
  }
}

function finish(text: string): void {
  page.worker?.terminate();
  page.worker = null;
  say(text);
  if (page.button) page.button.textContent = "Run again";
  document.querySelectorAll(".cell.running").forEach((c) => c.classList.remove("running"));
}

function onError(event: ErrorEvent): void {
  event.preventDefault();
  const at = page.current;
  page.pending.push({ kind: "error", text: event.message || "The worker stopped with an error." });
  if (at >= 0) settle(at);
  finish(`Cell ${at + 1} stopped with an error: ${event.message}`);
  document.body.dataset.ran = "error";
}

/** Starts a run, or stops the one going on. */
function toggle(): void {
  if (page.worker) {
    finish(`Stopped at cell ${page.current + 1}. The dimmed outputs are from when the page was built.`);
    return;
  }
  page.current = -1;
  page.pending = [];
  page.changed = [];
  delete document.body.dataset.ran;
  document.querySelectorAll<HTMLElement>(".out").forEach((area) => area.classList.add("stale"));
  say("Loading TensorFlow.js and the chapter…");
  if (page.button) page.button.textContent = "Stop";
  page.worker = new Worker(document.body.dataset.worker!, { type: "module" });
  page.worker.onmessage = (event: MessageEvent<RunMessage>) => onMessage(event.data);
  page.worker.onerror = onError;
}

document.querySelectorAll<HTMLElement>(".out").forEach((area) =>
  page.built.set(Number(area.dataset.run), area.innerHTML)
);
page.button?.addEventListener("click", toggle);
// The table of contents is open beside the text on a wide screen, and folded above it on a narrow one.
if (matchMedia("(min-width: 70rem)").matches) document.querySelector(".toc details")?.setAttribute("open", "");
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    toggle();
  }
});
