/**
 * `@baton/backstage-plugin`: Baton's promotion card, "Preview promotion" dialog and apps ×
 * environments page for Backstage, over `@baton/backstage-plugin-backend`.
 *
 * @packageDocumentation
 */
export { batonPlugin, BatonPage, EntityBatonCard } from './plugin';
export { BATON_APP_ANNOTATION, isBatonAvailable } from './annotation';
export { batonApiRef } from './api';
export type { BatonApi, PendingChangeView, Relation, RepositoryInfo } from './api';
export { BatonClient } from './BatonClient';
export { rootRouteRef } from './routes';
export type { EntityBatonCardProps } from './components/EntityBatonCard';
