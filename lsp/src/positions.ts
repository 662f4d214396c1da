// Positions in a text as LSP counts them (0-based line, UTF-16 character), from and to the
// UTF-16 offsets of JavaScript strings, which the `yaml` parser's spans use. The conversion is
// vscode-languageserver-textdocument's; the engine gives its diagnostics LSP ranges itself.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver';

/** A text with its line index. */
export class TextIndex {
  readonly text: string;
  private readonly document: TextDocument;

  constructor(text: string) {
    this.text = text;
    this.document = TextDocument.create('baton:text', 'yaml', 0, text);
  }

  /** The UTF-16 offset of `position`, clamped to its line and the text. */
  offsetAt(position: Position): number {
    return this.document.offsetAt(position);
  }

  positionAt(offset: number): Position {
    return this.document.positionAt(offset);
  }

  /** The LSP range of UTF-16 offsets `[start, end)`. */
  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** A zero-width range at the start of a file. */
export const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
