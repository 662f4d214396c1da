// The pipeline board: apps × environments in promotion order, from `status`. Each cell shows
// the image of each container (tag or digest) and the deployment strategy; between two
// environments an arrow says whether a promotion is pending and in which direction (behind:
// the target waits for the upstream's version; ahead: the target runs something newer, a
// hotfix or a rollback; diverged: no order). Clicking an arrow opens that promotion's plan.
// Each cell also says what deploys it (Flux Kustomizations per cluster, Argo CD Applications
// with their destinations), or warns (D020) that nothing does; under the table, the clusters
// list their deployments in the order they apply them.
import type { AppStatus, Diagnostic, EnvironmentStatus, ImageStatus, Pending, StatusResult } from '@baton/engine/web';

import { absentCell, el, statusNotes, viewSection } from './dom';
import { tourList, tourSteps, type TourActions } from './tour';

export interface BoardOptions extends TourActions {
  root: HTMLElement;
}

const STRATEGY: Record<string, string> = {
  canary: 'canary',
  blueGreen: 'blue-green',
  rollingUpdate: 'rolling',
  recreate: 'recreate',
};

export class BoardView {
  private readonly options: BoardOptions;
  private readonly table: HTMLTableElement;
  private readonly notes: HTMLElement;
  private readonly tour: HTMLElement;
  private readonly clusters: HTMLElement;
  /** D020 warnings of the latest status, by overlay file. */
  private undeployed = new Map<string, Diagnostic>();

  constructor(options: BoardOptions) {
    this.options = options;
    const section = el('section', 'promo-section');
    const head = el('div', 'section-head');
    head.append(el('h3', '', 'Pipeline'), el('span', 'hint', 'image per app × environment · an arrow is a pending promotion: click it to plan'));
    this.table = el('table', 'board-table');
    this.table.dataset.testid = 'board-table';
    this.notes = el('div', 'matrix-notes');
    const legend = el('p', 'hint legend');
    legend.append(
      el('span', 'arrow-chip behind', '→ behind'),
      ' the target waits for a promotion · ',
      el('span', 'arrow-chip ahead', '⚠ ahead'),
      ' the target runs something newer (a hotfix, or a rollback to undo) · ',
      el('span', 'arrow-chip diverged', '≠ diverged'),
      ' versions with no order',
    );
    this.tour = el('div');
    const clusters = viewSection('Clusters', 'what each cluster applies, in order (Flux dependsOn first) · click one to see its render', 'promo-section clusters');
    clusters.dataset.testid = 'board-clusters';
    this.clusters = el('div');
    clusters.append(this.clusters);
    section.append(this.tour, head, this.table, this.notes, legend);
    options.root.replaceChildren(section, clusters);
  }

  update(status: StatusResult | undefined): void {
    if (!status) return;
    const open = this.tour.querySelector('details')?.open ?? true;
    const tour = tourList(tourSteps(status, this.options));
    tour.open = open;
    this.tour.replaceChildren(tour);
    this.undeployed = new Map(status.diagnostics.filter((d) => d.code === 'D020' && d.file).map((d) => [d.file as string, d]));
    const envs = status.environments;
    const headRow = el('tr');
    headRow.append(el('th', 'app-col', 'app'));
    envs.forEach((env, i) => {
      if (i > 0) headRow.append(el('th', 'arrow-col', ''));
      headRow.append(el('th', 'env-col', env));
    });
    const thead = el('thead');
    thead.append(headRow);
    const tbody = el('tbody');
    for (const app of status.apps) {
      const tr = el('tr');
      tr.dataset.testid = 'board-row';
      tr.dataset.app = app.name;
      const name = el('th', 'app-col');
      name.scope = 'row';
      name.append(el('div', 'app-name', app.name), el('div', 'app-path', app.path));
      if (app.previews.length > 0) name.append(this.previewChips(app));
      tr.append(name);
      envs.forEach((env, i) => {
        if (i > 0) tr.append(this.arrow(app, envs[i - 1], env));
        tr.append(this.cell(app, env));
      });
      tbody.append(tr);
    }
    this.table.replaceChildren(thead, tbody);
    this.notes.replaceChildren(...statusNotes(status));
    this.drawClusters(status);
  }

  /** The clusters and what each applies, dependencies first; a deployment opens its render. */
  private drawClusters(status: StatusResult): void {
    const parts: Node[] = [];
    if (status.clusters.length === 0) parts.push(el('p', 'hint', 'No cluster in this repository (no clusters/<name>/ directory with Flux Kustomizations).'));
    const ok = new Map(status.apps.flatMap((a) => a.environments.flatMap((e) => e.deployments.map((d) => [d.id, d.ok] as const))));
    for (const cluster of status.clusters) {
      const box = el('div', 'cluster');
      box.dataset.testid = 'cluster';
      box.dataset.name = cluster.name;
      box.append(el('span', 'cluster-name', `⎈ ${cluster.name}`));
      const list = el('ol', 'cluster-deployments');
      for (const id of cluster.deployments) {
        const li = el('li');
        const button = el('button', `link${ok.get(id) === false ? ' broken' : ''}`, shortId(id));
        button.type = 'button';
        button.dataset.testid = 'cluster-deployment';
        button.dataset.id = id;
        button.title = `${id}${ok.get(id) === false ? ' (does not render)' : ''}\nclick to see what it applies`;
        button.addEventListener('click', () => this.options.deployments(id));
        li.append(button);
        list.append(li);
      }
      box.append(list);
      parts.push(box);
    }
    this.clusters.replaceChildren(...parts);
  }

  /** Which clusters and namespaces deploy this environment, or the D020 warning. */
  private deployedBy(env: EnvironmentStatus): HTMLElement[] {
    const lines: HTMLElement[] = [];
    for (const d of env.deployments) {
      const line = el('button', `deployed-by${d.ok ? '' : ' broken'}`);
      line.type = 'button';
      line.dataset.testid = 'deployed-by';
      line.dataset.id = d.id;
      line.append(el('span', 'glyph', '⎈'), ` ${d.cluster ?? '?'}`, el('span', 'ns', d.namespaces.length ? ` · ${d.namespaces.join(', ')}` : ''));
      line.title = `${d.controller === 'flux' ? 'Flux Kustomization' : 'Argo CD Application'} ${d.id}${d.ok ? '' : ' (does not render)'}\nclick to see what it applies`;
      line.addEventListener('click', () => this.options.deployments(d.id));
      lines.push(line);
    }
    for (const a of env.applications) {
      // A generated Application opens the ApplicationSets view, where its set is expanded.
      const line = a.appSet ? el('button', 'deployed-by argo') : el('div', 'deployed-by argo');
      if (line instanceof HTMLButtonElement) {
        line.type = 'button';
        line.addEventListener('click', () => this.options.appsets());
      }
      line.dataset.testid = 'deployed-by';
      line.dataset.application = a.application;
      line.append(el('span', 'glyph', 'A'), ` ${a.cluster ?? '?'}`, el('span', 'ns', a.namespace ? ` · ${a.namespace}` : ''));
      line.title = `Argo CD Application ${a.application}${a.appSet ? ` (generated by ApplicationSet ${a.appSet}; click to see it)` : ''}, ${a.file}`;
      lines.push(line);
    }
    if (lines.length === 0) {
      const warning = this.undeployed.get(`${env.path}/kustomization.yaml`) ?? [...this.undeployed.entries()].find(([file]) => file.startsWith(`${env.path}/`))?.[1];
      const line = el('div', 'deployed-by none');
      line.dataset.testid = 'undeployed';
      line.append(el('span', 'glyph', '▲'), warning ? ` ${warning.code} deployed by nothing` : ' deployed by nothing');
      line.title = warning?.message ?? 'no Flux Kustomization or Argo CD Application of the repository deploys this overlay';
      lines.push(line);
    }
    return lines;
  }

  private cell(app: AppStatus, envName: string): HTMLTableCellElement {
    const td = el('td', 'board-cell');
    td.dataset.testid = 'board-cell';
    td.dataset.app = app.name;
    td.dataset.env = envName;
    const env = app.environments.find((e) => e.name === envName);
    if (!env) return absentCell(td, app.name, envName);
    if (!env.ok) td.append(el('div', 'broken', '✖ does not render'));
    for (const image of env.images) td.append(imageLine(image, env.images.length > 1));
    for (const badge of strategies(env)) td.append(badge);
    if (env.flux) td.append(fluxBadge(env));
    td.append(...this.deployedBy(env));
    // A pending promotion from an environment that is not the column to the left.
    for (const p of app.pending.filter((p) => p.to === envName)) {
      const left = app.environments[app.environments.findIndex((e) => e.name === envName) - 1]?.name;
      if (p.from !== left) td.append(this.arrowButton(app, p, `from ${p.from}`));
    }
    return td;
  }

  /** The app's preview environments, one chip per pull request; a click opens the previews view. */
  private previewChips(app: AppStatus): HTMLElement {
    const box = el('div', 'previews-chips');
    box.dataset.testid = 'board-previews';
    for (const p of app.previews) {
      const chip = el('button', `preview-chip${p.ok ? '' : ' broken'}`, `PR #${p.number}`);
      chip.type = 'button';
      chip.dataset.number = String(p.number);
      chip.title = `preview of pull request #${p.number}: ${p.path}${p.namespace ? `, namespace ${p.namespace}` : ''}${p.image ? `, ${p.image}` : ''}${p.url ? `\n${p.url}` : ''}`;
      chip.addEventListener('click', () => this.options.previews());
      box.append(chip);
    }
    return box;
  }

  private arrow(app: AppStatus, from: string, to: string): HTMLTableCellElement {
    const td = el('td', 'arrow-cell');
    const pending = app.pending.find((p) => p.from === from && p.to === to);
    const both = app.environments.some((e) => e.name === from) && app.environments.some((e) => e.name === to);
    if (pending) td.append(this.arrowButton(app, pending, ''));
    else if (both) td.append(el('span', 'in-sync', '='));
    if (both && !pending) td.title = `${to} runs what ${from} runs`;
    return td;
  }

  private arrowButton(app: AppStatus, pending: Pending, suffix: string): HTMLButtonElement {
    const relation = relationOf(pending);
    const glyph = { behind: '→', ahead: '⚠', diverged: '≠' }[relation];
    const button = el('button', `arrow-chip ${relation}`);
    button.type = 'button';
    button.dataset.testid = 'board-arrow';
    button.dataset.relation = relation;
    button.dataset.from = pending.from;
    button.dataset.to = pending.to;
    const n = pending.changes.length;
    button.append(el('span', 'glyph', glyph), ` ${relation}${suffix ? ` ${suffix}` : ''}`, el('span', 'n', ` ${n} image${n === 1 ? '' : 's'}`));
    const detail = pending.changes.map((c) => `${c.workload} ${c.container}: ${c.from ?? '∅'} → ${c.to ?? '∅'} (${c.relation}; ${c.note})`).join('\n');
    const label = `${app.name}: ${pending.to} is ${relation} ${pending.from}`;
    button.title = `${label}\n${detail}\nclick to plan the promotion`;
    button.addEventListener('click', () => this.options.plan(app.path, pending.from, pending.to));
    return button;
  }
}

/** `flux:flux-system/payment-service@staging-cluster` → `flux-system/payment-service` (the cluster is the box's). */
function shortId(id: string): string {
  return id.replace(/^(flux|argo):/, '').replace(/@[^@]*$/, '');
}

/** The pending promotion's direction: ahead if any container is ahead, behind if all are. */
function relationOf(pending: Pending): 'behind' | 'ahead' | 'diverged' {
  if (pending.changes.some((c) => c.relation === 'ahead')) return 'ahead';
  if (pending.changes.every((c) => c.relation === 'behind')) return 'behind';
  return 'diverged';
}

function imageLine(image: ImageStatus, named: boolean): HTMLElement {
  const line = el('div', 'board-image');
  line.dataset.testid = 'board-image';
  const version = image.digest ? image.digest.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]+$/, '$1$2…') : (image.tag ?? 'untagged');
  if (named) line.append(el('span', 'container', image.container), ' ');
  line.append(el('code', image.digest ? 'version digest' : 'version', version));
  line.title = `${image.workload} · ${image.container}\n${image.image}${image.source ? `\nset in ${image.source.file}:${image.source.line}` : ''}`;
  return line;
}

/** One badge per deployment strategy the environment's workloads use. */
function strategies(env: EnvironmentStatus): HTMLElement[] {
  const seen = new Map<string, string[]>();
  for (const w of env.workloads) seen.set(w.strategy, [...(seen.get(w.strategy) ?? []), `${w.workload}: ${w.how} (risk ${w.risk}; rollback: ${w.rollback})`]);
  return [...seen].map(([strategy, lines]) => {
    const badge = el('span', `strategy ${strategy}`, STRATEGY[strategy] ?? strategy);
    badge.dataset.testid = 'strategy';
    badge.title = lines.join('\n');
    return badge;
  });
}

/** Flux image automation updates this environment: which policies, and their picks. */
function fluxBadge(env: EnvironmentStatus): HTMLElement {
  const badge = el('span', 'strategy flux', 'flux ⟳');
  badge.dataset.testid = 'flux';
  const policies = env.flux?.policies ?? [];
  badge.title = `updated by Flux image automation (${env.flux?.automations.join(', ')}):\n${policies
    .map((p) => `${p.namespace}/${p.name}: ${p.rule}${p.image ? ` on ${p.image}` : ''}; markers in ${p.markers.map((m) => `${m.file}:${m.line}`).join(', ')}`)
    .join('\n')}`;
  return badge;
}
