// status() and planPromotion() through the wasm package: the seed's promotion, gates decided
// by the context, edits that apply cleanly, idempotence, and misuse that throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertJsonData, baton, exampleFiles } from './helpers.mjs';

const { Workspace } = baton;

const GOOD_CONTEXT = {
  author: 'dana',
  approvals: ['erin', 'payments-lead'],
  checks: { 'e2e-staging': 'success' },
  now: '2026-11-24T10:00:00Z', // a Tuesday, inside the example's window
  since: { staging: '2026-11-24T06:00:00Z' },
  teams: { '@example/payments': ['payments-lead'], '@example/platform': ['erin'] },
};

test('status: the example repo has a pending promotion of payment-service', () => {
  const ws = new Workspace(exampleFiles());
  const status = ws.status();
  assertJsonData(status);
  assert.deepEqual(status.environments, ['dev', 'staging', 'production']);
  const pay = status.apps.find((a) => a.name === 'payment-service');
  const prod = pay.environments.find((e) => e.name === 'production');
  const image = prod.images.find((i) => i.container === 'payment-service');
  assert.equal(image.tag, '9f8e7d6');
  assert.equal(image.source.file, 'apps/payment-service/production/image-patch.yaml');
  const production = pay.pending.find((p) => p.to === 'production');
  assert.deepEqual(production.changes.map((c) => [c.from, c.to]), [['9f8e7d6', 'abc1234']]);
  // Staging waits for dev too (Flux keeps dev on semver tags; staging runs a git SHA).
  assert.deepEqual(pay.pending.find((p) => p.to === 'staging').changes.map((c) => [c.from, c.to, c.relation]), [['abc1234', '2.0.0', 'diverged']]);
});

test('planPromotion: one surgical edit; gates follow the context; applying it is idempotent', () => {
  const ws = new Workspace(exampleFiles());
  const blocked = ws.planPromotion({ app: 'payment-service', to: 'production' });
  assertJsonData(blocked);
  assert.equal(blocked.allowed, false);
  assert.ok(blocked.gates.some((g) => g.status === 'pending'));
  const plan = ws.planPromotion({ app: 'payment-service', to: 'production', context: GOOD_CONTEXT });
  assert.deepEqual(plan.gates.filter((g) => g.status !== 'pass'), [], JSON.stringify(plan.gates));
  assert.equal(plan.allowed, true);
  assert.equal(plan.edits.length, 1);
  const [edit] = plan.edits;
  assert.equal(edit.path, 'apps/payment-service/production/image-patch.yaml');
  assert.equal(edit.after, edit.before.replace('9f8e7d6', 'abc1234'));
  assert.match(edit.after, /abc1234 {2}# ← CI updates this/);
  assert.equal(plan.pullRequest.title, 'promote(payment-service): staging → production (abc1234)');
  for (const e of plan.edits) ws.setFile(e.path, e.after);
  const again = ws.planPromotion({ app: 'payment-service', to: 'production', context: GOOD_CONTEXT });
  assert.deepEqual([again.changes, again.edits], [[], []]);
  assert.match(again.message, /^nothing to promote/);
  const status = ws.status();
  assert.deepEqual(status.apps.find((a) => a.name === 'payment-service').pending.map((p) => p.to), ['staging']);
});

test("planPromotion: how the change rolls out in production (the seed's canary, a blue-green rollout)", () => {
  // States from core/src/rollouts/simulate/tests.rs (argo-rollouts 9f8d111
  // utils/replicaset/canary.go, rollout/pause.go, rollout/bluegreen.go).
  const ws = new Workspace(exampleFiles());
  const plan = ws.planPromotion({ app: 'payment-service', to: 'production' });
  assert.equal(plan.rollouts.length, 1);
  const [canary] = plan.rollouts;
  assert.deepEqual(
    [canary.workload, canary.rolledOutBy, canary.strategy, canary.risk, canary.rollback],
    ['Deployment/payment-service', 'Rollout/payment-service', 'Canary', 'Very Low', 'Reduce canary to 0%'],
  );
  assert.deepEqual(
    canary.simulation.states.map((s) => [s.canaryWeight, s.canaryReplicas, s.pause, s.analysis, s.startSeconds]),
    [[10, 1, null, null, 0], [10, 1, '300s', null, 0], [10, 1, null, 'success-rate', 300], [50, 3, null, null, 300],
      [50, 3, '600s', null, 300], [100, 5, null, null, 900], [100, 5, null, null, 900]],
  );
  assert.equal(canary.simulation.minDuration, '900s');
  assert.match(plan.pullRequest.body, /### Rollout in `production`\n/);
  assert.match(plan.pullRequest.body, /\| 300s \| 2 \| 10% \| 5 \| 1 \| analysis success-rate \|\n/);
  const ledger = ws.planPromotion({ app: 'ledger-api', to: 'production' }).rollouts;
  assert.deepEqual(ledger.map((r) => [r.workload, r.rolledOutBy, r.strategy, r.simulation.manualPromotions]), [
    ['Deployment/ledger-api', 'Rollout/ledger-api', 'BlueGreen', 1],
  ]);
  assert.match(ledger[0].summary, /wait for a person to promote/);
});

test('planPromotion: problems in the request are diagnostics, misuse throws', () => {
  const ws = new Workspace(exampleFiles());
  assert.equal(ws.planPromotion({ app: 'nope', to: 'production' }).diagnostics[0].code, 'R001');
  assert.equal(ws.planPromotion({ app: 'payment-service', to: 'qa' }).diagnostics[0].code, 'R002');
  const bad = ws.planPromotion({ app: 'payment-service', to: 'production', context: { now: 'yesterday' } });
  assert.ok(bad.diagnostics.some((d) => d.code === 'G005'));
  const throws = (f, message) => assert.throws(f, (e) => e instanceof Error && e.message.includes(message), message);
  throws(() => ws.planPromotion('payment-service'), 'request must be an object, got string');
  throws(() => ws.planPromotion({ to: 'production' }), 'request.app is required');
  throws(() => ws.planPromotion({ app: 'x', to: 'y', dryRun: true }), 'unknown option request.dryRun');
  throws(() => ws.planPromotion({ app: 'x', to: 'y', context: { approver: 'a' } }), 'unknown option request.context.approver');
  throws(() => ws.planPromotion({ app: 'x', to: 'y', context: { approvals: 'bob' } }), 'request.context.approvals must be an array of strings, got string');
  throws(() => ws.planPromotion({ app: 'x', to: 'y', context: { checks: { e2e: 1 } } }), 'request.context.checks must be an object of strings');
  throws(() => ws.planPromotion({ app: 7, to: 'y' }), 'request.app must be a string, got number');
});

test('kustomizationDirs lists every overlay and base', () => {
  const ws = new Workspace(exampleFiles());
  const dirs = ws.kustomizationDirs();
  assert.ok(dirs.includes('apps/payment-service/production'));
  assert.ok(dirs.includes('apps/ledger-api/base'));
  assert.deepEqual(dirs, [...dirs].sort());
});
