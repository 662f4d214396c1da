/**
 * The plugin for Backstage apps on the legacy frontend system (`createPlugin`): the API, the
 * `BatonPage` route and the `EntityBatonCard`. The new frontend system's plugin is the
 * package's `/alpha` entry, since the catalog's entity card blueprint is still alpha.
 */
import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';

import { batonApiRef } from './api';
import { BatonClient } from './BatonClient';
import { rootRouteRef } from './routes';

export const batonPlugin = createPlugin({
  id: 'baton',
  apis: [
    createApiFactory({
      api: batonApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new BatonClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** The apps × environments matrix and the repository's validation problems. */
export const BatonPage = batonPlugin.provide(
  createRoutableExtension({
    name: 'BatonPage',
    component: () => import('./components/BatonPage').then((m) => m.BatonPage),
    mountPoint: rootRouteRef,
  }),
);

/** The promotion card of an entity annotated `baton.dev/app`. */
export const EntityBatonCard = batonPlugin.provide(
  createComponentExtension({
    name: 'EntityBatonCard',
    component: {
      lazy: () => import('./components/EntityBatonCard').then((m) => m.EntityBatonCard),
    },
  }),
);
