// The ApplicationSets view (`expandAppSets`): the Argo CD Applications each ApplicationSet of
// the repository generates (name, destination, source path and whether it renders, with the
// diagnostic when it does not), live as files are edited. The two inputs the repository does
// not hold are edited here as JSON: Argo CD's clusters (for the clusters generator) and the
// open pull requests (for the pullRequest generator). An input the engine refuses shows its
// message next to the field; the last good expansion stays on screen.
import type { ClusterSecret, Diagnostic, ExpandAppSetsInput, ExpandAppSetsResult, GeneratedApplication, PullRequestInput } from '@baton/engine/web';

import { diagnosticNotes as notes, el, viewSection } from './dom';
import type { EngineClient } from './engine-client';

export interface AppSetsOptions {
  root: HTMLElement;
  engine: EngineClient;
  /** Opens a directory of the repository (a generated Application's path) in the editor. */
  openPath: (dir: string) => void;
}

/** Argo CD's clusters to start from: the two the seed's ApplicationSet deploys to. */
const CLUSTERS: ClusterSecret[] = [
  { name: 'staging', server: 'https://staging.k8s.example.com', labels: { env: 'staging' } },
  { name: 'production', server: 'https://prod.k8s.example.com', labels: { env: 'production' } },
];

/** The pull request the example previews, for the "add" button. */
const EXAMPLE_PULL: PullRequestInput = {
  number: 42,
  branch: 'feature/faster-checkout',
  targetBranch: 'main',
  headSha: 'ab1cd2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9',
  labels: ['preview'],
};

interface JsonField {
  box: HTMLTextAreaElement;
  error: HTMLElement;
}

export class AppSetsView {
  private readonly options: AppSetsOptions;
  private readonly clusters: JsonField;
  private readonly pulls: JsonField;
  private readonly error: HTMLElement;
  private readonly result: HTMLElement;
  private seq = 0;
  private timer: number | undefined;

  constructor(options: AppSetsOptions) {
    this.options = options;
    const section = viewSection('ApplicationSets', 'the Applications Argo CD would generate from this repository, and whether each path renders');
    this.result = el('div', 'appsets');
    this.result.dataset.testid = 'appsets';
    this.error = el('div', 'context-error');
    this.error.dataset.testid = 'appset-error';
    this.error.setAttribute('role', 'alert');
    const inputs = el('div', 'review');
    this.clusters = jsonField('appset-clusters', CLUSTERS);
    this.pulls = jsonField('appset-pulls', []);
    const addPull = el('button', 'ghost small', 'Add PR #42 (label preview)');
    addPull.type = 'button';
    addPull.dataset.testid = 'appset-add-pull';
    addPull.addEventListener('click', () => this.addExamplePull());
    inputs.append(
      fieldBox('Argo CD clusters (JSON)', 'what the clusters generator selects from: name, server, labels', this.clusters),
      fieldBox('Open pull requests (JSON)', 'what the pullRequest generator lists: number, branch, targetBranch, headSha, labels', this.pulls, addPull),
    );
    for (const field of [this.clusters, this.pulls]) {
      field.box.addEventListener('input', () => {
        window.clearTimeout(this.timer);
        this.timer = window.setTimeout(() => void this.refresh(), 200);
      });
    }
    section.append(this.result, this.error, inputs);
    options.root.replaceChildren(section);
  }

  /** Expands the ApplicationSets again (after an edit of the repository or of an input). */
  async refresh(): Promise<void> {
    const input = this.input();
    if (!input) return;
    const seq = ++this.seq;
    try {
      const { result, ms } = await this.options.engine.call('expandAppSets', input);
      if (seq !== this.seq) return;
      this.showError(undefined);
      this.draw(result, ms);
    } catch (e) {
      if (seq !== this.seq) return;
      // The engine refuses an input it cannot read and names the field (`input.clusters[0]…`).
      this.showError(e instanceof Error ? e.message : String(e));
    }
  }

  private addExamplePull(): void {
    let pulls: unknown;
    try {
      pulls = JSON.parse(this.pulls.box.value || '[]');
    } catch {
      pulls = [];
    }
    const list = Array.isArray(pulls) ? (pulls as PullRequestInput[]).filter((p) => p?.number !== EXAMPLE_PULL.number) : [];
    this.pulls.box.value = JSON.stringify([...list, EXAMPLE_PULL], null, 2);
    void this.refresh();
  }

  /** The inputs as the engine takes them; undefined (and the error shown) when one is not JSON. */
  private input(): ExpandAppSetsInput | undefined {
    const parse = (field: JsonField, name: string): unknown => {
      try {
        return JSON.parse(field.box.value.trim() || '[]');
      } catch (e) {
        throw new Error(`${name} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    try {
      const clusters = parse(this.clusters, 'input.clusters') as ClusterSecret[];
      const pullRequests = parse(this.pulls, 'input.pullRequests') as PullRequestInput[];
      // No pull request at all: left out, so the engine's note says the generator had none.
      return Array.isArray(pullRequests) && pullRequests.length === 0 ? { clusters } : { clusters, pullRequests };
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  /** Shows a refused input next to the field it names (else above both); clears all on undefined. */
  private showError(message: string | undefined): void {
    const target = message === undefined ? undefined : message.startsWith('input.clusters') ? this.clusters : message.startsWith('input.pullRequests') ? this.pulls : undefined;
    for (const field of [this.clusters, this.pulls]) {
      const mine = field === target;
      field.error.textContent = mine ? (message ?? '') : '';
      field.box.classList.toggle('invalid', mine);
      field.box.setAttribute('aria-invalid', String(mine));
    }
    this.error.textContent = message !== undefined && !target ? message : '';
  }

  private draw(result: ExpandAppSetsResult, ms: number): void {
    const parts: Node[] = [];
    if (result.appSets.length === 0) parts.push(el('p', 'hint', 'No ApplicationSet in this repository.'));
    for (const set of result.appSets) {
      const block = el('div', 'edit');
      block.dataset.testid = 'appset';
      block.dataset.name = set.name;
      const head = el('div', 'edit-head');
      const n = set.applications.length;
      const open = el('button', 'link edit-path', `${set.namespace ? `${set.namespace}/` : ''}${set.name}`);
      open.type = 'button';
      open.title = `open ${set.file}`;
      open.addEventListener('click', () => this.options.openPath(set.file));
      head.append(open, el('span', 'hint', `${set.file} · ${n} Application${n === 1 ? '' : 's'}`));
      block.append(head);
      const own = (app: string) => set.diagnostics.filter((d) => d.message.startsWith(`Application ${app}:`));
      if (n > 0) block.append(this.table(set.applications, own));
      const claimed = new Set(set.applications.flatMap((a) => own(nameOf(a))));
      const rest = set.diagnostics.filter((d) => !claimed.has(d));
      if (rest.length > 0) block.append(notes(rest));
      parts.push(block);
    }
    if (result.diagnostics.length > 0) parts.push(notes(result.diagnostics));
    parts.push(el('p', 'hint', `expanded in ${ms.toFixed(1)} ms`));
    this.result.replaceChildren(...parts);
  }

  private table(apps: GeneratedApplication[], own: (app: string) => Diagnostic[]): HTMLTableElement {
    const table = el('table', 'changes');
    const head = el('tr');
    for (const h of ['Application', 'destination', 'namespace', 'source path', 'verdict']) head.append(el('th', '', h));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const app of apps) {
      const name = nameOf(app);
      const spec = (app.spec ?? {}) as { destination?: { server?: string; name?: string; namespace?: string } };
      const dest = spec.destination ?? {};
      const tr = el('tr');
      tr.dataset.testid = 'generated-app';
      tr.dataset.name = name;
      const source = el('td', 'mono');
      const verdict = el('td');
      for (const s of app.sources) {
        if (s.path !== null && s.status !== 'external') {
          const link = el('button', 'link', s.path || '(root)');
          link.type = 'button';
          link.title = `open ${s.path || 'the root'} in the editor`;
          const path = s.path;
          link.addEventListener('click', () => this.options.openPath(path));
          source.append(link, ' ');
        } else {
          source.append(`${s.repoURL}${s.path ? ` ${s.path}` : ''} `);
        }
        const badge = el('span', `source-status ${s.status}`, s.status);
        badge.dataset.testid = 'source-status';
        verdict.append(badge, ' ');
      }
      for (const d of own(name)) {
        const note = el('div', `note ${d.severity}`, `${d.code} ${d.message.slice(`Application ${name}: `.length)}`);
        note.dataset.testid = 'app-diagnostic';
        verdict.append(note);
      }
      const where = el('td', 'mono', dest.server ?? dest.name ?? '—');
      where.dataset.testid = 'destination';
      tr.append(el('td', 'strong', name || '?'), where, el('td', 'mono', dest.namespace ?? '—'), source, verdict);
      tbody.append(tr);
    }
    table.append(thead, tbody);
    return table;
  }
}

function nameOf(app: GeneratedApplication): string {
  return ((app.metadata ?? {}) as { name?: string }).name ?? '';
}

let fieldIds = 0;

function jsonField(testid: string, value: unknown): JsonField {
  const box = el('textarea', 'context');
  box.dataset.testid = testid;
  box.spellcheck = false;
  box.rows = 8;
  box.value = JSON.stringify(value, null, 2);
  const error = el('div', 'context-error');
  error.dataset.testid = `${testid}-error`;
  error.id = `${testid}-error-${++fieldIds}`;
  box.setAttribute('aria-describedby', error.id);
  return { box, error };
}

function fieldBox(label: string, hint: string, field: JsonField, extra?: HTMLElement): HTMLElement {
  const box = el('div', 'context-box');
  const head = el('div', 'context-head');
  field.box.setAttribute('aria-label', label);
  head.append(el('h4', '', label), el('span', 'hint', hint));
  if (extra) head.append(extra);
  box.append(head, field.box, field.error);
  return box;
}
