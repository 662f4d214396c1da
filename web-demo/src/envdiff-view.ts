// The environment diff view (`diffEnvironments`): pick an app and two of its environments, see
// what differs. Differences every pipeline makes by design (namespace, name prefix/suffix and
// hashes, promoted images) are collapsed per resource, so the drift stands out; the rendered
// diff of each resource is one click away. Re-asked on every edit.
import type { EnvironmentDiff, ResourceDiff, StatusResult } from '@baton/engine/web';

import { renderDiff } from './diff';
import { el } from './dom';
import type { EngineClient } from './engine-client';

export interface EnvDiffOptions {
  root: HTMLElement;
  engine: EngineClient;
}

const CATEGORY: Record<string, string> = {
  image: 'image',
  replicas: 'replicas',
  resources: 'resources/limits',
  config: 'config data',
  labels: 'labels/annotations',
  namespace: 'namespace',
  name: 'name',
  other: 'other',
};

const EXPECTED: Record<string, string> = {
  namespace: 'namespace',
  nameAffix: 'name prefix/suffix',
  promotedImage: 'promoted image',
};

export class EnvDiffView {
  private readonly engine: EngineClient;
  private readonly app: HTMLSelectElement;
  private readonly from: HTMLSelectElement;
  private readonly to: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private status: StatusResult | undefined;
  private seq = 0;

  constructor(options: EnvDiffOptions) {
    this.engine = options.engine;
    const head = el('div', 'section-head');
    head.append(el('h3', '', 'Environment diff'), el('span', 'hint', 'what differs besides namespaces, name prefixes and promoted images'));
    const picker = el('div', 'plan-picker');
    this.app = select('App to compare', 'envdiff-app');
    this.from = select('Compare from environment', 'envdiff-from');
    this.to = select('Compare to environment', 'envdiff-to');
    picker.append(el('span', 'hint', 'Compare'), this.app, el('span', 'hint', 'from'), this.from, el('span', 'hint', 'to'), this.to);
    for (const s of [this.from, this.to]) s.addEventListener('change', () => void this.diff());
    this.app.addEventListener('change', () => {
      this.fillEnvironments(true);
      void this.diff();
    });
    this.summary = el('div', 'envdiff-summary');
    this.summary.dataset.testid = 'envdiff-summary';
    this.body = el('div', 'envdiff-body');
    const section = el('section', 'promo-section');
    section.append(head, picker, this.summary, this.body);
    options.root.replaceChildren(section);
  }

  /** Takes the apps and environments of the latest status, then diffs the chosen pair. */
  async refresh(result: StatusResult | undefined): Promise<void> {
    if (!result) return;
    this.status = result;
    const app = this.app.value;
    this.app.replaceChildren(...result.apps.map((a) => new Option(a.name, a.path)));
    if (result.apps.some((a) => a.path === app)) this.app.value = app;
    this.fillEnvironments(false);
    await this.diff();
  }

  /** Compares `from` and `to` of the app at path `app` (the walkthrough's step). */
  async show(app: string, from: string, to: string): Promise<void> {
    this.app.value = app;
    this.fillEnvironments(true);
    this.from.value = from;
    this.to.value = to;
    await this.diff();
  }

  /** The chosen app's environments; by default its last two (the one before production). */
  private fillEnvironments(reset: boolean): void {
    const envs = this.status?.apps.find((a) => a.path === this.app.value)?.environments.map((e) => e.name) ?? [];
    const [from, to] = [this.from.value, this.to.value];
    for (const s of [this.from, this.to]) s.replaceChildren(...envs.map((e) => new Option(e, e)));
    if (!reset && envs.includes(from) && envs.includes(to)) {
      this.from.value = from;
      this.to.value = to;
    } else {
      this.from.value = envs.at(-2) ?? envs[0] ?? '';
      this.to.value = envs.at(-1) ?? '';
    }
  }

  private async diff(): Promise<void> {
    const [app, from, to] = [this.app.value, this.from.value, this.to.value];
    if (!app || !from || !to) {
      this.summary.textContent = 'No app with two environments to compare.';
      this.body.replaceChildren();
      return;
    }
    const seq = ++this.seq;
    const { result, ms } = await this.engine.call('diffEnvironments', { app, from, to });
    if (seq !== this.seq) return;
    this.draw(result, ms);
  }

  private draw(diff: EnvironmentDiff, ms: number): void {
    const total = Object.values(diff.drift).reduce((a, b) => a + b, 0);
    this.summary.replaceChildren(el('span', total ? 'drift-message' : 'clean-message', diff.message), el('span', 'hint', ` · ${ms.toFixed(1)} ms`));
    this.summary.dataset.drift = String(total);
    const chips = el('div', 'chips');
    for (const [key, n] of Object.entries(diff.drift)) {
      if (!n) continue;
      const label = key === 'onlyInFrom' ? `only in ${diff.from}` : key === 'onlyInTo' ? `only in ${diff.to}` : CATEGORY[key];
      chips.append(el('span', 'chip drift', `${n} ${label}`));
    }
    if (diff.expected) chips.append(el('span', 'chip expected', `${diff.expected} expected`));
    if (diff.identical) chips.append(el('span', 'chip same', `${diff.identical} identical`));
    const parts: Node[] = [chips];
    for (const d of diff.diagnostics) parts.push(el('p', `note ${d.severity}`, `${d.code} ${d.message}${d.help ? ` — ${d.help}` : ''}`));
    for (const resource of diff.resources) parts.push(resourceBlock(resource, diff));
    this.body.replaceChildren(...parts);
  }
}

function resourceBlock(resource: ResourceDiff, diff: EnvironmentDiff): HTMLElement {
  const block = el('div', `envdiff-resource${resource.drift ? ' drifting' : ''}`);
  block.dataset.testid = 'envdiff-resource';
  block.dataset.kind = resource.kind;
  block.dataset.name = resource.name;
  const head = el('div', 'edit-head');
  head.append(el('span', 'edit-path', `${resource.kind}/${resource.name}`));
  const at = (r: { namespace: string | null; name: string }) => `${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
  if (!resource.from) head.append(el('span', 'badge-only', `only in ${diff.to}`));
  else if (!resource.to) head.append(el('span', 'badge-only', `only in ${diff.from}`));
  else head.append(el('span', 'hint', `${at(resource.from)} → ${at(resource.to)}`));
  block.append(head);
  const drift = resource.differences.filter((d) => d.expected === null);
  const expected = resource.differences.filter((d) => d.expected !== null);
  if (drift.length) block.append(differenceTable([{ ...resource, differences: drift }], diff.from, diff.to, false));
  if (resource.moreDifferences) block.append(el('p', 'hint', `… and ${resource.moreDifferences} more differences (see the rendered diff)`));
  if (expected.length) {
    const details = el('details', 'expected');
    details.dataset.testid = 'envdiff-expected';
    const why = [...new Set(expected.map((d) => EXPECTED[d.expected ?? ''] ?? d.expected))].join(', ');
    details.append(el('summary', '', `${expected.length} expected difference${expected.length === 1 ? '' : 's'} (${why})`));
    details.append(differenceTable([{ ...resource, differences: expected }], diff.from, diff.to, false));
    block.append(details);
  }
  const raw = el('details', 'raw');
  raw.append(el('summary', '', 'Rendered diff'), renderDiff(resource.diff));
  block.append(raw);
  return block;
}

/** A table of differences: resource (when `named`), field, category, value in each environment. */
export function differenceTable(resources: ResourceDiff[], from: string, to: string, named = true): HTMLTableElement {
  const table = el('table', 'changes differences');
  const head = el('tr');
  for (const h of [...(named ? ['resource'] : []), 'field', 'kind', from, to]) head.append(el('th', '', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const r of resources) {
    if (named && (!r.from || !r.to)) {
      const tr = el('tr', 'only');
      tr.append(el('td', 'strong', `${r.kind}/${r.name}`), el('td', 'hint', `only in ${r.from ? from : to}`), el('td', ''), el('td', ''), el('td', ''));
      tbody.append(tr);
    }
    for (const d of r.differences) {
      const tr = el('tr');
      tr.dataset.testid = 'difference';
      tr.dataset.category = d.category;
      if (named) tr.append(el('td', 'strong', `${r.kind}/${r.name}`));
      const category = d.expected ? `${CATEGORY[d.category]} · expected: ${EXPECTED[d.expected]}` : CATEGORY[d.category];
      tr.append(el('td', 'mono path', d.path), el('td', `cat ${d.expected ? 'expected' : 'drift'}`, category), el('td', 'mono', d.from ?? '∅'), el('td', 'mono', d.to ?? '∅'));
      tbody.append(tr);
    }
  }
  table.append(thead, tbody);
  return table;
}

function select(label: string, testid: string): HTMLSelectElement {
  const s = el('select');
  s.setAttribute('aria-label', label);
  s.dataset.testid = testid;
  return s;
}
