// What each cluster applies, through the npm package: the example repository's Flux
// Kustomizations (web-demo/example/clusters/), rendered with their controller's overrides.
// The substituted values come from kustomize-controller's post-build substitution (fluxcd/pkg
// e2cfd1a kustomize/kustomize_varsub.go): `${cluster_name}` from postBuild.substitute,
// `${cluster_region}` from the cluster-vars ConfigMap, `${log_level:=info}` overridden.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { baton, exampleFiles } from './helpers.mjs';

const { Workspace } = baton;

test('the staging cluster applies the payment service patched and substituted', () => {
  const ws = new Workspace(exampleFiles());
  const r = ws.renderDeployment({ kind: 'flux', namespace: 'flux-system', name: 'payment-service', cluster: 'staging-cluster' });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.ok, true);
  assert.match(r.yaml, /example\.com\/cluster: staging-cluster\n/);
  assert.match(r.yaml, /example\.com\/region: eu-west-1\n/);
  assert.match(r.yaml, /- name: LOG_LEVEL\n {10}value: debug\n/);
  assert.deepEqual(r.namespaces, ['payments-staging']);
  assert.deepEqual(r.variables.map((v) => [v.name, v.value, v.from]), [
    ['cluster_region', 'eu-west-1', 'ConfigMap/cluster-vars'],
    ['cluster_name', 'staging-cluster', 'substitute'],
    ['log_level', 'debug', 'substitute'],
  ]);
  // The overlay alone has none of it.
  assert.doesNotMatch(ws.render('apps/payment-service/staging').yaml, /staging-cluster/);
});

test('deployments and status name the clusters and their order', () => {
  const ws = new Workspace(exampleFiles());
  const { clusters, diagnostics } = ws.deployments();
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(clusters.find((c) => c.name === 'production-cluster').deployments, [
    // The bootstrap Kustomization first (its render applies the others), then dependsOn
    // (ledger-api after payment-service), else by id.
    'flux:flux-system/flux-system@production-cluster',
    'flux:flux-system/checkout@production-cluster',
    'flux:flux-system/payment-service@production-cluster',
    'flux:flux-system/ledger-api@production-cluster',
  ]);
  const status = ws.status();
  // The Flux clusters, and the servers of the seed ApplicationSet's generated Applications.
  assert.deepEqual(status.clusters.map((c) => c.name), ['dev-cluster', 'https://prod.k8s.example.com', 'https://staging.k8s.example.com', 'production-cluster', 'staging-cluster']);
  const ledger = status.apps.find((a) => a.name === 'ledger-api');
  assert.deepEqual(ledger.environments.map((e) => e.deployments.map((d) => [d.cluster, d.namespaces])), [
    [['dev-cluster', ['ledger-dev']]],
    [['staging-cluster', ['ledger-staging']]],
    [['production-cluster', ['ledger-production']]],
  ]);
  assert.deepEqual(ws.validate().diagnostics, []);
});

test('a shared name needs its cluster; misuse throws', () => {
  const ws = new Workspace(exampleFiles());
  const r = ws.renderDeployment({ kind: 'flux', namespace: 'flux-system', name: 'ledger-api' });
  assert.equal(r.ok, false);
  assert.equal(r.diagnostics[0].code, 'D003');
  assert.throws(() => ws.renderDeployment({ kind: 'helm', namespace: 'a', name: 'b' }), /request\.kind must be flux or argo/);
  assert.throws(() => ws.renderDeployment({ kind: 'flux', name: 'b' }), /request\.namespace is required/);
  assert.throws(() => ws.renderDeployment({ kind: 'flux', namespace: 'a', name: 'b', extra: 1 }), /unknown option request\.extra/);
  assert.throws(() => ws.renderDeployment('flux:a/b'), /request must be an object/);
});

test('an edit to the cluster variables renders again what it changes', () => {
  const ws = new Workspace(exampleFiles());
  const id = { kind: 'flux', namespace: 'flux-system', name: 'payment-service', cluster: 'staging-cluster' };
  ws.renderDeployment(id);
  ws.setFile('clusters/staging-cluster/cluster-vars.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  cluster_region: us-east-2\n');
  assert.match(ws.renderDeployment(id).yaml, /example\.com\/region: us-east-2\n/);
});

// The issue's own example: the seed ApplicationSet's generated Application
// (web-demo/example/argocd/payment-service-appset.yaml), in the ApplicationSet's namespace
// (argo-cd 37ee009 applicationset/controllers/template/template.go: app.Namespace =
// applicationSetInfo.Namespace), rendered as Argo CD's repo server builds its source.
test('an Application the seed ApplicationSet generates is a deployment', () => {
  const ws = new Workspace(exampleFiles());
  const r = ws.renderDeployment({ kind: 'argo', namespace: 'argocd', name: 'payment-service-production' });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.ok, true);
  assert.equal(r.yaml, ws.render('apps/payment-service/production').yaml, 'no kustomize overrides: the overlay as it is');
  assert.deepEqual(r.namespaces, ['payments-production']);
  assert.equal(r.deployment.appSet, 'payment-service-all-envs');
  assert.equal(r.deployment.file, 'argocd/payment-service-appset.yaml');
  const listed = ws.deployments().deployments.filter((d) => d.appSet !== null);
  assert.deepEqual(listed.map((d) => [d.id, d.cluster, d.destination.namespace, d.sources[0].path]), [
    ['argo:argocd/payment-service-production', 'https://prod.k8s.example.com', 'payments-production', 'apps/payment-service/production'],
    ['argo:argocd/payment-service-staging', 'https://staging.k8s.example.com', 'payments-staging', 'apps/payment-service/staging'],
  ]);
});

test('kustomize overrides in an ApplicationSet template reach the generated Application', () => {
  const files = exampleFiles();
  files['argocd/payment-service-appset.yaml'] = files['argocd/payment-service-appset.yaml']
    .replace('        path: apps/payment-service/{{env}}\n', '        path: apps/payment-service/{{env}}\n        kustomize:\n          namePrefix: "{{env}}-"\n          commonLabels:\n            team: payments\n');
  const ws = new Workspace(files);
  const r = ws.renderDeployment({ kind: 'argo', namespace: 'argocd', name: 'payment-service-staging' });
  assert.equal(r.ok, true, JSON.stringify(r.diagnostics));
  assert.match(r.yaml, /name: staging-payment-service\n/);
  assert.match(r.yaml, /team: payments\n/);
  assert.deepEqual(r.deployment.overrides, ['namePrefix', 'commonLabels']);
  // The overlay alone has neither.
  assert.doesNotMatch(ws.render('apps/payment-service/staging').yaml, /staging-payment-service|team: payments/);
  // Nothing by that name in the template's namespace-less form.
  assert.equal(ws.renderDeployment({ kind: 'argo', namespace: 'default', name: 'payment-service-staging' }).diagnostics[0].code, 'D003');
});
