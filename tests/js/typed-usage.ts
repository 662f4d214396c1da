// Compiled by `tsc --strict --noEmit` (never run): every method of the package with the
// declared types, so a wrong or loose declaration fails the build. `@ts-expect-error` lines
// prove that misuse is a type error, not only a runtime one.
import { Workspace, memoryBytes, version } from '@baton/engine';
import type {
  Diagnostic,
  Files,
  ImageSource,
  Position,
  Range,
  Related,
  RenderedImage,
  RenderedResource,
  RenderResult,
  Severity,
  Span,
  Stats,
  ValidateResult,
  StatusResult,
  AppStatus,
  EnvironmentStatus,
  ImageStatus,
  PendingChange,
  PromotionRequest,
  PromotionPlan,
  GateResult,
  GateStatus,
  FileEdit,
  PullRequest,
  SimulateRequest,
  EnvDiffRequest,
  EnvironmentDiff,
  ResourceDiff,
  Difference,
  DiffCategory,
  ExpectedDifference,
  DriftCounts,
  SimulationResult,
  RolloutSimulation,
  SimulationState,
  RolloutStrategy,
  WorkloadStrategy,
  WorkloadRollout,
  DeploymentStrategy,
  CollateralChange,
  ResourceRef,
  FieldChange,
  ResourceChangeKind,
  Relation,
  Comparison,
  Cluster,
  Controller,
  Deployment,
  DeploymentRef,
  DeploymentRenderResult,
  DeploymentRequest,
  DeploymentSource,
  DeploymentsResult,
  Destination,
  Variable,
  ImageUpdateInput,
  ImageUpdateResult,
  PolicyResult,
  PolicyKind,
  ImageChange,
  AutomationResult,
  Commit,
  FluxAutomation,
  AutomatedPolicy,
  MarkerRef,
  PreviewRequest,
  PreviewPlan,
  PreviewAction,
  PreviewStatus,
  CleanupRequest,
  CleanupPlan,
  PreviewFate,
  PreviewFateKind,
  UnknownEntry,
  ExpandAppSetsInput,
  ExpandAppSetsResult,
  AppSetExpansion,
  GeneratedApplication,
  SourceCheck,
  SourceStatus,
  ClusterSecret,
  PullRequestInput,
} from '@baton/engine';

const v: string = version();
const heap: number = memoryBytes();

const files: Files = { 'apps/web/base/kustomization.yaml': 'resources: []\n' };
const empty = new Workspace();
const ws = new Workspace(files);
ws.setFile('apps/web/base/deployment.yaml', 'kind: Deployment\n');
const removed: boolean = ws.removeFile('apps/web/base/deployment.yaml');
const all: Record<string, string | Uint8Array> = ws.files();
ws.setFile('logo.png', new Uint8Array([0x89, 0x50]));
const dirs: string[] = ws.kustomizationDirs();

const status: StatusResult = ws.status();
for (const app of status.apps) {
  const a: AppStatus = app;
  for (const env of a.environments) {
    const e: EnvironmentStatus = env;
    for (const w of e.workloads) {
      const strategy: DeploymentStrategy = w.strategy;
      const row: WorkloadStrategy = w;
      void [row.workload, strategy, row.how, row.risk, row.rollback];
    }
    for (const image of e.images) {
      const i: ImageStatus = image;
      const at: string = i.source ? `${i.source.file}:${i.source.line}` : '-';
      void [i.workload, i.container, i.name, i.tag ?? i.digest ?? 'untagged', at, e.ok, e.path];
    }
  }
  for (const pending of a.pending) {
    const changes: PendingChange[] = pending.changes;
    const relations: Relation[] = changes.map((c) => c.relation);
    const semver: boolean = changes.every((c) => c.comparison === 'semver');
    void [pending.from, pending.to, changes.map((c) => `${c.from ?? '-'}→${c.to ?? '-'} (${c.note})`), relations, semver];
  }
}
const request: PromotionRequest = { app: 'web', to: 'production', context: { approvals: ['bob'], now: '2026-11-26T10:00:00Z' } };
const plan: PromotionPlan = ws.planPromotion(request);
const gates: GateResult[] = plan.gates;
const verdicts: GateStatus[] = gates.map((g) => g.status);
const edits: FileEdit[] = plan.edits;
// A change set creates (before: null), deletes (after: null) or edits files.
const writes: [string, string | null][] = edits.map((e) => [e.path, e.after]);
// @ts-expect-error `after` is null for a deleted file
const text: string = plan.edits[0].after;
const collateral: CollateralChange[] = plan.collateral;
const kinds: ResourceChangeKind[] = collateral.map((c) => c.change);
const shown: string[] = collateral.map((c: CollateralChange) => {
  const r: ResourceRef = c.resource;
  const fields: FieldChange[] = c.fields;
  return `${c.overlay} ${r.apiVersion} ${r.kind} ${r.namespace ?? '-'}/${r.name}: ${fields.map((f) => `${f.path} ${f.before ?? '∅'} → ${f.after ?? '∅'}`).join('; ')} (${c.message})`;
});
const pr: PullRequest | null = plan.pullRequest;
const downgrade: boolean = plan.downgrade && plan.changes.some((c) => c.relation === 'ahead');
const comparisons: Comparison[] = plan.changes.map((c) => c.comparison);
const appPath: string | null = plan.appPath;
// How each changed workload rolls out in the target: the seed's strategy row and the timeline.
const rollouts: string[] = plan.rollouts.map((r: WorkloadRollout) => {
  const strategy: DeploymentStrategy = r.strategy;
  const minutes: string = r.simulation ? r.simulation.minDuration : 'not simulated';
  return `${r.rolledOutBy} (${r.workload}) ${strategy} ${r.how} ${r.risk} ${r.rollback} ${minutes}: ${r.summary}`;
});
void rollouts;
void [dirs, verdicts, edits.map((e) => e.diff), writes, text, kinds, shown, pr?.branch, plan.renderedDiff, plan.allowed, plan.message, downgrade, comparisons, appPath];
// @ts-expect-error: `to` is required
ws.planPromotion({ app: 'web' });
// @ts-expect-error: approvals are a list of logins
ws.planPromotion({ app: 'web', to: 'production', context: { approvals: 'bob' } });
const drift: ResourceDiff[] = plan.drift;
const diffRequest: EnvDiffRequest = { app: 'web', from: 'staging', to: 'production' };
const envDiff: EnvironmentDiff = ws.diffEnvironments(diffRequest);
const counts0: DriftCounts = envDiff.drift;
const lines: string[] = envDiff.resources.concat(drift).flatMap((r: ResourceDiff) =>
  r.differences.map((d: Difference) => {
    const category: DiffCategory = d.category;
    const why: ExpectedDifference | null = d.expected;
    const where = `${r.from?.namespace ?? '-'}/${r.from?.name ?? '∅'} → ${r.to?.namespace ?? '-'}/${r.to?.name ?? '∅'}`;
    return `${r.apiVersion} ${r.kind}/${r.name} ${where} ${d.path}: ${d.from ?? '∅'} → ${d.to ?? '∅'} [${category}${why ? `, ${why}` : ''}] ${r.drift} ${r.moreDifferences} ${r.diff}`;
  }));
void [lines, counts0.onlyInFrom + counts0.onlyInTo + counts0.replicas, envDiff.identical, envDiff.expected, envDiff.fromPath, envDiff.toPath, envDiff.appPath, envDiff.message, envDiff.diagnostics.map(describe)];
// @ts-expect-error `from` is required
ws.diffEnvironments({ app: 'web', to: 'production' });
// @ts-expect-error categories are a closed set
const wrongCategory: DiffCategory = 'limits';
void wrongCategory;
const simulateRequest: SimulateRequest = { overlay: 'apps/web/production', name: 'web' };
const simulation: SimulationResult = ws.simulateRollout(simulateRequest);
for (const rollout of simulation.rollouts) {
  const r: RolloutSimulation = rollout;
  const strategy: RolloutStrategy = r.strategy;
  const timeline: string[] = r.states.map((s: SimulationState) =>
    `${s.step ?? '-'} ${s.canaryWeight}/${r.maxWeight} ${s.stableReplicas}+${s.canaryReplicas} ${s.pause ?? ''} ${s.analysis ?? ''} ${s.scaleDownDelay ?? ''}`);
  // A timeline chart's x axis: each state from startSeconds for holdSeconds (null: until promoted).
  const spans: [number, number | null][] = r.states.map((s) => [s.startSeconds, s.holdSeconds]);
  void spans;
  void [r.kind, r.name, strategy, r.replicas, r.trafficRouting, r.minDuration, r.manualPromotions, r.diagnostics.map(describe), timeline];
}
void simulation.diagnostics;
// @ts-expect-error the overlay is required
ws.simulateRollout({ name: 'web' });
// @ts-expect-error strategies are a closed set
const wrongStrategy: RolloutStrategy = 'rolling';
void wrongStrategy;
const tagsInput: ImageUpdateInput = { images: { 'registry.example.com/web': ['1.0.0', '1.1.0'] }, latest: { 'flux-system:web': 'registry.example.com/web:1.1.0' } };
const update: ImageUpdateResult = ws.imageUpdate(tagsInput);
const picks: (string | null)[] = update.policies.map((p: PolicyResult) => p.latest);
const policyKinds: PolicyKind[] = update.policies.map((p) => p.kind);
const changed: string[] = update.changes.map((c: ImageChange) => `${c.file} ${c.object.kind}/${c.object.name}: ${c.old} → ${c.new} [${c.setter}] @${c.span.start}`);
const commits: (Commit | null)[] = update.automations.map((a: AutomationResult) => a.commit);
const message: string | undefined = update.commit?.message;
void [picks, policyKinds, changed, commits, message, update.renderedDiff, update.overlays, update.collateral, update.edits.map((e) => e.after)];
// Tags as one string, a tag per line.
ws.imageUpdate({ images: { 'registry.example.com/web': '1.0.0\n1.1.0' } });
// @ts-expect-error tags are strings
ws.imageUpdate({ images: { 'registry.example.com/web': [1] } });
// @ts-expect-error the input is an object
ws.imageUpdate();
const automated: FluxAutomation | null = ws.status(tagsInput).apps[0]?.environments[0]?.flux ?? null;
const followed: string[] = (automated?.policies ?? []).map((p: AutomatedPolicy) => `${p.rule} ${p.latest ?? '-'} ${p.markers.map((m: MarkerRef) => `${m.file}:${m.line}`).join()}`);
void followed;
const previewRequest: PreviewRequest = { app: 'web', number: 42, sha: 'ab1cd2e', branch: 'feature/x' };
const preview: PreviewPlan = ws.planPreview(previewRequest);
const action: PreviewAction | null = preview.action;
const created: boolean = preview.edits.some((e) => e.before === null);
const url: string | null = preview.url;
const rendered: RenderResult | null = preview.render;
void [action, created, url, rendered?.yaml, preview.comment, preview.namespace, preview.path, preview.from, preview.image, preview.tag, preview.branchSlug, preview.host, preview.appPath, preview.number, preview.collateral, preview.message, preview.diagnostics.map(describe)];
for (const app of ws.status().apps) {
  const previews: PreviewStatus[] = app.previews;
  void previews.map((p) => `#${p.number} ${p.path} ${p.ok} ${p.namespace ?? '-'} ${p.image ?? '-'} ${p.tag ?? '-'} ${p.url ?? '-'}`);
}
const cleanupRequest: CleanupRequest = { open: [12, 15], now: '2026-03-20T00:00:00Z', lastChanged: { 'apps/web/preview/pr-12': '2026-03-01T00:00:00Z' } };
const cleanup: CleanupPlan = ws.planPreviewCleanup(cleanupRequest);
const fates: PreviewFateKind[] = cleanup.previews.map((p: PreviewFate) => p.fate);
const unknown: UnknownEntry[] = cleanup.unknown;
const deleted: string[] = cleanup.edits.filter((e) => e.after === null).map((e) => e.path);
void [fates, unknown.map((u) => `${u.app} ${u.path}`), deleted, cleanup.comment, cleanup.message, cleanup.collateral, cleanup.previews.map((p) => `${p.app} ${p.number} ${p.path} ${p.lastChanged ?? ''} ${p.age ?? ''} ${p.maxAge ?? ''}`)];
// @ts-expect-error the PR number is a number
ws.planPreview({ app: 'web', number: '42' });
// @ts-expect-error the app is required
ws.planPreview({ number: 42 });
// @ts-expect-error open pull requests are numbers
ws.planPreviewCleanup({ open: ['12'] });
const clusters: ClusterSecret[] = [{ name: 'eu', server: 'https://eu.example.com', labels: { env: 'prod' } }];
const pulls: PullRequestInput[] = [{ number: 42, branch: 'feat/x', targetBranch: 'main', headSha: 'ab1cd23' }];
const expandInput: ExpandAppSetsInput = { clusters, pullRequests: pulls, repoURL: 'https://github.com/example/platform-gitops' };
const expansion: ExpandAppSetsResult = ws.expandAppSets(expandInput);
const fromDefaults: ExpandAppSetsResult = ws.expandAppSets();
for (const set of expansion.appSets) {
  const s: AppSetExpansion = set;
  for (const app of s.applications) {
    const a: GeneratedApplication = app;
    const checks: SourceCheck[] = a.sources;
    const statuses: SourceStatus[] = checks.map((c) => c.status);
    const paths: (string | null)[] = checks.map((c) => c.path);
    // metadata and spec are Go's JSON of Argo CD's types: read them as data.
    const name = (a.metadata as { name?: string }).name ?? '';
    void [name, a.spec, statuses, paths, checks.map((c) => c.repoURL)];
  }
  void [s.file, s.name, s.namespace ?? '-', s.diagnostics.map(describe)];
}
void [fromDefaults.diagnostics, expansion.diagnostics];
for (const env of status.apps.flatMap((a) => a.environments)) {
  const deployments: DeploymentRef[] = env.deployments;
  void deployments.map((d) => `${d.id} (${d.appSet ?? 'written'}, ${d.file}) → ${d.cluster ?? '-'}/${d.destination.namespace ?? '-'}`);
}
// @ts-expect-error a cluster needs a server
ws.expandAppSets({ clusters: [{ name: 'eu' }] });
// @ts-expect-error pull request numbers are numbers
ws.expandAppSets({ pullRequests: [{ number: '42', branch: 'b', targetBranch: 'main', headSha: 's' }] });
// @ts-expect-error statuses are a closed set
const wrongStatus: SourceStatus = 'ok';
void wrongStatus;
const stats: Stats = ws.stats();
const counts: number = stats.parses + stats.renders;

const validation: ValidateResult = ws.validate();
for (const d of validation.diagnostics) describe(d);

const result: RenderResult = empty.render('apps/web/base');
const yaml: string = result.yaml;
for (const resource of result.resources) {
  const r: RenderedResource = resource;
  const id: string = `${r.apiVersion}/${r.kind}/${r.namespace ?? '-'}/${r.name} from ${r.file} (${r.originalName})`;
  for (const image of r.images) {
    const i: RenderedImage = image;
    const where: ImageSource | null = i.source;
    const at: Span | undefined = where?.span;
    void [id, i.list, i.container, i.image, at?.start, at?.end, r.yaml];
  }
}

function describe(d: Diagnostic): string {
  const severity: Severity = d.severity;
  const span: Span | null = d.span;
  const range: Range | null = d.range;
  const start: Position | undefined = range?.start;
  const related: Related[] = d.related;
  const notes = related.map((r) => `${r.file}${r.range ? `:${r.range.start.line + 1}` : ''} ${r.message} ${r.span?.start ?? ''}`);
  const help: string | null = d.help;
  const file: string | null = d.file;
  return `${file ?? ''}:${start ? start.line + 1 : 0}:${start?.character ?? 0} ${severity}[${d.code}] ${d.message} ${span?.end ?? ''} ${help ?? ''} ${notes.join()}`;
}

// Exhaustive over the severities: a new one would break this switch.
function rank(s: Severity): number {
  switch (s) {
    case 'error': return 0;
    case 'warning': return 1;
    case 'info': return 2;
    case 'hint': return 3;
  }
}

// What each cluster applies: deployments, their clusters, and one rendered with its overrides.
const listed: DeploymentsResult = ws.deployments();
for (const d of listed.deployments) {
  const deployment: Deployment = d;
  const controller: Controller = deployment.controller;
  const destination: Destination = deployment.destination;
  const sources: DeploymentSource[] = deployment.sources;
  void [deployment.id, controller, deployment.cluster ?? 'no cluster', destination.namespace ?? destination.kubeConfig ?? destination.server ?? destination.name,
    sources.map((s) => `${s.path ?? '-'} ${s.repoUrl ?? ''} ${s.revision ?? ''} ${s.reference} ${s.local} ${s.note ?? ''}`),
    deployment.dependsOn, deployment.suspended, deployment.overrides, deployment.file, deployment.span.start, deployment.namespace, deployment.name, deployment.appSet ?? "written"];
}
const order: string[] = listed.clusters.map((c: Cluster) => `${c.name}: ${c.deployments.join(' → ')}`);
const deployRequest: DeploymentRequest = { kind: 'flux', namespace: 'flux-system', name: 'apps', cluster: 'staging' };
const applied: DeploymentRenderResult = ws.renderDeployment(deployRequest);
const variables: string[] = applied.variables.map((v: Variable) => `${v.name}=${v.value} (${v.from})`);
void [order, variables, applied.ok, applied.yaml, applied.namespaces, applied.resources.length, applied.deployment?.id, applied.diagnostics.map(describe), listed.diagnostics];
ws.renderDeployment({ kind: 'Application', namespace: 'argocd', name: 'web' });
for (const app of status.apps) {
  for (const env of app.environments) {
    const refs: DeploymentRef[] = env.deployments;
    void refs.map((r) => `${r.id} ${r.controller} ${r.cluster ?? '-'} ${r.namespaces.join(',')} ${r.ok}`);
  }
}
void status.clusters;
// @ts-expect-error controllers are a closed set
ws.renderDeployment({ kind: 'helm', namespace: 'a', name: 'b' });
// @ts-expect-error the name is required
ws.renderDeployment({ kind: 'flux', namespace: 'a' });

// Misuse is a type error.
// @ts-expect-error file texts are strings
new Workspace({ 'a.yaml': 1 });
// @ts-expect-error paths are strings
ws.setFile(1, 'text');
// @ts-expect-error render takes a directory
ws.render();
// @ts-expect-error nullable fields must be checked before use
const line: number = validation.diagnostics[0].range.start.line;
// @ts-expect-error severities are a closed set
const bad: Severity = 'fatal';

// The browser build: `init` first, then the same API.
async function browser(): Promise<void> {
  const web = await import('@baton/engine/web');
  await web.default();
  const w = new web.Workspace({});
  const r: RenderResult = w.render('');
  w.free();
  void r;
}

void [v, heap, removed, all, counts, yaml, rank, line, bad, browser];
