/**
 * The checker's worker of an exercise page: what `deno task exercise N`
 * does in its own process, here in a worker of its own. It reads the
 * learner's text with TypeScript's parser (its syntax errors, in the
 * checker's translated words), refuses imports other than lib/tensor.ts and
 * lib/exercise/learner.ts, rewrites the file with lib/exercise/instrument.ts,
 * strips its types (ts-blank-space: every line and column stays where it
 * was), and runs it in the learner's worker (exercise_runner.ts), a new one
 * for each call, which has nothing but the exercise's input and is
 * terminated at the time limit. The verdicts, stars and diagnoses are
 * computed here, by lib/exercise/judge.ts, from the numbers sent back.
 *
 * The exercises' specs and input come from the entry the build writes
 * (which may import the chapters), through {@linkcode serveChecks}.
 *
 * @example
 * ```ts ignore
 * import { serveChecks } from "./exercise_check.ts";
 * serveChecks({ specs: EXERCISES, input: exerciseInput, context: contextFor });
 * ```
 * @module
 */

import ts from "typescript";
import tsBlankSpace from "ts-blank-space";
import type { ExerciseContext, ExerciseInput, ExerciseSpec } from "../../exercise/checker.ts";
import { correctGradients } from "../../exercise/checker.ts";
import { checkCalls } from "../../exercise/check_calls.ts";
import { answerOf } from "../../exercise/header.ts";
import { ALLOWED_IMPORTS_TEXT, refusalText } from "../../exercise/check_report.ts";
import { paragraphs } from "../../exercise/paragraphs.ts";
import { placeIn, type Prepared, prepareProgram } from "../../exercise/prepared.ts";
import { reportCheck, type Run, stuckInPage, WEB_LIMITS } from "./exercise_report.ts";
import type { SourceError } from "../../exercise/translate.ts";
import { TypeChecker } from "./exercise_types.ts";
import { runOnce } from "./exercise_run.ts";
import type { Answer, FromChecker, ToChecker } from "./exercise_wire.ts";

/** What the checker's worker is given by the build's entry: the exercises and how to make their input. */
export interface CheckDeps {
  specs: Record<number, ExerciseSpec>;
  input: () => ExerciseInput;
  /** The context exercise `spec` is judged in: TensorFlow.js's gradients, and its own reference (exercise 9's, the kernels' step). */
  context: (spec: ExerciseSpec) => ExerciseContext;
  /** The type checker, once its files are loaded (until then, or when they cannot be, the parser's errors only). */
  types?: TypeChecker;
  /** The last text of each exercise that checked right: exercise 9 trains only with it. */
  passed?: Record<number, string>;
  /** Stops exercise 9's training in progress (the Stop button). */
  stop?: () => void;
}

/** Where the learner's file is taken to live, to resolve its imports as `chapters/yours/` does. */
const FOLDER = "file:///exercise/chapters/yours/";
const IMPORTS = {
  tensor: "file:///exercise/lib/tensor.ts",
  learner: "file:///exercise/lib/exercise/learner.ts",
  hooks: "file:///exercise/lib/exercise/hooks.ts",
};

/**
 * The learner's text rewritten to run (lib/exercise/prepared.ts, as the
 * sandbox's prepare() does it), then its types stripped (positions kept).
 */
function prepare(spec: ExerciseSpec, text: string): Prepared | { stripError: string } {
  const names = spec.gradients.map((g) => g.name);
  const ready = prepareProgram(names, FOLDER + spec.file, text, IMPORTS.hooks);
  const unsupported: string[] = [];
  const js = tsBlankSpace(ready.code, (node) => unsupported.push(node.getText().split("\n")[0]));
  if (unsupported.length > 0) {
    return { stripError: `it uses TypeScript that has no plain JavaScript form here: ${unsupported[0]}` };
  }
  return { ...ready, code: js };
}

/**
 * Every `import(…)` call of a computed module and every `import.meta` in the
 * learner's file, located (the CLI's sandbox, with no permissions, refuses
 * them when they run; here they never run). An `import("…")` of a written
 * name is among the imports refusals() reads.
 */
function importCalls(source: ts.SourceFile): { pos: number; message: string }[] {
  const found: { pos: number; message: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [what] = node.arguments;
      if (!what || !ts.isStringLiteralLike(what)) {
        found.push({
          pos: node.getStart(source),
          message: `import(…) of a computed module is refused: ${ALLOWED_IMPORTS_TEXT}`,
        });
      }
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      found.push({ pos: node.getStart(source), message: `import.meta is refused: ${ALLOWED_IMPORTS_TEXT}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The imports of the learner's file other than lib/tensor.ts and lib/exercise/learner.ts, located. */
function refusals(spec: ExerciseSpec, text: string): { line: number; column: number; message: string }[] {
  const found = ts.preProcessFile(text, true, true).importedFiles;
  const source = ts.createSourceFile(spec.file, text, ts.ScriptTarget.ESNext, true);
  const allowed = [IMPORTS.tensor, IMPORTS.learner];
  const located = (pos: number, message: string) => {
    const at = source.getLineAndCharacterOfPosition(pos);
    return { line: at.line + 1, column: at.character + 1, message };
  };
  const written = found.filter((f) => {
    try {
      return !allowed.includes(new URL(f.fileName, FOLDER + spec.file).href);
    } catch {
      return true;
    }
  }).map((f) => located(f.pos, refusalText(f.fileName, "../../lib/exercise/learner.ts")));
  const calls = importCalls(source).map((c) => located(c.pos, c.message));
  return [...written, ...calls].sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * The learner's syntax errors, as TypeScript's parser reports them (code,
 * message, place): what is said when the type checker's files could not be
 * loaded.
 *
 * @example
 * ```ts ignore
 * syntaxErrors("const a = ;\n", "03_cross_entropy.ts")[0].code; // "TS1109"
 * ```
 */
export function syntaxErrors(text: string, file: string): SourceError[] {
  const out = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext },
  });
  const lines = text.split("\n");
  return (out.diagnostics ?? []).filter((d) => d.start !== undefined).map((d) => {
    const at = d.file!.getLineAndCharacterOfPosition(d.start!);
    return {
      code: `TS${d.code}`,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0],
      sourceLine: lines[at.line] ?? "",
      line: at.line + 1,
      column: at.character + 1,
    };
  });
}

/** The correct values the fed call hands over, as the sandbox's replies carry them. */
function answersFor(spec: ExerciseSpec, context: ExerciseContext, names: string[]): Record<string, Answer> {
  const correct = correctGradients(spec, context);
  return Object.fromEntries(names.filter((n) => Object.hasOwn(correct, n)).map((n) => [n, answerOf(correct, n)]));
}

/** Runs the learner's text as exercise `spec`: the call as written, then (when a line's upstream is wrong) the fed call. */
async function runChecked(spec: ExerciseSpec, prepared: Prepared, deps: CheckDeps, status: (t: string) => void) {
  const context = deps.context(spec);
  status("Running your gradients()…");
  const { first, end } = await checkCalls(spec, prepared, context, {
    call: (header) => {
      const answers = header.feed ? answersFor(spec, context, header.feed.substitutes) : {};
      return runOnce(header, answers, IMPORTS, WEB_LIMITS);
    },
    input: deps.input,
    place: placeIn(prepared, `chapters/yours/${spec.file}`),
    stuck: stuckInPage,
    onFed: () => status("Checking each line on correct upstream values…"),
  });
  const run: Run = { prepared, out: first.out, cut: first.cut, ...end };
  return run;
}

/**
 * One check of the learner's `text` as exercise `spec`'s file: what the
 * terminal would print, the exit code, and the marks for the editor;
 * `status` hears each step as it starts.
 *
 * @example
 * ```ts ignore
 * const said = await checkText(EXERCISES[3], text, deps, (step) => console.log(step));
 * said.code; // 0 when every gradient is right
 * ```
 */
export async function checkText(spec: ExerciseSpec, text: string, deps: CheckDeps, status: (t: string) => void) {
  const shown = `chapters/yours/${spec.file}`; // as the terminal names it, run from the repository
  const refused = refusals(spec, text);
  if (refused.length > 0) return reportCheck({ refused }, shown, text);
  status(deps.types ? "Type checking…" : "Reading your file…");
  const types = deps.types ? deps.types.errors(FOLDER.replace("file://", "") + spec.file, text) : undefined;
  if (types && types.length > 0) return reportCheck({ types }, shown, text);
  const syntax = types ? [] : syntaxErrors(text, spec.file);
  if (syntax.length > 0) return reportCheck({ types: syntax }, shown, text);
  const prepared = prepare(spec, text);
  if ("stripError" in prepared) return reportCheck({ other: prepared.stripError }, shown, text);
  return reportCheck({ run: await runChecked(spec, prepared, deps, status) }, shown, text);
}

/** Loads the type checker's files (`typecheck.json`, beside this worker's script); without them, syntax only. */
async function loadTypes(deps: CheckDeps): Promise<void> {
  try {
    const response = await fetch(new URL("typecheck.json", import.meta.url));
    if (response.ok) deps.types = new TypeChecker(await response.json());
  } catch { /* offline from a folder without the file: the parser's errors only */ }
}

/**
 * Exercise 9's training with the learner's `ask.text`, which must be the
 * text that last checked right (as the CLI trains only after every gradient
 * is right): the kernels' run, then the learner's training worker
 * (exercise_train.ts, loaded only when asked); `progress` hears each line
 * and the chart so far.
 *
 * @example
 * ```ts ignore
 * const said = await trainText({ kind: "train", id: 2, chapter: 9, text, steps: 3000, ms: 120_000 }, deps, show);
 * ```
 */
export async function trainText(
  ask: ToChecker & { kind: "train" },
  deps: CheckDeps,
  progress: (text: string, svg: string) => void,
): Promise<{ text: string; code: number; names: string[][]; svg: string }> {
  const spec = deps.specs[ask.chapter];
  if (!spec || spec.chapter !== 9) {
    return { text: `exercise ${ask.chapter} does not train`, code: 2, names: [], svg: "" };
  }
  if (deps.passed?.[9] !== ask.text) {
    return {
      text: "Check your file first: the network is trained once every gradient is right.",
      code: 1,
      names: [],
      svg: "",
    };
  }
  const prepared = prepare(spec, ask.text);
  if ("stripError" in prepared) return { text: prepared.stripError, code: 1, names: [], svg: "" };
  const { trainInPage } = await import("./exercise_train.ts");
  const { curvesSvg } = await import("./exercise_train_report.ts");
  let last = 0;
  try {
    return await trainInPage(prepared.code, { steps: ask.steps, ms: ask.ms }, IMPORTS, {
      progress: (text, yours, kernels) => {
        // The chart at most five times a second, but the last step's line always: the page keys its next phase on it.
        const lastStep = /^step ([\d,]+) of \1:/.test(text);
        if (!lastStep && performance.now() - last < 200) return;
        last = performance.now();
        progress(text, curvesSvg(yours, kernels));
      },
      onStop: (stop) => deps.stop = stop,
      place: placeIn(prepared, `chapters/yours/${spec.file}`),
      workerUrl: new URL("exercise_trainer.js", import.meta.url),
    });
  } finally {
    deps.stop = undefined;
  }
}

/**
 * Answers the page's requests: each check in turn. Loads the type checker's
 * files and computes the exercise's context (TensorFlow.js's gradients)
 * once, before saying it is ready.
 *
 * @example
 * ```ts ignore
 * serveChecks({ specs: EXERCISES, input: exerciseInput, context: contextFor });
 * ```
 */
export function serveChecks(deps: CheckDeps): void {
  // The page flows the checker's paragraphs to its own width (pre-wrap): they are not wrapped at 80 columns here.
  paragraphs.width = Infinity;
  const scope = globalThis as unknown as {
    postMessage(message: FromChecker): void;
    onmessage: ((event: MessageEvent<ToChecker>) => void) | null;
  };
  const post = (m: FromChecker) => scope.postMessage(m);
  const started = performance.now();
  let queue = loadTypes(deps).then(() => {
    const common = Object.values(deps.specs).find((spec) => !spec.reference); // TensorFlow.js's part, shared by all
    if (common) deps.context(common);
    post({ kind: "ready", ms: performance.now() - started });
  });
  scope.onmessage = (event: MessageEvent<ToChecker>) => {
    const ask = event.data;
    if (ask.kind === "stop") return void deps.stop?.(); // at once, not after what is queued
    queue = queue.then(async () => {
      const t0 = performance.now();
      const spec = deps.specs[ask.chapter];
      if (ask.kind === "train") {
        const said = await trainText(ask, deps, (text, svg) => post({ kind: "training", id: ask.id, text, svg }));
        return post({ kind: "trained", id: ask.id, ...said, ms: performance.now() - t0 });
      }
      const said = spec
        ? await checkText(spec, ask.text, deps, (text) => post({ kind: "status", id: ask.id, text }))
        : { text: `there is no exercise ${ask.chapter}`, code: 2, marks: [], summary: "there is no such exercise" };
      if (said.code === 0) (deps.passed ??= {})[ask.chapter] = ask.text;
      post({ kind: "result", id: ask.id, ...said, ms: performance.now() - t0 });
    });
  };
}
