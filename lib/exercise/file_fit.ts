/**
 * Whether a learner's file fits an exercise, read from its text without
 * running it: the gradients of any exercise it declares (`const dX =`,
 * `let dX`) or returns (`return { dX, … }`), those it defines that this
 * exercise does not ask for, those this exercise asks for that it lacks, and
 * which exercise it seems to be for (the one its header names, `# Exercise
 * 5.`, else the one whose gradients it matches best). The exercise page says
 * it in one line when a file is opened (exercise 5's file in exercise 8's
 * page); it needs no Deno API, so a page can load it.
 *
 * @example
 * ```ts
 * import { fileFit, fitLine } from "./file_fit.ts";
 * const exercises = [
 *   { chapter: 7, title: "Cross-entropy in one step", file: "07_fused_cross_entropy.ts", names: ["dlogits"] },
 *   { chapter: 8, title: "Batchnorm in one step", file: "08_fused_batchnorm.ts", names: ["dhprebn"] },
 * ];
 * const fit = fileFit("const dlogits = f();\nreturn { dlogits };\n", 8, exercises);
 * fit.extra; // ["dlogits"]
 * fit.missing; // ["dhprebn"]
 * fitLine(fit, 8); // "it seems to be exercise 7's file (Cross-entropy in one step), not exercise 8's: it defines …"
 * ```
 * @module
 */

import { codeOnly } from "../source_code.ts";

/** An exercise as the check of a file's fit needs it: its number, title, file name and gradients. */
export interface ExerciseNames {
  chapter: number;
  title: string;
  file: string;
  names: string[];
}

/** What a file defines against what exercise `chapter` asks for. */
export interface FileFit {
  /** The gradients of any exercise that the file declares or returns, in the order they first appear. */
  defined: string[];
  /** Those of them this exercise does not ask for. */
  extra: string[];
  /** The gradients this exercise asks for that the file neither declares nor returns. */
  missing: string[];
  /** The exercise the file seems to be for, when it is another one. */
  seemsFor?: ExerciseNames;
}

/** The names a text declares or returns as an object's keys, comments and strings left out. */
function namesIn(text: string): string[] {
  const code = codeOnly(text);
  const declared = [...code.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
  const returned = [...code.matchAll(/\breturn\s*\{([^{}]*)\}/g)].flatMap((m) =>
    m[1].split(",").map((key) => key.trim().match(/^([A-Za-z_$][\w$]*)\s*(?::|$)/)?.[1]).filter((k) => k !== undefined)
  );
  return [...new Set([...declared, ...returned])];
}

/** The exercise the text's header names (`# Exercise 5.`), if it is one of `exercises`. */
function headerExercise(text: string, exercises: ExerciseNames[]): ExerciseNames | undefined {
  const chapter = Number(text.slice(0, 2000).match(/#\s*Exercise\s+(\d+)\./)?.[1]);
  return exercises.find((e) => e.chapter === chapter);
}

/** The exercise whose gradients `defined` matches best (most shared, fewest left over), if it shares any. */
function closestExercise(defined: string[], exercises: ExerciseNames[]): ExerciseNames | undefined {
  const score = (e: ExerciseNames) => {
    const shared = e.names.filter((n) => defined.includes(n)).length;
    return shared === 0 ? -Infinity : shared - (e.names.length - shared) - (defined.length - shared);
  };
  const best = [...exercises].sort((a, b) => score(b) - score(a))[0];
  return best && score(best) > -Infinity ? best : undefined;
}

/**
 * How `text` fits exercise `chapter` among `exercises` (which must include
 * it): what it defines, what of that is extra, what is missing, and which
 * exercise it seems to be for when it does not fit.
 *
 * @example
 * ```ts
 * const exercises = [{ chapter: 8, title: "Batchnorm in one step", file: "08_fused_batchnorm.ts", names: ["dhprebn"] }];
 * fileFit("export function gradients() {\n  const dhprebn = 0;\n  return { dhprebn };\n}\n", 8, exercises).missing; // []
 * ```
 */
export function fileFit(text: string, chapter: number, exercises: ExerciseNames[]): FileFit {
  const asked = exercises.find((e) => e.chapter === chapter)?.names ?? [];
  const known = new Set(exercises.flatMap((e) => e.names));
  const defined = namesIn(text).filter((n) => known.has(n));
  const extra = defined.filter((n) => !asked.includes(n));
  const missing = asked.filter((n) => !defined.includes(n));
  if (extra.length === 0 && missing.length === 0) return { defined, extra, missing };
  const seemsFor = headerExercise(text, exercises) ?? closestExercise(defined, exercises);
  return { defined, extra, missing, seemsFor: seemsFor?.chapter === chapter ? undefined : seemsFor };
}

/** Names in a sentence, at most `most` of them, then how many more. */
function listed(names: string[], most = 6): string {
  const shown = names.length > most ? [...names.slice(0, most - 1), `${names.length - most + 1} more`] : names;
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/**
 * What is off in a file's fit to exercise `chapter`, as one clause to follow
 * "Opened 05_batchnorm.ts: " (no capital, no final stop); null when the file
 * fits.
 *
 * @example
 * ```ts
 * const fit = { defined: ["dbngain"], extra: ["dbngain"], missing: ["dhprebn"] };
 * fitLine(fit, 8); // "it defines dbngain, which exercise 8 does not ask for, and lacks dhprebn, which it asks for"
 * ```
 */
export function fitLine(fit: FileFit, chapter: number): string | null {
  if (fit.extra.length === 0 && fit.missing.length === 0) return null;
  const seems = fit.seemsFor
    ? `it seems to be exercise ${fit.seemsFor.chapter}'s file (${fit.seemsFor.title}), not exercise ${chapter}'s: `
    : "";
  const extra = fit.extra.length > 0 ? `defines ${listed(fit.extra)}, which exercise ${chapter} does not ask for` : "";
  const missing = fit.missing.length === 0
    ? ""
    : `lacks ${listed(fit.missing)}, which ${extra ? "it" : `exercise ${chapter}`} asks for`;
  return `${seems}it ${[extra, missing].filter((s) => s).join(", and ")}`;
}
