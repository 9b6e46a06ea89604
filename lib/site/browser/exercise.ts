/// <reference lib="dom" />
/**
 * The script of an exercise page: the editor with the learner's code (kept
 * in the browser's storage on every edit), the checker's worker (started
 * when the page opens: it loads TypeScript's parser and TensorFlow.js's
 * reference gradients), Check, the hints in steps and the solution when
 * asked, Reset and its undo, Download and Open. The page's state is in
 * `document.body.dataset.state` (loading, ready, checking, checked), for
 * people's styles and for tests.
 *
 * @example
 * ```ts
 * // In an exercise page: <script type="module" src="js/exercise.js"></script>
 * ```
 * @module
 */

import { type ExerciseEditor, makeEditor } from "./exercise_editor.ts";
import { ExerciseStore } from "./exercise_store.ts";
import { blobWorker } from "./blob_worker.ts";
import type { ExercisePageData, FromChecker, ToChecker } from "./exercise_wire.ts";

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The page's elements, its editor, its store and its checker: all of this script's state. */
const ui = {
  data: JSON.parse(byId("exercise-data").textContent!) as ExercisePageData,
  check: byId<HTMLButtonElement>("check"),
  reset: byId<HTMLButtonElement>("reset"),
  undo: byId<HTMLButtonElement>("undo-reset"),
  download: byId<HTMLButtonElement>("download"),
  open: byId<HTMLInputElement>("open"),
  /** Exercise 9's training (absent on the other pages). */
  train: document.getElementById("train") as HTMLButtonElement | null,
  stopTraining: document.getElementById("stop-training") as HTMLButtonElement | null,
  message: byId<HTMLElement>("message"),
  result: byId<HTMLElement>("result"),
  editor: null as ExerciseEditor | null,
  store: null as ExerciseStore | null,
  checker: null as Worker | null,
  /** The number of the last check asked for, and whether one is waiting for the checker to be ready. */
  asked: 0,
  ready: false,
  waiting: false,
};

const say = (text: string) => ui.message.textContent = text;

/** Saves the learner's text; says so once when the browser refuses (the text stays in the editor). */
function save(text: string): void {
  try {
    ui.store!.save(text);
    if (document.body.dataset.saved === "no") say("Saved again in this browser.");
    document.body.dataset.saved = "yes";
  } catch (error) {
    document.body.dataset.saved = "no";
    say(`This browser did not keep your last edit (${(error as Error).name}): download your file to keep it.`);
  }
}

/** Asks the checker to check the editor's text. */
function check(): void {
  if (!ui.ready) {
    ui.waiting = true;
    say("The checker is still loading; your code is checked as soon as it is ready.");
    return;
  }
  const ask: ToChecker = { kind: "check", id: ++ui.asked, chapter: ui.data.chapter, text: ui.editor!.text() };
  document.body.dataset.state = "checking";
  ui.check.disabled = true;
  say("Checking…");
  ui.checker!.postMessage(ask);
}

/** Train: exercise 9's network trained with the learner's gradients(), beside the kernels' run. */
function train(): void {
  const ask: ToChecker = {
    kind: "train",
    id: ++ui.asked,
    chapter: ui.data.chapter,
    text: ui.editor!.text(),
    steps: ui.data.training!.steps,
    ms: ui.data.training!.ms,
  };
  document.body.dataset.state = "training";
  ui.check.disabled = ui.train!.disabled = true;
  ui.stopTraining!.disabled = false;
  byId("train-result").hidden = true;
  byId("train-progress").textContent = "The kernels' run starts…";
  say("Training…");
  ui.checker!.postMessage(ask);
}

/** What exercise 9's training said: its progress and chart, then what it came to. */
function heardTraining(m: FromChecker & { kind: "training" | "trained" }): void {
  if (m.kind === "training") byId("train-progress").textContent = m.text;
  if (m.svg) byId("train-chart").innerHTML = m.svg; // drawn by the checker from numbers: no text of the learner's
  if (m.kind === "training") return;
  const result = byId("train-result");
  result.textContent = m.text;
  result.dataset.code = String(m.code);
  result.hidden = false;
  ui.check.disabled = ui.train!.disabled = false;
  ui.stopTraining!.disabled = true;
  document.body.dataset.state = "trained";
  const seconds = (m.ms / 1000).toFixed(1);
  if (m.text.startsWith("You stopped")) say(`Stopped after ${seconds} s.`);
  else say(`Trained in ${seconds} s${m.code === 0 ? ": your backward pass trains the network." : "."}`);
}

/** Shows what the checker said. */
function heard(m: FromChecker): void {
  if ((m.kind === "training" || m.kind === "trained") && m.id === ui.asked) return heardTraining(m);
  if (m.kind === "ready") {
    ui.ready = true;
    document.body.dataset.state = "ready";
    say(`The checker is ready (loaded in ${(m.ms / 1000).toFixed(1)} s).`);
    if (ui.waiting) check();
  } else if (m.kind === "status" && m.id === ui.asked) {
    say(m.text);
  } else if (m.kind === "result" && m.id === ui.asked) {
    ui.result.textContent = m.text;
    ui.result.dataset.code = String(m.code);
    document.body.dataset.checked = String(m.id);
    ui.result.dataset.marks = String(ui.editor!.mark(m.marks));
    ui.check.disabled = false;
    if (ui.train) ui.train.disabled = m.code !== 0;
    document.body.dataset.state = "checked";
    say(`Checked in ${(m.ms / 1000).toFixed(1)} s${m.code === 0 ? ": all right." : "."}`);
  }
}

/** Starts the checker's worker. */
function startChecker(): void {
  ui.checker = blobWorker(new URL(document.body.dataset.checker!, location.href));
  ui.checker.onmessage = (event: MessageEvent<FromChecker>) => heard(event.data);
  ui.checker.onerror = (event) => {
    document.body.dataset.state = "failed";
    say(`The checker could not start: ${event.message || "its script failed to load"}.`);
  };
}

/** Replaces the editor's text with `next`, keeping the current one as the version Undo brings back. */
function replaceText(next: string, why: string): void {
  ui.store!.replace(ui.editor!.text(), next);
  ui.editor!.setText(next);
  ui.editor!.mark([]);
  ui.undo.hidden = false;
  say(why);
}

/** Download: the editor's text as the file `deno task exercise N` checks. */
function download(): void {
  const url = URL.createObjectURL(new Blob([ui.editor!.text()], { type: "text/plain" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = ui.data.file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Open: a file of the learner's takes the editor's place (the current text is kept for Undo). */
async function open(): Promise<void> {
  const file = ui.open.files?.[0];
  ui.open.value = "";
  if (!file) return;
  if (file.size > 1 << 20) {
    return void say(`${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MB: not an exercise file.`);
  }
  replaceText(await file.text(), `Opened ${file.name}. Undo brings back what was here.`);
}

/** The hints' buttons: each press of Hint shows the next level; Solution shows the chapter's lines. */
function wireHints(): void {
  for (const row of document.querySelectorAll<HTMLElement>("ol.hints li")) {
    const help = ui.data.gradients.find((g) => g.name === row.dataset.gradient)!;
    const hint = row.querySelector<HTMLButtonElement>("button.hint")!;
    const said = row.querySelector<HTMLElement>("pre.said")!;
    let level = 0;
    hint.onclick = () => {
      level = Math.min(level + 1, 3);
      said.textContent = help.hints.slice(0, level).map((h, i) => `${i + 1}. ${h}`).join("\n\n");
      said.hidden = false;
      hint.textContent = `Hint ${Math.min(level + 1, 3)}`;
      hint.disabled = level === 3;
    };
    row.querySelector<HTMLButtonElement>("button.solution")!.onclick = () => {
      said.textContent = help.solution;
      said.hidden = false;
    };
  }
}

/** Wires the buttons and the keys. */
function wireButtons(): void {
  ui.check.onclick = check;
  ui.reset.onclick = () =>
    replaceText(ui.data.stub, "Back to the stub. Your version is kept: Undo reset brings it back.");
  ui.undo.onclick = () => {
    const previous = ui.store!.previous();
    if (previous !== null) replaceText(previous, "Undone: the version before is back (and the one you left is kept).");
  };
  ui.download.onclick = download;
  if (ui.train && ui.stopTraining) {
    ui.train.onclick = train;
    ui.stopTraining.onclick = () => {
      ui.stopTraining!.disabled = true;
      ui.checker!.postMessage({ kind: "stop" } satisfies ToChecker);
      say("Stopping the training…");
    };
  }
  ui.open.onchange = () => void open();
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      check();
    }
  });
}

function main(): void {
  ui.store = new ExerciseStore(localStorage, ui.data.chapter, ui.data.stub);
  ui.editor = makeEditor(byId("editor"), ui.store.text(), { onEdit: save, onCheck: check });
  ui.undo.hidden = ui.store.previous() === null;
  wireButtons();
  wireHints();
  startChecker();
}

main();
