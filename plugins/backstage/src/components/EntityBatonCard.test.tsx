// The entity card and its "Preview promotion" dialog, rendered by @backstage/test-utils in
// jsdom over the example repository (web-demo/example) as the real engine answers it.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';

import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrationsApi, scmIntegrationsApiRef } from '@backstage/integration-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';

import { type BatonApi, batonApiRef } from '../api';
import { NOW, engineApi, json, readExample } from '../testing/example';
import { Workspace } from '@baton/engine';
import { EntityBatonCard } from './EntityBatonCard';

afterEach(cleanup);

function entity(annotations: Record<string, string> = { 'baton.dev/app': 'payment-service' }): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-service', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  };
}

async function renderCard(api: BatonApi, subject: Entity = entity()) {
  const scm = ScmIntegrationsApi.fromConfig(new ConfigReader({}));
  return renderInTestApp(
    <TestApiProvider apis={[[batonApiRef, api], [scmIntegrationsApiRef, scm]]}>
      <EntityProvider entity={subject}>
        <EntityBatonCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityBatonCard', () => {
  test('shows the environments in promotion order, the image each runs and where it is set', async () => {
    await renderCard(engineApi());
    const table = await screen.findByTestId('baton-environments');
    const rows = within(table).getAllByRole('row').slice(1);
    assert.deepEqual(
      rows.map((r) => r.getAttribute('data-testid')),
      ['baton-env-dev', 'baton-env-staging', 'baton-env-production'],
    );
    const staging = within(screen.getByTestId('baton-env-staging')).getByText('abc1234');
    assert.equal(staging.title, 'registry.example.com/payment-service:abc1234');
    assert.equal(
      staging.closest('a')?.getAttribute('href'),
      'https://github.com/acme/gitops/tree/main/apps/payment-service/staging/image-patch.yaml#L11',
    );
    const production = within(screen.getByTestId('baton-env-production')).getByText('9f8e7d6');
    assert.equal(
      production.closest('a')?.getAttribute('href'),
      'https://github.com/acme/gitops/tree/main/apps/payment-service/production/image-patch.yaml#L12',
    );
    assert.ok(screen.getByText('apps/payment-service · https://github.com/acme/gitops'));
  });

  test('lists the pending promotion with its change', async () => {
    await renderCard(engineApi());
    const pending = await screen.findByTestId('baton-pending-production');
    assert.match(pending.textContent ?? '', /staging → production/);
    assert.match(pending.textContent ?? '', /payment-service: 9f8e7d6 → abc1234/);
    // Commit-SHA tags cannot be ordered: the engine says the versions diverged.
    const chip = within(pending).getByTestId('baton-relation');
    assert.equal(chip.textContent, 'diverged');
    assert.match(chip.getAttribute('title') ?? '', /cannot be ordered/);
  });

  test('shows the direction of a change when the engine gives its relation', async () => {
    const api = engineApi();
    const withRelation: BatonApi = {
      ...api,
      getStatus: async () => {
        const status = await api.getStatus();
        for (const app of status.apps) {
          for (const p of app.pending) for (const c of p.changes) Object.assign(c, { relation: 'ahead' });
        }
        return status;
      },
    };
    await renderCard(withRelation, entity({ 'baton.dev/app': 'ledger-api' }));
    const chips = await screen.findAllByTestId('baton-relation');
    // staging waits for dev (one container), production for staging (two).
    assert.equal(chips.length, 3);
    assert.match(chips[0]?.textContent ?? '', /^ahead$/);
    assert.match(chips[0]?.getAttribute('title') ?? '', /would move it back/);
  });

  test('"Preview promotion" shows the plan: gates with their messages, edits, rendered diff, PR', async () => {
    await renderCard(engineApi());
    // payment-service has two pending promotions (dev → staging, staging → production): the second.
    const production = await screen.findByTestId('baton-pending-production');
    fireEvent.click(within(production).getByRole('button', { name: 'Preview promotion' }));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByTestId('baton-plan-gates');
    assert.match(dialog.textContent ?? '', /Promote payment-service: staging → production/);

    const expected = json(
      new Workspace(readExample()).planPromotion({
        app: 'payment-service',
        to: 'production',
        from: 'staging',
        context: { now: NOW },
      }),
    );
    assert.equal(expected.gates.length, 7);
    for (const gate of expected.gates) {
      const row = within(dialog).getByTestId(`baton-gate-${gate.name}`);
      const cells = within(row).getAllByRole('cell').map((c) => c.textContent);
      assert.deepEqual(cells, [gate.status, gate.name, gate.message]);
    }
    const approvals = within(dialog).getByTestId('baton-gate-approvals');
    assert.match(approvals.textContent ?? '', /pending.*approvals.*0 of 1 approvals/);

    assert.match(within(dialog).getByTestId('baton-plan-message').textContent ?? '', /Not allowed yet: 1 image to promote/);
    // CodeSnippet highlights asynchronously: its text arrives after the first render.
    const textOf = (id: string) => within(dialog).getByTestId(id).textContent ?? '';
    await waitFor(() => {
      const edits = textOf('baton-plan-edits');
      assert.ok(edits.includes('apps/payment-service/production/image-patch.yaml'));
      assert.ok(edits.includes('-          image: registry.example.com/payment-service:9f8e7d6  # ← CI updates this'));
      assert.ok(edits.includes('+          image: registry.example.com/payment-service:abc1234  # ← CI updates this'));
      for (const line of expected.edits[0]!.diff.split('\n').filter(Boolean)) {
        assert.ok(edits.includes(line), `edit diff line ${JSON.stringify(line)}`);
      }
    });
    await waitFor(() => {
      const rendered = textOf('baton-plan-rendered-diff');
      assert.ok(rendered.includes('Rendered diff of production'));
      for (const line of expected.renderedDiff.split('\n').filter(Boolean)) {
        assert.ok(rendered.includes(line), `rendered diff line ${JSON.stringify(line)}`);
      }
      assert.ok(rendered.includes('+        image: registry.example.com/payment-service:abc1234'));
    });
    assert.equal(
      within(dialog).getByTestId('baton-pr-title').textContent,
      'promote(payment-service): staging → production (abc1234)',
    );
    assert.ok(within(dialog).getByRole('button', { name: 'Copy the body' }));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => assert.equal(screen.queryByRole('dialog'), null));
  });

  test('a plan the backend refuses shows its error in the dialog', async () => {
    const api: BatonApi = {
      ...engineApi(),
      getPlan: async () => {
        throw new Error('App payment-service has no environment production');
      },
    };
    await renderCard(api);
    // payment-service has two pending promotions (dev → staging, staging → production): the second.
    const production = await screen.findByTestId('baton-pending-production');
    fireEvent.click(within(production).getByRole('button', { name: 'Preview promotion' }));
    const dialog = await screen.findByRole('dialog');
    assert.ok((await within(dialog).findAllByText(/has no environment production/)).length > 0);
  });

  test('an entity without the annotation gets the missing-annotation state', async () => {
    await renderCard(engineApi(), entity({}));
    await screen.findByText(/Missing Annotation/i);
    assert.ok(screen.getAllByText(/baton\.dev\/app/).length > 0);
  });

  test('an app the repository does not have is an empty state naming the apps it has', async () => {
    await renderCard(engineApi(), entity({ 'baton.dev/app': 'cart' }));
    await screen.findByText('No app cart in the GitOps repository');
    assert.ok(screen.getByText(/Its apps: checkout, ledger-api, payment-service\./));
  });

  test('the app is found by its path too', async () => {
    await renderCard(engineApi(), entity({ 'baton.dev/app': 'apps/ledger-api' }));
    const production = await screen.findByTestId('baton-env-production');
    assert.match(production.textContent ?? '', /ledger-api 2\.3\.0/);
  });

  test('while loading, a progress bar; on failure, the error', async () => {
    const never: BatonApi = { ...engineApi(), getStatus: () => new Promise(() => {}) };
    await renderCard(never);
    assert.ok(await screen.findByRole('progressbar'));
    cleanup();
    const failing: BatonApi = {
      ...engineApi(),
      getStatus: async () => {
        throw new Error('Cannot read the GitOps repository https://github.com/acme/gitops: timeout');
      },
    };
    await renderCard(failing);
    const shown = await screen.findAllByText(/Cannot read the GitOps repository https:\/\/github\.com\/acme\/gitops: timeout/);
    assert.ok(shown.length > 0);
    assert.ok(screen.getByRole('button', { name: 'Retry' }));
  });
});
