// Argo Rollouts through the wasm package: the seed's canary simulated state by state,
// validation findings with exact fields and spans, the strategy table in status, and misuse
// of simulateRollout that throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SEED_CANARY, assertJsonData, baton } from './helpers.mjs';

const { Workspace } = baton;


const SUCCESS_RATE = `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      interval: 1m
      count: 5
      successCondition: result[0] >= 0.95
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{app="payment-service",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="payment-service"}[1m]))
`;

function seedRepo(extra = {}) {
  return {
    'apps/payment-service/production/kustomization.yaml': 'resources:\n  - rollout.yaml\n  - analysis.yaml\n',
    'apps/payment-service/production/rollout.yaml': SEED_CANARY,
    'apps/payment-service/production/analysis.yaml': SUCCESS_RATE,
    ...extra,
  };
}

test("simulateRollout: the seed's canary with 5 replicas", () => {
  const ws = new Workspace(seedRepo());
  const result = ws.simulateRollout({ overlay: 'apps/payment-service/production' });
  assertJsonData(result);
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.rollouts.length, 1);
  const canary = result.rollouts[0];
  assert.equal(canary.name, 'payment-service');
  assert.equal(canary.strategy, 'canary');
  assert.equal(canary.replicas, 5);
  assert.equal(canary.trafficRouting, false);
  assert.deepEqual(canary.diagnostics, []);
  const states = canary.states.map((s) => [s.step, s.canaryWeight, s.stableReplicas, s.canaryReplicas, s.pause, s.analysis, s.scaleDownDelay]);
  // 10% -> 1 canary pod (beside 5 stable: maxSurge 25% of 5 rounds up to 2), pause 300s,
  // analysis success-rate, 50% -> 3 and 3, pause 600s, 100%.
  assert.deepEqual(states, [
    [0, 10, 5, 1, null, null, null],
    [1, 10, 5, 1, '300s', null, null],
    [2, 10, 5, 1, null, 'success-rate', null],
    [3, 50, 3, 3, null, null, null],
    [4, 50, 3, 3, '600s', null, null],
    [5, 100, 0, 5, null, null, null],
    [null, 100, 0, 5, null, null, null],
  ]);
  assert.equal(canary.minDuration, '900s');
  assert.equal(canary.manualPromotions, 0);
  // The x axis of a timeline chart: pauses hold 300 s and 600 s, everything else moves on.
  assert.deepEqual(canary.states.map((s) => [s.startSeconds, s.holdSeconds]), [
    [0, 0], [0, 300], [300, 0], [300, 0], [300, 600], [900, 0], [900, 0],
  ]);
});

test('simulateRollout: names, a missing overlay, and an invalid rollout', () => {
  const ws = new Workspace(seedRepo());
  assert.equal(ws.simulateRollout({ overlay: 'apps/payment-service/production', name: 'payment-service' }).rollouts.length, 1);
  const none = ws.simulateRollout({ overlay: 'apps/payment-service/production', name: 'ledger' });
  assert.deepEqual(none.diagnostics.map((d) => d.code), ['X005']);
  const missing = ws.simulateRollout({ overlay: 'apps/nope' });
  assert.deepEqual(missing.rollouts, []);
  assert.ok(missing.diagnostics.length > 0);
  ws.setFile('apps/payment-service/production/rollout.yaml', SEED_CANARY.replace('setWeight: 50 ', 'setWeight: 150'));
  const invalid = ws.simulateRollout({ overlay: 'apps/payment-service/production' }).rollouts[0];
  assert.deepEqual(invalid.states, []);
  const [d] = invalid.diagnostics;
  assert.equal(d.code, 'X001');
  assert.equal(d.message, 'spec.strategy.steps[3].setWeight: SetWeight needs to be between 0 and 100');
  assert.equal(d.file, 'apps/payment-service/production/rollout.yaml');
  assert.equal(d.range.start.line, 23);
});

test('validate: lint findings and controller warnings, with spans', () => {
  const ws = new Workspace(seedRepo({
    'apps/payment-service/production/rollout.yaml': SEED_CANARY.replace('duration: 5m', 'duration: 5d'),
    'apps/payment-service/production/analysis.yaml': SUCCESS_RATE.replace('name: success-rate\nspec', 'name: other\nspec'),
  }));
  const found = ws.validate().diagnostics.map((d) => [d.code, d.severity, d.message, d.range.start.line]);
  assert.deepEqual(found, [
    ['X001', 'error', 'spec.strategy.steps[1].pause.duration: Duration needs to be greater than 0', 19],
    ['X003', 'warning', "spec.strategy.canary.steps[2].analysis.templates: AnalysisTemplate 'success-rate' not found", 22],
  ]);
});

test('status: each workload has its strategy, risk and rollback', () => {
  const ws = new Workspace({
    'apps/payment-service/staging/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
    'apps/payment-service/staging/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  template:\n    spec:\n      containers:\n        - name: payment-service\n          image: registry.example.com/payment-service:abc1234\n',
    ...seedRepo(),
  });
  const app = ws.status().apps[0];
  const table = Object.fromEntries(app.environments.map((e) => [e.name, e.workloads.map((w) => [w.workload, w.strategy, w.risk, w.rollback])]));
  assert.deepEqual(table, {
    staging: [['Deployment/payment-service', 'RollingUpdate', 'Low', 'kubectl rollout undo']],
    production: [['Rollout/payment-service', 'Canary', 'Very Low', 'Reduce canary to 0%']],
  });
});

test('simulateRollout: misuse throws', () => {
  const ws = new Workspace(seedRepo());
  assert.throws(() => ws.simulateRollout(), /request must be an object, got undefined/);
  assert.throws(() => ws.simulateRollout('apps/payment-service/production'), /request must be an object, got string/);
  assert.throws(() => ws.simulateRollout({}), /request.overlay is required/);
  assert.throws(() => ws.simulateRollout({ overlay: 3 }), /request.overlay must be a string, got number/);
  assert.throws(() => ws.simulateRollout({ overlay: 'a', name: 1 }), /request.name must be a string or null, got number/);
  assert.throws(() => ws.simulateRollout({ overlay: 'a', steps: 3 }), /unknown option request.steps/);
  assert.throws(() => ws.simulateRollout({ overlay: '../outside' }), /leaves the repository root/);
});
