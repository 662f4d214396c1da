/**
 * `@baton/backstage-plugin-backend`: Baton's promotion status, plans, renders and validation of
 * a GitOps repository for Backstage, computed by the `@baton/engine` wasm engine.
 *
 * @packageDocumentation
 */
export { batonPlugin as default } from './plugin';
export type { RepositoryLocation } from './location';
export type { RepositoryInfo } from './router';
