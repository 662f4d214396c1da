// Keeps the TypeScript declarations honest: every result of every method is checked against
// the type the generated `.d.ts` declares for it, field by field — no missing field, no extra
// field, `null` only where the type says `| null`. The declarations are read with the
// TypeScript compiler's parser, so this test follows them when they change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

import { SEED_CANARY, assertJsonData, baton, exampleFiles, repoRoot } from './helpers.mjs';

const { Workspace } = baton;

/** Interfaces, type aliases and the Workspace class's method return types of a `.d.ts`. */
function declarations(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const types = new Map();
  const methods = new Map();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      types.set(statement.name.text, statement);
    } else if (ts.isClassDeclaration(statement) && statement.name?.text === 'Workspace') {
      for (const member of statement.members) {
        if (ts.isMethodDeclaration(member) && member.type) methods.set(member.name.getText(), member.type);
      }
    }
  }
  return { types, methods };
}

class Checker {
  constructor(types) {
    this.types = types;
    /** Interface name → fields seen non-null / seen null, to tell what the data exercised. */
    this.seen = new Map();
  }

  check(value, type, path) {
    switch (type.kind) {
      case ts.SyntaxKind.StringKeyword:
        return assert.equal(typeof value, 'string', `${path}: expected a string, got ${JSON.stringify(value)}`);
      case ts.SyntaxKind.NumberKeyword:
        return assert.ok(Number.isFinite(value), `${path}: expected a number, got ${JSON.stringify(value)}`);
      case ts.SyntaxKind.BooleanKeyword:
        return assert.equal(typeof value, 'boolean', `${path}: expected a boolean`);
      case ts.SyntaxKind.UnknownKeyword:
        return assertJsonData(value, path);
      case ts.SyntaxKind.VoidKeyword:
      case ts.SyntaxKind.UndefinedKeyword:
        return assert.equal(value, undefined, `${path}: expected undefined`);
      case ts.SyntaxKind.ParenthesizedType:
        return this.check(value, type.type, path);
      case ts.SyntaxKind.LiteralType:
        if (type.literal.kind === ts.SyntaxKind.NullKeyword) return assert.equal(value, null, `${path}: expected null`);
        return assert.equal(value, type.literal.text, `${path}: expected ${type.literal.getText()}`);
      case ts.SyntaxKind.ArrayType:
        assert.ok(Array.isArray(value), `${path}: expected an array`);
        return value.forEach((item, i) => this.check(item, type.elementType, `${path}[${i}]`));
      case ts.SyntaxKind.UnionType: {
        const failures = [];
        for (const member of type.types) {
          try {
            return this.check(value, member, path);
          } catch (e) {
            failures.push(e.message);
          }
        }
        return assert.fail(`${path}: matches no member of ${type.getText()}:\n  ${failures.join('\n  ')}`);
      }
      case ts.SyntaxKind.TypeReference:
        return this.reference(value, type, path);
      default:
        return assert.fail(`${path}: the test does not know the type ${type.getText()}`);
    }
  }

  reference(value, type, path) {
    const name = type.typeName.getText();
    if (name === 'Record') {
      const [, valueType] = type.typeArguments;
      // Keys of a Record come from user data (file paths): a result built on a null-prototype
      // object keeps a key such as `__proto__` as an own key.
      this.dictionary(value, path);
      for (const [key, item] of Object.entries(value)) this.check(item, valueType, `${path}[${JSON.stringify(key)}]`);
      return;
    }
    if (name === 'Uint8Array') {
      return assert.ok(value instanceof Uint8Array, `${path}: expected a Uint8Array`);
    }
    if (name === 'Array') {
      assert.ok(Array.isArray(value), `${path}: expected an array`);
      return value.forEach((item, i) => this.check(item, type.typeArguments[0], `${path}[${i}]`));
    }
    const declaration = this.types.get(name);
    assert.ok(declaration, `${path}: ${name} is not declared in the .d.ts`);
    if (ts.isTypeAliasDeclaration(declaration)) return this.check(value, declaration.type, path);
    this.plainObject(value, path);
    const fields = declaration.members.filter(ts.isPropertySignature);
    const declared = fields.map((f) => f.name.getText());
    assert.deepEqual(Object.keys(value).sort(), [...declared].sort(), `${path}: fields of ${name}`);
    const seen = this.seen.get(name) ?? { nonNull: new Set(), null: new Set() };
    this.seen.set(name, seen);
    for (const field of fields) {
      const key = field.name.getText();
      assert.ok(!field.questionToken, `${name}.${key} is optional, but results never omit fields`);
      this.check(value[key], field.type, `${path}.${key}`);
      seen[value[key] === null ? 'null' : 'nonNull'].add(key);
    }
  }

  dictionary(value, path) {
    assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${path}: expected an object`);
    assert.equal(Object.getPrototypeOf(value), null, `${path}: expected an object without a prototype`);
  }

  plainObject(value, path) {
    assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${path}: expected an object`);
    assert.equal(Object.getPrototypeOf(value), Object.prototype, `${path}: expected a plain object`);
  }
}

/** Workspaces whose results, together, fill every field of every declared result type. */
function scenarios() {
  const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
  return [
    {
      files: exampleFiles(),
      dirs: ['apps/payment-service/production', 'apps/ledger-api/staging', 'apps/missing'],
      expand: [{}, { pullRequests: [{ number: 7, branch: 'b', targetBranch: 'main', headSha: 'abcdef123', labels: ['preview'] }] }],
      deployments: [
        { kind: 'flux', namespace: 'flux-system', name: 'payment-service', cluster: 'staging-cluster' },
        { kind: 'flux', namespace: 'flux-system', name: 'payment-service' },
        { kind: 'Kustomization', namespace: 'flux-system', name: 'nope' },
      ],
      // The seed's Flux automation: a pick and a commit, a policy electing nothing, a pin.
      imageUpdates: [
        { images: { 'registry.example.com/payment-service': ['2.0.0', '2.3.0'] } },
        { images: { 'registry.example.com/payment-service': ['9.0.0'] } },
        // Tags as one string, a tag per line.
        { images: { 'registry.example.com/payment-service': '2.0.0\n2.3.0\n' } },
        { latest: { 'flux-system:payment-service': 'registry.example.com/payment-service:2.4.0@sha256:abcd' } },
      ],
      previews: [
        { app: 'payment-service', number: 7, sha: 'c0ffee1', branch: 'feature/x' },
        { app: 'payment-service', number: 42, tag: 'pr-42-77aa9' },
        { app: 'payment-service', number: 0, sha: 'c0ffee1' },
        { app: 'nope', number: 1 },
      ],
      cleanups: [{ open: [7] }, { closed: [42], app: 'payment-service' }, { closed: [9] }],
    },
    {
      // Flux automating a discovered dev environment (no baton.yaml), v1 with values, and a
      // template that fails (no commit).
      files: Object.fromEntries(Object.entries(exampleFiles()).filter(([p]) => p !== 'baton.yaml').map(([p, t]) => [p,
        p.endsWith('image-automation.yaml') ? t.replace('v1beta1\nkind: ImageUpdateAutomation', 'v1\nkind: ImageUpdateAutomation').replace('    push:', '      messageTemplateValues: {env: dev}\n    push:') : t])),
      dirs: [],
      imageUpdates: [{ images: { 'flux-system/payment-service': ['2.5.0'] } }],
    },
    {
      // Previews with an Ingress, a maxAge, a stale one and a directory that is none.
      files: {
        'baton.yaml': 'apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  previews:\n    host: pr-{number}.{app}.example.com\n    maxAge: 7d\n',
        'apps/shop/base/kustomization.yaml': 'resources: [deployment.yaml, ingress.yaml]\n',
        'apps/shop/base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: shop\n        image: reg.example.com/shop:1.0\n',
        'apps/shop/base/ingress.yaml': 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n  - host: shop.example.com\n',
        'apps/shop/preview/pr-3/kustomization.yaml': 'resources: [../../base]\nnamespace: preview-pr-3\n',
        'apps/shop/preview/old/kustomization.yaml': 'resources: []\n',
      },
      dirs: ['apps/shop/preview/pr-3'],
      previews: [{ app: 'shop', number: 5, sha: 'abcdef1' }],
      cleanups: [{ open: [3], now: '2026-03-20T00:00:00Z', lastChanged: { 'apps/shop/preview/pr-3': '2026-03-01T00:00:00Z' } }, { open: [] }],
    },
    {
      // ApplicationSets: a refused set, a missing path, a chart from another repository.
      files: {
        'apps/a/kustomization.yaml': 'resources: []\n',
        'sets.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec:\n  generators: [{list: {elements: [{app: a}, {app: gone}]}}]\n  template:\n    metadata: {name: \'x-{{app}}\'}\n    spec:\n      project: default\n      destination: {}\n      sources: [{repoURL: r, path: \'apps/{{app}}\'}, {repoURL: https://charts.example.com, chart: c}]\n---\napiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: refused}\nspec:\n  generators: [{list: {elements: [{n: 1}]}}]\n  template: {metadata: {name: x}, spec: {project: p, destination: {}}}\n',
      },
      dirs: ['apps/a'],
      expand: [{ repoURL: 'https://example.com/r' }, {}],
    },
    {
      files: {
        'bad.yaml': 'a: [\n',
        'dup/kustomization.yaml': `${kustomization}resources:\n  - a.yaml\n  - b.yaml\n`,
        'dup/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n',
        'dup/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n',
        'cycle/a/kustomization.yaml': `${kustomization}resources:\n  - ../b\n`,
        'cycle/b/kustomization.yaml': `${kustomization}resources:\n  - ../a\n`,
        'init/kustomization.yaml': `${kustomization}resources:\n  - pod.yaml\n`,
        'init/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n    - name: init\n      image: busybox:1\n  containers:\n    - name: main\n      image: nginx:1\n',
      },
      dirs: ['dup', 'cycle/a', 'init', '../outside'],
    },
    {
      // Argo Rollouts: the seed's canary, a blue-green rollout with analyses, a Deployment.
      files: {
        'ro/kustomization.yaml': `${kustomization}resources:\n  - canary.yaml\n  - blue-green.yaml\n  - deployment.yaml\n`,
        'ro/canary.yaml': SEED_CANARY,
        'ro/blue-green.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1}]}\n  strategy:\n    blueGreen:\n      activeService: api\n      previewService: api-preview\n      autoPromotionEnabled: false\n      prePromotionAnalysis: {templates: [{templateName: smoke}]}\n',
        'ro/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 2\n  strategy: {type: Recreate}\n  selector: {matchLabels: {app: worker}}\n  template:\n    metadata: {labels: {app: worker}}\n    spec: {containers: [{name: worker, image: worker:1}]}\n',
        'bad-rollout.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: bad\nspec:\n  strategy: {canary: {steps: [{setWeight: 150}]}}\n',
      },
      dirs: ['ro'],
      simulate: [{ overlay: 'ro' }, { overlay: 'ro', name: 'nope' }, { overlay: 'missing' }],
    },
    {
      // An overlay shared by two apps that run one image: promoting web moves api too.
      files: {
        'baton.yaml': 'apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n    path: envs/staging\n  - name: production\n    path: envs/production\n',
        ...Object.fromEntries(['web', 'api'].flatMap((app) => [
          [`apps/${app}/base/kustomization.yaml`, 'resources: [deployment.yaml]\n'],
          [`apps/${app}/base/deployment.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${app}\n        image: reg.example.com/platform:1.0.0\n`],
        ])),
        'envs/staging/kustomization.yaml': 'resources: [../../apps/web/base, ../../apps/api/base]\nimages:\n- name: reg.example.com/platform\n  newTag: 2.0.0\n',
        'envs/production/kustomization.yaml': 'resources: [../../apps/web/base, ../../apps/api/base]\n',
      },
      dirs: ['envs/production'],
      requests: [{ app: 'web', to: 'production' }],
    },
    {
      // Argo CD: an Application with overrides and a Helm source; a Flux Kustomization that no
      // cluster directory applies, from another repository, with a remote kubeconfig.
      files: {
        'apps/web/kustomization.yaml': 'resources: [cm.yaml]\n',
        'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
        'argocd/web.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\nspec:\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  sources:\n  - repoURL: https://example.com/r.git\n    targetRevision: main\n    path: apps/web\n    kustomize:\n      namePrefix: a-\n  - repoURL: https://charts.example.com\n    chart: redis\n',
        'tenants/t.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: t\n  namespace: tenants\nspec:\n  path: ./deploy\n  kubeConfig:\n    secretRef:\n      name: prod-kubeconfig\n  sourceRef:\n    kind: OCIRepository\n    name: t\n',
      },
      dirs: ['apps/web'],
      deployments: [{ kind: 'argo', namespace: 'argocd', name: 'web' }, { kind: 'flux', namespace: 'tenants', name: 't' }],
    },
  ];
}


for (const [label, file] of [['node', 'pkg/node/baton_wasm.d.ts'], ['web', 'pkg/web/baton_wasm.d.ts']]) {
  test(`results match the declarations of ${file}`, () => {
    const { types, methods } = declarations(join(repoRoot, file));
    const results = ['StatusResult', 'AppStatus', 'EnvironmentStatus', 'ImageStatus', 'SourceRef', 'Pending', 'PendingChange', 'PromotionPlan', 'PlannedChange', 'FileEdit', 'PullRequest', 'GateResult', 'CollateralChange', 'ResourceRef', 'FieldChange', 'WorkloadStrategy', 'WorkloadRollout', 'SimulationResult', 'RolloutSimulation', 'SimulationState', 'ImageUpdateResult', 'PolicyResult', 'ImageChange', 'ObjectId', 'AutomationResult', 'TemplateValue', 'Commit', 'CommitAuthor', 'FluxAutomation', 'AutomatedPolicy', 'MarkerRef', 'PreviewStatus', 'PreviewPlan', 'CleanupPlan', 'PreviewFate', 'UnknownEntry', 'ExpandAppSetsResult', 'AppSetExpansion', 'GeneratedApplication', 'SourceCheck', 'DeploymentRef', 'Cluster', 'DeploymentsResult', 'Deployment', 'Destination', 'DeploymentSource', 'DeploymentRenderResult', 'Variable', 'EnvironmentDiff', 'ResourceDiff', 'Difference', 'DriftCounts'];
    for (const name of ['Diagnostic', 'Span', 'Range', 'Position', 'Related', 'Severity', 'ValidateResult', 'RenderResult', 'RenderedResource', 'RenderedImage', 'ImageSource', 'Stats', 'Files', 'GateStatus', 'PromotionRequest', 'PromotionContext', 'ResourceChangeKind', 'Relation', 'Comparison', 'SimulateRequest', 'RolloutStrategy', 'DeploymentStrategy', 'ImageUpdateInput', 'PolicyKind', 'PreviewRequest', 'PreviewAction', 'CleanupRequest', 'PreviewFateKind', 'SourceStatus', 'ExpandAppSetsInput', 'ClusterSecret', 'PullRequestInput', 'Controller', 'DeploymentRequest', 'EnvDiffRequest', 'DiffCategory', 'ExpectedDifference', ...results]) {
      assert.ok(types.has(name), `${label}: ${name} is declared`);
    }
    const expectedReturns = {
      files: 'Files', validate: 'ValidateResult', render: 'RenderResult', stats: 'Stats', removeFile: 'boolean', setFile: 'void',
      status: 'StatusResult', planPromotion: 'PromotionPlan', kustomizationDirs: 'string[]', simulateRollout: 'SimulationResult', diffEnvironments: 'EnvironmentDiff',
      imageUpdate: 'ImageUpdateResult',
      planPreview: 'PreviewPlan', planPreviewCleanup: 'CleanupPlan',
      expandAppSets: 'ExpandAppSetsResult',
      deployments: 'DeploymentsResult', renderDeployment: 'DeploymentRenderResult',
    };
    for (const [method, type] of Object.entries(expectedReturns)) {
      assert.equal(methods.get(method)?.getText(), type, `${label}: Workspace.${method} returns ${type}`);
    }

    const checker = new Checker(types);
    for (const { files, dirs, requests, simulate = [], imageUpdates, previews = [], cleanups = [], expand = [], deployments = [] } of scenarios()) {
      const ws = new Workspace(files);
      checker.check(ws.files(), methods.get('files'), 'files()');
      checker.check(ws.validate(), methods.get('validate'), 'validate()');
      for (const dir of dirs) {
        let result;
        try {
          result = ws.render(dir);
        } catch {
          continue; // a path outside the root is host misuse: it throws, and has no result
        }
        checker.check(result, methods.get('render'), `render(${dir})`);
      }
      checker.check(ws.stats(), methods.get('stats'), 'stats()');
      checker.check(ws.status(), methods.get('status'), 'status()');
      checker.check(ws.kustomizationDirs(), methods.get('kustomizationDirs'), 'kustomizationDirs()');
      for (const request of requests ?? [
        { app: 'payment-service', to: 'production' },
        { app: 'ledger-api', to: 'production', context: { author: 'a', approvals: ['b'], checks: { 'e2e-staging': 'success' }, now: '2026-11-24T10:00:00Z', since: { staging: '2026-11-20T10:00:00Z' } } },
        { app: 'payment-service', to: 'staging', from: 'production' },
        { app: 'nope', to: 'production' },
      ]) {
        checker.check(ws.planPromotion(request), methods.get('planPromotion'), `planPromotion(${request.app})`);
        const pair = { app: request.app, from: request.from ?? 'staging', to: request.to };
        checker.check(ws.diffEnvironments(pair), methods.get('diffEnvironments'), `diffEnvironments(${JSON.stringify(pair)})`);
      }
      for (const input of expand) {
        checker.check(ws.expandAppSets(input), methods.get('expandAppSets'), `expandAppSets(${JSON.stringify(input)})`);
      }
      for (const input of imageUpdates ?? []) {
        checker.check(ws.imageUpdate(input), methods.get('imageUpdate'), `imageUpdate(${JSON.stringify(input)})`);
        checker.check(ws.status(input), methods.get('status'), 'status(tags)');
      }
      for (const request of simulate) {
        checker.check(ws.simulateRollout(request), methods.get('simulateRollout'), `simulateRollout(${JSON.stringify(request)})`);
      }
      for (const request of previews) {
        checker.check(ws.planPreview(request), methods.get('planPreview'), `planPreview(${JSON.stringify(request)})`);
      }
      for (const request of cleanups) {
        checker.check(ws.planPreviewCleanup(request), methods.get('planPreviewCleanup'), `planPreviewCleanup(${JSON.stringify(request)})`);
      }
      checker.check(ws.deployments(), methods.get('deployments'), 'deployments()');
      for (const request of deployments) {
        checker.check(ws.renderDeployment(request), methods.get('renderDeployment'), `renderDeployment(${JSON.stringify(request)})`);
      }
      checker.check(ws.setFile('new.yaml', 'a: 1\n'), methods.get('setFile'), 'setFile()');
      checker.check(ws.removeFile('new.yaml'), methods.get('removeFile'), 'removeFile()');
    }

    // The data must have exercised the declarations, or the check above proves little.
    for (const name of ['Diagnostic', 'Span', 'Range', 'Position', 'Related', 'ValidateResult', 'RenderResult', 'RenderedResource', 'RenderedImage', 'ImageSource', 'Stats', ...results]) {
      assert.ok(checker.seen.has(name), `${label}: no ${name} was produced by the scenarios`);
    }
    const diagnostic = checker.seen.get('Diagnostic');
    for (const field of ['file', 'span', 'range', 'help']) {
      assert.ok(diagnostic.nonNull.has(field), `${label}: no diagnostic had a ${field}`);
    }
    const related = checker.seen.get('Related');
    assert.ok(related.nonNull.has('range') && related.null.has('range'), `${label}: related range seen both set and null`);
    const plan = checker.seen.get('PromotionPlan');
    assert.ok(plan.nonNull.has('pullRequest') && plan.null.has('pullRequest'), `${label}: pullRequest seen both set and null`);
    const state = checker.seen.get('SimulationState');
    for (const field of ['step', 'pause', 'analysis', 'scaleDownDelay', 'holdSeconds']) {
      assert.ok(state.nonNull.has(field) && state.null.has(field), `${label}: SimulationState.${field} seen both set and null`);
    }
    const policy = checker.seen.get('PolicyResult');
    for (const field of ['latest', 'tag', 'digest']) {
      assert.ok(policy.nonNull.has(field) && policy.null.has(field), `${label}: PolicyResult.${field} seen both set and null`);
    }
    const automation = checker.seen.get('AutomationResult');
    assert.ok(automation.nonNull.has('commit') && automation.null.has('commit'), `${label}: AutomationResult.commit seen both set and null`);
    const environment = checker.seen.get('EnvironmentStatus');
    assert.ok(environment.nonNull.has('flux') && environment.null.has('flux'), `${label}: EnvironmentStatus.flux seen both set and null`);
    const preview = checker.seen.get('PreviewPlan');
    for (const field of ['action', 'path', 'url', 'render', 'branchSlug']) {
      assert.ok(preview.nonNull.has(field) && preview.null.has(field), `${label}: PreviewPlan.${field} seen both set and null`);
    }
    const fate = checker.seen.get('PreviewFate');
    for (const field of ['lastChanged', 'age', 'maxAge']) {
      assert.ok(fate.nonNull.has(field) && fate.null.has(field), `${label}: PreviewFate.${field} seen both set and null`);
    }
    const edit = checker.seen.get('FileEdit');
    assert.ok(edit.nonNull.has('before') && edit.nonNull.has('after'), `${label}: edits seen with before and after`);
    const resource = checker.seen.get('RenderedResource');
    assert.ok(resource.nonNull.has('namespace') && resource.null.has('namespace'), `${label}: namespace seen both set and null`);
  });
}

test('the checker itself rejects what the declarations forbid', () => {
  const { types } = declarations(join(repoRoot, 'pkg/node/baton_wasm.d.ts'));
  const checker = new Checker(types);
  const snippet = ts.createSourceFile('snippet.ts', 'let a: Stats;\nlet b: Span;\n', ts.ScriptTarget.Latest, true);
  const [stats, span] = snippet.statements.map((s) => s.declarationList.declarations[0].type);
  assert.doesNotThrow(() => checker.check({ parses: 1, renders: 2, steps: 3 }, stats, 'ok'));
  assert.throws(() => checker.check({ parses: 1, renders: 2 }, stats, 'missing'), /fields of Stats/);
  assert.throws(() => checker.check({ parses: 1, renders: 2, steps: 3, extra: 0 }, stats, 'extra'), /fields of Stats/);
  assert.throws(() => checker.check({ parses: 1, renders: undefined, steps: 3 }, stats, 'undefined'), /expected a number/);
  assert.throws(() => checker.check({ start: '0', end: 1 }, span, 'string'), /expected a number/);
  assert.throws(() => checker.check(new Map(), stats, 'map'), /plain object/);
});
