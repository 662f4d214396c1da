// The BatonPage: the apps × environments matrix and the validation problems of the example
// repository (web-demo/example), rendered by @backstage/test-utils in jsdom.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';

import { ConfigReader } from '@backstage/config';
import { ScmIntegrationsApi, scmIntegrationsApiRef } from '@backstage/integration-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { Workspace } from '@baton/engine';
import { cleanup, screen, within } from '@testing-library/react';

import { type BatonApi, batonApiRef } from '../api';
import { engineApi, readExample } from '../testing/example';
import { BatonPage } from './BatonPage';

afterEach(cleanup);

/** Text as seen: without the screen-reader note Backstage's Link adds to external links. */
function visibleText(element: HTMLElement): string {
  return (element.textContent ?? '').replaceAll(', Opens in a new window', '');
}

async function renderPage(api: BatonApi) {
  const scm = ScmIntegrationsApi.fromConfig(new ConfigReader({}));
  return renderInTestApp(
    <TestApiProvider apis={[[batonApiRef, api], [scmIntegrationsApiRef, scm]]}>
      <BatonPage />
    </TestApiProvider>,
  );
}

describe('BatonPage', () => {
  test('the matrix: one row per app, one column per environment, pending promotions marked', async () => {
    await renderPage(engineApi());
    const matrix = await screen.findByTestId('baton-matrix');
    const rows = within(matrix).getAllByRole('row');
    const text = (cells: HTMLElement[]) => cells.map(visibleText);
    assert.deepEqual(text(within(rows[0]!).getAllByRole('columnheader')), ['App', 'dev', 'staging', 'production']);
    assert.deepEqual(
      rows.slice(1).map((r) => text(within(r).getAllByRole('cell'))),
      [
        ['checkout', '1.8.2', '1.8.2', '1.8.2'],
        ['ledger-api', '2.4.0', '2.4.0-rc.1⇐ dev', '2.3.0⇐ staging'],
        ['payment-service', '2.0.0', 'abc1234⇐ dev', '9f8e7d6⇐ staging'],
      ],
    );
    const cell = screen.getByTestId('baton-cell-ledger-api-staging');
    assert.equal(
      within(cell).getByText('2.4.0-rc.1').closest('a')?.getAttribute('href'),
      'https://github.com/acme/gitops/tree/main/apps/ledger-api/staging/kustomization.yaml#L8',
    );
    assert.ok(screen.getByText('https://github.com/acme/gitops @ main'));
  });

  test('a clean repository says so', async () => {
    assert.equal(new Workspace(readExample()).validate().diagnostics.length, 0);
    await renderPage(engineApi());
    await screen.findByText(/No problems: every YAML file parses and every kustomization renders\./);
  });

  test('the validation problems, with code, place and message', async () => {
    const files = readExample();
    files['apps/payment-service/staging/kustomization.yaml'] += '  - missing.yaml\n';
    files['apps/ledger-api/base/service.yaml'] = 'apiVersion: v1\nkind: [Service\n';
    const expected = new Workspace(files).validate().diagnostics;
    assert.ok(expected.length >= 2);
    await renderPage(engineApi(files));
    const table = await screen.findByTestId('baton-problems');
    const rows = within(table).getAllByRole('row').slice(1);
    assert.equal(rows.length, expected.length);
    expected.forEach((d, i) => {
      const cells = within(rows[i]!).getAllByRole('cell').map(visibleText);
      assert.equal(cells[0], d.severity);
      assert.equal(cells[1], d.code);
      assert.equal(cells[2], d.file && d.range ? `${d.file}:${d.range.start.line + 1}` : (d.file ?? '—'));
      assert.ok(cells[3]?.startsWith(d.message), `${cells[3]} starts with ${d.message}`);
    });
    assert.ok(screen.getByText(`Validation: ${expected.length} problems`));
    // The overlay that no longer renders is marked in the matrix.
    const cell = screen.getByTestId('baton-cell-payment-service-staging');
    assert.match(cell.textContent ?? '', /does not render/);
  });

  test('a failing backend shows its error', async () => {
    const api: BatonApi = {
      ...engineApi(),
      getStatus: async () => {
        throw new Error('Cannot read the GitOps repository https://github.com/acme/gitops: 401');
      },
    };
    await renderPage(api);
    assert.ok((await screen.findAllByText(/Cannot read the GitOps repository .*: 401/)).length > 0);
  });
});
