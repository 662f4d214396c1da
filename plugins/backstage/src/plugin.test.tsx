// The plugin as apps install it: the legacy `createPlugin` exports, and the new frontend
// system's plugin (`/alpha`) whose entity card is rendered through @backstage/frontend-test-utils.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { ScmIntegrationsApi, scmIntegrationsApiRef } from '@backstage/integration-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { cleanup, screen } from '@testing-library/react';

import alphaPlugin from './alpha';
import { BatonPage, EntityBatonCard, batonPlugin, isBatonAvailable } from './index';
import { batonApiRef } from './api';
import { engineApi } from './testing/example';

afterEach(cleanup);

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payment-service', annotations: { 'baton.dev/app': 'payment-service' } },
};
const plain: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'web' } };

test('the legacy plugin: id baton, a routable page and a card extension', () => {
  assert.equal(batonPlugin.getId(), 'baton');
  assert.equal(typeof BatonPage, 'function');
  assert.equal(typeof EntityBatonCard, 'function');
  assert.equal(isBatonAvailable(annotated), true);
  assert.equal(isBatonAvailable(plain), false);
});

test('the new frontend system plugin: api, page and an entity card filtered by the annotation', async () => {
  assert.equal(alphaPlugin.pluginId, 'baton');
  const card = alphaPlugin.getExtension('entity-card:baton/promotions');
  assert.ok(alphaPlugin.getExtension('page:baton'));
  assert.ok(alphaPlugin.getExtension('api:baton'));

  const tester = createExtensionTester(card);
  const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
  assert.ok(filter);
  assert.equal(filter(annotated), true);
  assert.equal(filter(plain), false);

  renderInTestApp(<EntityProvider entity={annotated}>{tester.reactElement()}</EntityProvider>, {
    apis: [
      [batonApiRef, engineApi()],
      [scmIntegrationsApiRef, ScmIntegrationsApi.fromConfig(new ConfigReader({}))],
    ],
  });
  assert.ok(await screen.findByTestId('baton-env-production'));
  assert.ok(screen.getByText('abc1234'));
});
