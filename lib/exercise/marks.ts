/**
 * The marks the sandbox's process prints for the exercise command: lines
 * that carry {@linkcode MARK} tell the checker when the learner's code runs
 * and which line it reached, and carry the messages of wire.ts. Both sides
 * import this module, so neither imports the other. The learner's code can
 * print them too: they only ever start and stop the time limit on it (a
 * deadline no mark can stop still holds) and carry values it computed.
 *
 * @example
 * ```ts
 * import { MARK } from "./marks.ts";
 * "\u0001exercise:timer off".startsWith(MARK); // true
 * ```
 * @module
 */

/**
 * The prefix of the lines that tell the parent what runs: `timer load`,
 * `timer gradients`, `timer off`, and where the learner's code is:
 * `at in LINE NAME` (a gradient's line started), `at after LINE NAME` (its last line ran);
 * and the frames `commit …` and `report …` (wire.ts).
 *
 * @example
 * ```ts
 * console.log(`${MARK}at after 62 dlogprobs`); // the parent reads it; the learner never sees it
 * ```
 */
export const MARK = "\u0001exercise:";
