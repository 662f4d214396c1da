import type { Entity } from '@backstage/catalog-model';

/** The catalog annotation naming an entity's app in the GitOps repository (name or path). */
export const BATON_APP_ANNOTATION = 'baton.dev/app';

/** Whether an entity names a Baton app, for `EntitySwitch` and card filters. */
export function isBatonAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[BATON_APP_ANNOTATION]);
}
