// The previews view (`planPreview`, `planPreviewCleanup`, previews in `status`): the preview
// environments each app has, opening one for a pull request number (the overlay it creates,
// its namespace and URL, the deployments that apply it and what they change in the cluster, the
// PR comment) and closing one (the deletions). Apply writes the change set into the in-memory
// repository, as the CI job's commit would.
import type { CleanupPlan, DeploymentRef, FileEdit, PreviewPlan, StatusResult } from '@baton/engine/web';

import { renderDiff } from './diff';
import { el, headedTable } from './dom';
import type { EngineClient } from './engine-client';
import { renderMarkdown } from './markdown';

export interface PreviewsOptions {
  root: HTMLElement;
  engine: EngineClient;
  apply: (edits: FileEdit[]) => Promise<void>;
}

export class PreviewsView {
  private readonly options: PreviewsOptions;
  private readonly list: HTMLElement;
  private readonly app: HTMLSelectElement;
  private readonly number: HTMLInputElement;
  private readonly sha: HTMLInputElement;
  private readonly planBox: HTMLElement;
  private edits: FileEdit[] = [];

  constructor(options: PreviewsOptions) {
    this.options = options;
    const section = el('section', 'promo-section');
    const head = el('div', 'section-head');
    head.append(el('h3', '', 'Preview environments'), el('span', 'hint', 'one overlay per pull request, created and removed by a commit'));
    this.list = el('div', 'preview-list');
    this.list.dataset.testid = 'preview-list';
    const form = el('form', 'plan-picker');
    form.dataset.testid = 'preview-form';
    this.app = el('select');
    this.app.setAttribute('aria-label', 'App of the preview');
    this.number = el('input', 'narrow');
    this.number.type = 'number';
    this.number.min = '1';
    this.number.value = '43';
    this.number.setAttribute('aria-label', 'Pull request number');
    this.number.dataset.testid = 'preview-number';
    this.sha = el('input', 'narrow mono');
    this.sha.value = 'c0ffee1';
    this.sha.setAttribute('aria-label', 'Commit the image was built from');
    this.sha.dataset.testid = 'preview-sha';
    const open = el('button', 'ghost small', 'Plan preview');
    open.type = 'submit';
    open.dataset.testid = 'preview-open';
    form.append(el('span', 'hint', 'Open a preview of'), this.app, el('span', 'hint', 'for PR #'), this.number, el('span', 'hint', 'built from'), this.sha, open);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.planOpen();
    });
    this.planBox = el('div', 'preview-plan');
    this.planBox.dataset.testid = 'preview-plan';
    section.append(head, this.list, form, this.planBox);
    options.root.replaceChildren(section);
  }

  /** Lists the previews of the latest status. */
  refresh(status: StatusResult | undefined): void {
    if (!status) return;
    const app = this.app.value;
    this.app.replaceChildren(...status.apps.map((a) => new Option(a.name, a.path)));
    if (status.apps.some((a) => a.path === app)) this.app.value = app;
    const rows = status.apps.flatMap((a) => a.previews.map((p) => ({ a, p })));
    if (rows.length === 0) {
      this.list.replaceChildren(el('p', 'hint', 'No preview environments in this repository.'));
      return;
    }
    const { table, tbody } = headedTable(['app', 'PR', 'overlay', 'namespace', 'image', 'URL', '']);
    for (const { a, p } of rows) {
      const tr = el('tr');
      tr.dataset.testid = 'preview-row';
      tr.dataset.number = String(p.number);
      const url = el('td', 'mono', p.url ?? '—');
      const close = el('button', 'ghost small', `Close #${p.number}`);
      close.type = 'button';
      close.dataset.testid = 'preview-close';
      close.addEventListener('click', () => void this.planClose(a.path, p.number));
      const actions = el('td');
      actions.append(close);
      tr.append(el('td', 'strong', a.name), el('td', '', `#${p.number}`), el('td', 'mono', p.path), el('td', 'mono', p.namespace ?? '—'), el('td', 'mono', p.image ?? '—'), url, actions);
      if (!p.ok) tr.classList.add('broken');
      tbody.append(tr);
    }
    this.list.replaceChildren(table);
  }

  private async planOpen(): Promise<void> {
    const number = Number(this.number.value);
    if (!Number.isInteger(number) || number < 1) {
      this.planBox.replaceChildren(el('p', 'note error', 'A pull request number is a positive integer.'));
      return;
    }
    const sha = this.sha.value.trim();
    const { result } = await this.options.engine.call('planPreview', { app: this.app.value, number, ...(sha ? { sha } : {}) });
    this.drawOpen(result);
  }

  private async planClose(app: string, number: number): Promise<void> {
    const { result } = await this.options.engine.call('planPreviewCleanup', { app, closed: [number] });
    this.drawClose(result, number);
  }

  private drawOpen(plan: PreviewPlan): void {
    const parts: Node[] = [el('h4', '', `Preview of PR #${plan.number}: ${plan.action ?? 'refused'}`), el('p', 'plan-message', plan.message)];
    const facts = el('dl', 'facts');
    for (const [k, v] of [['overlay', plan.path], ['builds on', plan.from], ['namespace', plan.namespace], ['image', plan.image], ['URL', plan.url]] as const) {
      if (!v) continue;
      facts.append(el('dt', '', k), el('dd', 'mono', v));
    }
    parts.push(facts);
    parts.push(...this.changeSet(plan.edits, plan.diagnostics));
    if (plan.action !== null) parts.push(...rendered(plan));
    if (plan.comment) {
      const comment = el('div', 'markdown');
      comment.append(renderMarkdown(plan.comment));
      parts.push(el('h4', '', 'Pull request comment'), comment);
    }
    this.planBox.replaceChildren(...parts);
  }

  private drawClose(plan: CleanupPlan, number: number): void {
    const parts: Node[] = [el('h4', '', `Close the preview of PR #${number}`), el('p', 'plan-message', plan.message)];
    parts.push(...this.changeSet(plan.edits, plan.diagnostics));
    this.planBox.replaceChildren(...parts);
  }

  /** The edits with their diffs, the diagnostics, and Apply. */
  private changeSet(edits: FileEdit[], diagnostics: { code: string; message: string; severity: string }[]): Node[] {
    this.edits = edits;
    const parts: Node[] = [];
    for (const d of diagnostics) parts.push(el('p', `note ${d.severity}`, `${d.code} ${d.message}`));
    for (const edit of edits) {
      const block = el('div', 'edit');
      block.dataset.testid = 'preview-edit';
      block.dataset.path = edit.path;
      const head = el('div', 'edit-head');
      head.append(el('span', 'edit-path', edit.path), el('span', 'hint', edit.before === null ? 'created' : edit.after === null ? 'deleted' : 'edited'));
      block.append(head, renderDiff(edit.diff));
      parts.push(block);
    }
    if (edits.length > 0) {
      const apply = el('button', 'apply', `Apply ${edits.length} edit${edits.length === 1 ? '' : 's'}`);
      apply.type = 'button';
      apply.dataset.testid = 'preview-apply';
      apply.addEventListener('click', () => {
        apply.disabled = true;
        void this.options.apply(this.edits);
      });
      parts.push(apply);
    }
    return parts;
  }
}

/** The deployments that apply a planned preview, and the diff of what they apply. */
function rendered(plan: PreviewPlan): Node[] {
  const parts: Node[] = [el('h4', '', 'Deployed by')];
  if (plan.deployments.length === 0) {
    const none = el('p', 'hint', 'No deployment applies this overlay: the diff below is of the overlay\'s own render.');
    none.dataset.testid = 'preview-no-deployment';
    parts.push(none);
  } else {
    parts.push(deploymentsTable(plan.deployments));
  }
  const diff = renderDiff(plan.renderedDiff);
  diff.dataset.testid = 'preview-rendered-diff';
  parts.push(el('h4', '', plan.deployments.length === 0 ? `Rendered diff of ${plan.path ?? 'the overlay'}` : 'Rendered diff (what the cluster applies)'), diff);
  return parts;
}

function deploymentsTable(deployments: DeploymentRef[]): HTMLTableElement {
  const { table, tbody } = headedTable(['deployment', 'destination', 'namespace', 'generated by']);
  for (const d of deployments) {
    const tr = el('tr');
    tr.dataset.testid = 'preview-deployment';
    tr.dataset.id = d.id;
    const namespace = d.destination.namespace ?? d.namespaces.join(', ');
    tr.append(
      el('td', 'mono', d.id),
      el('td', 'mono', d.destination.server ?? d.destination.name ?? d.cluster ?? '—'),
      el('td', 'mono', namespace || '—'),
      el('td', 'mono', d.appSet ? `ApplicationSet ${d.appSet}` : d.file),
    );
    if (!d.ok) tr.classList.add('broken');
    tbody.append(tr);
  }
  return table;
}
