// Hostile and odd inputs: none may throw or trap the wasm instance; problems are diagnostics.
// After every case the same instance must still answer, which a trap would prevent.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertJsonData, baton, exampleFiles, withCode } from './helpers.mjs';

const { Workspace } = baton;
const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';

/** Validates and renders every directory; returns the results, which must be JSON data. */
function exercise(files) {
  const ws = new Workspace(files);
  const validation = ws.validate();
  assertJsonData(validation);
  const dirs = new Set(Object.keys(files).map((p) => p.split('/').slice(0, -1).join('/')));
  const renders = {};
  for (const dir of dirs) {
    renders[dir] = ws.render(dir);
    assertJsonData(renders[dir]);
  }
  assertJsonData(ws.stats());
  return { ws, validation, renders };
}

test('malformed YAML is a syntax diagnostic', () => {
  for (const text of ['a: [\n', 'a: {b: 1\n', '- a\nb: 1\n', 'a: "unterminated\n', 'a: b: c\n', 'a: *nowhere\n']) {
    const { validation } = exercise({ 'bad.yaml': text });
    assert.ok(validation.diagnostics.length > 0, `no diagnostic for ${JSON.stringify(text)}`);
    for (const d of validation.diagnostics) {
      assert.equal(d.file, 'bad.yaml');
      assert.ok(d.range, `no range for ${JSON.stringify(text)}`);
    }
  }
});

test('empty files and empty kustomizations', () => {
  const { validation, renders } = exercise({
    'empty.yaml': '',
    'blank.yml': '\n\n   \n',
    'only-comment.yaml': '# nothing\n',
    'docs.yaml': '---\n---\n...\n',
    'k/kustomization.yaml': '',
  });
  assertJsonData(validation);
  assert.equal(typeof renders.k.yaml, 'string');
});

test('binary-looking strings, control characters and lone surrogates', () => {
  let binary = '';
  for (let i = 0; i < 4096; i++) binary += String.fromCharCode((i * 7919) % 256);
  const { ws } = exercise({
    'bin.yaml': binary,
    'nul.yaml': 'a: "\u0000"\nb: \u0000\n',
    'bom.yaml': '\uFEFFa: 1\n',
    'surrogate.yaml': 'a: \uD800\nb: \uDFFF x\n',
    'k/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../bin.yaml\n  - \uD83D\n`,
  });
  // A lone surrogate cannot cross into UTF-8; it arrives as U+FFFD.
  assert.equal(ws.files()['surrogate.yaml'], 'a: \uFFFD\nb: \uFFFD x\n');
});

test('a 10 MB file is reported as too large, not parsed', () => {
  const big = `a: ${'x'.repeat(10 * 1024 * 1024)}\n`;
  const files = {
    'big.yaml': big,
    'k/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../big.yaml\n`,
  };
  const ws = new Workspace();
  for (const [path, text] of Object.entries(files)) ws.setFile(path, text);
  const validation = ws.validate();
  assert.ok(withCode(validation, 'T004').some((d) => d.file === 'big.yaml'), JSON.stringify(validation.diagnostics));
  const render = ws.render('k');
  assert.ok(render.diagnostics.some((d) => d.severity === 'error'));
  assert.equal(ws.files()['big.yaml'].length, big.length);
});

test('an alias bomb stops at the node budget', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) {
    lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  }
  const bomb = `${lines.join('\n')}\n`;
  const { validation } = exercise({
    'bomb.yaml': bomb,
    'k/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - cm.yaml\n`,
    'k/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${bomb.replace(/^/gm, '  ')}`,
  });
  assert.ok(withCode(validation, 'Y003').some((d) => d.file === 'bomb.yaml'), JSON.stringify(validation.diagnostics));
});

test('deep nesting is bounded', () => {
  const depth = 100_000;
  exercise({
    'flow.yaml': '['.repeat(depth) + ']'.repeat(depth),
    'open.yaml': '{a: '.repeat(depth),
    'block.yaml': Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
  });
});

test('kustomizations that include each other, or reach outside the root', () => {
  const { renders } = exercise({
    'a/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../b\n`,
    'b/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../a\n`,
    'c/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../../../etc/passwd\n  - https://example.com/x.yaml\n  - /abs.yaml\n`,
  });
  assert.ok(renders.a.diagnostics.some((d) => d.severity === 'error'));
  assert.ok(renders.c.diagnostics.some((d) => d.code === 'T001' || d.code === 'K007'), JSON.stringify(renders.c.diagnostics));
});

test('many odd file names', () => {
  exercise({
    'a b/kustomization.yaml': KUSTOMIZATION,
    'ü/ñ/😀.yaml': 'k: v\n',
    'x/Kustomization': 'not: [valid\n',
    'x/kustomization.yml': KUSTOMIZATION,
    'y/.hidden.yaml': 'a: 1\n',
  });
});

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random edits of the example repository never throw', () => {
  const random = prng(20261126);
  const base = exampleFiles();
  const paths = Object.keys(base);
  const pieces = ['\n', ' ', '  ', ':', '- ', '[', ']', '{', '}', '&a ', '*a', '#', '"', "'", '|', '>', '---\n', '\t', 'é😀', '\u0000', '~', '!!str ', '?'];
  const ws = new Workspace(base);
  for (let i = 0; i < 300; i++) {
    const path = paths[Math.floor(random() * paths.length)];
    let text = ws.files()[path] ?? base[path];
    const at = Math.floor(random() * (text.length + 1));
    const cut = Math.floor(random() * 4);
    const piece = random() < 0.8 ? pieces[Math.floor(random() * pieces.length)] : '';
    text = text.slice(0, at) + piece + text.slice(at + cut);
    ws.setFile(path, text);
    if (random() < 0.05) ws.setFile(path, base[path]);
    assertJsonData(ws.validate());
    const dir = path.split('/').slice(0, -1).join('/');
    assertJsonData(ws.render(dir));
  }
});
