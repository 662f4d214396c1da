// Messages between the page and the engine worker: `{id, op, args}` in, `{id, result}` or
// `{id, error}` out. Each op is a method of the engine's `Workspace` (plus `init`, and the
// two faults the watchdog's test needs).
import type {
  CleanupPlan,
  CleanupRequest,
  DeploymentRenderResult,
  DeploymentRequest,
  DeploymentsResult,
  EnvDiffRequest,
  EnvironmentDiff,
  ExpandAppSetsInput,
  ExpandAppSetsResult,
  Files,
  ImageUpdateInput,
  ImageUpdateResult,
  PreviewPlan,
  PreviewRequest,
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
  diffEnvironments: { args: [request: EnvDiffRequest]; result: EnvironmentDiff };
  imageUpdate: { args: [input: ImageUpdateInput]; result: ImageUpdateResult };
  planPreview: { args: [request: PreviewRequest]; result: PreviewPlan };
  planPreviewCleanup: { args: [request: CleanupRequest]; result: CleanupPlan };
  /** The Applications each ApplicationSet generates, with the host's clusters and pull requests. */
  expandAppSets: { args: [input: ExpandAppSetsInput]; result: ExpandAppSetsResult };
  /** The Flux Kustomizations and Argo CD Applications, and the clusters they go to. */
  deployments: { args: []; result: DeploymentsResult };
  /** What one deployment applies: its render with the controller's overrides and substitutions. */
  renderDeployment: { args: [request: DeploymentRequest]; result: DeploymentRenderResult };
  stats: { args: []; result: Stats };
  /** Blocks the worker for `ms` (at most a minute): a hung engine, for the watchdog's test. */
  hang: { args: [ms: number]; result: void };
  /** Throws outside any handler, killing the worker's event: a crash, for the watchdog's test. */
  crash: { args: []; result: void };
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
