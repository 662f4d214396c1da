// Preview environments through the npm package: the example repository's preview of PR 42
// (rendered as kubectl kustomize renders it, fixtures/example-rendered/), a preview planned,
// applied and cleaned up in memory, the seed's own preview file warned about, and misuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertJsonData, baton, exampleFiles, kustomizeOutput } from './helpers.mjs';

const { Workspace } = baton;

test("the example repository's preview of PR 42 renders as kustomize does and status lists it", () => {
  const ws = new Workspace(exampleFiles());
  const result = ws.render('apps/payment-service/preview/pr-42');
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.yaml, kustomizeOutput('payment-service', 'preview-pr-42'));
  assert.deepEqual(ws.validate().diagnostics, []);
  const app = ws.status().apps.find((a) => a.name === 'payment-service');
  assert.deepEqual(app.environments.map((e) => e.name), ['dev', 'staging', 'production']);
  assert.deepEqual(app.previews, [
    {
      number: 42,
      path: 'apps/payment-service/preview/pr-42',
      ok: true,
      namespace: 'preview-pr-42',
      image: 'registry.example.com/payment-service:pr-42-ab1cd',
      tag: 'pr-42-ab1cd',
      url: 'https://pr-42.payment-service.preview.example.com',
    },
  ]);
});

test('a preview planned, applied, moved and cleaned up in memory', () => {
  const ws = new Workspace(exampleFiles());
  const plan = ws.planPreview({ app: 'payment-service', number: 7, sha: 'c0ffee1', branch: 'feature/Faster_Checkout' });
  assertJsonData(plan);
  assert.equal(plan.action, 'create');
  assert.equal(plan.url, 'https://pr-7.payment-service.preview.example.com');
  assert.equal(plan.branchSlug, 'feature-faster-checkout');
  assert.deepEqual(plan.edits.map((e) => [e.path, e.before]), [['apps/payment-service/preview/pr-7/kustomization.yaml', null]]);
  // The same overlay as the example's PR 42, but for PR 7.
  assert.equal(
    plan.edits[0].after,
    ws.files()['apps/payment-service/preview/pr-42/kustomization.yaml'].replaceAll('pr-42', 'pr-7').replace('pr-7-ab1cd', 'pr-7-c0ffe'),
  );
  assert.equal(plan.render.yaml, kustomizeOutput('payment-service', 'preview-pr-42').replaceAll('pr-42', 'pr-7').replace('pr-7-ab1cd', 'pr-7-c0ffe'));
  assert.match(plan.comment, /^<!-- baton-preview payment-service#7 -->\n### Preview of payment-service for #7\n\n\*\*https:\/\/pr-7\.payment-service\.preview\.example\.com\*\*/);
  // Nothing is written by a plan.
  assert.equal(ws.files()['apps/payment-service/preview/pr-7/kustomization.yaml'], undefined);

  for (const edit of plan.edits) ws.setFile(edit.path, edit.after);
  assert.deepEqual(ws.validate().diagnostics, []);
  const moved = ws.planPreview({ app: 'payment-service', number: 7, sha: 'beef123' });
  assert.equal(moved.action, 'update');
  assert.match(moved.edits[0].diff, /^-    newTag: pr-7-c0ffe\n\+    newTag: pr-7-beef1$/m);
  assert.deepEqual(moved.diagnostics.map((d) => d.code), ['P015']);

  const cleanup = ws.planPreviewCleanup({ open: [7] });
  assert.deepEqual(cleanup.previews.map((p) => [p.number, p.fate]), [[7, 'kept'], [42, 'closed']]);
  assert.deepEqual(cleanup.edits.map((e) => [e.path, e.after]), [['apps/payment-service/preview/pr-42/kustomization.yaml', null]]);
  for (const edit of cleanup.edits) ws.removeFile(edit.path);
  assert.deepEqual(ws.status().apps.find((a) => a.name === 'payment-service').previews.map((p) => p.number), [7]);
});

test("validate warns about the seed's own preview file, naming the image that was meant", () => {
  const files = exampleFiles();
  files['apps/payment-service/preview/pr-42/kustomization.yaml'] =
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nnamespace: preview-pr-42\nimages:\n  - name: payment-service\n    newTag: pr-42-ab1cd\n';
  const ws = new Workspace(files);
  const [warning] = ws.validate().diagnostics;
  assert.equal(warning.code, 'K050');
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.message, "images entry 'payment-service' matches no image of this render; did you mean registry.example.com/payment-service?");
  assert.deepEqual(warning.range.start, { line: 6, character: 10 });
  // kustomize leaves the image as the base has it.
  assert.match(ws.render('apps/payment-service/preview/pr-42').yaml, /image: registry\.example\.com\/payment-service:latest/);
});

test('bad requests: problems in the request are diagnostics, misuse of the API throws', () => {
  const ws = new Workspace(exampleFiles());
  const zero = ws.planPreview({ app: 'payment-service', number: 0, sha: 'c0ffee1' });
  assert.equal(zero.action, null);
  assert.deepEqual(zero.edits, []);
  assert.deepEqual(zero.diagnostics.map((d) => d.code), ['P012']);
  const throws = (f, message) => assert.throws(f, (e) => e instanceof Error && e.message.includes(message), message);
  throws(() => ws.planPreview({ app: 'payment-service', number: 1.5 }), 'request.number must be a whole number (0 to 2^53 - 1), got number');
  throws(() => ws.planPreview({ app: 'payment-service', number: -1 }), 'request.number must be a whole number');
  throws(() => ws.planPreview({ app: 'payment-service', number: '42' }), 'request.number must be a whole number (0 to 2^53 - 1), got string');
  throws(() => ws.planPreview({ app: 'payment-service' }), 'request.number must be a whole number');
  throws(() => ws.planPreview({ number: 1 }), 'request.app must be a string');
  throws(() => ws.planPreview({ app: 'payment-service', number: 1, pr: 1 }), 'unknown option request.pr');
  throws(() => ws.planPreview(null), 'request must be an object, got null');
  throws(() => ws.planPreviewCleanup({ open: ['12'] }), 'request.open must be an array of whole numbers');
  throws(() => ws.planPreviewCleanup({ lastChanged: { a: 1 } }), 'request.lastChanged must be an object of strings');
  throws(() => ws.planPreviewCleanup({ closed: 3 }), 'request.closed must be an array of whole numbers');
  const cleanup = ws.planPreviewCleanup({ closed: [9] });
  assert.deepEqual(cleanup.edits, []);
  assert.equal(cleanup.diagnostics[0].message, 'there is no preview for PR 9');
});
