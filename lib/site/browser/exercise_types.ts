/**
 * The type check of a learner's file in the checker's worker: TypeScript's
 * compiler, with the project's compiler options (strict,
 * noImplicitReturns, noFallthroughCasesInSwitch, as `deno task exercise N`
 * checks with), over a file system in memory that holds TypeScript's
 * standard library and the modules an exercise file may import (the build
 * writes them to `js/typecheck.json`). The library and those modules are
 * parsed once and kept; each check parses only the learner's text.
 *
 * @example
 * ```ts ignore
 * import { TypeChecker } from "./exercise_types.ts";
 * const checker = new TypeChecker(await (await fetch("typecheck.json")).json());
 * checker.errors("/exercise/chapters/yours/03_cross_entropy.ts", text); // [] for a file without type errors
 * ```
 * @module
 */

import ts from "typescript";
import type { SourceError } from "../../exercise/translate.ts";

/** What a learner's file sees besides the standard library: the console it may print to. */
const GLOBALS = "/exercise/globals.d.ts";
const GLOBALS_TEXT = `declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};
`;

/** The compiler options of deno.json, for modules that import each other with their `.ts` extension. */
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  noEmit: true,
  types: [],
  skipLibCheck: true,
};

/**
 * The type checker of an exercise page: the library and the allowed modules kept, the learner's file checked.
 *
 * @example
 * ```ts ignore
 * const checker = new TypeChecker(files);
 * checker.errors("/exercise/chapters/yours/03_cross_entropy.ts", "const x: number = 'a';\n")[0].code; // "TS2322"
 * ```
 */
export class TypeChecker {
  #files: Map<string, string>;
  #parsed = new Map<string, ts.SourceFile>();
  #last?: ts.Program;

  /** `files`: the standard library by file name (`lib.es5.d.ts`), the modules by `/exercise/PATH`. */
  constructor(files: Record<string, string>) {
    this.#files = new Map(
      Object.entries(files).map(([name, text]) => [name.startsWith("/") ? name : `/${name}`, text]),
    );
    this.#files.set(GLOBALS, GLOBALS_TEXT);
  }

  /** The host for a program in which the file `path` holds `text`. */
  #host(path: string, text: string): ts.CompilerHost {
    const read = (name: string) => name === path ? text : this.#files.get(name);
    return {
      getSourceFile: (name, target) => {
        if (name === path) return ts.createSourceFile(name, text, target, true);
        const kept = this.#parsed.get(name);
        if (kept) return kept;
        const source = this.#files.get(name);
        if (source === undefined) return undefined;
        const parsed = ts.createSourceFile(name, source, target, true);
        this.#parsed.set(name, parsed);
        return parsed;
      },
      getDefaultLibFileName: () => "/lib.esnext.d.ts",
      getDefaultLibLocation: () => "/",
      writeFile: () => {},
      getCurrentDirectory: () => "/",
      getCanonicalFileName: (name) => name,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
      fileExists: (name) => read(name) !== undefined,
      readFile: read,
      directoryExists: () => true,
      getDirectories: () => [],
    };
  }

  /** The errors in the file `path` holding `text` (syntax and types), as the translations read them. */
  errors(path: string, text: string): SourceError[] {
    const program = ts.createProgram({
      rootNames: [path, GLOBALS],
      options: OPTIONS,
      host: this.#host(path, text),
      oldProgram: this.#last,
    });
    this.#last = program;
    const file = program.getSourceFile(path)!;
    const found = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const lines = text.split("\n");
    return found.filter((d) => d.start !== undefined).sort((a, b) => a.start! - b.start!).map((d) => {
      const at = file.getLineAndCharacterOfPosition(d.start!);
      return {
        code: `TS${d.code}`,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0],
        sourceLine: lines[at.line] ?? "",
        line: at.line + 1,
        column: at.character + 1,
      };
    });
  }
}
