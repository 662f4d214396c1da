/**
 * The frontend's view of the backend plugin: the engine's JSON, typed by `@baton/engine`'s
 * declarations (imported as types only: the engine never runs in the browser here), and the
 * `BatonApi` that fetches it.
 */
import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Diagnostic,
  PendingChange,
  PromotionPlan,
  Relation,
  RenderResult,
  StatusResult,
  ValidateResult,
} from '@baton/engine';

export type { Diagnostic, PromotionPlan, Relation, RenderResult, StatusResult, ValidateResult };

/** A pending change as the card reads it: the engine's, with its direction (`relation`). */
export type PendingChangeView = PendingChange;

/** What `GET /repository` answers. */
export interface RepositoryInfo {
  /** `baton.repository` as configured. */
  repository: string;
  branch: string | null;
  /** The URL the backend reads: files link relative to it. */
  treeUrl: string;
  /** The ETag of the tree the backend's workspace holds. */
  etag: string;
}

/** The backend plugin's routes. `app` is an app's name or path. */
export interface BatonApi {
  getRepository(): Promise<RepositoryInfo>;
  getStatus(): Promise<StatusResult>;
  getPlan(request: { app: string; to: string; from?: string }): Promise<PromotionPlan>;
  getRender(request: { app: string; environment: string }): Promise<RenderResult>;
  validate(): Promise<ValidateResult>;
}

export const batonApiRef = createApiRef<BatonApi>({ id: 'plugin.baton.service' });
