// diffEnvironments() through the wasm package: resources paired across prefixes and
// namespaces, drift classified, expected differences marked, misuse that throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertJsonData, baton } from './helpers.mjs';

const { Workspace } = baton;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: web
        image: reg.example.com/web:1.0.0
        resources:
          limits:
            memory: 256Mi
`;

function files() {
  return {
    'apps/web/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
    'apps/web/base/deployment.yaml': deployment,
    'apps/web/staging/kustomization.yaml': 'resources: [../base]\nnamespace: web-staging\nimages:\n- name: reg.example.com/web\n  newTag: 1.1.0\n',
    'apps/web/production/kustomization.yaml': 'resources: [../base, pdb.yaml]\nnamespace: web-production\nnameSuffix: -prod\nreplicas:\n- name: web\n  count: 4\n',
    'apps/web/production/pdb.yaml': 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n',
  };
}

test('diffEnvironments pairs by identity and separates drift from the expected', () => {
  const ws = new Workspace(files());
  const diff = ws.diffEnvironments({ app: 'web', from: 'staging', to: 'production' });
  assertJsonData(diff);
  assert.deepEqual(diff.diagnostics, []);
  assert.equal(diff.fromPath, 'apps/web/staging');
  const web = diff.resources.find((r) => r.kind === 'Deployment');
  assert.equal(web.name, 'web');
  assert.deepEqual([web.from.name, web.to.name, web.to.namespace], ['web', 'web-prod', 'web-production']);
  const byPath = Object.fromEntries(web.differences.map((d) => [d.path, [d.category, d.expected, d.from, d.to]]));
  assert.deepEqual(byPath['spec.replicas'], ['replicas', null, '2', '4']);
  assert.deepEqual(byPath['metadata.name'], ['name', 'nameAffix', 'web', 'web-prod']);
  assert.deepEqual(byPath['metadata.namespace'], ['namespace', 'namespace', 'web-staging', 'web-production']);
  assert.deepEqual(byPath['spec.template.spec.containers.[name=web].image'],
    ['image', 'promotedImage', 'reg.example.com/web:1.1.0', 'reg.example.com/web:1.0.0']);
  const pdb = diff.resources.find((r) => r.kind === 'PodDisruptionBudget');
  assert.equal(pdb.from, null);
  assert.equal(pdb.drift, true);
  assert.match(pdb.diff, /^--- \/dev\/null\n\+\+\+ b\/apps\/web\/production\/PodDisruptionBudget\/web-production\/web-prod\n/);
  assert.deepEqual(diff.drift, { image: 0, replicas: 1, resources: 0, config: 0, labels: 0, other: 0, onlyInFrom: 0, onlyInTo: 1 });
  assert.equal(diff.expected, 3);
  assert.equal(diff.message, 'production differs from staging in 2 ways beyond the expected: 1 replicas, 1 only in production; 3 expected (namespace, names, promoted images)');

  // An edit shows up in the next diff (the workspace's renders are invalidated).
  ws.setFile('apps/web/staging/kustomization.yaml', 'resources: [../base]\nnamespace: web-staging\nimages:\n- name: reg.example.com/web\n  newTag: 1.1.0\nreplicas:\n- name: web\n  count: 4\n');
  const after = ws.diffEnvironments({ app: 'web', from: 'staging', to: 'production' });
  assert.equal(after.drift.replicas, 0);

  // A promotion plan lists the same drift, without the expected differences.
  const plan = ws.planPromotion({ app: 'web', to: 'production' });
  assert.deepEqual(plan.drift.map((r) => [r.kind, r.from, r.differences.length]), [['PodDisruptionBudget', null, 0]]);
});

test('diffEnvironments: problems are diagnostics, misuse throws', () => {
  const ws = new Workspace(files());
  assert.equal(ws.diffEnvironments({ app: 'nope', from: 'staging', to: 'production' }).diagnostics[0].code, 'R001');
  const unknown = ws.diffEnvironments({ app: 'web', from: 'staging', to: 'qa' });
  assert.equal(unknown.diagnostics[0].code, 'R002');
  assert.deepEqual(unknown.resources, []);
  assert.throws(() => ws.diffEnvironments({ app: 'web', from: 'staging' }), /request\.to/);
  assert.throws(() => ws.diffEnvironments({ app: 'web', from: 'staging', to: 3 }), /request\.to/);
  assert.throws(() => ws.diffEnvironments({ app: 'web', from: 'a', to: 'b', extra: 1 }), /unknown option request\.extra/);
  assert.throws(() => ws.diffEnvironments('web'), /request must be an object/);
});
