// The Deployments view (`deployments`, `renderDeployment`): pick a Flux Kustomization or an
// Argo CD Application of the repository and see what its cluster applies, which is not
// `kustomize build` of its path alone: the controller's overrides (Flux patches, images,
// targetNamespace, commonMetadata; Argo CD's kustomize overrides) and Flux's post-build
// substitutions are applied. The variables and their values are listed, and the rendered
// lines that carry a substituted value are marked, so a value can be traced to its variable.
import type { Deployment, DeploymentRenderResult, DeploymentsResult, Diagnostic, Variable } from '@baton/engine/web';

import { diagnosticNotes, el, viewSection } from './dom';
import type { EngineClient } from './engine-client';
import { highlightYaml } from './highlight';

export interface DeploymentsOptions {
  root: HTMLElement;
  engine: EngineClient;
  /** Opens a file of the repository in the editor. */
  openFile: (path: string) => void;
}

export class DeploymentsView {
  private readonly options: DeploymentsOptions;
  private readonly picker: HTMLSelectElement;
  private readonly clusters: HTMLElement;
  private readonly body: HTMLElement;
  private list: Deployment[] = [];
  private seq = 0;

  constructor(options: DeploymentsOptions) {
    this.options = options;
    const section = viewSection('Deployments', 'what a cluster applies: the path rendered with the controller’s overrides and Flux’s substitutions');
    const form = el('div', 'plan-picker');
    this.picker = el('select');
    this.picker.dataset.testid = 'deployment-select';
    this.picker.setAttribute('aria-label', 'Deployment to render');
    this.picker.addEventListener('change', () => void this.render());
    form.append(el('span', 'hint', 'Render'), this.picker);
    this.clusters = el('div', 'hint');
    this.clusters.dataset.testid = 'deployment-clusters';
    this.body = el('div', 'plan-details');
    this.body.dataset.testid = 'deployment-render';
    section.append(form, this.clusters, this.body);
    options.root.replaceChildren(section);
  }

  /** Lists the deployments again (after an edit) and renders the chosen one. */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    const { result } = await this.options.engine.call('deployments');
    if (seq !== this.seq) return;
    this.fill(result);
    await this.render();
  }

  /** Selects a deployment by id (`flux:namespace/name@cluster`, `argo:namespace/name`) and renders it. */
  async show(id: string): Promise<void> {
    if (!this.list.some((d) => d.id === id)) return;
    this.picker.value = id;
    await this.render();
  }

  private fill(result: DeploymentsResult): void {
    const chosen = this.picker.value;
    this.list = result.deployments;
    const groups = new Map<string, HTMLOptGroupElement>();
    this.picker.replaceChildren();
    for (const d of result.deployments) {
      const group = d.cluster ?? '(no cluster)';
      if (!groups.has(group)) {
        const optgroup = document.createElement('optgroup');
        optgroup.label = group;
        groups.set(group, optgroup);
        this.picker.append(optgroup);
      }
      groups.get(group)?.append(new Option(`${d.controller === 'flux' ? 'Flux' : 'Argo CD'} ${d.namespace}/${d.name}`, d.id));
    }
    // First time: a deployment that substitutes variables shows the most.
    const initial = result.deployments.find((d) => d.overrides.some((o) => o.startsWith('postBuild'))) ?? result.deployments[0];
    this.picker.value = this.list.some((d) => d.id === chosen) ? chosen : (initial?.id ?? '');
    this.clusters.textContent =
      result.clusters.length === 0 ? 'No cluster directory or Argo CD destination in this repository.' : `Clusters: ${result.clusters.map((c) => `${c.name} (${c.deployments.length})`).join(' · ')}`;
    if (result.deployments.length === 0) {
      this.body.replaceChildren(el('p', 'hint', 'No Flux Kustomization or Argo CD Application in this repository.'), ...diagnosticList(result.diagnostics));
    }
  }

  private async render(): Promise<void> {
    const deployment = this.list.find((d) => d.id === this.picker.value);
    if (!deployment) return;
    const seq = ++this.seq;
    const request = { kind: deployment.controller, namespace: deployment.namespace, name: deployment.name, cluster: deployment.controller === 'flux' ? deployment.cluster : null };
    try {
      const { result, ms } = await this.options.engine.call('renderDeployment', request);
      if (seq !== this.seq) return;
      this.draw(deployment, result, ms);
    } catch (e) {
      if (seq !== this.seq) return;
      this.body.replaceChildren(el('p', 'note error', e instanceof Error ? e.message : String(e)));
    }
  }

  private draw(deployment: Deployment, result: DeploymentRenderResult, ms: number): void {
    const parts: Node[] = [];
    const verdict = el('p', `plan-message ${result.ok ? 'nothing' : ''}`, result.ok ? `renders: ${result.resources.length} resource${result.resources.length === 1 ? '' : 's'}${result.namespaces.length ? ` in ${result.namespaces.join(', ')}` : ''} (${ms.toFixed(1)} ms)` : 'does not render: see the problems below');
    verdict.dataset.testid = 'deployment-verdict';
    parts.push(verdict);
    const facts = el('dl', 'facts');
    const dest = deployment.destination;
    const where = [dest.server ?? dest.name, dest.namespace ? `namespace ${dest.namespace}` : null, dest.kubeConfig ? `kubeconfig ${dest.kubeConfig}` : null].filter(Boolean).join(' · ');
    const file = el('button', 'link', deployment.file);
    file.type = 'button';
    file.addEventListener('click', () => this.options.openFile(deployment.file));
    const rows: [string, Node | string][] = [
      ['defined in', file],
      ['cluster', deployment.cluster ?? '—'],
      ...(where ? [['destination', where] as [string, string]] : []),
      ['source', deployment.sources.map((s) => `${s.reference}${s.path !== null ? ` ${s.path || '(root)'}` : ''}${s.local ? '' : ' (not rendered)'}${s.note ? `: ${s.note}` : ''}`).join('; ') || '—'],
      ...(deployment.dependsOn.length ? [['depends on', deployment.dependsOn.join(', ')] as [string, string]] : []),
      ['overrides', deployment.overrides.join(', ') || 'none'],
    ];
    for (const [k, v] of rows) {
      const dd = el('dd', 'mono');
      dd.append(v);
      facts.append(el('dt', '', k), dd);
    }
    if (deployment.suspended) facts.append(el('dt', '', 'suspended'), el('dd', 'note warning', 'yes: the cluster does not apply changes'));
    parts.push(facts);
    if (result.variables.length > 0) parts.push(el('h4', '', 'Post-build variables (later ones win)'), variablesTable(result.variables));
    parts.push(...diagnosticList(result.diagnostics));
    if (result.yaml) {
      const pre = el('pre', 'rendered code');
      pre.dataset.testid = 'deployment-yaml';
      pre.append(highlightYaml(result.yaml, () => undefined));
      markSubstituted(pre, result.variables);
      parts.push(el('h4', '', 'What the cluster applies'), pre);
    }
    this.body.replaceChildren(...parts);
  }
}

function variablesTable(variables: Variable[]): HTMLTableElement {
  const table = el('table', 'changes');
  table.dataset.testid = 'variables';
  const head = el('tr');
  for (const h of ['variable', 'value', 'from']) head.append(el('th', '', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  // A later definition wins: show the effective value once, where it came from.
  const effective = new Map<string, Variable>();
  for (const v of variables) effective.set(v.name, v);
  for (const v of variables) {
    const tr = el('tr');
    tr.dataset.testid = 'variable';
    tr.dataset.name = v.name;
    const overridden = effective.get(v.name) !== v;
    if (overridden) tr.classList.add('muted');
    tr.append(el('td', 'mono strong', `\${${v.name}}`), el('td', 'mono', v.value), el('td', 'small', overridden ? `${v.from} (overridden)` : v.from));
    tbody.append(tr);
  }
  table.append(thead, tbody);
  return table;
}

/** Marks the rendered lines whose value is a variable's value, naming the variable. */
function markSubstituted(pre: HTMLElement, variables: Variable[]): void {
  const effective = new Map<string, string>();
  for (const v of variables) effective.set(v.name, v.value);
  const byValue = new Map<string, string[]>();
  for (const [name, value] of effective) {
    if (value.trim() === '') continue;
    byValue.set(value, [...(byValue.get(value) ?? []), name]);
  }
  for (const line of pre.querySelectorAll<HTMLElement>('.line')) {
    const text = (line.textContent ?? '').trim();
    const value = text.replace(/^(- )?[^:]*:\s*/, '').replace(/^- /, '').replace(/^["']|["']$/g, '');
    const names = byValue.get(value);
    if (!names) continue;
    line.classList.add('subst-line');
    line.dataset.variable = names.join(' ');
    line.title = `the value of \${${names.join('}, ${')}}`;
  }
}

function diagnosticList(list: Diagnostic[]): HTMLElement[] {
  if (list.length === 0) return [];
  const ul = diagnosticNotes(list);
  ul.dataset.testid = 'deployment-diagnostics';
  return [ul];
}
