//! WebAssembly bindings of Baton's engine: the `Workspace` class and `version()`.
//!
//! This crate only converts, in the manner of ruff's `ruff_wasm` and biome's `biome_wasm`:
//! each method checks and converts its JavaScript arguments, calls [`baton_core`], and turns
//! the result into plain JavaScript data through one serializer ([`to_js`]). There is no
//! engine logic here, so the browser, Node and the native CLI give the same answers.
//!
//! Two kinds of failure are kept apart on purpose. Misuse by the host (a file text that is
//! not a string, a path that leaves the repository root) throws a JavaScript `Error` with a
//! message naming the argument. Problems in the user's files are never thrown: they come back
//! as diagnostics in the result, so an editor can show them and keep going.
//!
//! Arguments are taken as `JsValue` and checked by hand rather than typed as `&str`, because
//! wasm-bindgen's release glue coerces a number to the string `"42"` instead of refusing it.
//! The TypeScript declarations of the results are written below; `tests/js/types.test.mjs`
//! checks them against what [`to_js`] really produces.

#[cfg(target_arch = "wasm32")]
mod heap;

/// The standard allocator, with memory grown ahead (see [`heap`]).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: heap::GrowAhead = heap::GrowAhead;

use baton_core::tree::{self, FileTree, PathError};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT: &str = r#"
/** How bad a finding is. */
export type Severity = "error" | "warning" | "info" | "hint";

/** A half-open byte range `[start, end)` in a file's UTF-8 text. */
export interface Span {
  start: number;
  end: number;
}

/** An LSP position: 0-based line, and 0-based character counted in UTF-16 code units. */
export interface Position {
  line: number;
  character: number;
}

/** An LSP range. */
export interface Range {
  start: Position;
  end: Position;
}

/** Another place that explains a diagnostic. */
export interface Related {
  file: string;
  span: Span | null;
  range: Range | null;
  message: string;
}

/** One finding about the user's files. */
export interface Diagnostic {
  /** Stable code, e.g. `K012`. */
  code: string;
  severity: Severity;
  message: string;
  /** Repository-relative path of the file the finding is about. */
  file: string | null;
  /** Byte span in `file`. */
  span: Span | null;
  /** LSP range of `span` (UTF-16 characters), ready for an editor. */
  range: Range | null;
  help: string | null;
  related: Related[];
}

/** The result of `Workspace.validate`. */
export interface ValidateResult {
  diagnostics: Diagnostic[];
}

/** Where a container's image value was set. */
export interface ImageSource {
  file: string;
  span: Span;
}

/** One container image in a rendered resource. */
export interface RenderedImage {
  /** `containers` or `initContainers`. */
  list: string;
  container: string;
  image: string;
  source: ImageSource | null;
}

/** One rendered resource and where it came from. */
export interface RenderedResource {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | null;
  /** The file the resource was read from, or the kustomization that generated it. */
  file: string;
  /** The name before prefixes, suffixes and hashes. */
  originalName: string;
  images: RenderedImage[];
  /** This resource's YAML as printed. */
  yaml: string;
}

/** The result of `Workspace.render`. */
export interface RenderResult {
  /** Whether the render succeeded (no error diagnostics). */
  ok: boolean;
  /** The full output, as `kustomize build` prints it; empty when the render failed. */
  yaml: string;
  resources: RenderedResource[];
  diagnostics: Diagnostic[];
}

/** Work counters of a workspace. */
export interface Stats {
  /** YAML parses run since the workspace was made. */
  parses: number;
  /** Overlay renders run (not served from cache). */
  renders: number;
  /** Steps of work spent: a deterministic measure of cost (glob matching, comparisons, bytes rendered). */
  steps: number;
}

/** A repository: repository-relative paths mapped to file texts (or bytes, for binary files). */
export type Files = Record<string, string | Uint8Array>;

/** A file and 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** One container's image in one environment. */
export interface ImageStatus {
  /** `Kind/name`, the name as written before prefixes and suffixes. */
  workload: string;
  container: string;
  /** The full image reference as rendered. */
  image: string;
  /** Registry and repository, without tag or digest. */
  name: string;
  tag: string | null;
  digest: string | null;
  /** Where the value is set. */
  source: SourceRef | null;
}

/** One of the four deployment strategies of the seed's table. */
export type DeploymentStrategy = "Recreate" | "RollingUpdate" | "BlueGreen" | "Canary";

/** A workload's strategy in one environment, with how it replaces pods, its risk and rollback. */
export interface WorkloadStrategy {
  /** `Kind/name`, the name as written before prefixes and suffixes. */
  workload: string;
  strategy: DeploymentStrategy;
  /** e.g. "Route % of traffic to new version". */
  how: string;
  /** "Downtime", "Low" or "Very Low". */
  risk: string;
  /** e.g. "Reduce canary to 0%". */
  rollback: string;
}

/** How a workload that a promotion changes rolls out in the target environment. */
export interface WorkloadRollout {
  /** The changed workload, `Kind/name` as the plan's changes name it. */
  workload: string;
  /** What rolls it out: the workload itself, or the Rollout whose `workloadRef` names it. */
  rolledOutBy: string;
  strategy: DeploymentStrategy;
  how: string;
  risk: string;
  rollback: string;
  /** The update state by state; null for a StatefulSet or DaemonSet (not simulated). */
  simulation: RolloutSimulation | null;
  /** The update in one line, e.g. "10% (1 new pod, 5 old) → pause 300s → …; full promotion after at least 900s, no manual promotion". */
  summary: string;
}

/** One app in one environment. */
export interface EnvironmentStatus {
  name: string;
  /** The overlay directory. */
  path: string;
  /** Whether the overlay renders without errors. */
  ok: boolean;
  images: ImageStatus[];
  /** Each workload's deployment strategy (Deployments, StatefulSets, DaemonSets, Rollouts). */
  workloads: WorkloadStrategy[];
  /** The Flux Kustomizations and Argo CD Applications (written, or generated by an ApplicationSet expanded without host inputs) that apply this overlay, each once. */
  deployments: DeploymentRef[];
  /** How Flux image automation updates this environment, or `null` when it does not (promoted by pull request). */
  flux: FluxAutomation | null;
}

/** A value marked `# {"$imagepolicy": ...}` that Flux would update. */
export interface MarkerRef {
  file: string;
  /** 1-based line of the marked value. */
  line: number;
  /** The setter as written, e.g. `flux-system:app` or `flux-system:app:tag`. */
  setter: string;
}

/** An ImagePolicy that automates an environment. */
export interface AutomatedPolicy {
  namespace: string;
  name: string;
  kind: PolicyKind;
  /** The rule in words: `semver >=2.0.0 <3.0.0`, `alphabetical asc`, `numerical desc`. */
  rule: string;
  /** The ImageRepository's `spec.image`. */
  image: string | null;
  /** Its pick from the tags given to `status` (`null` without tags, or when it elects nothing). */
  latest: string | null;
  /** The marked values the environment's render reads. */
  markers: MarkerRef[];
}

/** How Flux image automation updates one environment. */
export interface FluxAutomation {
  /** `namespace/name` of the ImageUpdateAutomations that update its files. */
  automations: string[];
  policies: AutomatedPolicy[];
}

/**
 * How an environment's version relates to its upstream's: `behind` (a promotion is pending),
 * `ahead` (it runs something newer: a hotfix, or a rollback to undo; promoting downgrades it),
 * `diverged` (no order: tags that are not semantic versions, digests, equal precedence).
 */
export type Relation = "behind" | "ahead" | "diverged";

/** How two versions were compared: `semver` precedence (both tags parse), or `none`. */
export type Comparison = "semver" | "none";

/** A container whose tag or digest differs from its upstream environment's. */
export interface PendingChange {
  workload: string;
  container: string;
  name: string;
  /** Current tag (or digest) in the target. */
  from: string | null;
  /** The upstream's tag (or digest). */
  to: string | null;
  relation: Relation;
  comparison: Comparison;
  /** Why, in words (e.g. "semver: v0.26.1 is newer than v0.26.0"). */
  note: string;
}

/** A pending promotion. */
export interface Pending {
  from: string;
  to: string;
  changes: PendingChange[];
}

/** A preview environment found in the repository. */
export interface PreviewStatus {
  /** The pull request's number. */
  number: number;
  /** Its overlay directory. */
  path: string;
  /** Whether it renders without errors. */
  ok: boolean;
  namespace: string | null;
  /** The app's image as the preview runs it (`name:tag`). */
  image: string | null;
  tag: string | null;
  /** `https://` and the host its Ingress serves, else the configured host. */
  url: string | null;
}

export interface AppStatus {
  name: string;
  path: string;
  environments: EnvironmentStatus[];
  pending: Pending[];
  /** The app's preview environments, by pull request number. */
  previews: PreviewStatus[];
}

/** The result of `Workspace.status`: an apps × environments matrix. */
export interface StatusResult {
  /** Environment names in promotion order. */
  environments: string[];
  apps: AppStatus[];
  /** The clusters the repository's deployments go to, each with its deployments in apply order. */
  clusters: Cluster[];
  diagnostics: Diagnostic[];
}

/** Which controller applies a deployment: a Flux Kustomization or an Argo CD Application. */
export type Controller = "flux" | "argo";

/** A deployment as `status` lists it under an environment. */
export interface DeploymentRef {
  /** `flux:namespace/name@cluster`, `flux:namespace/name` or `argo:namespace/name`. */
  id: string;
  controller: Controller;
  cluster: string | null;
  /** Where its objects go: Argo CD server or cluster name and namespace, Flux `targetNamespace` and remote kubeconfig. */
  destination: Destination;
  /** The ApplicationSet that generates it (an Argo CD Application), else null. */
  appSet: string | null;
  /** The file that defines it (the ApplicationSet's, for a generated Application). */
  file: string;
  /** The namespaces its namespaced objects land in. */
  namespaces: string[];
  /** Whether its render (with the controller's overrides) succeeds. */
  ok: boolean;
}

/** A cluster and its deployments: the Kustomization that applies each one, and its Flux `dependsOn`, first. */
export interface Cluster {
  name: string;
  /** Deployment ids in the order the cluster applies them. */
  deployments: string[];
}

/** Where a deployment's objects go. */
export interface Destination {
  /** Argo CD `destination.server`. */
  server: string | null;
  /** Argo CD `destination.name`. */
  name: string | null;
  /** Flux `targetNamespace`, Argo CD `destination.namespace`. */
  namespace: string | null;
  /** Flux `kubeConfig.secretRef`: `namespace/name` of a remote cluster's kubeconfig Secret. */
  kubeConfig: string | null;
}

/** One source of a deployment. */
export interface DeploymentSource {
  /** The path in the source (`""` is its root). */
  path: string | null;
  repoUrl: string | null;
  revision: string | null;
  /** `Kind/namespace/name` of a Flux source, the URL of an Argo CD one. */
  reference: string;
  /** Its files are this repository's (rendered); otherwise listed, not fetched. */
  local: boolean;
  /** Why it is not rendered, or what was assumed. */
  note: string | null;
}

/** A Flux Kustomization or an Argo CD Application. */
export interface Deployment {
  id: string;
  controller: Controller;
  namespace: string;
  name: string;
  /** The file that defines it, and the span of its name. */
  file: string;
  span: Span;
  /** The `clusters/<name>/` directory that applies it, an Argo CD destination, or a Flux remote kubeconfig. */
  cluster: string | null;
  destination: Destination;
  sources: DeploymentSource[];
  /** Flux `dependsOn`, as ids. */
  dependsOn: string[];
  suspended: boolean;
  /** The override fields it sets (`targetNamespace`, `images`, `postBuild.substitute`, …). */
  overrides: string[];
  /** The ApplicationSet that generates it (then `file` is the ApplicationSet's and `span` its template's name), else null. */
  appSet: string | null;
}

/** The result of `Workspace.deployments`. */
export interface DeploymentsResult {
  deployments: Deployment[];
  clusters: Cluster[];
  diagnostics: Diagnostic[];
}

/** Which deployment `Workspace.renderDeployment` renders. */
export interface DeploymentRequest {
  /** `flux` (or `Kustomization`) for a Flux Kustomization, `argo` (or `Application`) for an Argo CD Application. */
  kind: "flux" | "argo" | "Kustomization" | "Application";
  namespace: string;
  name: string;
  /** Needed when several clusters define a Flux Kustomization of this name. */
  cluster?: string | null;
}

/** A Flux post-build variable and where its value came from. */
export interface Variable {
  name: string;
  value: string;
  /** `substitute`, `ConfigMap/<name>` or `Secret/<name>`. */
  from: string;
}

/** The result of `Workspace.renderDeployment`: what the cluster applies. */
export interface DeploymentRenderResult {
  deployment: Deployment | null;
  /** Whether the render succeeded (and some source of it was rendered). */
  ok: boolean;
  /** Every resource as kustomize prints them, overrides and substitutions applied. */
  yaml: string;
  resources: RenderedResource[];
  namespaces: string[];
  /** Flux post-build variables in load order (later ones win). */
  variables: Variable[];
  diagnostics: Diagnostic[];
}

/** What `Workspace.simulateRollout` simulates. */
export interface SimulateRequest {
  /** The overlay directory, e.g. `apps/payment-service/production`. */
  overlay: string;
  /** Only this Rollout or Deployment: its rendered name, or the name before prefixes and suffixes. */
  name?: string | null;
}

/** The update strategy a simulation follows. */
export type RolloutStrategy = "canary" | "blueGreen" | "rollingUpdate" | "recreate";

/** One settled state of an update. */
export interface SimulationState {
  /** The canary step the rollout sits on; null after the steps, without steps, for blue-green and Deployments. */
  step: number | null;
  /** Traffic on the new version, out of `maxWeight` (the last setWeight; blue-green 0 then 100; a Deployment's share of new pods in whole percent). */
  canaryWeight: number;
  /** `spec.replicas` of the old ReplicaSet. */
  stableReplicas: number;
  /** `spec.replicas` of the new ReplicaSet. */
  canaryReplicas: number;
  /** `"<seconds>s"`, `"indefinite"` (a person promotes), or null. */
  pause: string | null;
  /** Analysis templates run here, joined with `,`. */
  analysis: string | null;
  /** `"<seconds>s"` where the old ReplicaSet waits before scaling down. */
  scaleDownDelay: string | null;
  /**
   * When the update reaches this state at the earliest, in seconds from its start: the holds of
   * the states before it added up (a person's promotion counts as instant). With `holdSeconds`
   * this is a timeline chart's x axis; `canaryWeight / maxWeight` and the replica counts are
   * its y values (the old version carries `maxWeight - canaryWeight`).
   */
  startSeconds: number;
  /**
   * How long the state lasts at least, in seconds: a timed pause, an experiment's duration,
   * blue-green `autoPromotionSeconds`, the scale-down delay; 0 when it moves on once settled
   * (analyses count as instant); null while it waits for a person to promote.
   */
  holdSeconds: number | null;
}

/** How one Rollout or Deployment unfolds, from the update to full promotion. */
export interface RolloutSimulation {
  /** `Rollout` or `Deployment`. */
  kind: string;
  /** The name as rendered. */
  name: string;
  strategy: RolloutStrategy;
  replicas: number;
  trafficRouting: boolean;
  /** The weight that means all traffic: 100, or the canary's `maxTrafficWeight`. */
  maxWeight: number;
  /** Empty when the spec is invalid (see `diagnostics`). */
  states: SimulationState[];
  /**
   * `"<seconds>s"`: the least time to full promotion (timed pauses, experiment durations,
   * blue-green auto-promotion delays); the last state's `startSeconds` adds the scale-down delay.
   */
  minDuration: string;
  /** Indefinite pauses and blue-green rollouts without auto-promotion. */
  manualPromotions: number;
  /** Validation findings for this workload, and why a simulation is missing or cut short. */
  diagnostics: Diagnostic[];
}

/** The result of `Workspace.simulateRollout`. */
export interface SimulationResult {
  rollouts: RolloutSimulation[];
  /** The overlay does not render, or the name matches nothing. */
  diagnostics: Diagnostic[];
}

/** What the host knows about a promotion's review and timing (every field optional). */
export interface PromotionContext {
  author?: string | null;
  approvals?: string[];
  /** Check name → "success" | "failure" | "pending" (other CI states are understood). */
  checks?: Record<string, string>;
  /** RFC 3339 "now". */
  now?: string | null;
  /** Environment → RFC 3339 time its current artifact landed there. */
  since?: Record<string, string>;
  /** "@org/team" → members. */
  teams?: Record<string, string[]>;
}

/** What to plan. */
export interface PromotionRequest {
  /** The app's name, or its path (needed when several apps share the name). */
  app: string;
  to: string;
  /** Default: the target's upstream environment. */
  from?: string | null;
  context?: PromotionContext | null;
}

export type GateStatus = "pass" | "pending" | "fail";

/** One gate's verdict. */
export interface GateResult {
  name: string;
  status: GateStatus;
  message: string;
}

/** One container's promotion. */
export interface PlannedChange {
  workload: string;
  container: string;
  name: string;
  from: string | null;
  to: string | null;
  fromImage: string;
  toImage: string;
  /** The file the edit for this change goes to. */
  file: string | null;
  /** How the target's version relates to the source's (`ahead`: this change downgrades it). */
  relation: Relation;
  comparison: Comparison;
  note: string;
}

/** One file of a change set. */
export interface FileEdit {
  path: string;
  /** The file's text before; `null` when the change creates the file. */
  before: string | null;
  /** The file's text after; `null` when the change deletes the file. */
  after: string | null;
  /** Unified diff of `before` → `after` (`/dev/null` for the side that does not exist). */
  diff: string;
}

/** A rendered resource's identity (resources pair by group, kind, namespace and name). */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
}

/** One field of a rendered resource that changes. */
export interface FieldChange {
  /** kyaml field path, e.g. `spec.template.spec.containers.[name=web].image`. */
  path: string;
  /** The value before, in one line (`null`: absent); quoted scalars in double quotes. */
  before: string | null;
  after: string | null;
}

export type ResourceChangeKind = "added" | "removed" | "modified";

/** A rendered change the edits cause that the plan did not declare. */
export interface CollateralChange {
  /** The overlay directory whose render changes. */
  overlay: string;
  resource: ResourceRef;
  change: ResourceChangeKind;
  /** For a modified resource: the undeclared field changes. */
  fields: FieldChange[];
  /** One line saying what changes. */
  message: string;
}

export interface PullRequest {
  title: string;
  branch: string;
  /** Markdown. */
  body: string;
}

/** An Argo CD cluster (a cluster secret): what the clusters generator selects from. */
export interface ClusterSecret {
  name: string;
  server: string;
  project?: string | null;
  /** The secret's labels (`argocd.argoproj.io/secret-type: cluster` is implied). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** An open pull request, as the SCM provider lists it (for the pullRequest generator). */
export interface PullRequestInput {
  number: number;
  branch: string;
  targetBranch: string;
  headSha: string;
  labels?: string[];
  title?: string;
  author?: string;
}

/** What the host knows that the repository does not (every field optional). */
export interface ExpandAppSetsInput {
  /** Argo CD's clusters; without them the clusters generator sees only `in-cluster`. */
  clusters?: ClusterSecret[];
  /** Open pull requests; without them the pullRequest generator produces nothing. */
  pullRequests?: PullRequestInput[];
  /** This repository's URL as Argo CD reads it (default: `baton.yaml`'s `spec.repository.url`). */
  repoURL?: string | null;
}

/** How a generated Application's source fares: `renders` / `fails` (a kustomization), `missing` (no such path), `listed` (Helm chart or plain directory, not rendered), `external` (another repository or a Helm repository chart). */
export type SourceStatus = "renders" | "fails" | "missing" | "listed" | "external";

export interface SourceCheck {
  repoURL: string;
  /** The directory in this repository, normalized. */
  path: string | null;
  status: SourceStatus;
}

/**
 * A generated Application: Go's JSON of its `metadata` (name, namespace, labels, annotations,
 * finalizers) and `spec` (Argo CD's `ApplicationSpec`), empty fields left out, and how each of
 * its sources fares.
 */
export interface GeneratedApplication {
  metadata: unknown;
  spec: unknown;
  sources: SourceCheck[];
}

/** One ApplicationSet, expanded. */
export interface AppSetExpansion {
  file: string;
  name: string;
  namespace: string | null;
  /** The Applications the controller applies, in generation order; empty when it refuses the set. */
  applications: GeneratedApplication[];
  diagnostics: Diagnostic[];
}

/** The result of `Workspace.expandAppSets`. */
export interface ExpandAppSetsResult {
  appSets: AppSetExpansion[];
  diagnostics: Diagnostic[];
}

/** The result of `Workspace.planPromotion`. */
export interface PromotionPlan {
  /** The app's name, or its path when another app has the same name. */
  app: string;
  /** The app's directory; `null` when the request names no single app. */
  appPath: string | null;
  from: string | null;
  to: string;
  changes: PlannedChange[];
  edits: FileEdit[];
  /** Unified diff of the target's rendered manifests, resource by resource. */
  renderedDiff: string;
  /** Rendered changes beyond the planned images (each also an `R009` warning). */
  collateral: CollateralChange[];
  /** What else differs between `from` and `to` that the promotion does not carry: the
   * drift of `diffEnvironments`, each resource with only its unexpected differences. */
  drift: ResourceDiff[];
  /** How each changed workload rolls out in the target, after the edits. */
  rollouts: WorkloadRollout[];
  gates: GateResult[];
  /** Whether a change moves a container to an older version (semver); ask before writing. */
  downgrade: boolean;
  /** True only when every gate passes and nothing is in error. */
  allowed: boolean;
  message: string;
  pullRequest: PullRequest | null;
  diagnostics: Diagnostic[];
}

/** What `Workspace.diffEnvironments` compares: two environments of one app. */
export interface EnvDiffRequest {
  /** The app's name, or its path when several apps share the name. */
  app: string;
  from: string;
  to: string;
}

/** Where a difference between environments is. */
export type DiffCategory = "image" | "replicas" | "resources" | "config" | "labels" | "namespace" | "name" | "other";

/** Why a difference is by design: each environment's namespace, the same resource under a
 * prefix/suffix/hash, the same image repository at another version. */
export type ExpectedDifference = "namespace" | "nameAffix" | "promotedImage";

/** One field that differs between two environments. */
export interface Difference {
  /** kyaml field path, e.g. `spec.template.spec.containers.[name=web].resources.limits.cpu`. */
  path: string;
  /** The value in `from`, in one line (`null`: absent there); quoted scalars in double quotes. */
  from: string | null;
  to: string | null;
  category: DiffCategory;
  /** Why the difference is expected; `null`: drift. */
  expected: ExpectedDifference | null;
}

/** One resource that differs between two environments. */
export interface ResourceDiff {
  apiVersion: string;
  kind: string;
  /** The name as written, before prefixes, suffixes and hashes. */
  name: string;
  /** The resource as `from` renders it; `null` when only `to` has it. */
  from: ResourceRef | null;
  to: ResourceRef | null;
  /** Field differences (at most 50), expected ones included. */
  differences: Difference[];
  moreDifferences: number;
  /** Whether anything here is drift (an unexpected difference, or a one-sided resource). */
  drift: boolean;
  /** Unified diff of the two rendered resources. */
  diff: string;
}

/** Drift counted by category (expected differences are not counted). */
export interface DriftCounts {
  image: number;
  replicas: number;
  resources: number;
  config: number;
  labels: number;
  other: number;
  onlyInFrom: number;
  onlyInTo: number;
}

/** The result of `Workspace.diffEnvironments`. */
export interface EnvironmentDiff {
  app: string;
  appPath: string | null;
  from: string;
  to: string;
  /** The overlays compared (`null` when the request names no such environment). */
  fromPath: string | null;
  toPath: string | null;
  /** Resources that differ, in `from`'s order, then those only in `to`. */
  resources: ResourceDiff[];
  /** Resources that render the same in both, names and namespaces aside. */
  identical: number;
  /** Expected differences (namespace, names, promoted images). */
  expected: number;
  drift: DriftCounts;
  message: string;
  diagnostics: Diagnostic[];
}

/** What `Workspace.planPreview` plans: the preview of one pull request. */
export interface PreviewRequest {
  /** The app's name, or its path (needed when several apps share the name). */
  app: string;
  /** The pull request's number: a positive integer. */
  number: number;
  /** The commit the image was built from (hex); the default tag uses its first 5 digits. */
  sha?: string | null;
  /** The image tag (default: the `tag` template of baton.yaml, `pr-{number}-{sha:5}`). */
  tag?: string | null;
  /** The pull request's branch, for `{branch}` and `{branch_slug}`. */
  branch?: string | null;
  /** The image name the pull request built, when the app runs several. */
  image?: string | null;
}

/** What a preview plan does: a new overlay, a moved tag, or nothing. */
export type PreviewAction = "create" | "update" | "unchanged";

/** The result of `Workspace.planPreview`. Nothing in it is written until the host writes `edits`. */
export interface PreviewPlan {
  /** The app's name, or its path when another app has the same name. */
  app: string;
  appPath: string | null;
  number: number;
  /** `null` when the plan is refused (see `diagnostics`). */
  action: PreviewAction | null;
  /** The preview's overlay directory. */
  path: string | null;
  /** The directory it builds on (the app's base, or an environment's overlay). */
  from: string | null;
  namespace: string | null;
  host: string | null;
  /** `https://<host>`, when a host is configured. */
  url: string | null;
  /** The image the preview runs (`name:tag`). */
  image: string | null;
  tag: string | null;
  branchSlug: string | null;
  /** The change set: a created file (`before: null`) or the moved tag. */
  edits: FileEdit[];
  /** The preview's render after the edits, verified before the plan is offered. */
  render: RenderResult | null;
  /** The deployments that apply the preview's overlay (the Application a pull-request ApplicationSet generates for this pull request; Flux Kustomizations), rendered with their overrides. */
  deployments: DeploymentRef[];
  /** Unified diff of each deployment's render before and after the edits (all added for a new preview), else of the overlay's render. */
  renderedDiff: string;
  /** Rendered changes beyond the preview itself (each also an `R009` warning). */
  collateral: CollateralChange[];
  /** A pull request comment in markdown: URL, image, what is deployed. */
  comment: string;
  message: string;
  diagnostics: Diagnostic[];
}

/** What `Workspace.planPreviewCleanup` removes. */
export interface CleanupRequest {
  /** Only this app's previews (name or path); default: every app's. */
  app?: string | null;
  /** The open pull requests: every other preview is removed. */
  open?: number[] | null;
  /** Pull requests known to be closed: their previews are removed. */
  closed?: number[] | null;
  /** RFC 3339 "now", for `maxAge`. */
  now?: string | null;
  /** Preview directory (or a file in it) → RFC 3339 time it last changed, for `maxAge`. */
  lastChanged?: Record<string, string> | null;
}

/** What happens to a preview: kept, or removed because its PR is closed or it is stale. */
export type PreviewFateKind = "kept" | "closed" | "stale";

/** One preview found by a cleanup, and its fate. */
export interface PreviewFate {
  app: string;
  number: number;
  path: string;
  fate: PreviewFateKind;
  /** RFC 3339, from `lastChanged`. */
  lastChanged: string | null;
  /** How long it has been unchanged, e.g. `9d 2h`. */
  age: string | null;
  /** The app's `maxAge`, e.g. `7d`. */
  maxAge: string | null;
}

/** A directory under a preview root that is no pull request's preview (never removed). */
export interface UnknownEntry {
  app: string;
  path: string;
}

/** The result of `Workspace.planPreviewCleanup`. */
export interface CleanupPlan {
  previews: PreviewFate[];
  unknown: UnknownEntry[];
  /** Deletions (`after: null`) of every file of each removed preview. */
  edits: FileEdit[];
  collateral: CollateralChange[];
  /** A pull request comment in markdown listing what is removed and why. */
  comment: string;
  message: string;
  diagnostics: Diagnostic[];
}

/** What `Workspace.imageUpdate` runs on: the tags CI knows (the registry is not contacted). */
export interface ImageUpdateInput {
  /**
   * Tags per image: keyed by an ImageRepository's `spec.image` as written, or by its `NAMESPACE/NAME`.
   * Each value is an array of tags or one string with a tag per line (empty lines skipped): the
   * string crosses into WebAssembly at once, an array as one `join` after a type check of each
   * item (100,000 tags in Node: ~7 ms for the string, ~15 ms for the array).
   */
  images?: Record<string, string[] | string>;
  /** `"image:tag"` → `"sha256:…"`, for policies that reflect digests. */
  digests?: Record<string, string>;
  /** `"NAMESPACE:NAME"` of an ImagePolicy → `"image:tag[@digest]"`: pins its result instead of electing one. */
  latest?: Record<string, string>;
}

/** How an ImagePolicy elects: `none` when it sets no policy kind. */
export type PolicyKind = "semver" | "alphabetical" | "numerical" | "none";

/** One ImagePolicy's result, as Flux's `status.latestRef` would say. */
export interface PolicyResult {
  namespace: string;
  name: string;
  /** The ImageRepository's `spec.image`, when the repository is found. */
  image: string | null;
  kind: PolicyKind;
  /** `image:tag[@digest]`, or `null` when the policy elects nothing (a diagnostic says why). */
  latest: string | null;
  tag: string | null;
  digest: string | null;
  /** The result came from `latest` in the input, not from an election. */
  pinned: boolean;
  /** How many tags the policy could elect. */
  candidates: number;
  /** The best candidates (at most ten), best first. */
  top: string[];
  diagnostics: Diagnostic[];
}

/** The object a change is in (Flux's `ObjectIdentifier`): empty strings where absent. */
export interface ObjectId {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

/** One marked value an automation changes. */
export interface ImageChange {
  /** `namespace/name` of the ImageUpdateAutomation. */
  automation: string;
  /** The file relative to the automation's `update.path` (Flux's result key). */
  file: string;
  /** The file's repository path. */
  path: string;
  object: ObjectId;
  old: string;
  new: string;
  /** The setter of the marker, e.g. `flux-system:app` or `flux-system:app:tag`. */
  setter: string;
  /** The changed scalar in the original file. */
  span: Span;
}

/** One entry of `messageTemplateValues`. */
export interface TemplateValue {
  key: string;
  value: string;
}

/** What one ImageUpdateAutomation would do. */
export interface AutomationResult {
  namespace: string;
  name: string;
  apiVersion: string;
  /** The directory it updates (`update.path`, resolved; `""` is the root). */
  path: string;
  /** The policies whose setters it applies (`namespace:name`). */
  policies: string[];
  changes: ImageChange[];
  /** Repository paths it would write. */
  files: string[];
  authorName: string;
  authorEmail: string;
  messageTemplate: string | null;
  messageTemplateValues: TemplateValue[];
  /** Why the automation cannot run; then it changes nothing. */
  error: string | null;
  /** The commit it would make: `null` when it changes nothing or its template fails (a diagnostic says why). */
  commit: Commit | null;
}

/** `spec.git.commit.author`. */
export interface CommitAuthor {
  name: string;
  email: string;
}

/** A commit Flux would make: the message rendered from `messageTemplate` as Flux renders it. */
export interface Commit {
  message: string;
  author: CommitAuthor;
}

/** The result of `Workspace.imageUpdate`: like a promotion plan, a change set verified by rendering. */
export interface ImageUpdateResult {
  policies: PolicyResult[];
  automations: AutomationResult[];
  /** Net edit of every file some automation changes. */
  edits: FileEdit[];
  /** Every automation's changes, in order. */
  changes: ImageChange[];
  /** The overlays whose render reads an edited file (rendered before and after). */
  overlays: string[];
  /** Unified diff of those overlays' rendered manifests, resource by resource. */
  renderedDiff: string;
  /** Rendered changes beyond the marked values being replaced (each also an `R009` warning). */
  collateral: CollateralChange[];
  /** The commit of the first automation that changes something (each has its own in `automations`). */
  commit: Commit | null;
  diagnostics: Diagnostic[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `Object.entries`, with a throwing getter or proxy trap caught instead of unwinding.
    #[wasm_bindgen(js_namespace = Object, js_name = entries, catch)]
    fn object_entries(object: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// A repository held in memory, with the engine's caches over it.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Workspace {
    inner: baton_core::Workspace,
}

#[wasm_bindgen]
impl Workspace {
    /// Makes a workspace from `{path: text}` (paths relative to the repository root).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Files")] files: &JsValue,
    ) -> Result<Workspace, JsError> {
        let mut tree = FileTree::new();
        let files = files_arg(files)?;
        reserve_heap(files.iter().map(|(_, c)| c.text_len()).sum::<usize>());
        for (path, content) in files {
            match content {
                FileContent::Text(text) => tree.insert(&file_path(&path)?, text)?,
                FileContent::Bytes(bytes) => tree.insert_bytes(&file_path(&path)?, bytes)?,
            };
        }
        Ok(Workspace { inner: baton_core::Workspace::new(tree) })
    }

    /// Adds or replaces a file.
    #[wasm_bindgen(js_name = setFile)]
    pub fn set_file(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] path: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] text: &JsValue,
    ) -> Result<(), JsError> {
        let path = path_arg(path, "path")?;
        match content_arg(&path, text)? {
            FileContent::Text(text) => self.inner.set_file(&path, &text)?,
            FileContent::Bytes(bytes) => self.inner.set_file_bytes(&path, bytes)?,
        };
        Ok(())
    }

    /// Removes a file; returns whether it existed.
    #[wasm_bindgen(js_name = removeFile)]
    pub fn remove_file(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] path: &JsValue,
    ) -> Result<bool, JsError> {
        let path = path_arg(path, "path")?;
        Ok(self.inner.remove_file(&path))
    }

    /// Every file, as `{path: text}` with normalized paths (`Uint8Array` for binary files).
    /// The object has no prototype, so every path is an own key, `__proto__` included.
    #[wasm_bindgen(unchecked_return_type = "Files")]
    pub fn files(&self) -> Result<JsValue, JsError> {
        let out: js_sys::Object = js_sys::Object::create(JsValue::NULL.unchecked_ref());
        for (path, content) in self.inner.tree().iter() {
            let value: JsValue = match content {
                tree::Content::Text(text) => JsValue::from_str(text),
                tree::Content::NotUtf8 { bytes, .. } => js_sys::Uint8Array::from(&bytes[..]).into(),
                tree::Content::TooLarge { .. } => continue,
            };
            js_sys::Reflect::set(&out, &JsValue::from_str(path), &value)
                .map_err(|_| JsError::new("cannot build the files object"))?;
        }
        Ok(out.into())
    }

    /// Diagnostics for every file the engine understands.
    #[wasm_bindgen(unchecked_return_type = "ValidateResult")]
    pub fn validate(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.validate())
    }

    /// Renders the kustomization in directory `dir` (`""` is the repository root).
    #[wasm_bindgen(unchecked_return_type = "RenderResult")]
    pub fn render(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] dir: &JsValue,
    ) -> Result<JsValue, JsError> {
        let Some(dir) = dir.as_string() else {
            return Err(JsError::new(&format!("dir must be a string, got {}", type_name(dir))));
        };
        let dir = tree::normalize(&dir)?;
        to_js(self.inner.render_ref(&dir))
    }

    /// Directories that hold a kustomization, sorted.
    #[wasm_bindgen(js_name = kustomizationDirs, unchecked_return_type = "string[]")]
    pub fn kustomization_dirs(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.kustomization_dirs())
    }

    /// What every app runs in every environment, and the pending promotions; with `tags`
    /// (the input of `imageUpdate`), each Flux policy's pick.
    #[wasm_bindgen(unchecked_return_type = "StatusResult")]
    pub fn status(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "ImageUpdateInput")] tags: &JsValue,
    ) -> Result<JsValue, JsError> {
        if tags.is_undefined() || tags.is_null() {
            return to_js(&self.inner.status());
        }
        let input = image_update_input(tags, "tags")?;
        to_js(&self.inner.status_with_tags(&input))
    }

    /// Plans a promotion: changes, file edits, rendered diff, gates, pull request.
    #[wasm_bindgen(js_name = planPromotion, unchecked_return_type = "PromotionPlan")]
    pub fn plan_promotion(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "PromotionRequest")] request: &JsValue,
    ) -> Result<JsValue, JsError> {
        let request = promotion_request(request)?;
        to_js(&self.inner.plan_promotion(&request))
    }

    /// What differs between two environments of an app, expected differences set apart.
    #[wasm_bindgen(js_name = diffEnvironments, unchecked_return_type = "EnvironmentDiff")]
    pub fn diff_environments(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EnvDiffRequest")] request: &JsValue,
    ) -> Result<JsValue, JsError> {
        const FIELDS: &[(&str, Kind)] =
            &[("app", Kind::String), ("from", Kind::String), ("to", Kind::String)];
        check_object(request, "request", FIELDS)?;
        let field = |name: &str| {
            get(request, name)
                .as_string()
                .ok_or_else(|| JsError::new(&format!("request.{name} is required")))
        };
        let request = baton_core::envdiff::EnvDiffRequest {
            app: field("app")?,
            from: field("from")?,
            to: field("to")?,
        };
        to_js(&self.inner.diff_environments(&request))
    }

    /// How the updates of an overlay's Rollouts and Deployments unfold, state by state.
    #[wasm_bindgen(js_name = simulateRollout, unchecked_return_type = "SimulationResult")]
    pub fn simulate_rollout(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SimulateRequest")] request: &JsValue,
    ) -> Result<JsValue, JsError> {
        const FIELDS: &[(&str, Kind)] =
            &[("overlay", Kind::String), ("name", Kind::OptionalString)];
        check_object(request, "request", FIELDS)?;
        let Some(overlay) = get(request, "overlay").as_string() else {
            return Err(JsError::new("request.overlay is required"));
        };
        let overlay = tree::normalize(&overlay)?;
        let name = get(request, "name").as_string();
        to_js(
            &self.inner.simulate_rollout(&baton_core::rollouts::SimulateRequest { overlay, name }),
        )
    }

    /// Every Flux Kustomization and Argo CD Application, and the clusters that apply them.
    #[wasm_bindgen(unchecked_return_type = "DeploymentsResult")]
    pub fn deployments(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.deployments())
    }

    /// What a cluster applies for one Flux Kustomization or Argo CD Application: its path
    /// rendered with the controller's overrides.
    #[wasm_bindgen(js_name = renderDeployment, unchecked_return_type = "DeploymentRenderResult")]
    pub fn render_deployment(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "DeploymentRequest")] request: &JsValue,
    ) -> Result<JsValue, JsError> {
        const FIELDS: &[(&str, Kind)] = &[
            ("kind", Kind::String),
            ("namespace", Kind::String),
            ("name", Kind::String),
            ("cluster", Kind::OptionalString),
        ];
        check_object(request, "request", FIELDS)?;
        let field = |key: &str| {
            get(request, key)
                .as_string()
                .ok_or_else(|| JsError::new(&format!("request.{key} is required")))
        };
        let controller = match field("kind")?.as_str() {
            "flux" | "Kustomization" => baton_core::deploy::Controller::Flux,
            "argo" | "Application" => baton_core::deploy::Controller::Argo,
            other => {
                return Err(JsError::new(&format!(
                    "request.kind must be flux or argo (or Kustomization, Application), got {other:?}"
                )));
            }
        };
        let request = baton_core::deploy::DeploymentRequest {
            controller,
            namespace: field("namespace")?,
            name: field("name")?,
            cluster: get(request, "cluster").as_string(),
        };
        to_js(&self.inner.render_deployment(&request))
    }

    /// Plans the preview environment of a pull request: a verified change set creating its
    /// overlay (or moving its image tag), its namespace, URL, render and PR comment.
    #[wasm_bindgen(js_name = planPreview, unchecked_return_type = "PreviewPlan")]
    pub fn plan_preview(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "PreviewRequest")] request: &JsValue,
    ) -> Result<JsValue, JsError> {
        const FIELDS: &[(&str, Kind)] = &[
            ("app", Kind::String),
            ("number", Kind::Integer),
            ("sha", Kind::OptionalString),
            ("tag", Kind::OptionalString),
            ("branch", Kind::OptionalString),
            ("image", Kind::OptionalString),
        ];
        check_object(request, "request", FIELDS)?;
        // `app` and `number` are required: checked even when absent.
        for (key, kind) in &FIELDS[..2] {
            check_kind(&get(request, key), &format!("request.{key}"), *kind)?;
        }
        let text = |key: &str| get(request, key).as_string();
        let request = baton_core::preview::PreviewRequest {
            app: text("app").unwrap_or_default(),
            number: integer(&get(request, "number")).unwrap_or_default(),
            sha: text("sha"),
            tag: text("tag"),
            branch: text("branch"),
            image: text("image"),
        };
        to_js(&self.inner.plan_preview(&request))
    }

    /// Plans the removal of the previews of closed pull requests (not in `open`, or in
    /// `closed`) and of stale ones (`maxAge`), and lists directories that are no preview.
    #[wasm_bindgen(js_name = planPreviewCleanup, unchecked_return_type = "CleanupPlan")]
    pub fn plan_preview_cleanup(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CleanupRequest")] request: &JsValue,
    ) -> Result<JsValue, JsError> {
        const FIELDS: &[(&str, Kind)] = &[
            ("app", Kind::OptionalString),
            ("open", Kind::Integers),
            ("closed", Kind::Integers),
            ("now", Kind::OptionalString),
            ("lastChanged", Kind::StringMap),
        ];
        check_object(request, "request", FIELDS)?;
        let integers = |key: &str| {
            let value = get(request, key);
            js_sys::Array::is_array(&value)
                .then(|| js_sys::Array::from(&value).iter().filter_map(|v| integer(&v)).collect())
        };
        let last_changed = string_map(request, "request", "lastChanged", string)?;
        let request = baton_core::preview::cleanup::CleanupRequest {
            app: get(request, "app").as_string(),
            open: integers("open"),
            closed: integers("closed").unwrap_or_default(),
            now: get(request, "now").as_string(),
            last_changed,
        };
        to_js(&self.inner.plan_preview_cleanup(&request))
    }

    /// What Flux image automation would do with the given tags: each policy's pick, the
    /// marked values it changes, the verified edits and the rendered diff.
    #[wasm_bindgen(js_name = imageUpdate, unchecked_return_type = "ImageUpdateResult")]
    pub fn image_update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageUpdateInput")] input: &JsValue,
    ) -> Result<JsValue, JsError> {
        let request = image_update_input(input, "input")?;
        to_js(&self.inner.image_update(&request))
    }

    /// Every Argo CD `ApplicationSet` of the repository expanded, each Application's path checked.
    #[wasm_bindgen(js_name = expandAppSets, unchecked_return_type = "ExpandAppSetsResult")]
    pub fn expand_app_sets(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "ExpandAppSetsInput")] input: &JsValue,
    ) -> Result<JsValue, JsError> {
        let request = if input.is_undefined() || input.is_null() {
            baton_core::appset::ExpandRequest::default()
        } else {
            expand_request(input)?
        };
        to_js(&self.inner.expand_appsets(&request))
    }

    /// Work counters: parses and renders run so far.
    #[wasm_bindgen(unchecked_return_type = "Stats")]
    pub fn stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.stats())
    }
}

/// The engine's version.
#[wasm_bindgen]
#[must_use]
pub fn version() -> String {
    baton_core::version().to_string()
}

/// Bytes of WebAssembly memory the engine holds (it grows as needed and never shrinks): for
/// hosts that watch memory, and the benchmark.
#[wasm_bindgen(js_name = memoryBytes)]
#[must_use]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    let pages = core::arch::wasm32::memory_size(0);
    #[cfg(not(target_arch = "wasm32"))]
    let pages = 0;
    f64::from(u32::try_from(pages).unwrap_or(u32::MAX)) * 65536.0
}

/// Makes room in the heap, once, for a workspace over `text_bytes` of file text.
///
/// The allocator (dlmalloc) grows WebAssembly memory by just what each allocation lacks, 64 KiB
/// at a time, and in Node (V8) every growth replaces the memory's `ArrayBuffer` and counts the
/// whole new buffer as external memory, which starts a full garbage collection of the host's
/// heap: validating a 3,000-app fleet grew memory ~1,500 times, ran as many collections, and
/// took 21.9 s, against 7.7 s with room made first (`node --trace-gc`; `npm run bench`). A block
/// of [`HEAP_PER_TEXT_BYTE`] times the text, allocated and given back, becomes free space that
/// later allocations use without growing memory. Past it, the allocator grows memory ahead
/// ([`heap`]), so a workspace that needs more does not fall back to 64 KiB growths.
fn reserve_heap(text_bytes: usize) {
    let bytes = text_bytes.saturating_mul(HEAP_PER_TEXT_BYTE).min(MAX_RESERVE);
    // `black_box`: an allocation nobody uses would otherwise be optimized away.
    drop(std::hint::black_box(Vec::<u8>::with_capacity(bytes)));
}

/// Heap a validated workspace holds per byte of file text: 94 MB for the 5.1 MB of the
/// 3,000-app benchmark fleet (parses within their budget, a render cached per overlay).
const HEAP_PER_TEXT_BYTE: usize = 20;
/// The most [`reserve_heap`] asks for at once.
const MAX_RESERVE: usize = 256 << 20;

/// The one serializer of results: one JSON text, turned into JavaScript data by `JSON.parse`
/// (plain objects for maps, `null` for `None`, no `undefined`). One string crosses the boundary
/// instead of a call per field, and `JSON.parse` makes every key an own property, so a map key
/// such as `__proto__` is kept.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    // Serializing these types cannot fail (no map has keys that are not strings); the error's
    // text is not kept, which keeps serde_json's parser messages out of the module.
    let text =
        serde_json::to_string(value).map_err(|_| JsError::new("cannot serialize the result"))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot parse the result"))
}

/// A file's content as the host gave it.
enum FileContent {
    Text(String),
    Bytes(Vec<u8>),
}

impl FileContent {
    /// Bytes of text (the engine keeps no parse or render of binary files).
    fn text_len(&self) -> usize {
        match self {
            FileContent::Text(text) => text.len(),
            FileContent::Bytes(_) => 0,
        }
    }
}

/// The `files` argument: a plain object whose values are strings or `Uint8Array`s, or nothing.
fn files_arg(files: &JsValue) -> Result<Vec<(String, FileContent)>, JsError> {
    if files.is_undefined() || files.is_null() {
        return Ok(Vec::new());
    }
    if !is_plain_object(files) {
        return Err(JsError::new(&format!(
            "files must be an object mapping paths to file texts, got {}",
            type_name(files)
        )));
    }
    let entries = object_entries(files).map_err(|e| {
        let reason = e
            .dyn_ref::<js_sys::Error>()
            .map_or_else(|| "reading it threw".into(), |e| String::from(e.message()));
        JsError::new(&format!("cannot read files: {reason}"))
    })?;
    let mut out = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry = js_sys::Array::from(&entry);
        let path = entry.get(0).as_string().unwrap_or_default();
        let content = content_arg(&path, &entry.get(1))?;
        out.push((path, content));
    }
    Ok(out)
}

/// The input of `imageUpdate` (also `status`'s tags), checked by hand: a wrong shape throws
/// an `Error` naming the argument and the field.
fn image_update_input(
    value: &JsValue,
    what: &str,
) -> Result<baton_core::flux::ImageUpdateInput, JsError> {
    const FIELDS: &[(&str, Kind)] =
        &[("images", Kind::TagLists), ("digests", Kind::StringMap), ("latest", Kind::StringMap)];
    check_object(value, what, FIELDS)?;
    let mut request = baton_core::flux::ImageUpdateInput::default();
    for (name, _) in FIELDS {
        let field = get(value, name);
        if field.is_undefined() || field.is_null() {
            continue;
        }
        let entries = object_entries(&field)
            .map_err(|_| JsError::new(&format!("cannot read {what}.{name}")))?;
        for entry in entries.iter() {
            let entry = js_sys::Array::from(&entry);
            let key = entry.get(0).as_string().unwrap_or_default();
            let item = entry.get(1);
            if *name == "images" {
                let Some(tags) = tag_list(&item) else {
                    return Err(JsError::new(&format!(
                        "{what}.images[{key:?}] must be an array of strings (or a string, a tag per line)"
                    )));
                };
                request.images.insert(key, tags);
            } else {
                let map =
                    if *name == "digests" { &mut request.digests } else { &mut request.latest };
                map.insert(key, item.as_string().unwrap_or_default());
            }
        }
    }
    Ok(request)
}

/// One image's tags: an array of strings, or one string with a tag per line (`\n` or `\r\n`;
/// empty lines are skipped); `None` when it is neither, or the array holds something else.
/// An array's items are checked to be strings one by one (`typeof`: no text crosses), then
/// cross as one `join('\n')` split back in core: one text encoding instead of one encoding, one
/// allocation and one release per item (100,000 tags: 24 ms down to ~15 ms in Node). When an
/// item holds a `\n`, the pieces outnumber the items, and the items cross one by one.
fn tag_list(value: &JsValue) -> Option<baton_core::flux::Tags> {
    use baton_core::flux::Tags;
    if let Some(text) = value.as_string() {
        return Some(Tags::from_lines(text));
    }
    if !js_sys::Array::is_array(value) {
        return None;
    }
    let array = js_sys::Array::from(value);
    let length = array.length();
    if !(0..length).all(|i| array.get(i).is_string()) {
        return None;
    }
    if let Some(text) = array.join("\n").as_string() {
        let tags = Tags::from_joined(text);
        if tags.len() == length as usize {
            return Some(tags);
        }
    }
    let mut tags = Tags::default();
    for i in 0..length {
        tags.push(&array.get(i).as_string()?);
    }
    Some(tags)
}

/// The `request` of `planPromotion`, checked by [`check_request`] then read field by field
/// (by hand, as every other argument: a serde deserializer from JavaScript values cost ~5 KB of
/// gzipped wasm for this one argument).
fn promotion_request(request: &JsValue) -> Result<baton_core::promote::PromotionRequest, JsError> {
    check_request(request)?;
    let text = |object: &JsValue, key: &str| get(object, key).as_string();
    let context = get(request, "context");
    let context = if context.is_undefined() || context.is_null() {
        None
    } else {
        Some(baton_core::gates::evaluate::Context {
            author: text(&context, "author"),
            approvals: strings(&get(&context, "approvals")),
            checks: string_map(&context, "request.context", "checks", string)?,
            now: text(&context, "now"),
            since: string_map(&context, "request.context", "since", string)?,
            teams: string_map(&context, "request.context", "teams", strings)?,
        })
    };
    Ok(baton_core::promote::PromotionRequest {
        app: text(request, "app").unwrap_or_default(),
        to: text(request, "to").unwrap_or_default(),
        from: text(request, "from"),
        context,
    })
}

/// The strings of an array (checked before), or none when it is missing.
fn strings(value: &JsValue) -> Vec<String> {
    if !js_sys::Array::is_array(value) {
        return Vec::new();
    }
    js_sys::Array::from(value).iter().filter_map(|v| v.as_string()).collect()
}

/// A string (checked before), or `""`.
fn string(value: &JsValue) -> String {
    value.as_string().unwrap_or_default()
}

/// `what.key`, a plain object (checked before) read into a map, or an empty map when missing.
fn string_map<T>(
    object: &JsValue,
    what: &str,
    key: &str,
    read: fn(&JsValue) -> T,
) -> Result<std::collections::BTreeMap<String, T>, JsError> {
    let mut out = std::collections::BTreeMap::new();
    let value = get(object, key);
    if !is_plain_object(&value) {
        return Ok(out);
    }
    let entries =
        object_entries(&value).map_err(|_| JsError::new(&format!("cannot read {what}.{key}")))?;
    for entry in entries.iter() {
        let entry = js_sys::Array::from(&entry);
        out.insert(entry.get(0).as_string().unwrap_or_default(), read(&entry.get(1)));
    }
    Ok(out)
}

/// Checks a promotion request's shape, so that misuse (an unknown option, a wrong type) throws
/// a clear `Error` instead of being ignored or read as something else.
fn check_request(request: &JsValue) -> Result<(), JsError> {
    const FIELDS: &[(&str, Kind)] = &[
        ("app", Kind::String),
        ("to", Kind::String),
        ("from", Kind::OptionalString),
        ("context", Kind::Context),
    ];
    const CONTEXT: &[(&str, Kind)] = &[
        ("author", Kind::OptionalString),
        ("approvals", Kind::Strings),
        ("checks", Kind::StringMap),
        ("now", Kind::OptionalString),
        ("since", Kind::StringMap),
        ("teams", Kind::StringListMap),
    ];
    check_object(request, "request", FIELDS)?;
    for (name, _) in FIELDS {
        let value = get(request, name);
        if *name != "context" && value.is_undefined() && matches!(*name, "app" | "to") {
            return Err(JsError::new(&format!("request.{name} is required")));
        }
    }
    let context = get(request, "context");
    if !context.is_undefined() && !context.is_null() {
        check_object(&context, "request.context", CONTEXT)?;
    }
    Ok(())
}

/// `expandAppSets`' input, checked, read by hand (no deserializer in the wasm build).
fn expand_request(input: &JsValue) -> Result<baton_core::appset::ExpandRequest, JsError> {
    use baton_core::appset::{Cluster, ExpandRequest, PullRequest};
    check_expand_input(input)?;
    let items = |key: &str| {
        let value = get(input, key);
        js_sys::Array::is_array(&value)
            .then(|| js_sys::Array::from(&value).iter().collect::<Vec<_>>())
    };
    let clusters = match items("clusters") {
        Some(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, c) in items.iter().enumerate() {
                let what = format!("input.clusters[{i}]");
                out.push(Cluster {
                    name: string(&get(c, "name")),
                    server: string(&get(c, "server")),
                    project: get(c, "project").as_string(),
                    labels: string_map(c, &what, "labels", string)?,
                    annotations: string_map(c, &what, "annotations", string)?,
                });
            }
            Some(out)
        }
        None => None,
    };
    let pull_requests = items("pullRequests").map(|items| {
        items
            .iter()
            .map(|p| PullRequest {
                number: integer(&get(p, "number")).unwrap_or(0),
                branch: string(&get(p, "branch")),
                target_branch: string(&get(p, "targetBranch")),
                head_sha: string(&get(p, "headSha")),
                labels: strings(&get(p, "labels")),
                title: string(&get(p, "title")),
                author: string(&get(p, "author")),
            })
            .collect()
    });
    Ok(ExpandRequest { clusters, pull_requests, repo_url: get(input, "repoURL").as_string() })
}

/// Checks `expandAppSets`' input: every cluster and pull request with its required fields,
/// each of its type, so that a bad input throws naming the field.
fn check_expand_input(input: &JsValue) -> Result<(), JsError> {
    const FIELDS: &[(&str, Kind)] = &[
        ("clusters", Kind::Context),
        ("pullRequests", Kind::Context),
        ("repoURL", Kind::OptionalString),
    ];
    const CLUSTER: &[(&str, Kind)] = &[
        ("name", Kind::String),
        ("server", Kind::String),
        ("project", Kind::OptionalString),
        ("labels", Kind::StringMap),
        ("annotations", Kind::StringMap),
    ];
    const PULL: &[(&str, Kind)] = &[
        ("number", Kind::Integer),
        ("branch", Kind::String),
        ("targetBranch", Kind::String),
        ("headSha", Kind::String),
        ("labels", Kind::Strings),
        ("title", Kind::OptionalString),
        ("author", Kind::OptionalString),
    ];
    check_object(input, "input", FIELDS)?;
    for (list, fields, required) in [
        ("clusters", CLUSTER, &["name", "server"][..]),
        ("pullRequests", PULL, &["number", "branch", "targetBranch", "headSha"][..]),
    ] {
        let value = get(input, list);
        if value.is_undefined() || value.is_null() {
            continue;
        }
        if !js_sys::Array::is_array(&value) {
            return Err(JsError::new(&format!(
                "input.{list} must be an array, got {}",
                type_name(&value)
            )));
        }
        for (i, item) in js_sys::Array::from(&value).iter().enumerate() {
            let what = format!("input.{list}[{i}]");
            check_object(&item, &what, fields)?;
            for name in required {
                if get(&item, name).is_undefined() {
                    return Err(JsError::new(&format!("{what}.{name} is required")));
                }
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Kind {
    String,
    OptionalString,
    /// A whole number from 0 to 2^53 - 1 (the core says when 0 is not allowed).
    Integer,
    /// An array of such numbers, or nothing.
    Integers,
    Strings,
    StringMap,
    StringListMap,
    /// `imageUpdate`'s `images`: an object of string arrays or of strings (a tag per line),
    /// its items checked while they are read ([`tag_list`]), not twice.
    TagLists,
    Context,
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `value` must be a plain object with only the `known` keys, each of its kind.
fn check_object(value: &JsValue, what: &str, known: &[(&str, Kind)]) -> Result<(), JsError> {
    if !is_plain_object(value) {
        return Err(JsError::new(&format!("{what} must be an object, got {}", type_name(value))));
    }
    let entries =
        object_entries(value).map_err(|_| JsError::new(&format!("cannot read {what}")))?;
    for entry in entries.iter() {
        let entry = js_sys::Array::from(&entry);
        let key = entry.get(0).as_string().unwrap_or_default();
        let Some((_, kind)) = known.iter().find(|(k, _)| *k == key) else {
            let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
            return Err(JsError::new(&format!(
                "unknown option {what}.{key} (expected one of: {})",
                names.join(", ")
            )));
        };
        check_kind(&entry.get(1), &format!("{what}.{key}"), *kind)?;
    }
    Ok(())
}

fn check_kind(value: &JsValue, what: &str, kind: Kind) -> Result<(), JsError> {
    let missing = value.is_undefined() || value.is_null();
    let strings = |v: &JsValue| {
        js_sys::Array::is_array(v) && js_sys::Array::from(v).iter().all(|x| x.is_string())
    };
    let ok = match kind {
        Kind::Integer => integer(value).is_some(),
        Kind::Integers => {
            missing
                || (js_sys::Array::is_array(value)
                    && js_sys::Array::from(value).iter().all(|v| integer(&v).is_some()))
        }
        Kind::String => value.is_string(),
        Kind::OptionalString => missing || value.is_string(),
        Kind::Context => true,
        Kind::Strings => missing || strings(value),
        Kind::StringMap | Kind::StringListMap | Kind::TagLists => {
            if missing {
                true
            } else if !is_plain_object(value) {
                false
            } else {
                let Ok(entries) = object_entries(value) else {
                    return Err(JsError::new(&format!("cannot read {what}")));
                };
                entries.iter().all(|e| {
                    let v = js_sys::Array::from(&e).get(1);
                    match kind {
                        Kind::StringMap => v.is_string(),
                        Kind::TagLists => v.is_string() || js_sys::Array::is_array(&v),
                        _ => strings(&v),
                    }
                })
            }
        }
    };
    if ok {
        return Ok(());
    }
    Err(JsError::new(&format!("{what} must be {}, got {}", kind_text(kind), type_name(value))))
}

/// What a value of `kind` is, for error messages.
fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Integer => "a whole number (0 to 2^53 - 1)",
        Kind::Integers => "an array of whole numbers",
        Kind::String => "a string",
        Kind::OptionalString => "a string or null",
        Kind::Strings => "an array of strings",
        Kind::StringMap => "an object of strings",
        Kind::StringListMap => "an object of string arrays",
        Kind::TagLists => "an object of string arrays (or of strings, a tag per line)",
        Kind::Context => "an object",
    }
}

/// A JavaScript number that is a whole number from 0 to 2^53 - 1.
fn integer(value: &JsValue) -> Option<u64> {
    let n = value.as_f64()?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n)).then_some(n as u64)
}

/// A path argument: a string that names a place inside the repository.
fn path_arg(value: &JsValue, what: &str) -> Result<String, JsError> {
    let Some(path) = value.as_string() else {
        return Err(JsError::new(&format!("{what} must be a string, got {}", type_name(value))));
    };
    file_path(&path)
}

/// A file's path, normalized; the root itself (`""`, `.`) is not a file.
fn file_path(path: &str) -> Result<String, JsError> {
    match tree::normalize(path) {
        Ok(normalized) if normalized.is_empty() => Err(PathError::Empty.into()),
        Ok(normalized) => Ok(normalized),
        Err(e) => Err(e.into()),
    }
}

fn content_arg(path: &str, value: &JsValue) -> Result<FileContent, JsError> {
    if let Some(text) = value.as_string() {
        return Ok(FileContent::Text(text));
    }
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(FileContent::Bytes(bytes.to_vec()));
    }
    Err(JsError::new(&format!(
        "file '{path}' must be a string or a Uint8Array, got {}",
        type_name(value)
    )))
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object()
        && !js_sys::Array::is_array(value)
        && constructor_name(value).is_none_or(|name| name == "Object")
}

/// What a value is, for error messages: `number`, `null`, `array`, `Map`, ...
fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(value) {
        "array".into()
    } else if value.is_object() {
        constructor_name(value).filter(|name| name != "Object").unwrap_or_else(|| "object".into())
    } else {
        value.js_typeof().as_string().unwrap_or_else(|| "unknown".into())
    }
}

/// The name of an object's constructor, if it has a prototype with a named constructor.
fn constructor_name(value: &JsValue) -> Option<String> {
    let proto = js_sys::Reflect::get_prototype_of(value).ok().filter(|p| !p.is_null())?;
    let constructor = js_sys::Reflect::get(&proto, &JsValue::from_str("constructor")).ok()?;
    let name = js_sys::Reflect::get(&constructor, &JsValue::from_str("name")).ok()?.as_string()?;
    (!name.is_empty()).then_some(name)
}
