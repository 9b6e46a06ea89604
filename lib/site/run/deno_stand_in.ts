/**
 * A stand-in for the two things of `Deno` that `lib/report/heatmap.ts`
 * reads when it draws without being told whether to use colour
 * (`Deno.noColor`, `Deno.stdout.isTerminal()`), for a chapter run in a
 * browser's worker, where there is no `Deno`: no colour, no terminal. Under
 * Deno it does nothing. It goes once the report modules use no Deno API
 * (the browser-clean core of issue 17).
 *
 * @example
 * ```ts
 * import "./deno_stand_in.ts";
 * Deno.noColor; // Deno's own value under Deno; true in a browser's worker
 * ```
 * @module
 */

const global = globalThis as unknown as { Deno?: unknown };
global.Deno ??= { noColor: true, stdout: { isTerminal: () => false } };
