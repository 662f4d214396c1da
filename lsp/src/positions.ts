// Offsets between the two encodings the server meets: the engine's byte spans (UTF-8) and the
// editor's positions (LSP: 0-based line, UTF-16 character). The engine already gives every
// diagnostic an LSP range; this is for the other direction (a cursor against a span) and for
// spans the engine returns without a range.
import type { Position, Range } from 'vscode-languageserver';

/** A text with its line starts, converting between UTF-16 offsets, byte offsets and positions. */
export class TextIndex {
  readonly text: string;
  private readonly lineStarts: number[];
  /** Whether every character is ASCII, so byte and UTF-16 offsets coincide. */
  private readonly ascii: boolean;

  constructor(text: string) {
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
    // eslint-disable-next-line no-control-regex
    this.ascii = /^[\x00-\x7f]*$/.test(text);
  }

  /** The UTF-16 offset of `position`, clamped to its line and the text. */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line]!;
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1]! : this.text.length;
    let end = next;
    // The line's end is before its line break.
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return Math.min(start + Math.max(0, position.character), end);
  }

  /** The position of a UTF-16 offset. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  /** The UTF-8 byte offset of a UTF-16 offset. */
  byteOf(offset: number): number {
    if (this.ascii) return offset;
    return Buffer.byteLength(this.text.slice(0, offset), 'utf8');
  }

  /** The UTF-16 offset of a UTF-8 byte offset (a byte inside a character maps to its start). */
  offsetOfByte(byte: number): number {
    if (this.ascii) return Math.min(byte, this.text.length);
    let bytes = 0;
    for (let i = 0; i < this.text.length; i++) {
      if (bytes >= byte) return i;
      const c = this.text.codePointAt(i)!;
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      if (c >= 0x10000) i++;
    }
    return this.text.length;
  }

  /** The LSP range of UTF-16 offsets `[start, end)`. */
  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The LSP range of a byte span. */
  rangeOfBytes(start: number, end: number): Range {
    return this.range(this.offsetOfByte(start), this.offsetOfByte(end));
  }

  /** The number of lines (a final line break starts an empty last line). */
  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** A zero-width range at the start of a file. */
export const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
