// Messages between the page and the engine worker: `{id, op, args}` in, `{id, result}` or
// `{id, error}` out. Each op is a method of the engine's `Workspace` (plus `init`).
import type {
  Files,
  PromotionPlan,
  PromotionRequest,
  RenderResult,
  Stats,
  StatusResult,
  ValidateResult,
} from '@baton/engine/web';

export interface Ops {
  /** Loads the engine and makes a workspace; returns the engine version. */
  init: { args: [files: Files]; result: { version: string } };
  setFile: { args: [path: string, text: string]; result: void };
  removeFile: { args: [path: string]; result: boolean };
  files: { args: []; result: Files };
  validate: { args: []; result: ValidateResult };
  render: { args: [dir: string]; result: RenderResult };
  kustomizationDirs: { args: []; result: string[] };
  /** The apps × environments matrix and the pending promotions. */
  status: { args: []; result: StatusResult };
  planPromotion: { args: [request: PromotionRequest]; result: PromotionPlan };
  stats: { args: []; result: Stats };
}

export type Op = keyof Ops;

export interface Request<K extends Op = Op> {
  id: number;
  op: K;
  args: Ops[K]['args'];
}

export type Response =
  | { id: number; result: unknown; ms: number }
  | { id: number; error: string; fatal: boolean };
