// The npm package's API, method by method, against the Node build (`require('../..')`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertJsonData, baton, exampleFiles, repoRoot } from './helpers.mjs';

const { Workspace, version } = baton;
const PRODUCTION = 'apps/payment-service/production';

test('version() is the workspace crate version', () => {
  const cargo = readFileSync(join(repoRoot, 'Cargo.toml'), 'utf8');
  const expected = cargo.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)[1];
  assert.equal(version(), expected);
});

test('the package loads as an ES module too, with named exports', async () => {
  const esm = await import('@baton/engine');
  assert.equal(typeof esm.Workspace, 'function');
  assert.equal(esm.version(), version());
});

test('memoryBytes() is the size of the wasm memory, whole 64 KiB pages that never shrink', () => {
  const before = baton.memoryBytes();
  assert.equal(typeof before, 'number');
  assert.ok(before > 0 && before % 65536 === 0, String(before));
  // A workspace over 1 MB of text makes room for its caches up front.
  const big = { 'big.yaml': `a: "${'x'.repeat(1 << 20)}"\n` };
  const ws = new Workspace(big);
  assert.equal(ws.validate().diagnostics.length, 0);
  assert.ok(baton.memoryBytes() >= before + (1 << 20), `${before} -> ${baton.memoryBytes()}`);
  ws.free();
  assert.ok(baton.memoryBytes() >= before, 'memory never shrinks');
});

test('an empty workspace', () => {
  for (const ws of [new Workspace(), new Workspace(undefined), new Workspace(null), new Workspace({})]) {
    assert.deepEqual({ ...ws.files() }, {});
    assert.deepEqual(ws.validate(), { diagnostics: [] });
    assert.deepEqual(ws.stats(), { parses: 0, renders: 0, steps: 0 });
  }
});

test('files() returns every file under its normalized path', () => {
  const ws = new Workspace({ './a//b.yaml': 'x: 1\n', 'c.txt': 'hello' });
  assert.deepEqual({ ...ws.files() }, { 'a/b.yaml': 'x: 1\n', 'c.txt': 'hello' });
  assertJsonData(ws.files());
});

test('files() keeps a file named __proto__ (the result has no prototype)', () => {
  // A literal `{'__proto__': ...}` would set the prototype; JSON.parse makes an own key, as a
  // host reading a repository into an object by computed keys does.
  const input = JSON.parse('{"__proto__": "a: 1\\n", "dir/__proto__": "b: 2\\n", "constructor": "c"}');
  const ws = new Workspace(input);
  const files = ws.files();
  assert.equal(Object.getPrototypeOf(files), null);
  assert.deepEqual(Object.keys(files).sort(), ['__proto__', 'constructor', 'dir/__proto__']);
  assert.equal(files['__proto__'], 'a: 1\n');
  assert.equal(files['dir/__proto__'], 'b: 2\n');
  assert.equal(files.constructor, 'c');
  // setFile of a new `__proto__` file shows up too.
  ws.setFile('x/__proto__', 'z');
  assert.equal(Object.hasOwn(ws.files(), 'x/__proto__'), true);
});

test('setFile adds and replaces, removeFile removes and says whether it existed', () => {
  const ws = new Workspace();
  assert.equal(ws.setFile('apps/x/a.yaml', 'a: 1\n'), undefined);
  ws.setFile('./apps/x/a.yaml', 'a: 2\n');
  ws.setFile('apps/x/b.yaml', 'b: 1\n');
  assert.deepEqual({ ...ws.files() }, { 'apps/x/a.yaml': 'a: 2\n', 'apps/x/b.yaml': 'b: 1\n' });
  assert.equal(ws.removeFile('apps/x/a.yaml'), true);
  assert.equal(ws.removeFile('apps/x/a.yaml'), false);
  assert.equal(ws.removeFile('never/was.yaml'), false);
  assert.deepEqual(Object.keys(ws.files()), ['apps/x/b.yaml']);
});

test('validate() reports problems as diagnostics with file, span and LSP range', () => {
  const ws = new Workspace({ 'ok.yaml': 'a: 1\n', 'broken.yaml': 'a: 1\nb: [1, 2\n' });
  const { diagnostics } = ws.validate();
  assert.ok(diagnostics.length >= 1);
  const [d] = diagnostics;
  assert.equal(d.file, 'broken.yaml');
  assert.equal(d.severity, 'error');
  assert.match(d.code, /^Y\d{3}$/);
  assert.equal(typeof d.message, 'string');
  assert.ok(d.span && d.span.start <= d.span.end);
  assert.ok(d.range && d.range.start.line >= 1, 'the error is not on the first line');
  assert.ok(Array.isArray(d.related));
  assertJsonData(diagnostics);
});

test('validate() of the example repository is clean', () => {
  const ws = new Workspace(exampleFiles());
  assert.deepEqual(ws.validate().diagnostics, []);
});

test('render() gives the YAML, the resources with provenance, and no diagnostics', () => {
  const ws = new Workspace(exampleFiles());
  const result = ws.render(PRODUCTION);
  assertJsonData(result);
  assert.deepEqual(result.diagnostics, []);
  assert.match(result.yaml, /image: registry\.example\.com\/payment-service:9f8e7d6\n/);
  assert.deepEqual(
    result.resources.map((r) => [r.apiVersion, r.kind, r.name, r.namespace]),
    [
      ['v1', 'Service', 'payment-service', 'payments-production'],
      ['apps/v1', 'Deployment', 'payment-service', 'payments-production'],
      ['argoproj.io/v1alpha1', 'AnalysisTemplate', 'success-rate', 'payments-production'],
      ['argoproj.io/v1alpha1', 'Rollout', 'payment-service', 'payments-production'],
    ],
  );
  assert.equal(result.resources.map((r) => r.yaml).join('---\n'), result.yaml);
  const deployment = result.resources[1];
  assert.equal(deployment.file, 'apps/payment-service/base/deployment.yaml');
  assert.equal(deployment.originalName, 'payment-service');
  assert.equal(deployment.images.length, 1);
  const [image] = deployment.images;
  assert.equal(image.list, 'containers');
  assert.equal(image.container, 'payment-service');
  assert.equal(image.image, 'registry.example.com/payment-service:9f8e7d6');
  // The image came from the production patch: its span covers the value in that file.
  assert.equal(image.source.file, `${PRODUCTION}/image-patch.yaml`);
  const patch = ws.files()[image.source.file];
  const value = Buffer.from(patch).subarray(image.source.span.start, image.source.span.end).toString();
  assert.equal(value, 'registry.example.com/payment-service:9f8e7d6');
});

test('render() of a directory without a kustomization is a diagnostic, not an exception', () => {
  const ws = new Workspace(exampleFiles());
  const result = ws.render('apps/nowhere');
  assert.equal(result.yaml, '');
  assert.deepEqual(result.resources, []);
  assert.ok(result.diagnostics.some((d) => d.severity === 'error'));
});

test('stats() shows that parses and renders are cached and invalidated precisely', () => {
  const ws = new Workspace(exampleFiles());
  ws.validate();
  const first = ws.stats();
  assert.ok(first.parses > 0 && first.renders > 0);
  ws.validate();
  assert.deepEqual(ws.stats(), first, 'validating again re-uses every parse and render');

  ws.render(PRODUCTION);
  assert.deepEqual(ws.stats(), first, 'validate already rendered production');

  ws.setFile('apps/ledger-api/staging/kustomization.yaml', ws.files()['apps/ledger-api/staging/kustomization.yaml'] + '# edited\n');
  ws.render(PRODUCTION);
  assert.equal(ws.stats().renders, first.renders, 'an edit in another app keeps the production render');

  const patch = `${PRODUCTION}/image-patch.yaml`;
  ws.setFile(patch, ws.files()[patch].replace('9f8e7d6', 'abc1234'));
  const result = ws.render(PRODUCTION);
  assert.equal(ws.stats().renders, first.renders + 1, 'an edit of the production patch renders again');
  assert.match(result.yaml, /payment-service:abc1234/);

  // validate() after one edit: exactly one file re-parsed, only the overlays that read it re-rendered.
  ws.validate();
  const before = ws.stats();
  const base = 'apps/ledger-api/base/deployment.yaml';
  ws.setFile(base, ws.files()[base].replace('replicas: 2', 'replicas: 3'));
  ws.validate();
  const after = ws.stats();
  assert.equal(after.parses, before.parses + 1, 'only the edited file is parsed again');
  assert.equal(after.renders, before.renders + 4, 'ledger-api base, dev, staging and production render again; nothing else');
});

test('host misuse throws an Error with a clear message', () => {
  const throwsError = (fn, message) =>
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Error, `expected an Error, got ${e}`);
      assert.equal(e.message, message);
      return true;
    });
  throwsError(() => new Workspace({ 'x': 42 }), "file 'x' must be a string or a Uint8Array, got number");
  throwsError(() => new Workspace({ 'a.yaml': null }), "file 'a.yaml' must be a string or a Uint8Array, got null");
  throwsError(() => new Workspace({ 'a.yaml': { text: '' } }), "file 'a.yaml' must be a string or a Uint8Array, got object");
  throwsError(() => new Workspace(['a.yaml']), 'files must be an object mapping paths to file texts, got array');
  throwsError(() => new Workspace('a.yaml'), 'files must be an object mapping paths to file texts, got string');
  throwsError(() => new Workspace(new Map([['a.yaml', '']])), 'files must be an object mapping paths to file texts, got Map');
  throwsError(() => new Workspace({ '../secrets.yaml': '' }), 'path `../secrets.yaml` leaves the repository root');
  throwsError(() => new Workspace({ 'apps/../../x': '' }), 'path `apps/../../x` leaves the repository root');
  throwsError(() => new Workspace({ '.': 'x' }), 'path is empty');
  throwsError(() => new Workspace({ '': 'x' }), 'path is empty');
  throwsError(() => new Workspace({ '/etc/passwd': '' }), 'path `/etc/passwd` is absolute; paths must be relative to the repository');
  throwsError(
    () => new Workspace({ get 'a.yaml'() { throw new Error('boom'); } }),
    'cannot read files: boom',
  );

  const ws = new Workspace({ 'a.yaml': 'a: 1\n' });
  throwsError(() => ws.setFile(1, 'x'), 'path must be a string, got number');
  throwsError(() => ws.setFile('b.yaml', 7), "file 'b.yaml' must be a string or a Uint8Array, got number");
  throwsError(() => ws.setFile('b.yaml'), "file 'b.yaml' must be a string or a Uint8Array, got undefined");
  throwsError(() => ws.setFile('b.yaml', [1]), "file 'b.yaml' must be a string or a Uint8Array, got array");
  throwsError(() => ws.setFile('', 'x'), 'path is empty');
  throwsError(() => ws.setFile('.', 'x'), 'path is empty');
  throwsError(() => ws.setFile('../b.yaml', 'x'), 'path `../b.yaml` leaves the repository root');
  throwsError(() => ws.removeFile(undefined), 'path must be a string, got undefined');
  throwsError(() => ws.removeFile('../../a.yaml'), 'path `../../a.yaml` leaves the repository root');
  throwsError(() => ws.render(42), 'dir must be a string, got number');
  throwsError(() => ws.render('../elsewhere'), 'path `../elsewhere` leaves the repository root');

  // Misuse leaves the workspace as it was, and usable.
  assert.deepEqual({ ...ws.files() }, { 'a.yaml': 'a: 1\n' });
  assert.deepEqual(ws.validate(), { diagnostics: [] });
});

test('a freed workspace throws instead of trapping', () => {
  const ws = new Workspace();
  ws.free();
  assert.throws(() => ws.validate(), Error);
});

test('results are fresh copies: mutating one does not change the workspace', () => {
  const ws = new Workspace({ 'a.yaml': 'a: 1\n' });
  const files = ws.files();
  files['a.yaml'] = 'changed';
  delete files['a.yaml'];
  assert.deepEqual({ ...ws.files() }, { 'a.yaml': 'a: 1\n' });
});

test('binary files: Uint8Array contents round-trip, and a binary YAML file is a T003 diagnostic', () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]);
  const ws = new Workspace({ 'logo.png': bytes, 'bad.yaml': new Uint8Array([0x61, 0x3a, 0x20, 0xff]) });
  const files = ws.files();
  assert.ok(files['logo.png'] instanceof Uint8Array);
  assert.deepEqual([...files['logo.png']], [...bytes]);
  const d = ws.validate().diagnostics.find((x) => x.file === 'bad.yaml');
  assert.equal(d.code, 'T003');
  assert.deepEqual(d.range.start, { line: 0, character: 3 });
  ws.setFile('logo.png', 'now text');
  assert.equal(ws.files()['logo.png'], 'now text');
});
