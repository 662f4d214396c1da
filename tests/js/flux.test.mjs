// Flux image automation through the wasm package: the playground example's seed automation
// (ImagePolicy `>=2.0.0 <3.0.0`, the v1beta1 template), the verified change set, status
// naming the environment Flux automates, tags as an array or as one string (a tag per line),
// and misuse of imageUpdate that throws naming the argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertJsonData, baton, exampleFiles } from './helpers.mjs';

const { Workspace } = baton;
const IMAGE = 'registry.example.com/payment-service';
const PATCH = 'apps/payment-service/dev/image-patch.yaml';

test('the seed example: pick, edit, rendered diff and commit message', () => {
  const ws = new Workspace(exampleFiles());
  const out = ws.imageUpdate({ images: { [IMAGE]: ['1.9.0', '2.0.0', '2.1.0', '2.1.1-rc.1', '3.0.0', '2.1.0.sig'] } });
  assertJsonData(out);
  assert.deepEqual(out.policies.map((p) => [p.namespace, p.name, p.kind, p.latest, p.candidates, p.top]), [
    ['flux-system', 'payment-service', 'semver', `${IMAGE}:2.1.0`, 2, ['2.1.0', '2.0.0']],
  ]);
  assert.equal(out.changes.length, 1);
  const change = out.changes[0];
  assert.deepEqual([change.file, change.object.kind, change.old, change.new, change.setter],
    [PATCH, 'Deployment', `${IMAGE}:2.0.0`, `${IMAGE}:2.1.0`, 'flux-system:payment-service']);
  assert.equal(out.edits.length, 1);
  const before = exampleFiles()[PATCH];
  assert.equal(out.edits[0].before, before);
  assert.equal(out.edits[0].after, before.replace(':2.0.0 #', ':2.1.0 #'));
  assert.deepEqual(out.overlays, ['apps/payment-service/dev']);
  assert.match(out.renderedDiff, /^--- a\/apps\/payment-service\/dev\/Deployment\/payments-dev\/payment-service\n/);
  assert.match(out.renderedDiff, /\n-        image: registry\.example\.com\/payment-service:2\.0\.0\n\+        image: registry\.example\.com\/payment-service:2\.1\.0\n/);
  assert.deepEqual(out.collateral, []);
  assert.deepEqual(out.commit, { message: `chore: update ${IMAGE}:2.1.0\n\n`, author: { name: 'Flux Bot', email: 'flux@example.com' } });
  assert.deepEqual(out.diagnostics.map((d) => d.code), ['F026']);
  assert.ok(out.diagnostics[0].range, 'diagnostics carry LSP ranges');
  // Applying the edits and updating again changes nothing.
  ws.setFile(PATCH, out.edits[0].after);
  const again = ws.imageUpdate({ images: { [IMAGE]: ['2.1.0'] } });
  assert.deepEqual([again.edits, again.changes, again.commit], [[], [], null]);
});

test('a policy that elects nothing is a result with a reason, not an error', () => {
  const ws = new Workspace(exampleFiles());
  const out = ws.imageUpdate({ images: { [IMAGE]: ['1.0.0', 'latest'] } });
  assert.equal(out.policies[0].latest, null);
  assert.equal(out.policies[0].diagnostics[0].code, 'F012');
  assert.deepEqual(out.edits, []);
  const empty = ws.imageUpdate({});
  assert.match(empty.policies[0].diagnostics[0].message, /no tags given for image/);
});

test('tags as one string, a tag per line, elect as the same tags in an array', () => {
  const ws = new Workspace(exampleFiles());
  const tags = ['1.9.0', '2.0.0', '2.1.0', '2.1.1-rc.1', '3.0.0', '2.1.0.sig', 'bad tag'];
  const fromArray = ws.imageUpdate({ images: { [IMAGE]: tags } });
  const fromText = ws.imageUpdate({ images: { [IMAGE]: `${tags.join('\r\n')}\n\n` } });
  assert.deepEqual(fromText, fromArray);
  assert.equal(fromText.policies[0].latest, `${IMAGE}:2.1.0`);
  // The invalid tag is reported the same way (F018), whatever the form.
  assert.deepEqual(fromText.diagnostics.map((d) => d.code).sort(), ['F018', 'F026']);
  const none = ws.imageUpdate({ images: { [IMAGE]: '' } });
  assert.match(none.policies[0].diagnostics[0].message, /no tags in database/);
});

test('array items cross whole: a line break, a carriage return or an empty item stays in its item', () => {
  const ws = new Workspace(exampleFiles());
  const invalid = (out) => out.diagnostics.find((d) => d.code === 'F018')?.message;
  // An item holding `\n` is one (invalid) tag, not two: 2.2.0 is not elected from it.
  const broken = ws.imageUpdate({ images: { [IMAGE]: ['2.0.0', '2.1.0\n2.2.0'] } });
  assert.equal(broken.policies[0].latest, `${IMAGE}:2.0.0`);
  assert.equal(invalid(broken), `images["${IMAGE}"]: 1 tag(s) are not valid image tags and are ignored (a registry cannot hold them), e.g. '2.1.0\\n2.2.0'`);
  // `\r` and empty items are kept as they are (only the one-string form drops them).
  const kept = ws.imageUpdate({ images: { [IMAGE]: ['2.1.0\r', '', '2.0.0'] } });
  assert.equal(kept.policies[0].latest, `${IMAGE}:2.0.0`);
  assert.match(invalid(kept), /: 2 tag\(s\) are not valid image tags .* e\.g\. '2\.1\.0\\r'$/);
  // The one-item and empty arrays.
  assert.equal(ws.imageUpdate({ images: { [IMAGE]: ['2.1.0'] } }).policies[0].latest, `${IMAGE}:2.1.0`);
  assert.match(ws.imageUpdate({ images: { [IMAGE]: [] } }).policies[0].diagnostics[0].message, /no tags in database/);
  // Items that only become strings when joined are refused, as before.
  const refused = `input.images["${IMAGE}"] must be an array of strings (or a string, a tag per line)`;
  const throws = (tags) => assert.throws(() => ws.imageUpdate({ images: { [IMAGE]: tags } }), (e) => e instanceof Error && e.message.includes(refused));
  throws(['2.0.0', new String('2.1.0')]);
  throws(['2.0.0', new Date(0)]);
  throws(['2.0.0', { toString: () => '2.1.0' }]);
  throws(['2.0.0', undefined]);
  throws(new Array(2).fill('2.0.0', 1));
  throws(['2.0.0', ['2.1.0']]);
});

test('status names the environment Flux automates, with its pick given tags', () => {
  const files = exampleFiles();
  // The example's pipeline declares staging and production; discover dev too.
  delete files['baton.yaml'];
  const ws = new Workspace(files);
  const dev = (status) => status.apps.find((a) => a.name === 'payment-service').environments.find((e) => e.name === 'dev');
  const flux = dev(ws.status()).flux;
  assert.deepEqual(flux.automations, ['flux-system/flux-image-update']);
  assert.deepEqual(flux.policies.map((p) => [p.name, p.rule, p.latest, p.markers[0].file]),
    [['payment-service', 'semver >=2.0.0 <3.0.0', null, PATCH]]);
  const picked = dev(ws.status({ images: { [IMAGE]: ['2.2.0'] } })).flux;
  assert.equal(picked.policies[0].latest, `${IMAGE}:2.2.0`);
  const staging = ws.status().apps.find((a) => a.name === 'payment-service').environments.find((e) => e.name === 'staging');
  assert.equal(staging.flux, null);
});

test('validate reports markers that name no policy', () => {
  const ws = new Workspace(exampleFiles());
  ws.setFile(PATCH, exampleFiles()[PATCH].replace('flux-system:payment-service', 'flux-system:payment-servce'));
  const found = ws.validate().diagnostics.filter((d) => d.code === 'F008');
  assert.equal(found.length, 1);
  assert.equal(found[0].file, PATCH);
  assert.equal(found[0].help, 'did you mean flux-system:payment-service?');
});

test('misuse throws naming the argument', () => {
  const ws = new Workspace(exampleFiles());
  const throws = (f, message) => assert.throws(f, (e) => e instanceof Error && e.message.includes(message), message);
  throws(() => ws.imageUpdate(), 'input must be an object, got undefined');
  throws(() => ws.imageUpdate([]), 'input must be an object, got array');
  throws(() => ws.imageUpdate({ tags: {} }), 'unknown option input.tags');
  throws(() => ws.imageUpdate({ images: { [IMAGE]: 2 } }), 'input.images must be an object of string arrays (or of strings, a tag per line), got object');
  throws(() => ws.imageUpdate({ images: { [IMAGE]: ['2.0.0', 2] } }), `input.images["${IMAGE}"] must be an array of strings (or a string, a tag per line)`);
  throws(() => ws.imageUpdate({ images: { [IMAGE]: [null] } }), `input.images["${IMAGE}"] must be an array of strings`);
  throws(() => ws.imageUpdate({ latest: { 'a:b': 1 } }), 'input.latest must be an object of strings');
  throws(() => ws.status({ images: 1 }), 'tags.images must be an object of string arrays');
});
