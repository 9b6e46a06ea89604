/**
 * The main module of the sandbox's process (sandbox.ts starts it with no
 * permissions at all). It reads the {@linkcode Header} on its stdin (the
 * learner's rewritten module and the exercise's input), loads the module
 * from a `data:` URL (so nothing is written to disk, and the module can
 * import only what is loaded already: lib/tensor.ts, lib/exercise/learner.ts
 * and the hooks), calls its gradients() once through the hooks
 * (lib/exercise/hooks.ts) and writes the report on its stdout. Commits go
 * out the same way, and the correct value comes back on stdin.
 *
 * It holds no reference and decides nothing: it imports neither the
 * chapters nor the checker, so no module loaded here (which the learner's
 * code could import again) holds a correct gradient.
 *
 * The call itself is lib/exercise/runner.ts's, which an exercise page's
 * learner worker makes too. Run as a module of another program it does
 * nothing but lend its stdin, stdout and exit (train_runtime.ts uses them).
 *
 * @example
 * ```ts
 * // sandbox.ts runs, with no permissions:
 * // deno run --no-check --no-config --no-remote --no-npm --no-prompt lib/commands/exercise/runtime.ts
 * import "./runtime.ts"; // imported, it does nothing
 * ```
 * @module
 */

import type { Channel } from "../../exercise/hooks.ts";
import { MARK } from "../../exercise/marks.ts";
import { callOnce } from "../../exercise/runner.ts";
import { type Commit, floatsOf, frameLine, type Header, toBase64 } from "../../exercise/wire.ts";
import { Tensor } from "../../tensor.ts";

// Taken before the learner's module loads, so that replacing them there changes nothing here.
const writeSync = Deno.stdout.writeSync.bind(Deno.stdout);
const readSync = Deno.stdin.readSync.bind(Deno.stdin);
const exit = Deno.exit;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes all of `text` to stdout, with the stdout this process had before
 * any learner's module loaded (train_runtime.ts writes with it too).
 *
 * @example
 * ```ts ignore
 * write("done\n");
 * ```
 */
export function write(text: string): void {
  const bytes = encoder.encode(text);
  for (let at = 0; at < bytes.length;) at += writeSync(bytes.subarray(at));
}

/**
 * Ends this process, with the `Deno.exit` it had before any learner's
 * module loaded.
 *
 * @example
 * ```ts ignore
 * if (done) exitWith(0);
 * ```
 */
export function exitWith(code: number): never {
  return exit(code);
}

/**
 * A `data:` URL of the TypeScript module `code`, to import it without
 * writing it to disk.
 *
 * @example
 * ```ts
 * dataUrl("export const a = 1;"); // "data:application/typescript;base64,ZXhwb3J0IGNvbnN0IGEgPSAxOw=="
 * ```
 */
export function dataUrl(code: string): string {
  return `data:application/typescript;base64,${toBase64(encoder.encode(code))}`;
}

/**
 * The lines of stdin, read as they are needed (blocking: the learner's code
 * waits for a correct value; the training process reads its header so).
 *
 * @example
 * ```ts ignore
 * const header = JSON.parse(new Lines().next());
 * ```
 */
export class Lines {
  /** What was read and not yet returned: whole chunks, the newest last, none of them but the last holding a newline. */
  #chunks: Uint8Array[] = [];
  /** Where a read lands, before its bytes are copied out (a pipe gives at most 64 KiB a read). */
  #buffer = new Uint8Array(1 << 20);

  /** The next line of stdin, without its newline; throws when stdin ends first. */
  next(): string {
    for (;;) {
      const last = this.#chunks.at(-1);
      const nl = last ? last.indexOf(10) : -1;
      if (last && nl !== -1) {
        // The line: the chunks before the last, then the last up to its newline, joined once (a header of exercise
        // 9's long training is a hundred megabytes, read 64 KiB at a time: joining at each read would copy it a
        // thousand times over).
        const line = this.#join([...this.#chunks.slice(0, -1), last.subarray(0, nl)]);
        this.#chunks = nl + 1 < last.length ? [last.slice(nl + 1)] : [];
        return decoder.decode(line);
      }
      const n = readSync(this.#buffer);
      if (n === null) throw new Error("the checker closed the sandbox's input");
      // The chunks so far hold no newline; the new one is searched next.
      this.#chunks.push(this.#buffer.slice(0, n));
    }
  }

  /** The bytes of `parts`, one after the other. */
  #join(parts: Uint8Array[]): Uint8Array {
    if (parts.length === 1) return parts[0];
    const joined = new Uint8Array(parts.reduce((total, p) => total + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    return joined;
  }
}

async function main(): Promise<void> {
  const lines = new Lines();
  const header = JSON.parse(lines.next()) as Header;
  const channel: Channel = {
    mark: (text) => write(`${MARK}${text}\n`),
    commit(commit: Commit) {
      write(frameLine("commit", commit));
      const reply = JSON.parse(lines.next()) as { shape: number[]; f32: string };
      return new Tensor(floatsOf(reply.f32, reply.shape.reduce((a, b) => a * b, 1)), reply.shape);
    },
  };
  write(frameLine("report", await callOnce(header, channel, () => import(dataUrl(header.program)))));
  exit(0);
}

if (import.meta.main) await main();
