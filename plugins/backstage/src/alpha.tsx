/**
 * The plugin for Backstage's new frontend system: the API, the page at `/baton` and an entity
 * card shown for entities annotated `baton.dev/app`.
 *
 * @packageDocumentation
 */
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { ApiBlueprint, PageBlueprint, createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';

import { isBatonAvailable } from './annotation';
import { batonApiRef } from './api';
import { BatonClient } from './BatonClient';
import { rootRouteRef } from './routes';

const api = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: batonApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new BatonClient({ discoveryApi, fetchApi }),
    }),
});

const page = PageBlueprint.make({
  params: {
    path: '/baton',
    title: 'Baton',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () => import('./components/BatonPage').then((m) => <m.BatonPage />),
  },
});

const entityCard = EntityCardBlueprint.make({
  name: 'promotions',
  params: {
    filter: isBatonAvailable,
    loader: () => import('./components/EntityBatonCard').then((m) => <m.EntityBatonCard />),
  },
});

export default createFrontendPlugin({
  pluginId: 'baton',
  title: 'Baton',
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
  extensions: [api, page, entityCard],
});
