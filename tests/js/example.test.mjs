// The playground's example repository renders as `kustomize build` renders it. The expected
// outputs in fixtures/example-rendered/ were produced by `kubectl kustomize` (kustomize v5.8.1)
// on web-demo/example, never by this engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { baton, exampleFiles, kustomizeOutput } from './helpers.mjs';

const { Workspace } = baton;

// Every overlay of every app, wherever the app keeps it (checkout uses `overlays/`).
const overlays = new Workspace(exampleFiles()).status().apps.flatMap((app) => app.environments.map((env) => [app.name, env.name, env.path]));

test('the example has every app and environment it should', () => {
  assert.deepEqual(overlays.map(([app, env]) => `${app}/${env}`).sort(), [
    'checkout/dev', 'checkout/production', 'checkout/staging',
    'ledger-api/dev', 'ledger-api/production', 'ledger-api/staging',
    'payment-service/dev', 'payment-service/production', 'payment-service/staging',
  ]);
  assert.ok(overlays.some(([, , path]) => path === 'apps/checkout/overlays/production'));
});

for (const [app, env, path] of overlays) {
  test(`${path} renders as kustomize does`, () => {
    const ws = new Workspace(exampleFiles());
    const result = ws.render(path);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.yaml, kustomizeOutput(app, env));
  });
}

test('each environment runs the image the repository says', () => {
  const ws = new Workspace(exampleFiles());
  const images = (dir) =>
    ws.render(dir).resources.flatMap((r) => r.images.map((i) => [i.container, i.image, i.source?.file ?? null]));
  assert.deepEqual(images('apps/payment-service/staging'), [
    ['payment-service', 'registry.example.com/payment-service:abc1234', 'apps/payment-service/staging/image-patch.yaml'],
  ]);
  assert.deepEqual(images('apps/payment-service/production'), [
    ['payment-service', 'registry.example.com/payment-service:9f8e7d6', 'apps/payment-service/production/image-patch.yaml'],
  ]);
  const production = images('apps/ledger-api/production');
  assert.deepEqual(production.map(([c, i]) => [c, i]), [
    ['ledger-api', 'registry.example.com/ledger-api:2.3.0'],
    ['metrics', 'prom/statsd-exporter:v0.26.1'],
  ]);
  // Production inherits the ledger-api image from the base.
  assert.equal(production[0][2], 'apps/ledger-api/base/deployment.yaml');
});
