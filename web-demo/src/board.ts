// The pipeline board: apps × environments in promotion order, from `status`. Each cell shows
// the image of each container (tag or digest) and the deployment strategy; between two
// environments an arrow says whether a promotion is pending and in which direction (behind:
// the target waits for the upstream's version; ahead: the target runs something newer, a
// hotfix or a rollback; diverged: no order). Clicking an arrow opens that promotion's plan.
import type { AppStatus, EnvironmentStatus, ImageStatus, Pending, StatusResult } from '@baton/engine/web';

import { absentCell, el, statusNotes } from './dom';
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
    section.append(this.tour, head, this.table, this.notes, legend);
    options.root.replaceChildren(section);
  }

  update(status: StatusResult | undefined): void {
    if (!status) return;
    const open = this.tour.querySelector('details')?.open ?? true;
    const tour = tourList(tourSteps(status, this.options));
    tour.open = open;
    this.tour.replaceChildren(tour);
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
