// The image updates view (`imageUpdate`): what Flux image automation would commit, offline.
// The registry is never contacted: the tags of each image repository are typed or pasted here
// (one per line or separated by commas), and the engine shows each ImagePolicy's pick, the
// marked values its setters change, the verified edits, the rendered diff and the commit
// message Flux would write. Apply writes the edits into the in-memory repository, as Flux's
// commit would.
import type { FileEdit, ImageUpdateInput, ImageUpdateResult, StatusResult } from '@baton/engine/web';

import { renderDiff } from './diff';
import { el } from './dom';
import type { EngineClient } from './engine-client';

export interface ImageUpdateOptions {
  root: HTMLElement;
  engine: EngineClient;
  apply: (edits: FileEdit[]) => Promise<void>;
}

/** Tags to start from for an image whose marked value runs `current`: the tags around it. */
export function sampleTags(current: string | null): string[] {
  const m = current ? /^v?(\d+)\.(\d+)\.(\d+)$/.exec(current) : null;
  if (!m) return current ? [current] : [];
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const v = current?.startsWith('v') ? 'v' : '';
  return [`${v}${maj}.${min}.${pat}`, `${v}${maj}.${min}.${pat + 1}`, `${v}${maj}.${min + 1}.0`, `${v}${maj}.${min + 1}.1-rc.1`, `${v}${maj + 1}.0.0`];
}

function parseTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

export class ImageUpdateView {
  private readonly options: ImageUpdateOptions;
  private readonly inputs: HTMLElement;
  private readonly result: HTMLElement;
  private readonly applyButton: HTMLButtonElement;
  /** Tags per image, as the user left them (kept across re-renders and edits). */
  private readonly tags = new Map<string, string>();
  private last: ImageUpdateResult | undefined;
  private seq = 0;
  private timer: number | undefined;

  constructor(options: ImageUpdateOptions) {
    this.options = options;
    const section = el('section', 'promo-section');
    const head = el('div', 'section-head');
    head.append(el('h3', '', 'Image updates'), el('span', 'hint', 'what Flux image automation would commit for these registry tags (the registry is not contacted)'));
    this.inputs = el('div', 'tag-inputs');
    this.inputs.dataset.testid = 'tag-inputs';
    this.applyButton = el('button', 'apply', 'Apply');
    this.applyButton.type = 'button';
    this.applyButton.dataset.testid = 'imageupdate-apply';
    this.applyButton.addEventListener('click', () => void this.applyEdits());
    this.result = el('div', 'imageupdate-result');
    this.result.dataset.testid = 'imageupdate-result';
    section.append(head, this.inputs, this.applyButton, this.result);
    options.root.replaceChildren(section);
  }

  /** Asks the engine again (after any edit of the repository), with the images `status` says Flux follows. */
  async refresh(status: StatusResult | undefined): Promise<void> {
    if (!status) return;
    const seq = ++this.seq;
    // Each automated environment's policies name their image; its current tag is what the
    // environment runs (the marked value), the start of the sample tags.
    const current = new Map<string, string | null>();
    for (const app of status.apps) {
      for (const env of app.environments) {
        for (const policy of env.flux?.policies ?? []) {
          if (!policy.image || current.has(policy.image)) continue;
          current.set(policy.image, env.images.find((i) => i.name === policy.image)?.tag ?? null);
        }
      }
    }
    for (const [image, tag] of current) if (!this.tags.has(image)) this.tags.set(image, sampleTags(tag).join('\n'));
    this.drawInputs([...current.keys()]);
    await this.update(seq);
  }

  private drawInputs(images: string[]): void {
    if (images.length === 0) {
      this.inputs.replaceChildren(el('p', 'hint', 'No ImagePolicy in this repository: Flux image automation has nothing to update here.'));
      return;
    }
    const focused = document.activeElement instanceof HTMLTextAreaElement ? document.activeElement.dataset.image : undefined;
    this.inputs.replaceChildren(
      ...images.map((image) => {
        const label = el('label', 'tag-input');
        label.append(el('span', 'mono', image));
        const area = el('textarea', 'context');
        area.dataset.testid = 'tags';
        area.dataset.image = image;
        area.rows = 5;
        area.spellcheck = false;
        area.setAttribute('aria-label', `Registry tags of ${image}`);
        area.value = this.tags.get(image) ?? '';
        area.addEventListener('input', () => {
          this.tags.set(image, area.value);
          window.clearTimeout(this.timer);
          this.timer = window.setTimeout(() => void this.update(++this.seq), 200);
        });
        label.append(area);
        return label;
      }),
    );
    if (focused) this.inputs.querySelector<HTMLTextAreaElement>(`textarea[data-image="${CSS.escape(focused)}"]`)?.focus();
  }

  private async update(seq: number): Promise<void> {
    const input: ImageUpdateInput = { images: Object.fromEntries([...this.tags].map(([image, text]) => [image, parseTags(text)])) };
    const { result, ms } = await this.options.engine.call('imageUpdate', input);
    if (seq !== this.seq) return;
    this.last = result;
    this.draw(result, ms);
  }

  private draw(result: ImageUpdateResult, ms: number): void {
    const parts: Node[] = [];
    const policies = el('table', 'changes');
    policies.dataset.testid = 'policies';
    const head = el('tr');
    for (const h of ['policy', 'kind', 'pick', 'candidates', 'best first']) head.append(el('th', '', h));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const p of result.policies) {
      const tr = el('tr');
      tr.dataset.testid = 'policy';
      tr.dataset.name = `${p.namespace}/${p.name}`;
      const pick = el('td', 'mono pick', p.latest ?? '—');
      if (!p.latest) pick.title = p.diagnostics.map((d) => d.message).join('\n');
      tr.append(el('td', 'strong', `${p.namespace}/${p.name}`), el('td', '', p.kind), pick, el('td', '', String(p.candidates)), el('td', 'mono', p.top.join(', ')));
      tbody.append(tr);
      for (const d of p.diagnostics) {
        const note = el('tr', 'note-row');
        const cell = el('td', `note ${d.severity}`, `${d.code} ${d.message}`);
        cell.colSpan = 5;
        note.append(cell);
        tbody.append(note);
      }
    }
    policies.append(thead, tbody);
    parts.push(section('Policies', policies));
    if (result.changes.length > 0) {
      const changes = el('table', 'changes');
      changes.dataset.testid = 'setter-changes';
      const h = el('tr');
      for (const t of ['file', 'object', 'setter', 'change']) h.append(el('th', '', t));
      const th = el('thead');
      th.append(h);
      const tb = el('tbody');
      for (const c of result.changes) {
        const tr = el('tr');
        tr.append(el('td', 'mono', c.path), el('td', '', `${c.object.kind}/${c.object.name}`), el('td', 'mono', c.setter), el('td', 'mono', `${c.old} → ${c.new}`));
        tb.append(tr);
      }
      changes.append(th, tb);
      parts.push(section(`Setter edits (${result.changes.length})`, changes));
    } else {
      parts.push(el('p', 'hint', 'Every marked value already runs its policy’s pick: nothing to commit.'));
    }
    if (result.commit) {
      const commit = el('pre', 'code commit');
      commit.dataset.testid = 'commit-message';
      commit.textContent = result.commit.message;
      const who = el('p', 'hint', `author ${result.commit.author.name} <${result.commit.author.email}>`);
      const box = el('div');
      box.append(commit, who);
      parts.push(section('Commit message', box));
    }
    for (const edit of result.edits) parts.push(section(edit.path, renderDiff(edit.diff)));
    if (result.renderedDiff) parts.push(section(`Rendered diff of ${result.overlays.join(', ')}`, renderDiff(result.renderedDiff)));
    for (const c of result.collateral) parts.push(el('p', 'note warning', c.message));
    for (const d of result.diagnostics) parts.push(el('p', `note ${d.severity}`, `${d.code} ${d.message}${d.file ? ` (${d.file})` : ''}`));
    parts.push(el('p', 'hint', `answered in ${ms.toFixed(1)} ms`));
    this.result.replaceChildren(...parts);
    this.applyButton.disabled = result.edits.length === 0;
    this.applyButton.textContent = result.edits.length ? `Apply ${result.edits.length} edit${result.edits.length === 1 ? '' : 's'} (as Flux's commit)` : 'Apply';
  }

  private async applyEdits(): Promise<void> {
    const edits = this.last?.edits ?? [];
    if (edits.length === 0) return;
    this.applyButton.disabled = true;
    await this.options.apply(edits);
  }
}

function section(title: string, content: Node): HTMLElement {
  const s = el('div', 'plan-section');
  s.append(el('h4', '', title), content);
  return s;
}
