// The code editor: CodeMirror 6 with YAML, one EditorState per file (so undo history survives
// switching files), and the engine's diagnostics shown as lint marks. Tab indents, so the
// editor would trap keyboard focus: Escape then Tab leaves it (CodeMirror's tab-focus mode for
// two seconds), Ctrl-M toggles that mode; the content is labelled with the open file's path.
import { defaultKeymap, history, historyKeymap, indentWithTab, simplifySelection, temporarilySetTabFocusMode } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorSelection, EditorState, type Extension, type Text } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Diagnostic, Position } from '@baton/engine/web';

const highlight = HighlightStyle.define([
  { tag: tags.comment, color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--syntax-key)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--syntax-number)' },
  { tag: [tags.keyword, tags.meta, tags.labelName, tags.typeName], color: 'var(--syntax-meta)' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--syntax-punct)' },
]);

const theme = EditorView.theme(
  {
    '&': { height: '100%', backgroundColor: 'var(--panel)', color: 'var(--text)', fontSize: '13px' },
    '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.6' },
    '.cm-content': { caretColor: 'var(--accent)' },
    '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', border: 'none' },
    '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
    '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--text)' },
    '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--accent)' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
    '.cm-tooltip': { backgroundColor: 'var(--panel-raised)', border: '1px solid var(--border)', color: 'var(--text)' },
    '.cm-diagnostic': { fontFamily: 'var(--sans)' },
  },
  { dark: true },
);

export interface EditorOptions {
  parent: HTMLElement;
  onChange: (path: string, text: string) => void;
}

export class FileEditor {
  readonly view: EditorView;
  private readonly states = new Map<string, EditorState>();
  private path = '';
  private readonly extensions: Extension[];

  constructor({ parent, onChange }: EditorOptions) {
    this.extensions = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightActiveLine(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightSelectionMatches(),
      yaml(),
      syntaxHighlighting(highlight),
      lintGutter(),
      keymap.of([{ key: 'Escape', run: leaveWithTab }, ...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
      EditorView.contentAttributes.of(() => ({ 'aria-label': `Editor: ${this.path || 'no file'}` })),
      EditorState.tabSize.of(2),
      EditorView.lineWrapping,
      theme,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(this.path, update.state.doc.toString());
      }),
    ];
    this.view = new EditorView({ parent, state: EditorState.create({ doc: '', extensions: this.extensions }) });
  }

  get currentPath(): string {
    return this.path;
  }

  /** Shows `path`, creating its editor state from `text` the first time. */
  open(path: string, text: string): void {
    if (this.path) this.states.set(this.path, this.view.state);
    let state = this.states.get(path);
    if (!state || state.doc.toString() !== text) {
      state = EditorState.create({ doc: text, extensions: this.extensions });
    }
    this.path = path;
    this.view.setState(state);
  }

  /** Forgets every file's state (after a reset of the repository). */
  clear(): void {
    this.states.clear();
    this.path = '';
  }

  /** Shows the engine's diagnostics of the open file in the editor. */
  showDiagnostics(diagnostics: Diagnostic[]): void {
    const doc = this.view.state.doc;
    const marks: CmDiagnostic[] = diagnostics
      .filter((d) => d.file === this.path)
      .map((d) => {
        const from = d.range ? offsetOf(doc, d.range.start) : 0;
        const to = d.range ? Math.max(from, offsetOf(doc, d.range.end)) : from;
        return {
          from,
          to,
          severity: d.severity === 'hint' ? 'hint' : d.severity,
          source: d.code,
          message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
        };
      });
    this.view.dispatch(setDiagnostics(this.view.state, marks));
  }

  /** Puts the cursor at an LSP position (UTF-16 characters, which is CodeMirror's unit too). */
  reveal(position: Position): void {
    const at = offsetOf(this.view.state.doc, position);
    this.view.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    this.view.focus();
  }
}

/** Escape: the usual selection collapse, and Tab leaves the editor for the next two seconds. */
function leaveWithTab(view: EditorView): boolean {
  simplifySelection(view);
  temporarilySetTabFocusMode(view);
  return true;
}

/** The document offset of an LSP position, clamped to the document. */
function offsetOf(doc: Text, { line, character }: Position): number {
  if (line + 1 > doc.lines) return doc.length;
  const l = doc.line(line + 1);
  return Math.min(l.from + character, l.to);
}
