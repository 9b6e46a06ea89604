/// <reference lib="dom" />
/**
 * The script of the training page: starts the training worker when it is
 * first needed, hands it the form (which it checks as the command line checks
 * its flags: one line for a bad value, and here the focus on its field), and
 * shows what it reports:
 * the progress line, the loss curve, the losses and the names. The page's
 * state is in `document.body.dataset.state` (idle, training, paused,
 * evaluating, finished, opened, failed), for people's styles and for tests.
 *
 * @example
 * ```ts
 * // In the training page: <script type="module" src="js/training.js"></script>
 * ```
 * @module
 */

import { escapeHtml } from "../html.ts";
import { duration } from "../../timing.ts";
import type { Sampling } from "../training_form.ts";
import type { FormValues, FromTrainer, Progress, SampledName, SplitLoss, ToTrainer } from "../training_messages.ts";

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The page's elements and its worker: all of this script's state. */
const ui = {
  form: byId<HTMLFormElement>("flags"),
  train: byId<HTMLButtonElement>("train"),
  stop: byId<HTMLButtonElement>("stop"),
  resume: byId<HTMLButtonElement>("continue"),
  download: byId<HTMLButtonElement>("download"),
  sample: byId<HTMLButtonElement>("sample"),
  open: byId<HTMLInputElement>("open"),
  message: byId<HTMLElement>("message"),
  progress: byId<HTMLElement>("progress"),
  curve: byId<HTMLElement>("curve"),
  losses: byId<HTMLElement>("losses"),
  names: byId<HTMLElement>("names"),
  worker: null as Worker | null,
  /** The state before a request the worker may refuse, to go back to. */
  before: "idle" as State,
};

type State = "idle" | "training" | "paused" | "evaluating" | "finished" | "opened" | "failed";

const count = (n: number) => n.toLocaleString("en-US");

/** Sets the state, and which buttons work in it. */
function setState(state: State, hasTrainer = state !== "idle" && state !== "failed"): void {
  document.body.dataset.state = state;
  const busy = state === "training" || state === "evaluating";
  ui.train.disabled = busy;
  ui.stop.disabled = state !== "training";
  ui.resume.disabled = state !== "paused";
  ui.download.disabled = busy || !hasTrainer;
  ui.sample.disabled = busy || !hasTrainer;
  ui.open.disabled = busy;
}

function say(text: string, error = false): void {
  ui.message.textContent = text;
  ui.message.classList.toggle("error", error);
}

function post(message: ToTrainer, transfer: Transferable[] = []): void {
  if (!ui.worker) {
    ui.worker = new Worker(document.body.dataset.worker!, { type: "module" });
    ui.worker.onmessage = (event: MessageEvent<FromTrainer>) => receive(event.data);
    ui.worker.onerror = (event) => {
      event.preventDefault();
      say(`The training worker stopped: ${event.message}`, true);
      setState("failed");
    };
  }
  ui.worker.postMessage(message, transfer);
}

function showProgress(p: Progress): void {
  const ms = p.stepsPerSecond > 0 ? (1000 / p.stepsPerSecond).toFixed(3) : "?";
  ui.progress.textContent = `step ${count(p.step)}/${count(p.steps)}  loss ${p.loss.toFixed(4)}  ${
    count(Math.round(p.stepsPerSecond))
  } steps/s  ${ms} ms a step  ${duration((p.steps - p.step) / p.stepsPerSecond)} left`;
  document.body.dataset.step = String(p.step);
  if (p.curve) ui.curve.innerHTML = p.curve;
}

function showLosses(losses: SplitLoss[]): void {
  const rows = losses.map((l) =>
    `<tr><th scope="row">${l.split}</th><td class="number">${count(l.examples)}</td><td class="number">${
      l.loss.toFixed(4)
    }</td></tr>`
  );
  ui.losses.innerHTML = `<table class="losses"><thead><tr><th scope="col">split</th><th scope="col">examples</th>` +
    `<th scope="col">loss</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function showNames(names: SampledName[], s: Sampling): void {
  const fresh = names.filter((n) => !n.inTrainingSet).length;
  const items = names.map((n) =>
    `<li><span class="name">${escapeHtml(n.name || "(empty)")}</span> <span class="mark">${
      n.inTrainingSet ? "in the training set" : "new"
    }</span></li>`
  );
  ui.names.innerHTML =
    `<p>${names.length} samples (seed ${s.seed}, temperature ${s.temperature}), ${fresh} of them new:</p>` +
    `<ol class="names">${items.join("")}</ol>`;
}

function saveFile(bytes: Uint8Array, step: number): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/octet-stream" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "mlp.safetensors";
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  say(
    `Saved the checkpoint at step ${
      count(step)
    } as mlp.safetensors. Sample it with: deno task sample --checkpoint mlp.safetensors`,
  );
}

function receive(m: FromTrainer): void {
  switch (m.kind) {
    case "started":
      say(`Training the lecture's MLP: ${count(m.parameters)} parameters, ${count(m.steps)} steps, ${m.schedule}.`);
      return setState("training");
    case "progress":
      return showProgress(m.progress);
    case "paused":
      showProgress(m.progress);
      say(`Stopped at step ${count(m.progress.step)}. Continue goes on from there; Download saves this state.`);
      return setState("paused");
    case "evaluating":
      showProgress(m.progress);
      ui.progress.dataset.msPerStep = m.msPerStep.toFixed(4);
      say(
        `Trained ${count(m.progress.step)} steps (${
          m.msPerStep.toFixed(3)
        } ms a step). Calibrating batchnorm, measuring the losses…`,
      );
      return setState("evaluating");
    case "finished":
      showLosses(m.losses);
      showNames(m.names, m.sampling);
      say(
        `Done: train ${m.losses[0].loss.toFixed(4)}, val ${
          m.losses[1].loss.toFixed(4)
        }. Download the checkpoint to keep it.`,
      );
      return setState("finished");
    case "opened":
      ui.losses.innerHTML = "";
      showNames(m.names, m.sampling);
      say(`${m.name}: ${count(m.step)} steps of training.`);
      return setState("opened");
    case "samples":
      return showNames(m.names, m.sampling);
    case "refused":
      return refused(m.message, m.flag);
    case "checkpoint":
      return saveFile(m.bytes, m.step);
    case "failed":
      say(`error: ${m.message}`, true);
      return setState(document.body.dataset.state === "opened" ? "opened" : "failed");
  }
}

/** The form's values by flag, each field marked valid until the worker's check says otherwise. */
function values(): FormValues {
  const out: FormValues = {};
  for (const el of ui.form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input[name], select[name]")) {
    out[el.name] = el.value;
    el.removeAttribute("aria-invalid");
  }
  return out;
}

/** A field the worker refused: its line, and the focus on the field. */
function refused(message: string, flag: string | undefined): void {
  say(`error: ${message}`, true);
  setState(ui.before);
  const field = ui.form.querySelector<HTMLElement>(`[name="${flag}"]`);
  field?.setAttribute("aria-invalid", "true");
  field?.focus();
}

/** Sends a request that carries the form's values, remembering the state to go back to if it is refused. */
function request(message: ToTrainer, transfer: Transferable[] = []): void {
  ui.before = (document.body.dataset.state ?? "idle") as State;
  post(message, transfer);
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = values();
  ui.losses.innerHTML = "";
  ui.names.innerHTML = "";
  say("Loading the names and the kernels…");
  request({ kind: "train", values: form });
  setState("training", false);
});
ui.stop.addEventListener("click", () => post({ kind: "pause" }));
ui.resume.addEventListener("click", () => {
  setState("training");
  say("Training…");
  post({ kind: "continue" });
});
ui.download.addEventListener("click", () => post({ kind: "checkpoint" }));
ui.sample.addEventListener("click", () => request({ kind: "sample", values: values() }));
ui.open.addEventListener("change", async () => {
  const file = ui.open.files?.[0];
  ui.open.value = "";
  if (!file) return;
  if (file.size > Number(document.body.dataset.maxCheckpoint)) {
    return say(`error: ${file.name}: it has ${count(file.size)} bytes, more than a checkpoint may have`, true);
  }
  say(`Reading ${file.name}…`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  request({ kind: "open", name: file.name, bytes, values: values() }, [bytes.buffer]);
});
setState("idle");
