import { createRouteRef } from '@backstage/core-plugin-api';

/** The `BatonPage`. */
export const rootRouteRef = createRouteRef({ id: 'baton' });
