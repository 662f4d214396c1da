// The Promotion view: what every app runs in every environment (`status`), the pending
// promotions, and the plan of one promotion (`planPromotion`): its changes, file edits,
// rendered diff, gate verdicts, what else differs between the two environments (the drift the
// promotion does not carry), the rollout timeline of each changed workload
// (the plan's `rollouts`, drawn by timeline.ts) and the pull request, re-planned live as the
// review context is edited. The engine answers from the worker; this module only draws.
import type {
  AppStatus,
  EnvironmentStatus,
  FileEdit,
  GateResult,
  ImageStatus,
  Pending,
  PromotionContext,
  PromotionPlan,
  PromotionRequest,
  StatusResult,
} from '@baton/engine/web';
import type { EngineClient } from './engine-client';
import { renderDiff } from './diff';
import { absentCell, el, statusNotes } from './dom';
import { differenceTable } from './envdiff-view';
import { renderMarkdown } from './markdown';
import { timelineChart } from './timeline';

export interface PromotionsOptions {
  /** The view's container (`data-testid="promotions"`). */
  root: HTMLElement;
  engine: EngineClient;
  /** Opens `file` in the editor at 1-based `line`, on `needle` if the line has it. */
  openSource: (file: string, line: number, needle?: string) => void;
  /** Writes the edits into the repository (through the worker) and refreshes everything. */
  apply: (edits: FileEdit[]) => Promise<void>;
  /** Called with the number of pending promotions after each status. */
  onPendingCount?: (count: number) => void;
}

export interface Selection {
  /** The app's path (unique, unlike its name). */
  app: string;
  to: string;
  from?: string;
}

// Glyphs every system font has (an hourglass emoji is not one of them).
const GATE_ICON: Record<string, string> = { pass: '✓', pending: '◔', fail: '✖' };

export class PromotionsView {
  private readonly engine: EngineClient;
  private readonly options: PromotionsOptions;
  private status: StatusResult | undefined;
  private selection: Selection | undefined;
  private plan: PromotionPlan | undefined;
  private statusSeq = 0;
  private planSeq = 0;
  private contextTimer: number | undefined;
  private applying = false;

  private readonly matrix: HTMLTableElement;
  private readonly matrixNotes: HTMLElement;
  private readonly pickApp: HTMLSelectElement;
  private readonly pickEnv: HTMLSelectElement;
  private readonly planBox: HTMLElement;
  private readonly planEmpty: HTMLElement;
  private readonly planBody: HTMLElement;
  private readonly planTitle: HTMLElement;
  private readonly planVerdict: HTMLElement;
  private readonly planMessage: HTMLElement;
  private readonly applyButton: HTMLButtonElement;
  private readonly gates: HTMLUListElement;
  private readonly context: HTMLTextAreaElement;
  private readonly contextError: HTMLElement;
  private readonly details: HTMLElement;

  constructor(options: PromotionsOptions) {
    this.options = options;
    this.engine = options.engine;
    const root = options.root;

    // The matrix.
    const statusSection = el('section', 'promo-section status');
    const statusHead = el('div', 'section-head');
    statusHead.append(el('h3', '', 'Environments'), el('span', 'hint', 'image per app × environment · click a value to open where it is set'));
    this.matrix = el('table', 'matrix');
    this.matrix.dataset.testid = 'status-matrix';
    this.matrixNotes = el('div', 'matrix-notes');
    const picker = el('div', 'plan-picker');
    this.pickApp = el('select');
    this.pickApp.setAttribute('aria-label', 'App to promote');
    this.pickEnv = el('select');
    this.pickEnv.setAttribute('aria-label', 'Environment to promote into');
    const planButton = el('button', 'ghost small', 'Plan');
    planButton.type = 'button';
    planButton.dataset.testid = 'plan-button';
    planButton.addEventListener('click', () => this.select({ app: this.pickApp.value, to: this.pickEnv.value }));
    picker.append(el('span', 'hint', 'Plan a promotion of'), this.pickApp, el('span', 'hint', 'into'), this.pickEnv, planButton);
    statusSection.append(statusHead, this.matrix, this.matrixNotes, picker);

    // The plan.
    this.planBox = el('section', 'promo-section plan');
    this.planBox.dataset.testid = 'plan';
    this.planEmpty = el('div', 'plan-empty');
    this.planBody = el('div', 'plan-body');
    this.planBody.hidden = true;

    const head = el('div', 'plan-head');
    const titles = el('div', 'plan-titles');
    this.planTitle = el('h3', 'plan-title');
    this.planMessage = el('div', 'plan-message');
    titles.append(this.planTitle, this.planMessage);
    this.planVerdict = el('span', 'verdict');
    this.planVerdict.dataset.testid = 'plan-allowed';
    this.applyButton = el('button', 'apply', 'Apply');
    this.applyButton.type = 'button';
    this.applyButton.dataset.testid = 'apply';
    this.applyButton.addEventListener('click', () => void this.applyPlan());
    head.append(titles, this.planVerdict, this.applyButton);

    const review = el('div', 'review');
    const gatesBox = el('div', 'gates-box');
    gatesBox.append(el('h4', '', 'Gates'));
    this.gates = el('ul', 'gates');
    gatesBox.append(this.gates);
    const contextBox = el('div', 'context-box');
    const contextHead = el('div', 'context-head');
    const nowButton = el('button', 'ghost small', 'now ↻');
    nowButton.type = 'button';
    nowButton.title = 'Set "now" to the current time';
    nowButton.addEventListener('click', () => this.setNow());
    contextHead.append(el('h4', '', 'Context'), el('span', 'hint', 'review state and time, as JSON · re-plans as you type'), nowButton);
    this.context = el('textarea', 'context');
    this.context.dataset.testid = 'context';
    this.context.spellcheck = false;
    this.context.setAttribute('aria-label', 'Promotion context (JSON)');
    this.setContextText(formatContext(defaultContext()));
    this.context.addEventListener('input', () => {
      this.fitContext();
      window.clearTimeout(this.contextTimer);
      this.contextTimer = window.setTimeout(() => void this.replan(), 200);
    });
    this.contextError = el('div', 'context-error');
    this.contextError.dataset.testid = 'context-error';
    contextBox.append(contextHead, this.context, this.contextError);
    review.append(gatesBox, contextBox);

    this.details = el('div', 'plan-details');
    this.planBody.append(head, review, this.details);
    this.planBox.append(this.planEmpty, this.planBody);

    root.replaceChildren(statusSection, this.planBox);
    this.showEmptyPlan();
  }

  /** Asks the engine for the status and (if one is chosen) the plan again. */
  async refresh(): Promise<void> {
    await Promise.all([this.refreshStatus(), this.replan()]);
  }

  private async refreshStatus(): Promise<void> {
    const seq = ++this.statusSeq;
    const { result } = await this.engine.call('status');
    if (seq !== this.statusSeq) return;
    this.status = result;
    this.drawMatrix();
    this.fillPicker();
    if (!this.selection) this.showEmptyPlan();
    this.options.onPendingCount?.(result.apps.reduce((n, app) => n + app.pending.length, 0));
  }

  /** The last status the engine gave (the board draws the same answer). */
  currentStatus(): StatusResult | undefined {
    return this.status;
  }

  /** Plans the promotion of `selection` (the board's arrows and the matrix call this). */
  select(selection: Selection): void {
    if (!selection.app || !selection.to) return;
    this.selection = selection;
    this.pickApp.value = selection.app;
    this.pickEnv.value = selection.to;
    this.drawMatrix();
    void this.replan();
  }

  /** Plans the chosen promotion with the context of the editor. */
  private async replan(): Promise<void> {
    const selection = this.selection;
    if (!selection) return;
    const context = this.readContext();
    if (context === undefined) return;
    const seq = ++this.planSeq;
    const request: PromotionRequest = { app: selection.app, to: selection.to, context };
    if (selection.from) request.from = selection.from;
    try {
      const { result, ms } = await this.engine.call('planPromotion', request);
      if (seq !== this.planSeq) return;
      this.contextError.textContent = '';
      this.plan = result;
      this.drawPlan(result, ms);
      this.drawTimelines(result);
    } catch (e) {
      if (seq !== this.planSeq) return;
      // The engine refuses a context it cannot read (an unknown field, a wrong type).
      this.contextError.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  /** The rollout timeline of each workload the plan changes, as the plan simulates it in the target. */
  private drawTimelines(plan: PromotionPlan): void {
    if (plan.rollouts.length === 0) return;
    const box = el('div', 'timelines');
    box.dataset.testid = 'timelines';
    for (const rollout of plan.rollouts) {
      const head = el('p', 'rollout-head');
      head.append(el('b', '', rollout.workload), rollout.rolledOutBy !== rollout.workload ? ` rolled out by ${rollout.rolledOutBy}` : '', el('span', 'hint', ` · ${rollout.how} · risk ${rollout.risk} · rollback: ${rollout.rollback}`));
      box.append(head);
      if (rollout.simulation) box.append(timelineChart(rollout.simulation));
      box.append(el('p', 'hint rollout-summary', rollout.summary));
    }
    const at = this.details.querySelector('[data-section="pull-request"]');
    this.details.insertBefore(section(`Rollout in ${plan.to}`, box), at);
  }

  /** The context editor's JSON, or undefined (with the reason shown) when it is not usable. */
  private readContext(): PromotionContext | undefined {
    const text = this.context.value.trim();
    if (text === '') {
      this.contextError.textContent = '';
      return {};
    }
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        this.contextError.textContent = 'the context must be a JSON object';
        return undefined;
      }
      this.context.classList.remove('invalid');
      return value as PromotionContext;
    } catch (e) {
      this.context.classList.add('invalid');
      this.contextError.textContent = `not JSON: ${e instanceof Error ? e.message : String(e)}`;
      return undefined;
    }
  }

  private setNow(): void {
    const context = this.readContext();
    if (context === undefined) return;
    context.now = isoSeconds(new Date());
    this.setContextText(formatContext(context));
    void this.replan();
  }

  private setContextText(text: string): void {
    this.context.value = text;
    this.fitContext();
  }

  /** Grows the context editor with its text, so every field stays in sight. */
  private fitContext(): void {
    this.context.rows = Math.min(30, Math.max(8, this.context.value.split('\n').length + 1));
  }

  private async applyPlan(): Promise<void> {
    const plan = this.plan;
    if (!plan || plan.edits.length === 0 || this.applying) return;
    this.applying = true;
    this.applyButton.disabled = true;
    try {
      await this.options.apply(plan.edits);
    } finally {
      this.applying = false;
      this.applyButton.disabled = !this.plan || this.plan.edits.length === 0;
    }
  }

  // -------------------------------------------------------------------------------------
  // Drawing.

  private drawMatrix(): void {
    const status = this.status;
    if (!status) return;
    const head = el('thead');
    const headRow = el('tr');
    headRow.append(el('th', 'app-col', 'app'));
    status.environments.forEach((env, i) => {
      const th = el('th');
      th.append(el('span', 'env-name', env));
      if (i < status.environments.length - 1) th.append(el('span', 'env-arrow', ' →'));
      headRow.append(th);
    });
    head.append(headRow);
    const body = el('tbody');
    for (const app of status.apps) {
      const tr = el('tr');
      const name = el('th', 'app-col');
      name.scope = 'row';
      name.append(el('div', 'app-name', app.name), el('div', 'app-path', app.path));
      tr.append(name);
      for (const env of status.environments) tr.append(this.cell(app, env));
      body.append(tr);
    }
    this.matrix.replaceChildren(head, body);

    this.matrixNotes.replaceChildren(...statusNotes(status));
  }

  private cell(app: AppStatus, envName: string): HTMLTableCellElement {
    const td = el('td', 'cell');
    td.dataset.testid = 'status-cell';
    td.dataset.app = app.name;
    td.dataset.env = envName;
    const env = app.environments.find((e) => e.name === envName);
    if (!env) return absentCell(td, app.name, envName);
    const pending = app.pending.find((p) => p.to === envName);
    const selected = this.selection?.app === app.path && this.selection.to === envName;
    td.classList.toggle('selected', selected);
    if (!env.ok) {
      const bad = el('button', 'img broken', '✖ does not render');
      bad.type = 'button';
      bad.title = `${env.path} does not render: see the problems below`;
      td.append(bad);
    }
    mainFirst(env).forEach((image, i) => td.append(this.imageButton(image, i === 0, pending)));
    if (pending) {
      td.classList.add('pending');
      td.append(this.pendingMarker(app, pending));
    }
    return td;
  }

  private imageButton(image: ImageStatus, main: boolean, pending: Pending | undefined): HTMLElement {
    const button = el('button', `img ${main ? 'main' : 'other'}`);
    button.type = 'button';
    if (!main) button.append(el('span', 'container', image.container), ' ');
    button.append(el('span', 'version', shortVersion(image.tag, image.digest) ?? image.image));
    const changing = pending?.changes.some((c) => c.workload === image.workload && c.container === image.container);
    if (changing) button.classList.add('changing');
    const where = image.source ? `${image.source.file}:${image.source.line}` : 'unknown';
    button.title = `${image.workload} · ${image.container}\n${image.image}\nset in ${where}${image.source ? ' (click to open)' : ''}`;
    if (image.source) {
      const { file, line } = image.source;
      button.dataset.file = file;
      button.dataset.line = String(line);
      button.addEventListener('click', () => this.options.openSource(file, line, image.digest ?? image.tag ?? undefined));
    } else {
      button.disabled = true;
    }
    return button;
  }

  private pendingMarker(app: AppStatus, pending: Pending): HTMLElement {
    const button = el('button', 'pending-marker');
    button.type = 'button';
    button.dataset.testid = 'pending-marker';
    button.dataset.from = pending.from;
    // As in the cell: the main container's value bare, the others named.
    const values = [...pending.changes]
      .sort((a, b) => Number(isMain(b)) - Number(isMain(a)))
      .map((c) => {
        const v = shortVersion(c.to, null) ?? '∅';
        return isMain(c) || pending.changes.length === 1 ? v : `${c.container} ${v}`;
      });
    button.append(el('span', 'arrow', '⟵'), ' ', el('span', 'to', values.join(', ')), ' ', el('span', 'from', `from ${pending.from}`));
    // A target ahead of its upstream (semver) is not a pending promotion but a downgrade.
    const ahead = pending.changes.some((c) => c.relation === 'ahead');
    button.classList.toggle('ahead', ahead);
    button.dataset.relation = ahead ? 'ahead' : pending.changes.every((c) => c.relation === 'behind') ? 'behind' : 'diverged';
    button.title = `${ahead ? `${pending.to} runs newer versions than ${pending.from}; promoting downgrades it` : `pending promotion ${pending.from} → ${pending.to}`}:\n${pending.changes
      .map((c) => `${c.workload} ${c.container}: ${c.from ?? '∅'} → ${c.to ?? '∅'} (${c.relation}; ${c.note})`)
      .join('\n')}\nclick to plan it`;
    button.addEventListener('click', () => this.select({ app: app.path, to: pending.to, from: pending.from }));
    return button;
  }

  private fillPicker(): void {
    const status = this.status;
    if (!status) return;
    const app = this.pickApp.value;
    const env = this.pickEnv.value;
    // Requests name an app by its path: two apps may share a name (teams/*/apps/web).
    this.pickApp.replaceChildren(...status.apps.map((a) => new Option(a.name, a.path)));
    // Only environments that have an upstream can receive a promotion.
    this.pickEnv.replaceChildren(...status.environments.slice(1).map((e) => new Option(e, e)));
    if (app) this.pickApp.value = app;
    if (env) this.pickEnv.value = env;
    if (!this.pickEnv.value && status.environments.length > 0) this.pickEnv.value = status.environments.at(-1) ?? '';
  }

  private showEmptyPlan(): void {
    if (this.selection) return;
    this.planBody.hidden = true;
    this.planEmpty.hidden = false;
    const pending = (this.status?.apps ?? []).flatMap((app) => app.pending.map((p) => ({ app, p })));
    const children: Node[] = [el('h3', '', 'Plan a promotion')];
    if (pending.length === 0) {
      children.push(el('p', 'hint', 'Nothing is pending: every environment runs what its upstream runs. Pick an app and an environment above to plan anyway.'));
    } else {
      children.push(el('p', 'hint', 'Pick a pending promotion — the arrows in the matrix — to see its file edits, rendered diff, gates and pull request:'));
      const list = el('ul', 'pending-list');
      for (const { app, p } of pending) {
        const li = el('li');
        const button = el('button', 'ghost pending-item');
        button.type = 'button';
        button.dataset.testid = 'pending-item';
        button.append(el('b', '', app.name), ` ${p.from} → ${p.to}: `, el('code', '', p.changes.map((c) => `${c.container} ${c.from ?? '∅'} → ${c.to ?? '∅'}`).join(', ')));
        button.addEventListener('click', () => this.select({ app: app.path, to: p.to, from: p.from }));
        li.append(button);
        list.append(li);
      }
      children.push(list);
    }
    this.planEmpty.replaceChildren(...children);
  }

  private drawPlan(plan: PromotionPlan, ms: number): void {
    this.planEmpty.hidden = true;
    this.planBody.hidden = false;
    this.planTitle.replaceChildren(el('span', 'plan-app', plan.app), ' ', el('span', 'plan-route', `${plan.from ?? '?'} → ${plan.to}`));
    const nothing = plan.edits.length === 0;
    this.planMessage.replaceChildren(plan.message, el('span', 'hint', ` · planned in ${ms.toFixed(1)} ms`));
    this.planMessage.classList.toggle('nothing', nothing);
    const failed = plan.diagnostics.some((d) => d.severity === 'error');
    const [verdict, kind] = failed
      ? ['✖ cannot plan', 'blocked']
      : nothing
        ? ['nothing to do', 'idle']
        : plan.allowed
          ? ['✓ allowed', 'allowed']
          : ['✖ blocked', 'blocked'];
    this.planVerdict.textContent = verdict;
    this.planVerdict.className = `verdict ${kind}`;
    this.applyButton.disabled = nothing || this.applying;
    this.applyButton.textContent = nothing ? 'Apply' : plan.allowed ? `Apply ${plan.edits.length} edit${plan.edits.length === 1 ? '' : 's'}` : 'Apply anyway';
    this.applyButton.classList.toggle('override', !nothing && !plan.allowed);
    this.applyButton.title = nothing
      ? 'Nothing to apply'
      : `Write the plan's edits into the in-memory repository${plan.allowed ? '' : ' (the gates do not allow this promotion yet: this is an admin merge)'}`;

    this.gates.replaceChildren(...plan.gates.map(gateItem));
    if (plan.gates.length === 0) this.gates.append(el('li', 'hint', 'No gates were evaluated.'));

    const sections: Node[] = [];
    if (plan.diagnostics.length > 0) {
      const list = el('ul', 'plan-diagnostics');
      for (const d of plan.diagnostics) list.append(el('li', d.severity, `${d.code} ${d.message}${d.file ? ` (${d.file})` : ''}`));
      sections.push(list);
    }
    if (plan.changes.length > 0) sections.push(section('Changes', changesTable(plan, this.options.openSource)));
    if (plan.collateral.length > 0) {
      const list = el('ul', 'plan-diagnostics collateral');
      list.dataset.testid = 'collateral';
      for (const c of plan.collateral) list.append(el('li', 'warning', c.message));
      sections.push(section(`Collateral changes (${plan.collateral.length})`, list));
    }
    if (plan.drift.length > 0) {
      const drift = differenceTable(plan.drift, plan.from ?? '?', plan.to);
      drift.dataset.testid = 'plan-drift';
      sections.push(section(`What else differs between ${plan.from ?? '?'} and ${plan.to} (not promoted)`, drift));
    }
    if (plan.edits.length > 0) {
      const edits = el('div', 'edits');
      for (const edit of plan.edits) edits.append(editBlock(edit));
      sections.push(section(`File edits (${plan.edits.length})`, edits));
    }
    if (plan.renderedDiff) {
      const rendered = renderDiff(plan.renderedDiff);
      rendered.dataset.testid = 'rendered-diff';
      sections.push(section(`Rendered diff of ${plan.to}`, rendered));
    }
    if (plan.pullRequest) {
      const pr = section('Pull request', pullRequest(plan.pullRequest));
      pr.dataset.section = 'pull-request';
      sections.push(pr);
    }
    this.details.replaceChildren(...sections);
  }
}

// ---------------------------------------------------------------------------------------
// Pieces of the plan.

function gateItem(gate: GateResult): HTMLLIElement {
  const li = el('li', `gate ${gate.status}`);
  li.dataset.testid = 'gate';
  li.dataset.name = gate.name;
  li.dataset.status = gate.status;
  li.append(el('span', `gate-badge ${gate.status}`, `${GATE_ICON[gate.status] ?? ''} ${gate.status}`), el('span', 'gate-name', gate.name), el('span', 'gate-message', gate.message));
  return li;
}

function changesTable(plan: PromotionPlan, openSource: PromotionsOptions['openSource']): HTMLTableElement {
  const table = el('table', 'changes');
  const head = el('tr');
  for (const h of ['container', 'image', 'change', 'edited in']) head.append(el('th', '', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const c of plan.changes) {
    const tr = el('tr');
    const file = el('td', 'file');
    if (c.file) {
      // The overlay directory and file name; the full path is in the tooltip.
      const link = el('button', 'link', c.file.split('/').slice(-2).join('/'));
      link.type = 'button';
      link.title = `${c.file} (click to open)`;
      const path = c.file;
      link.addEventListener('click', () => openSource(path, 1, c.from ?? undefined));
      file.append(link);
    } else {
      file.textContent = '—';
    }
    const container = el('td');
    container.append(el('div', 'strong', c.container), el('div', 'hint small', c.workload));
    const change = el('td', 'change');
    change.title = `${c.fromImage} → ${c.toImage}`;
    change.append(
      el('code', 'version from', shortVersion(c.from, null) ?? '∅'),
      el('span', 'hint', ' → '),
      el('code', 'version to', shortVersion(c.to, null) ?? '∅'),
    );
    tr.append(container, el('td', 'mono', c.name), change, file);
    tbody.append(tr);
  }
  table.append(thead, tbody);
  return table;
}

function editBlock(edit: FileEdit): HTMLElement {
  const block = el('div', 'edit');
  block.dataset.testid = 'plan-edit';
  block.dataset.path = edit.path;
  const head = el('div', 'edit-head');
  const added = edit.diff.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
  const removed = edit.diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---')).length;
  head.append(el('span', 'edit-path', edit.path), el('span', 'stat add', `+${added}`), el('span', 'stat del', `−${removed}`));
  block.append(head, renderDiff(edit.diff));
  return block;
}

function pullRequest(pr: { title: string; branch: string; body: string }): HTMLElement {
  const box = el('div', 'pr');
  box.dataset.testid = 'pull-request';
  const title = el('div', 'pr-title', pr.title);
  const branch = el('div', 'pr-branch');
  branch.append(el('span', 'hint', 'branch '), el('code', '', pr.branch));
  const body = el('div', 'markdown');
  body.append(renderMarkdown(pr.body));
  const raw = el('details', 'pr-raw');
  raw.append(el('summary', '', 'Markdown source'), el('pre', 'code', pr.body));
  box.append(title, branch, body, raw);
  return box;
}

function section(title: string, content: Node): HTMLElement {
  const s = el('div', 'plan-section');
  s.append(el('h4', '', title), content);
  return s;
}

// ---------------------------------------------------------------------------------------
// Helpers.

/** Whether a container is its workload's main one: named like the workload. */
function isMain(image: { workload: string; container: string }): boolean {
  return image.workload.split('/').at(-1) === image.container;
}

/** The environment's images, the main container first. */
function mainFirst(env: EnvironmentStatus): ImageStatus[] {
  const main = env.images.findIndex(isMain);
  if (main <= 0) return env.images;
  return [env.images[main], ...env.images.filter((_, i) => i !== main)];
}

/** A tag as is; a digest shortened to its algorithm and 12 hex digits. */
function shortVersion(tag: string | null, digest: string | null): string | null {
  const short = (v: string) => v.replace(/^(sha\d+:)([0-9a-f]{12})[0-9a-f]+$/, '$1$2…');
  if (tag) return short(tag);
  if (digest) return short(digest);
  return null;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A context to start from: `now` is the browser's clock (the engine has none). */
export function defaultContext(now = new Date()): PromotionContext {
  return {
    author: 'dana',
    approvals: ['alice'],
    checks: { 'e2e-staging': 'pending' },
    now: isoSeconds(now),
    since: { staging: isoSeconds(new Date(now.getTime() - 3 * 3600_000)) },
    teams: { '@example/payments': ['alice', 'bob'], '@example/ledger': ['erin'], '@example/platform': ['sam'] },
  };
}

/**
 * JSON with two-space indent, arrays of plain values on one line. Only line breaks and the
 * indentation around them go, and those never occur inside a JSON string.
 */
export function formatContext(context: PromotionContext): string {
  return JSON.stringify(context, null, 2).replace(/\[([^[\]{}]*)\]/g, (_, inner: string) =>
    `[${inner.replace(/^\s*\n\s*/, '').replace(/\s*\n\s*$/, '').replace(/\s*\n\s*/g, ' ')}]`,
  );
}
