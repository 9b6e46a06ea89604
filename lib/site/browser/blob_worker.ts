/**
 * A module worker started from a `blob:` URL that imports the script at
 * `url`. A worker started from its own URL takes its Content-Security-Policy
 * from that script's HTTP headers, which a static server does not send; a
 * worker started from a `blob:` URL inherits the policy of whoever started
 * it. So the exercise pages start their workers this way, and the page's
 * policy (no eval, no other origin) holds in the checker's worker and in
 * the learner's workers it starts, whatever the server.
 *
 * @example
 * ```ts ignore
 * import { blobWorker } from "./blob_worker.ts";
 * const worker = blobWorker(new URL("js/exercise_check.js", location.href));
 * ```
 * @module
 */

/**
 * A module worker that runs the script at `url` (absolute) and inherits its
 * starter's Content-Security-Policy.
 *
 * @example
 * ```ts ignore
 * blobWorker(new URL("exercise_runner.js", import.meta.url)).postMessage(request);
 * ```
 */
export function blobWorker(url: URL): Worker {
  const text = `import ${JSON.stringify(url.href)};\n`;
  const blob = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  const worker = new Worker(blob, { type: "module" });
  setTimeout(() => URL.revokeObjectURL(blob), 60_000);
  return worker;
}
