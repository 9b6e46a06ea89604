/**
 * One call of the learner's gradients() in a learner's worker of its own
 * (exercise_runner.ts), held to the time limit from outside: the worker's
 * marks start and stop the timer (`timer load`, `timer gradients`,
 * `timer off`) and say where the code is (`at in 66 dprobs`), as the
 * sandbox's process's marks do for `deno task exercise N`; at the limit the
 * worker is terminated, whatever it is doing, and the stop says where it
 * was. A worker that sends nothing more (it closed itself, or never loaded)
 * is ended at the deadline in all.
 *
 * @example
 * ```ts ignore
 * import { runOnce } from "./exercise_run.ts";
 * const once = await runOnce(header, {}, imports, WEB_LIMITS);
 * once.report?.ended; // "returned"
 * ```
 * @module
 */

import type { CallReport, Commit, Header } from "../../exercise/wire.ts";
import type { Answer, FromRunner, RunRequest } from "./exercise_wire.ts";
import type { Stop, WebLimits } from "./exercise_report.ts";
import { blobWorker } from "./blob_worker.ts";

/** What one call came to: its report (or why it stopped), the commits it made, the learner's output. */
export interface Once {
  report?: CallReport;
  commits: Map<string, Commit>;
  stop?: Stop;
  out: string[];
  cut: number;
}

/** What the marks said: what ran too long, where the code got to. */
interface MarkState {
  timer?: ReturnType<typeof setTimeout>;
  reached?: string[];
}

/** A number the learner's code cannot guess, for the messages of one worker. */
function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads the worker's messages: `end` finishes the call with a report or a stop. */
function reader(
  once: Once,
  state: MarkState,
  feed: Header["feed"],
  limits: WebLimits,
  end: (stop?: Stop) => void,
) {
  return (m: FromRunner) => {
    if (m.kind === "report") {
      once.report ??= m.report;
      end();
    } else if (m.kind === "out") {
      if (once.out.length < limits.outputLines) once.out.push(String(m.text).slice(0, 2000));
      else once.cut++;
    } else if (m.kind === "commit") {
      const { name, value } = m.commit;
      if (!feed || !(feed.substitutes.includes(name) || "threw" in value)) return;
      if (!once.commits.has(name)) once.commits.set(name, m.commit);
    } else if (m.text.startsWith("at ")) {
      state.reached = m.text.split(" ");
    } else {
      clearTimeout(state.timer);
      if (m.text === "timer off") return;
      state.reached = undefined;
      const what = m.text.replace(/^timer /, "");
      state.timer = setTimeout(() => end({ why: "timer", what, reached: state.reached }), limits.codeMs);
    }
  };
}

/**
 * Runs `header`'s program once in a new learner's worker, handing over
 * `answers` in the fed call, within `limits`; `imports` names the modules
 * the program shares with the worker.
 *
 * @example
 * ```ts ignore
 * const once = await runOnce(header, {}, imports, WEB_LIMITS);
 * once.stop?.why; // "timer" for a gradients() that never returns
 * ```
 */
export function runOnce(
  header: Header,
  answers: Record<string, Answer>,
  imports: RunRequest["imports"],
  limits: WebLimits,
  workerUrl = new URL("exercise_runner.js", import.meta.url),
): Promise<Once> {
  const once: Once = { commits: new Map(), out: [], cut: 0 };
  const state: MarkState = {};
  const request: RunRequest = { nonce: nonce(), header, imports, answers };
  const worker = blobWorker(workerUrl);
  return new Promise((resolve) => {
    const started = performance.now();
    const end = (stop?: Stop) => {
      clearTimeout(state.timer);
      clearTimeout(deadline);
      worker.terminate();
      resolve({ ...once, stop: once.report ? undefined : stop });
    };
    const deadline = setTimeout(
      () => end({ why: "deadline", ms: performance.now() - started }),
      2 * limits.codeMs + limits.startupMs,
    );
    const read = reader(once, state, header.feed, limits, end);
    worker.onmessage = (event: MessageEvent<FromRunner & { nonce?: string }>) => {
      if (event.data?.nonce === request.nonce) read(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      end({ why: "crash", error: event.message });
    };
    worker.postMessage(request);
  });
}
