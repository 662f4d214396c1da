// Positions: spans count UTF-8 bytes (the engine's unit); ranges count UTF-16 code units, as
// editors (LSP, Monaco, CodeMirror) do. Multibyte characters before an error tell them apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { baton } from './helpers.mjs';

const { Workspace } = baton;

/** The LSP position of a UTF-8 byte offset, computed independently of the engine. */
function positionOf(text, byteOffset) {
  const before = Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines.at(-1).length };
}

for (const [name, text] of [
  ['after a quoted scalar', 'a: 1\nkey: "é😀" x\n'],
  ['in a flow mapping closed by a bracket', 'a: 1\nlist: [é😀, 😀😀, {a: é]\n'],
  ['after an emoji key', 'é😀é😀: [1, 2]]\n'],
]) {
  test(`range counts UTF-16 code units: ${name}`, () => {
    const ws = new Workspace({ 'f.yaml': text });
    const [d] = ws.validate().diagnostics;
    assert.ok(d, 'a syntax error is reported');
    assert.equal(d.file, 'f.yaml');
    assert.deepEqual(d.range.start, positionOf(text, d.span.start));
    assert.deepEqual(d.range.end, positionOf(text, d.span.end));
    // The error lies after the multibyte characters of its line, so bytes and UTF-16 units
    // differ there: a byte column would be wrong.
    const line = text.split('\n')[d.range.start.line];
    const byteColumn = Buffer.byteLength(line.slice(0, d.range.start.character), 'utf8');
    assert.ok(byteColumn > d.range.start.character, `error at ${JSON.stringify(d.range.start)} is before the multibyte characters`);
  });
}

test('a known position: the x after "é😀" is UTF-16 character 11 and byte 14', () => {
  // k e y : ␠ " é 😀 " ␠ x — é is 2 bytes and 1 unit, 😀 is 4 bytes and 2 units.
  const text = 'key: "é😀" x\n';
  assert.equal(text.indexOf('x'), 11);
  assert.equal(Buffer.from(text).indexOf('x'), 14);
  const ws = new Workspace({ 'f.yaml': text });
  const [d] = ws.validate().diagnostics;
  assert.equal(d.code, 'Y001');
  assert.deepEqual(d.span, { start: 14, end: 15 });
  assert.deepEqual(d.range, { start: { line: 0, character: 11 }, end: { line: 0, character: 12 } });
});
