/**
 * A `deno` subprocess held to limits from outside, whatever it prints or
 * does: a wall-clock deadline (it is killed then, no matter what), a cap on
 * its memory, a cap on how much of its output is kept, and a watchdog that
 * kills it even when this process is killed first.
 *
 * Where coreutils' `timeout` and util-linux's `prlimit` exist (Linux), the
 * process runs as `timeout -s KILL -k 0.2 T prlimit --data=BYTES -- deno …`:
 * `timeout` kills it at T (a little after the deadline here) even if this
 * process was killed with SIGKILL, forwards the SIGTERM that stops it early
 * to it and its children, and kills it 0.2 s later if it ignores that;
 * `prlimit` caps its data segment, which the V8 heap flag does not (array
 * buffers live outside the heap). Without them the deadline here still
 * holds. While a process runs, Ctrl-C, SIGTERM and SIGHUP stop it first,
 * then this program (exit codes 130, 143, 129).
 *
 * The output is read as bytes, line by line: lines that carry
 * {@linkcode MARK} go to a handler; of the rest, the first lines up to a
 * count and a size are kept, the others only counted.
 *
 * @example
 * ```ts
 * import { runBounded } from "./bounded.ts";
 * // Needs --allow-run=deno (and timeout, prlimit):
 * async function hello(): Promise<string[]> {
 *   const run = await runBounded(["eval", "console.log('hi')"], { deadlineMs: 10_000 });
 *   return run.out; // ["hi"]
 * }
 * ```
 * @module
 */

import { UsageError } from "../../cli.ts";
import { MARK } from "../../exercise/marks.ts";

/** The limits on one process. */
export interface Bounds {
  /** Wall time, in ms: the process is killed then, whatever it prints. */
  deadlineMs: number;
  /** A cap on its data segment (RLIMIT_DATA), in bytes, where prlimit exists. */
  dataBytes?: number;
  /** How many lines of its output (marks aside) are kept, and how many bytes; the rest is counted. */
  keepLines?: number;
  keepBytes?: number;
}

/** What a handler of marks can do to the process. */
export interface Control {
  /** Kills it (once), noting why. */
  kill(why: string): void;
  /** Writes a line to its stdin. */
  write(line: string): Promise<void>;
}

/** How a bounded run went. */
export interface BoundedRun {
  /** How the process ended. */
  status: Deno.CommandStatus;
  /** Why it was killed from here ("deadline", or what a handler said), if it was. */
  killed?: string;
  /** The lines of its output that were kept (marks aside). */
  out: string[];
  /** How many lines were not kept. */
  cut: number;
  /** The last 64 KiB of its stderr. */
  stderr: string;
  /** How long it ran, in ms. */
  ms: number;
}

const MARK_BYTES = new TextEncoder().encode(MARK);
/** A line longer than this (no frame is) is cut without being read further. */
const LONGEST_LINE = 1 << 25;
const STDERR_TAIL = 1 << 16;

/** Which of `timeout` and `prlimit` this program may run, found once. */
let wrappers: Promise<{ timeout: boolean; prlimit: boolean }> | undefined;

async function available(command: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    return success;
  } catch {
    return false; // not installed, or not allowed (--allow-run names it)
  }
}

/** The command line: deno's `args`, behind the watchdog and the memory cap when they exist. */
async function commandLine(args: string[], bounds: Bounds): Promise<{ argv: string[]; watched: boolean }> {
  if (bounds.dataBytes !== undefined && !(Number.isSafeInteger(bounds.dataBytes) && bounds.dataBytes > 0)) {
    throw new RangeError(`A cap on memory must be a whole number of bytes > 0, got ${bounds.dataBytes}`);
  }
  wrappers ??= Promise.all([available("timeout"), available("prlimit")]).then(([timeout, prlimit]) => ({
    timeout,
    prlimit,
  }));
  const { timeout, prlimit } = await wrappers;
  const capped = prlimit && bounds.dataBytes ? ["prlimit", `--data=${bounds.dataBytes}`, "--", "deno"] : ["deno"];
  const watchdog = `${Math.ceil(bounds.deadlineMs / 1000) + 2}`;
  return {
    argv: timeout ? ["timeout", "-s", "KILL", "-k", "0.2", watchdog, ...capped, ...args] : [...capped, ...args],
    watched: timeout,
  };
}

/** The processes running now, each with how to stop it: stopped first when this program is. */
const running = new Set<() => Promise<void>>();
const SIGNALS: [Deno.Signal, number][] = [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]];
const onSignal: [Deno.Signal, () => void][] = SIGNALS.map(([signal, code]) => [signal, async () => {
  await Promise.all([...running].map((stop) => stop()));
  Deno.exit(code);
}]);

function watchSignals(on: boolean): void {
  for (const [signal, handler] of onSignal) {
    try {
      if (on) Deno.addSignalListener(signal, handler);
      else Deno.removeSignalListener(signal, handler);
    } catch { /* a signal this system does not have */ }
  }
}

/**
 * Splits output bytes into lines: marks to `onMark`, the rest kept up to the
 * bounds, then counted.
 *
 * @example
 * ```ts
 * const marks: string[] = [];
 * const reader = new LineReader({ deadlineMs: 0, keepLines: 1 }, (m) => marks.push(m));
 * reader.push(new TextEncoder().encode("a\nb\n\u0001exercise:timer off\n"));
 * [reader.out, reader.cut, marks]; // [["a"], 1, ["timer off"]]
 * ```
 */
export class LineReader {
  /** The lines kept. */
  out: string[] = [];
  /** How many lines were not kept. */
  cut = 0;
  #kept = 0;
  #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #decoder = new TextDecoder();
  #bounds: Bounds;
  #onMark: (text: string) => void;

  constructor(bounds: Bounds, onMark: (text: string) => void) {
    this.#bounds = bounds;
    this.#onMark = onMark;
  }

  /** Reads the next bytes of the output. */
  push(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.#add(chunk.subarray(start, nl));
      this.#line();
      start = nl + 1;
    }
    this.#add(chunk.subarray(start));
  }

  /** Reads the last line, when the output does not end with a newline. */
  end(): void {
    if (this.#pendingLength > 0) this.#line();
  }

  #add(part: Uint8Array): void {
    if (part.length === 0 || this.#pendingLength > LONGEST_LINE) return;
    this.#pending.push(part.slice());
    this.#pendingLength += part.length;
  }

  #line(): void {
    const bytes = this.#pending.length === 1 ? this.#pending[0] : concat(this.#pending, this.#pendingLength);
    const tooLong = this.#pendingLength > LONGEST_LINE;
    this.#pending = [];
    this.#pendingLength = 0;
    const at = tooLong ? -1 : indexOfMark(bytes);
    if (at !== -1) {
      if (at > 0) this.#keep(bytes.subarray(0, at));
      this.#onMark(this.#decoder.decode(bytes.subarray(at + MARK_BYTES.length)));
      return;
    }
    this.#keep(bytes);
  }

  #keep(bytes: Uint8Array): void {
    const { keepLines = 200, keepBytes = 1 << 16 } = this.#bounds;
    const longest = Math.max(80, keepBytes >> 6); // a long line is kept in part, so that others fit
    const kept = bytes.length > longest ? bytes.subarray(0, longest) : bytes;
    if (this.out.length >= keepLines || this.#kept + kept.length > keepBytes) {
      this.cut++;
      return;
    }
    this.#kept += kept.length;
    const text = this.#decoder.decode(kept);
    this.out.push(kept === bytes ? text : `${text}… (${bytes.length.toLocaleString("en-US")} bytes)`);
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where MARK starts in `bytes`, or -1. */
function indexOfMark(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(MARK_BYTES[0]); i !== -1; i = bytes.indexOf(MARK_BYTES[0], i + 1)) {
    if (MARK_BYTES.every((b, k) => bytes[i + k] === b)) return i;
  }
  return -1;
}

/** Keeps the last {@linkcode STDERR_TAIL} bytes of a stream, as text. */
async function tail(stream: ReadableStream<Uint8Array>): Promise<string> {
  let parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    parts.push(chunk);
    length += chunk.length;
    if (length > 4 * STDERR_TAIL) {
      const joined = concat(parts, length).slice(-STDERR_TAIL);
      parts = [joined];
      length = joined.length;
    }
  }
  return new TextDecoder().decode(concat(parts, length).slice(-STDERR_TAIL));
}

/** Starts the process (a {@linkcode UsageError} when this program may not run it). */
function spawn(argv: string[]): Deno.ChildProcess {
  try {
    return new Deno.Command(argv[0], {
      args: argv.slice(1),
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied)) throw error;
    throw new UsageError(
      "exercise mode runs your file in a separate deno process and needs --allow-run=deno,timeout,prlimit (deno task exercise grants it)",
    );
  }
}

/**
 * Runs `deno ARGS` within `bounds`, with `stdin` written to it (closed after,
 * unless `keepStdin`), each mark line of its stdout given to `onMark`.
 *
 * @example
 * ```ts
 * // Needs --allow-run=deno (and timeout, prlimit):
 * async function stopped(): Promise<string | undefined> {
 *   const run = await runBounded(["eval", "while (true) {}"], { deadlineMs: 1000 });
 *   return run.killed; // "deadline"
 * }
 * ```
 */
export async function runBounded(
  args: string[],
  bounds: Bounds,
  options: { stdin?: string; keepStdin?: boolean; onMark?: (text: string, control: Control) => void } = {},
): Promise<BoundedRun> {
  const { argv, watched } = await commandLine(args, bounds);
  const started = performance.now();
  const child = spawn(argv);
  let killed: string | undefined;
  const control: Control = {
    kill(why) {
      if (killed !== undefined) return;
      killed = why;
      try {
        child.kill(watched ? "SIGTERM" : "SIGKILL"); // timeout passes it on, and kills 0.2 s later
      } catch { /* it has ended */ }
    },
    write: async () => {},
  };
  const stop = async () => {
    control.kill("signal");
    await child.status;
  };
  running.add(stop);
  if (running.size === 1) watchSignals(true);
  const deadline = setTimeout(() => control.kill("deadline"), bounds.deadlineMs);
  try {
    const writer = child.stdin.getWriter();
    control.write = (line) => writer.write(new TextEncoder().encode(line)).catch(() => {});
    const fed = writer.write(new TextEncoder().encode(options.stdin ?? "")).then(
      () => options.keepStdin ? undefined : writer.close(),
    ).catch(() => {}); // it ended without reading it all
    const stderr = tail(child.stderr);
    const reader = new LineReader(bounds, (text) => {
      if (killed === undefined) options.onMark?.(text, control);
    });
    for await (const chunk of child.stdout) if (killed === undefined) reader.push(chunk);
    reader.end();
    const status = await child.status;
    await fed;
    await writer.close().catch(() => {});
    return { status, killed, out: reader.out, cut: reader.cut, stderr: await stderr, ms: performance.now() - started };
  } finally {
    clearTimeout(deadline);
    running.delete(stop);
    if (running.size === 0) watchSignals(false);
  }
}
