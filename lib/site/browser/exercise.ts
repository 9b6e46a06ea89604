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
import { fileFit, fitLine } from "../../exercise/file_fit.ts";
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
  /** The text of the last check asked for, and the last text that checked right (exercise 9 trains only with it). */
  checking: "",
  passed: null as string | null,
  /** Whether Train asked for the check under way: exercise 9 then trains if it passes. */
  trainAfterCheck: false,
  /** The timer that counts the seconds of a wait in the status line. */
  ticker: undefined as ReturnType<typeof setInterval> | undefined,
  /** What exercise 9's training is doing, as the status line says it. */
  phase: "",
  /** Exercise 9's last line of progress. */
  progress: "",
};

/** Says `text` in the status line (ending a wait's count); a warning stands out. */
function say(text: string, tone: "warning" | "" = ""): void {
  clearInterval(ui.ticker);
  ui.ticker = undefined;
  ui.message.textContent = text;
  ui.message.dataset.tone = tone;
}

/** Says `text` in the status line with the seconds it has lasted, counted until the next thing said. */
function sayWaiting(text: string): void {
  say(text);
  const started = performance.now();
  ui.ticker = setInterval(() => {
    ui.message.textContent = `${text} ${Math.round((performance.now() - started) / 1000)} s`;
  }, 1000);
}

/**
 * Brings `element` into view when the learner cannot see its first lines
 * (it is below the editor, say), with `heading` at the top of the window;
 * leaves the page where it is when they are in view already.
 */
function reveal(element: HTMLElement, heading: HTMLElement = element): void {
  const top = element.getBoundingClientRect().top;
  if (top >= 0 && top < innerHeight - 80) return;
  heading.scrollIntoView({ block: "start" });
}

/** Shows Undo (as "Undo reset" or "Undo open") while the last Reset or Open can be undone; true when it went. */
function showUndo(): boolean {
  const undoable = ui.store!.undoable();
  const went = !ui.undo.hidden && undoable === null;
  ui.undo.hidden = undoable === null;
  if (undoable) ui.undo.textContent = `Undo ${undoable.what}`;
  return went;
}

/** Saves the learner's text; says so once when the browser refuses (the text stays in the editor). */
function save(text: string): void {
  try {
    ui.store!.save(text);
    const what = ui.undo.textContent?.replace(/^Undo /, "");
    if (showUndo()) {
      say(
        text === ui.store!.previous()
          ? `Your version is back (the editor's Ctrl-Z undid the ${what}).`
          : `You edited after the ${what}, so Undo ${what} is gone (Ctrl-Z in the editor still steps back).`,
      );
    }
    if (document.body.dataset.saved === "no") say("Saved again in this browser.");
    document.body.dataset.saved = "yes";
  } catch (error) {
    document.body.dataset.saved = "no";
    say(`This browser did not keep your last edit (${(error as Error).name}): download your file to keep it.`);
  }
}

/** Asks the checker to check the editor's text, saying `saying` meanwhile. */
function check(saying = "Checking…"): void {
  if (!ui.ready) {
    ui.waiting = true;
    sayWaiting("The checker is still loading (TypeScript and TensorFlow.js); your code is checked once it is ready…");
    return;
  }
  ui.checking = ui.editor!.text();
  const ask: ToChecker = { kind: "check", id: ++ui.asked, chapter: ui.data.chapter, text: ui.checking };
  document.body.dataset.state = "checking";
  ui.check.disabled = true;
  if (ui.train) ui.train.disabled = true;
  say(saying);
  ui.checker!.postMessage(ask);
}

/** Check (or Ctrl-Enter): a check of its own, which a Train pressed before no longer waits for. */
function checkPressed(): void {
  if (document.body.dataset.state === "training") return say("Exercise 9 is training: Stop it first to check.");
  ui.trainAfterCheck = false;
  check();
}

/**
 * Train: with the text that last checked right, at once; otherwise (edited
 * since, or a reloaded page whose checker has not seen it yet) the check
 * first, then the training if every gradient is right.
 */
function trainOrCheck(): void {
  if (ui.passed !== null && ui.editor!.text() === ui.passed) return train(ui.passed);
  ui.trainAfterCheck = true;
  check("Checking your file first (Train trains only with a file whose gradients are all right)…");
}

/** Train: exercise 9's network trained with `text` (which checked right), beside the kernels' run. */
function train(text: string): void {
  const ask: ToChecker = {
    kind: "train",
    id: ++ui.asked,
    chapter: ui.data.chapter,
    text,
    steps: ui.data.training!.steps,
    ms: ui.data.training!.ms,
  };
  document.body.dataset.state = "training";
  ui.check.disabled = ui.train!.disabled = true;
  ui.stopTraining!.disabled = false;
  byId("train-result").hidden = true;
  byId("train-progress").textContent = ui.progress = "The kernels' run starts…";
  ui.phase = "";
  trainingPhase("The kernels' run starts");
  reveal(byId("train-progress"), byId("training-title"));
  ui.checker!.postMessage(ask);
}

/**
 * What exercise 9's training is doing, from its progress line, in the status
 * line: the kernels' run, yours, then (after your last step, a few seconds
 * with no progress) batchnorm's calibration, the losses and the samples.
 */
function trainingPhase(progress: string): void {
  const [, step, steps] = progress.match(/^step ([\d,]+) of ([\d,]+)/) ?? [];
  const phase = progress.startsWith("The kernels' run")
    ? "The kernels' run first: the curve yours is compared with…"
    : step === undefined
    ? ui.phase
    : step === steps
    ? "Calibrating batchnorm and evaluating both networks, then sampling names…"
    : "Training with your gradients()…";
  if (phase === ui.phase) return;
  ui.phase = phase;
  sayWaiting(phase);
  // Under the chart too, where the learner looks, until the training's results replace it.
  if (step !== undefined && step === steps) byId("train-progress").textContent = `${progress}. ${phase}`;
}

/** The starts of the reports of a training that did not reach its last step (lib/exercise/training_report.ts). */
const STOPPED_EARLY = /^(Training stopped|Training with your backward pass took|Your code ended|The parameters your)/;

/** What exercise 9's training said: its progress and chart, then what it came to. */
function heardTraining(m: FromChecker & { kind: "training" | "trained" }): void {
  if (m.kind === "training") byId("train-progress").textContent = ui.progress = m.text;
  if (m.kind === "training") trainingPhase(m.text);
  else byId("train-progress").textContent = ui.progress;
  if (m.svg) byId("train-chart").innerHTML = m.svg; // drawn by the checker from numbers: no text of the learner's
  if (m.kind === "training") return;
  const result = byId("train-result");
  result.textContent = m.text;
  result.dataset.code = String(m.code);
  result.hidden = false;
  reveal(result);
  ui.check.disabled = ui.train!.disabled = false;
  ui.stopTraining!.disabled = true;
  document.body.dataset.state = "trained";
  const seconds = (m.ms / 1000).toFixed(1);
  if (m.text.startsWith("You stopped")) say(`Stopped after ${seconds} s.`);
  else if (m.code === 0) say(`Trained in ${seconds} s: your backward pass trains the network.`);
  else if (STOPPED_EARLY.test(m.text)) say(`The training stopped after ${seconds} s: why is under the chart.`);
  else say(`Trained in ${seconds} s, not as well as the kernels: see under the chart.`);
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
    heardResult(m);
  }
}

/** What a check came to: the checker's words and marks; then exercise 9's training, when Train asked for the check. */
function heardResult(m: FromChecker & { kind: "result" }): void {
  ui.result.textContent = m.text;
  ui.result.dataset.code = String(m.code);
  document.body.dataset.checked = String(m.id);
  ui.result.dataset.marks = String(ui.editor!.mark(m.marks));
  ui.check.disabled = false;
  if (ui.train) ui.train.disabled = false;
  if (m.code === 0) ui.passed = ui.checking;
  document.body.dataset.state = "checked";
  const seconds = (m.ms / 1000).toFixed(1);
  const thenTrain = ui.trainAfterCheck;
  ui.trainAfterCheck = false;
  if (thenTrain && m.code === 0) return train(ui.checking);
  reveal(ui.result, byId("result-title"));
  if (thenTrain) {
    return say(`Checked in ${seconds} s: ${m.summary}; not trained, as not every gradient is right yet.`);
  }
  say(`Checked in ${seconds} s: ${m.summary}.`);
}

/** Starts the checker's worker. */
function startChecker(): void {
  sayWaiting("Loading the checker: TypeScript and TensorFlow.js…");
  ui.checker = blobWorker(new URL(document.body.dataset.checker!, location.href));
  ui.checker.onmessage = (event: MessageEvent<FromChecker>) => heard(event.data);
  ui.checker.onerror = (event) => {
    document.body.dataset.state = "failed";
    say(`The checker could not start: ${event.message || "its script failed to load"}.`);
  };
}

/** Puts `text` in the editor, with no marks, the cursor on the first todo and the focus there. */
function showText(text: string): void {
  ui.editor!.setText(text);
  ui.editor!.mark([]);
  ui.editor!.showWork(true);
}

/** Replaces the editor's text with `next`, keeping the current one as the version Undo brings back. */
function replaceText(next: string, what: "reset" | "open", why: string): void {
  try {
    ui.store!.replace(ui.editor!.text(), next, what);
  } catch (error) {
    return say(`This browser could not keep your text (${(error as Error).name}), so it was left as it is.`);
  }
  showText(next);
  showUndo();
  say(why);
}

/** Undo: brings back the text the last Reset or Open replaced, once. */
function undo(): void {
  const undoable = ui.store!.undoable();
  ui.undo.hidden = true;
  if (undoable === null) return say("There is nothing to undo.");
  try {
    ui.store!.undo();
  } catch (error) {
    ui.undo.hidden = false;
    return say(`This browser could not keep your version (${(error as Error).name}): nothing was changed.`);
  }
  showText(undoable.previous);
  say(`${undoable.what === "reset" ? "Reset" : "Open"} undone: your version is back.`);
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

/**
 * Open: a file of the learner's takes the editor's place (the current text
 * is kept for Undo), with a warning when it does not fit this exercise (one
 * of another exercise, say): what it defines that this exercise does not ask
 * for, and what it lacks.
 */
async function open(): Promise<void> {
  const file = ui.open.files?.[0];
  ui.open.value = "";
  if (!file) return;
  if (file.size > 1 << 20) {
    return void say(`${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MB: not an exercise file.`);
  }
  const text = await file.text();
  const chapter = ui.data.chapter;
  const off = ui.data.exercises ? fitLine(fileFit(text, chapter, ui.data.exercises), chapter) : null;
  const undo = "Undo open brings back what was here, until you edit.";
  replaceText(text, "open", off ? `Opened ${file.name}, but ${off}. ${undo}` : `Opened ${file.name}. ${undo}`);
  if (off) ui.message.dataset.tone = "warning";
}

/**
 * The hints' buttons: each press of Hint shows the next level; Solution
 * shows the chapter's lines under the hints already open.
 */
function wireHints(): void {
  for (const row of document.querySelectorAll<HTMLElement>("ol.hints li")) {
    const help = ui.data.gradients.find((g) => g.name === row.dataset.gradient)!;
    const hint = row.querySelector<HTMLButtonElement>("button.hint")!;
    const solution = row.querySelector<HTMLButtonElement>("button.solution")!;
    const said = row.querySelector<HTMLElement>("pre.said")!;
    const shown = { level: 0, solution: false };
    const show = () => {
      const hints = help.hints.slice(0, shown.level).map((h, i) => `${i + 1}. ${h}`);
      said.textContent = [...hints, ...(shown.solution ? [help.solution] : [])].join("\n\n");
      said.hidden = false;
    };
    hint.onclick = () => {
      shown.level = Math.min(shown.level + 1, 3);
      hint.textContent = `Hint ${Math.min(shown.level + 1, 3)}`;
      hint.disabled = shown.level === 3;
      show();
    };
    solution.onclick = () => {
      shown.solution = solution.disabled = true;
      show();
    };
  }
}

/** Wires the buttons and the keys. */
function wireButtons(): void {
  ui.check.onclick = checkPressed;
  ui.reset.onclick = () =>
    ui.editor!.text() === ui.data.stub ? say("This is the stub already: there is nothing to reset.") : replaceText(
      ui.data.stub,
      "reset",
      "Back to the stub; your version is kept: Undo reset brings it back, until you edit.",
    );
  ui.undo.onclick = undo;
  ui.download.onclick = download;
  if (ui.train && ui.stopTraining) {
    ui.train.onclick = trainOrCheck;
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
      checkPressed();
    }
  });
}

function main(): void {
  ui.store = new ExerciseStore(localStorage, ui.data.chapter, ui.data.stub);
  ui.editor = makeEditor(byId("editor"), ui.store.text(), { onEdit: save, onCheck: checkPressed });
  showUndo();
  ui.editor.showWork(true);
  wireButtons();
  wireHints();
  startChecker();
}

main();
