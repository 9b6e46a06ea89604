/**
 * Helpers for the tests that run learners' files through
 * `deno task exercise` (command_fs_test.ts, sandbox_fs_test.ts): a
 * workspace of its own per test, removed afterwards, skipped visibly
 * without permissions; a stub with the chapter's solution lines pasted in;
 * one check of a given text.
 *
 * @example
 * ```ts
 * import { checkText, fsTest, solvedStub } from "./testing.ts";
 * // In a test file (Deno.test is called at its top level):
 * function register(): void {
 *   fsTest("example_fs_test.ts", "the chapter's own lines pass", async (workspace) => {
 *     const { result } = await checkText(workspace, 4, solvedStub(4));
 *     if (result !== 0) throw new Error("they should");
 *   });
 * }
 * ```
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { EXERCISES } from "../../../chapters/exercises/specs.ts";
import { extractSolution } from "../../exercise/checker.ts";
import { fromFileUrl } from "../../paths.ts";
import { quietly } from "../../testing.ts";
import { exerciseCommand } from "./command.ts";
import type { Limits } from "./sandbox.ts";

const granted = async (name: "read" | "write" | "run") => (await Deno.permissions.query({ name })).state === "granted";

/**
 * Whether the tests may write files and start processes.
 *
 * @example
 * ```ts
 * if (!canUseFiles) console.log("skipped");
 * ```
 */
export const canUseFiles = (await granted("read")) && (await granted("write")) && (await granted("run"));

/**
 * Why a test was skipped.
 *
 * @example
 * ```ts
 * `a test (${SKIP})`;
 * ```
 */
export const SKIP = "skipped: needs --allow-read --allow-write --allow-run (.ci/run grants them)";

/**
 * A test with a workspace of its own beside chapters/yours (so the stubs'
 * relative imports resolve), removed afterwards; skipped, saying so, without
 * permissions (`file` names the test file in that line).
 *
 * @example
 * ```ts
 * // At the top level of a test file:
 * function register(): void {
 *   fsTest("example_fs_test.ts", "a workspace", async (workspace) => {
 *     await Deno.mkdir(workspace, { recursive: true });
 *   });
 * }
 * ```
 */
export function fsTest(file: string, name: string, fn: (workspace: string) => Promise<void>): void {
  Deno.test({
    name: canUseFiles ? name : `${name} (${file}: ${SKIP})`,
    ignore: !canUseFiles,
    async fn() {
      const workspace = fromFileUrl(
        new URL(`../../../chapters/yours-test-${crypto.randomUUID().slice(0, 8)}/`, import.meta.url),
      );
      try {
        await fn(workspace);
      } finally {
        await Deno.remove(workspace, { recursive: true }).catch(() => {});
      }
    },
  });
}

/**
 * The stub of exercise `chapter` with every `todo(...)` line replaced by the chapter's solution statements.
 *
 * @example
 * ```ts
 * solvedStub(3).includes("todo(probs)"); // false
 * ```
 */
export function solvedStub(chapter: number): string {
  const spec = EXERCISES[chapter];
  let text = spec.stub;
  for (const g of spec.gradients) {
    const solution = extractSolution(spec.source, spec.solvedIn, g.solution ?? [g.name]).join("\n  ");
    const line = new RegExp(`const ${g.name} = todo\\(\\w+\\);.*`);
    assert.match(text, line, `the stub of exercise ${chapter} has a todo line for ${g.name}`);
    text = text.replace(line, () => solution);
  }
  return text;
}

/**
 * `text` with each edit [from, to] made, each asserted to apply.
 *
 * @example
 * ```ts
 * edited("const a = 1;", [["1", "2"]]); // "const a = 2;"
 * ```
 */
export function edited(text: string, edits: [string | RegExp, string][]): string {
  for (const [from, to] of edits) {
    assert.ok(typeof from === "string" ? text.includes(from) : from.test(text), `the text has ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

/**
 * `deno task exercise N` on `text` as the learner's file of exercise
 * `chapter` in `workspace`, within `limits`: the exit code, the output (and
 * the same with its white space collapsed, `flat`), the line of the file
 * that holds a piece of text, and how long it took, in ms.
 *
 * @example
 * ```ts
 * async function ok(workspace: string): Promise<boolean> {
 *   return (await checkText(workspace, 4, solvedStub(4))).result === 0;
 * }
 * ```
 */
export async function checkText(workspace: string, chapter: number, text: string, limits: Partial<Limits> = {}) {
  await Deno.mkdir(workspace, { recursive: true });
  await Deno.writeTextFile(join(workspace, EXERCISES[chapter].file), text);
  const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  const started = performance.now();
  const { result, output } = await quietly(() => exerciseCommand([String(chapter)], workspace, limits));
  return { result, output, flat: output.replace(/\s+/g, " "), lineOf, ms: performance.now() - started };
}
