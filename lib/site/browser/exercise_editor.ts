/// <reference lib="dom" />
/**
 * The code editor of an exercise page: CodeMirror 6 with TypeScript's
 * highlighting, Ctrl-Enter (⌘-Enter) to check, a call on every edit (to
 * save it), and the checker's messages shown at their lines.
 *
 * @example
 * ```ts ignore
 * import { makeEditor } from "./exercise_editor.ts";
 * const editor = makeEditor(document.getElementById("editor")!, "stub", { onEdit: save, onCheck: check });
 * editor.mark([{ line: 3, column: 1, message: "dprobs: the sign is flipped", severity: "error" }]);
 * ```
 * @module
 */

import { basicSetup, EditorView } from "codemirror";
import { Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { javascript } from "@codemirror/lang-javascript";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { type Diagnostic, diagnosticCount, lintGutter, setDiagnostics } from "@codemirror/lint";
import type { EditorMark } from "./exercise_wire.ts";
import { workPlace } from "./exercise_place.ts";

/**
 * The tokens' colours from the page's own palette (site.css's variables), so
 * that the code reads in the dark theme as in the light one: CodeMirror's
 * default colours are made for a light background.
 */
const PAGE_COLOURS = HighlightStyle.define([
  {
    tag: [
      tags.keyword,
      tags.definitionKeyword,
      tags.moduleKeyword,
      tags.operatorKeyword,
      tags.modifier,
      tags.controlKeyword,
    ],
    color: "var(--keyword)",
  },
  { tag: [tags.string, tags.regexp], color: "var(--string)" },
  { tag: [tags.number, tags.bool, tags.null], color: "var(--number)" },
  { tag: [tags.comment, tags.lineComment, tags.blockComment, tags.docComment], color: "var(--comment)" },
  { tag: [tags.typeName, tags.className], color: "var(--type)" },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: "var(--title)" },
  {
    tag: [tags.variableName, tags.propertyName, tags.definition(tags.variableName), tags.operator],
    color: "var(--fg)",
  },
]);

/** What the page does on an edit and on Ctrl-Enter. */
export interface EditorHandlers {
  onEdit(text: string): void;
  onCheck(): void;
}

/** The editor, as the page uses it. */
export interface ExerciseEditor {
  view: EditorView;
  text(): string;
  /** Replaces the whole text (an edit: it is saved). */
  setText(text: string): void;
  /** Shows the checker's messages at their lines (none clears them); how many are shown. */
  mark(marks: EditorMark[]): number;
  /** Puts the cursor where the learner works (see {@linkcode workPlace}), with the function in sight. */
  showWork(focus?: boolean): void;
}

/** A mark as CodeMirror's diagnostic: from its column to the end of its line. */
function diagnosticOf(view: EditorView, m: EditorMark): Diagnostic | undefined {
  const doc = view.state.doc;
  if (m.line < 1 || m.line > doc.lines) return undefined;
  const line = doc.line(m.line);
  const from = Math.min(line.from + Math.max(0, m.column - 1), line.to);
  return { from, to: Math.max(from, line.to), severity: m.severity, message: m.message };
}

/**
 * An editor in `parent` holding `text`.
 *
 * @example
 * ```ts ignore
 * makeEditor(document.body, "const x = 1;", { onEdit() {}, onCheck() {} }).text(); // "const x = 1;"
 * ```
 */
export function makeEditor(parent: HTMLElement, text: string, handlers: EditorHandlers): ExerciseEditor {
  const check = () => {
    handlers.onCheck();
    return true;
  };
  const view = new EditorView({
    doc: text,
    parent,
    extensions: [
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: check }])),
      basicSetup,
      syntaxHighlighting(PAGE_COLOURS),
      javascript({ typescript: true }),
      lintGutter(),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) handlers.onEdit(update.state.doc.toString());
      }),
      EditorView.contentAttributes.of({ "aria-label": "Your exercise file" }),
    ],
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(next) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
    mark(marks) {
      const diagnostics = marks.map((m) => diagnosticOf(view, m)).filter((d): d is Diagnostic => d !== undefined);
      view.dispatch(setDiagnostics(view.state, diagnostics));
      // The first message's line in sight (the editor scrolls itself, not the page).
      if (diagnostics.length > 0) {
        const block = view.lineBlockAt(diagnostics[0].from);
        view.scrollDOM.scrollTop = Math.max(0, block.top - view.scrollDOM.clientHeight / 2);
      }
      return diagnosticCount(view.state);
    },
    showWork(focus = false) {
      const { cursor, top } = workPlace(view.state.doc.toString());
      view.dispatch({ selection: { anchor: cursor } });
      // The editor scrolls, not the page (as scrollIntoView would); again once the fonts are in, for the lines' heights.
      const scroll = () =>
        view.requestMeasure({
          read: () => view.lineBlockAt(top).top,
          write: (y) => view.scrollDOM.scrollTop = y,
        });
      scroll();
      void document.fonts.ready.then(scroll);
      if (focus) view.contentDOM.focus({ preventScroll: true });
    },
  };
}
