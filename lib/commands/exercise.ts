/**
 * `deno task exercise N`: the learner's version of chapter N, checked.
 *
 * The learner's files live in `chapters/yours/` (ignored by git, so a pull
 * never touches them). The first run of an exercise copies its stub from
 * `chapters/exercises/` there; after that the file is the learner's and is
 * never overwritten. `--reset` starts over, keeping the old file as a backup.
 *
 * @example
 * ```ts
 * import { exerciseCommand } from "./exercise.ts";
 * Deno.exitCode = await exerciseCommand(["3"]);
 * ```
 * @module
 */

import { join, relative } from "node:path";
import { fromFileUrl, toFileUrl } from "../paths.ts";
import { parseFlags, UsageError } from "../cli.ts";
import {
  checkExercise,
  type ExerciseInput,
  type ExerciseSpec,
  extractSolution,
  isDone,
  type Verdict,
} from "../exercise/checker.ts";
import { referenceGradients } from "../check/reference.ts";
import type { Tensor } from "../tensor.ts";
import { formatShape } from "../tensor.ts";
import { table, wrap } from "../report/print.ts";
import { EXERCISES } from "../../chapters/exercises/specs.ts";
import { lectureForward } from "../../chapters/02_forward.ts";
import { backpropCrossEntropy } from "../../chapters/03_cross_entropy.ts";
import { backpropOutputLayer } from "../../chapters/04_output_layer.ts";
import { backpropBatchnorm } from "../../chapters/05_batchnorm.ts";

/** Where the learner's files go. */
export const WORKSPACE = fromFileUrl(new URL("../../chapters/yours/", import.meta.url));

/** A learner's module: a function from the forward context to named gradients. */
export interface LearnerModule {
  gradients(input: ExerciseInput): Record<string, Tensor | undefined>;
}

/**
 * What every exercise receives: the lecture's forward pass, and the correct
 * upstream gradients from the solved chapters.
 *
 * @example
 * ```ts
 * const input = exerciseInput();
 * input.dlogits.shape; // [32, 27]
 * ```
 */
export function exerciseInput(): ExerciseInput {
  const { params, batch, fwd } = lectureForward();
  const { dlogits } = backpropCrossEntropy(fwd, batch.Yb);
  const { dhpreact } = backpropOutputLayer(dlogits, fwd, params);
  const { dhprebn } = backpropBatchnorm(dhpreact, fwd, params);
  return { fwd, params, batch, n: batch.Xb.shape[0], dlogits, dhpreact, dhprebn };
}

/**
 * Checks a learner's module against TensorFlow.js's gradients.
 *
 * @example
 * ```ts
 * const verdicts = checkLearner(EXERCISES[3], await import("../../chapters/yours/03_cross_entropy.ts"));
 * ```
 */
export function checkLearner(spec: ExerciseSpec, learner: LearnerModule): Verdict[] {
  const input = exerciseInput();
  const { grads } = referenceGradients(input.params, input.batch.Xb, input.batch.Yb);
  return checkExercise(spec, learner.gradients(input), input, grads);
}

const STATUS_WORDS: Record<Verdict["status"], string> = {
  exact: "exact",
  approximate: "approximately equal",
  wrong: "wrong",
  TODO: "TODO",
  waiting: "waiting",
  missing: "missing",
};

/**
 * The verdicts as a table and a line on what to do next.
 *
 * @example
 * ```ts
 * console.log(formatVerdicts(EXERCISES[3], checkLearner(EXERCISES[3], learner)));
 * ```
 */
export function formatVerdicts(spec: ExerciseSpec, verdicts: Verdict[]): string {
  const rows = [
    ["gradient", "status", "what to do"],
    ...verdicts.map((v) => [v.name, STATUS_WORDS[v.status], v.detail]),
  ];
  const done = verdicts.filter(isDone).length;
  const next = verdicts.find((v) => !isDone(v) && v.status !== "waiting");
  const summary = done === verdicts.length
    ? `All ${done} gradients of exercise ${spec.chapter} are right. Well done!`
    : `${done} of ${verdicts.length} done. Next: ${next?.name}` +
      (next ? ` (stuck? deno task exercise ${spec.chapter} --hint ${next.name})` : "");
  return `${table(rows)}\n\n${wrap(summary)}`;
}

/**
 * The hint at a level (1: the forward line and the shapes, 2: the local derivative), or the solution.
 *
 * @example
 * ```ts
 * hint(EXERCISES[3], "dprobs", 1); // "dprobs inverts the forward line `logprobs = log(probs)`. …"
 * ```
 */
export function hint(spec: ExerciseSpec, name: string, level: 1 | 2 | "solution", given?: ExerciseInput): string {
  const g = spec.gradients.find((x) => x.name === name);
  if (!g) {
    throw new UsageError(
      `exercise ${spec.chapter} has no gradient ${JSON.stringify(name)}: its gradients are ${
        spec.gradients.map((x) => x.name).join(", ")
      }`,
    );
  }
  if (level === "solution") {
    const lines = extractSolution(spec.source, spec.solvedIn, g.solution ?? [name]);
    return `The solution from chapter ${spec.chapter} (${spec.solvedIn}):\n\n${
      lines.map((l) => `  ${l.replaceAll("\n", "\n  ")}`).join("\n")
    }`;
  }
  if (level === 2) return wrap(`${name}: ${g.rule.replace(/\s+/g, " ")}`);
  const input = given ?? exerciseInput(); // only the first hint needs the shapes of the forward pass
  const shapeOf = (key: string) => {
    const t = (input.fwd as unknown as Record<string, Tensor | undefined>)[key] ??
      (input.params as unknown as Record<string, Tensor | undefined>)[key];
    return t ? formatShape(t.shape) : undefined;
  };
  const shape = shapeOf(g.of);
  const deps = g.deps.length > 0 ? ` It is computed from ${g.deps.join(" and ")}.` : "";
  return wrap(
    `${name} inverts the forward line \`${g.forward}\`. It is the gradient of ${g.of}${
      shape ? `, so it has ${g.of}'s shape ${shape}` : ""
    }.${deps} (More: --hint ${name} --level 2.)`,
  );
}

/** Runs the learner's module at `path` (fresh, not cached) and prints the verdicts; the exit code. */
async function checkFile(spec: ExerciseSpec, path: string): Promise<number> {
  let learner: LearnerModule;
  try {
    learner = await import(`${toFileUrl(path).href}?v=${Date.now()}-${Math.random()}`);
    if (typeof learner.gradients !== "function") throw new Error("it does not export a function gradients(input)");
  } catch (error) {
    console.log(`Cannot load ${path}: ${(error as Error).message.split("\n")[0]}`);
    return 1;
  }
  let verdicts: Verdict[];
  try {
    verdicts = checkLearner(spec, learner);
  } catch (error) {
    const frame = (error as Error).stack?.split("\n").find((l) => l.includes(path));
    const location = frame?.trim().replace(/^at .*?file:\/\//, "").replace(/\?v=[^:]*/, "").replace(/\)$/, "");
    const where = location ? ` at ${relative(Deno.cwd(), location)}` : "";
    console.log(`Your gradients() threw${where}:\n  ${(error as Error).message}`);
    return 1;
  }
  console.log(formatVerdicts(spec, verdicts));
  return verdicts.every(isDone) ? 0 : 1;
}

/** Whether a file exists (needs read permission). */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * `deno task exercise [N] [--hint NAME [--level 2] | --solution NAME | --reset | --watch]`.
 * `workspace` is for tests.
 *
 * @example
 * ```ts
 * Deno.exitCode = await exerciseCommand(["3", "--hint", "dprobs"]);
 * ```
 */
export async function exerciseCommand(args: string[], workspace = WORKSPACE): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      hint: { type: "string" },
      level: { type: "string" },
      solution: { type: "string" },
      reset: { type: "boolean" },
      watch: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    "exercise",
    true,
  );
  const list = Object.values(EXERCISES).map((s) => `  ${s.chapter}. ${s.title}`).join("\n");
  if (values.help || positionals.length === 0) {
    console.log(`Write the gradients yourself; the tutorial checks them and names your mistakes.

Usage: deno task exercise N [--hint NAME [--level 2] | --solution NAME | --reset | --watch]

Exercises (your files go to chapters/yours/):
${list}`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`exercise takes one number, got ${positionals.join(" ")}`);
  const spec = EXERCISES[Number(positionals[0])];
  if (!/^\d+$/.test(positionals[0]) || !spec) {
    throw new UsageError(`there is no exercise ${JSON.stringify(positionals[0])}: exercises are chapters 3 to 8`);
  }
  let level: 1 | 2 = 1;
  if (values.level !== undefined) {
    if (values.hint === undefined) throw new UsageError("--level goes with --hint NAME");
    if (values.level !== "1" && values.level !== "2") {
      throw new UsageError(`--level must be 1 or 2, got ${JSON.stringify(values.level)}`);
    }
    level = Number(values.level) as 1 | 2;
  }
  if (values.hint !== undefined) {
    console.log(hint(spec, String(values.hint), level));
    return 0;
  }
  if (values.solution !== undefined) {
    console.log(hint(spec, String(values.solution), "solution"));
    return 0;
  }

  const path = join(workspace, spec.file);
  const shown = relative(Deno.cwd(), path);
  try {
    if (values.reset && (await exists(path))) {
      const backup = `${path}.${new Date().toISOString().replaceAll(":", "-")}.bak`;
      await Deno.rename(path, backup);
      console.log(`Moved your ${shown} to ${relative(Deno.cwd(), backup)}.`);
    }
    if (!(await exists(path))) {
      await Deno.mkdir(workspace, { recursive: true });
      await Deno.writeTextFile(path, spec.stub, { createNew: true });
      console.log(`Created ${shown} from the stub: open it and replace each todo(...) with your gradient.\n`);
    }
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    throw new UsageError(`cannot set up ${shown}: ${(error as Error).message.split("\n")[0]}`);
  }
  console.log(`Exercise ${spec.chapter}. ${spec.title}: ${shown}\n`);
  const code = await checkFile(spec, path);
  if (!values.watch) return code;

  console.log("\nWatching for changes (Ctrl-C to stop)…");
  let timer: ReturnType<typeof setTimeout> | undefined;
  for await (const event of Deno.watchFs(path)) {
    if (event.kind !== "modify" && event.kind !== "create") continue;
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (Deno.stdout.isTerminal()) console.log("\x1b[2J\x1b[H");
      console.log(`Exercise ${spec.chapter}, checked at ${new Date().toLocaleTimeString()}:\n`);
      await checkFile(spec, path);
      console.log("\nWatching for changes (Ctrl-C to stop)…");
    }, 150);
  }
  return code;
}
