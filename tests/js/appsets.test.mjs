// Argo CD ApplicationSets through the wasm package: the playground example's seed
// ApplicationSet expands to the seed's two Applications, both paths rendered; the preview
// ApplicationSet expands from the pull requests the host gives; misuse throws naming the
// argument. Expected Applications follow Argo CD 37ee009's RenderTemplateParams
// (applicationset/utils/utils.go) and GenerateApplications (controllers/template/template.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertJsonData, baton, exampleFiles } from './helpers.mjs';

const { Workspace } = baton;

test("expandAppSets: the seed's list generator gives payment-service-staging and -production", () => {
  const ws = new Workspace(exampleFiles());
  const result = ws.expandAppSets();
  assertJsonData(result);
  assert.deepEqual(result.diagnostics, []);
  const seed = result.appSets.find((s) => s.name === 'payment-service-all-envs');
  assert.equal(seed.file, 'argocd/payment-service-appset.yaml');
  assert.equal(seed.namespace, 'argocd');
  assert.deepEqual(seed.diagnostics, []);
  assert.deepEqual(
    seed.applications.map((a) => [a.metadata.name, a.spec.destination, a.spec.source.path, a.sources.map((s) => s.status)]),
    [
      ['payment-service-staging', { namespace: 'payments-staging', server: 'https://staging.k8s.example.com' }, 'apps/payment-service/staging', ['renders']],
      ['payment-service-production', { namespace: 'payments-production', server: 'https://prod.k8s.example.com' }, 'apps/payment-service/production', ['renders']],
    ],
  );
  assert.deepEqual(seed.applications[0].metadata, {
    finalizers: ['resources-finalizer.argocd.argoproj.io'],
    name: 'payment-service-staging',
    namespace: 'argocd',
  });
  assert.deepEqual(seed.applications[0].spec.syncPolicy, { automated: { prune: true, selfHeal: true } });
});

test('expandAppSets: previews from the host pull requests (labels filter)', () => {
  const ws = new Workspace(exampleFiles());
  const { appSets } = ws.expandAppSets({
    pullRequests: [
      { number: 42, branch: 'feat/new-checkout', targetBranch: 'main', headSha: 'ab1cd234567890', labels: ['preview'], title: 'New checkout', author: 'alice' },
      { number: 43, branch: 'chore/deps', targetBranch: 'main', headSha: 'ffffffff' },
    ],
  });
  const previews = appSets.find((s) => s.name === 'payment-service-previews');
  assert.deepEqual(previews.diagnostics, []);
  assert.deepEqual(previews.applications.map((a) => a.metadata.name), ['payment-service-pr-42']);
  const app = previews.applications[0];
  // The overlay `baton preview create` writes for the pull request (apps/<app>/preview/pr-<n>).
  assert.equal(app.spec.source.path, 'apps/payment-service/preview/pr-42');
  assert.equal(app.spec.destination.namespace, 'preview-pr-42');
  assert.deepEqual(app.metadata.labels, { preview: 'true' });
  assert.deepEqual(app.sources, [{ repoURL: 'https://github.com/example/platform-gitops', path: 'apps/payment-service/preview/pr-42', status: 'renders' }]);
  // Without pull requests the generator yields nothing, and says why (info, not an error).
  const none = ws.expandAppSets({}).appSets.find((s) => s.name === 'payment-service-previews');
  assert.deepEqual(none.applications, []);
  assert.deepEqual(none.diagnostics.map((d) => [d.code, d.severity]), [['A005', 'info']]);
});

test('expandAppSets: clusters, a missing path and a refused set are diagnostics', () => {
  const ws = new Workspace({
    'apps/web/prod/kustomization.yaml': 'resources: []\n',
    'clusters.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: fleet, namespace: argocd}
spec:
  goTemplate: true
  generators:
  - clusters: {selector: {matchLabels: {env: prod}}}
  template:
    metadata: {name: 'web-{{ .name }}'}
    spec:
      project: default
      source: {repoURL: https://example.com/repo, path: 'apps/web/{{ index .metadata.labels "env" }}'}
      destination: {server: '{{ .server }}', namespace: web}
`,
    'broken.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: broken}
spec:
  generators: [{list: {elements: [{replicas: 3}]}}]
  template:
    metadata: {name: x}
    spec: {project: default, destination: {}, source: {repoURL: r, path: nowhere}}
`,
  });
  const result = ws.expandAppSets({
    clusters: [
      { name: 'eu', server: 'https://eu.example.com', labels: { env: 'prod' } },
      { name: 'us', server: 'https://us.example.com', labels: { env: 'staging' } },
    ],
  });
  const fleet = result.appSets.find((s) => s.name === 'fleet');
  assert.deepEqual(fleet.applications.map((a) => [a.metadata.name, a.spec.destination.server, a.sources[0].status]), [['web-eu', 'https://eu.example.com', 'renders']]);
  const broken = result.appSets.find((s) => s.name === 'broken');
  assert.deepEqual(broken.applications, []);
  assert.equal(broken.diagnostics[0].code, 'A006');
  assert.match(broken.diagnostics[0].message, /the controller reports: error parsing value as string %!w\(<nil>\)$/);
  assert.equal(broken.diagnostics[0].file, 'broken.yaml');
  assert.ok(broken.diagnostics[0].range);
  // validate() reports the same ApplicationSet problems.
  const codes = ws.validate().diagnostics.map((d) => d.code);
  assert.ok(codes.includes('A006'), codes.join(' '));
});

test('expandAppSets: misuse throws naming the argument', () => {
  const ws = new Workspace(exampleFiles());
  assert.throws(() => ws.expandAppSets('clusters'), /input must be an object, got string/);
  assert.throws(() => ws.expandAppSets({ cluster: [] }), /unknown option input\.cluster/);
  assert.throws(() => ws.expandAppSets({ clusters: {} }), /input\.clusters must be an array, got object/);
  assert.throws(() => ws.expandAppSets({ clusters: [{ name: 'a' }] }), /input\.clusters\[0\]\.server is required/);
  assert.throws(() => ws.expandAppSets({ clusters: [{ name: 'a', server: 's', labels: { a: 1 } }] }), /input\.clusters\[0\]\.labels must be an object of strings/);
  assert.throws(() => ws.expandAppSets({ pullRequests: [{ number: -1, branch: 'b', targetBranch: 'm', headSha: 's' }] }), /input\.pullRequests\[0\]\.number must be a whole number/);
  assert.throws(() => ws.expandAppSets({ pullRequests: [{ number: 1, branch: 'b', targetBranch: 'm' }] }), /input\.pullRequests\[0\]\.headSha is required/);
  assert.throws(() => ws.expandAppSets({ repoURL: 5 }), /input\.repoURL must be a string or null/);
});

test('status: each environment lists the Applications that deploy it', () => {
  const ws = new Workspace(exampleFiles());
  const app = ws.status().apps.find((a) => a.name === 'payment-service');
  const production = app.environments.find((e) => e.name === 'production');
  assert.deepEqual(production.applications, [{
    application: 'payment-service-production',
    appSet: 'payment-service-all-envs',
    file: 'argocd/payment-service-appset.yaml',
    cluster: 'https://prod.k8s.example.com',
    namespace: 'payments-production',
  }]);
});
