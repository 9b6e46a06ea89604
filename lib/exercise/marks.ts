/**
 * The marks the learner-side runtime prints for the exercise command: lines
 * that start with {@linkcode MARK} tell the parent process when the
 * learner's code runs and which line it reached. Both sides import this
 * module, so neither imports the other.
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
 * `at in LINE NAME` (a gradient's line started), `at after LINE NAME` (its last line ran).
 *
 * @example
 * ```ts
 * console.log(`${MARK}at after 62 dlogprobs`); // the parent reads it; the learner never sees it
 * ```
 */
export const MARK = "\u0001exercise:";
