/**
 * A page that shows the EntityBatonCard as a Backstage app does, for the browser test that
 * takes the README's screenshot (tests/browser/backstage-card.test.mjs). The test computes the
 * engine's answers for the example repository in Node and puts them in `window.BATON_DATA`;
 * this page serves them through a BatonApi, wrapped in @backstage/test-utils' app.
 */
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrationsApi, scmIntegrationsApiRef } from '@backstage/integration-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, wrapInTestApp } from '@backstage/test-utils';
import Box from '@material-ui/core/Box';
import { createRoot } from 'react-dom/client';

import { type BatonApi, type PromotionPlan, type RepositoryInfo, type StatusResult, batonApiRef } from '../src/api';
import { EntityBatonCard } from '../src/components/EntityBatonCard';

declare global {
  interface Window {
    BATON_DATA: { status: StatusResult; repository: RepositoryInfo; plans: Record<string, PromotionPlan> };
  }
}

const data = window.BATON_DATA;
const api: BatonApi = {
  getRepository: async () => data.repository,
  getStatus: async () => data.status,
  getPlan: async ({ app, to }) => {
    const plan = data.plans[`${app}:${to}`];
    if (!plan) throw new Error(`no plan for ${app} to ${to}`);
    return plan;
  },
  getRender: async () => {
    throw new Error('not used by the card');
  },
  validate: async () => ({ diagnostics: data.status.diagnostics }),
};

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payment-service', annotations: { 'baton.dev/app': 'payment-service' } },
  spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
};

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(
  wrapInTestApp(
    <TestApiProvider
      apis={[
        [batonApiRef, api],
        [scmIntegrationsApiRef, ScmIntegrationsApi.fromConfig(new ConfigReader({}))],
      ]}
    >
      <EntityProvider entity={entity}>
        <Box p={3} maxWidth={720} data-testid="card">
          <EntityBatonCard />
        </Box>
      </EntityProvider>
    </TestApiProvider>,
  ),
);
