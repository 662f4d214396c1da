// The playground: a file tree, an editor, an overlay picker, the rendered YAML, the
// promotions (status matrix and promotion plans) and the diagnostics, all live on the
// embedded example repository. The engine runs in a worker (engine.worker.ts); this file only
// keeps the UI in step with its answers.
import './style.css';

import type { Diagnostic, FileEdit, RenderResult } from '@baton/engine/web';

import { FileEditor } from './editor';
import { EngineClient, EngineError } from './engine-client';
import { exampleFiles, type TextFiles } from './example';
import { highlightYaml } from './highlight';
import { PromotionsView } from './promotions';

const DEFAULT_OVERLAY = 'apps/payment-service/production';
const DEFAULT_FILE = 'apps/payment-service/production/image-patch.yaml';

const $ = <T extends HTMLElement>(selector: string): T => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`missing element ${selector}`);
  return element;
};

const ui = {
  tree: $<HTMLElement>('[data-testid="file-tree"]'),
  editorTitle: $<HTMLElement>('#editor-title'),
  overlay: $<HTMLSelectElement>('[data-testid="overlay-select"]'),
  rendered: $<HTMLElement>('[data-testid="rendered"]'),
  renderedTitle: $<HTMLElement>('#rendered-title'),
  resources: $<HTMLElement>('#resources'),
  diagnostics: $<HTMLElement>('[data-testid="diagnostics"]'),
  diagnosticsCount: $<HTMLElement>('#diagnostics-count'),
  status: $<HTMLElement>('#status'),
  version: $<HTMLElement>('#version'),
  reset: $<HTMLButtonElement>('#reset'),
  workbench: $<HTMLElement>('.workbench'),
  tabs: [...document.querySelectorAll<HTMLButtonElement>('[role="tab"][data-view]')],
  outputHint: $<HTMLElement>('#output-hint'),
  pendingCount: $<HTMLElement>('#pending-count'),
  promotions: $<HTMLElement>('[data-testid="promotions"]'),
};

const engine = new EngineClient();
/** The repository as the page edits it (all text; the worker holds the engine's copy). */
let files: TextFiles = exampleFiles();
let diagnostics: Diagnostic[] = [];
/** Each sync gets a number; answers of an older sync than the newest shown are dropped. */
let syncSeq = 0;
let shownSeq = 0;
let syncTimer: number | undefined;
const dirty = new Set<string>();

const editor = new FileEditor({
  parent: $<HTMLElement>('[data-testid="editor"]'),
  onChange(path, text) {
    files[path] = text;
    dirty.add(path);
    scheduleSync();
  },
});

const promotions = new PromotionsView({
  root: ui.promotions,
  engine,
  openSource(file, line, needle) {
    if (!(file in files)) return;
    openFile(file);
    const text = files[file] ?? '';
    const lineText = text.split('\n')[line - 1] ?? '';
    const at = needle ? lineText.indexOf(needle) : -1;
    editor.reveal({ line: line - 1, character: Math.max(0, at) });
  },
  apply: applyEdits,
  onPendingCount(count) {
    ui.pendingCount.hidden = count === 0;
    ui.pendingCount.textContent = String(count);
    ui.pendingCount.className = `count ${count ? 'warning' : 'ok'}`;
    ui.pendingCount.title = `${count} pending promotion${count === 1 ? '' : 's'}`;
  },
});

// ---------------------------------------------------------------------------------------
// Engine round trips.

async function start(): Promise<void> {
  setStatus('loading the engine…');
  const { result } = await engine.call('init', files);
  ui.version.textContent = `engine ${result.version}`;
  await fillOverlays();
  openFile(DEFAULT_FILE);
  await sync();
}

function scheduleSync(): void {
  window.clearTimeout(syncTimer);
  syncTimer = window.setTimeout(() => void sync(), 150);
}

/**
 * Sends edited files to the worker, then validates and renders the chosen overlay, and asks
 * for the promotions' status and plan again.
 */
async function sync(): Promise<void> {
  const seq = ++syncSeq;
  // A path no longer in `files` was deleted (by a change set that removes it).
  const edits = [...dirty].map((path) => (path in files ? engine.call('setFile', path, files[path]) : engine.call('removeFile', path)));
  dirty.clear();
  setStatus('checking…');
  try {
    await Promise.all(edits);
    const overlay = ui.overlay.value;
    const [validated, rendered] = await Promise.all([
      engine.call('validate'),
      engine.call('render', overlay),
      promotions.refresh(),
    ]);
    if (seq < shownSeq) return;
    shownSeq = seq;
    // Render problems of the overlay are part of validation too; show each once.
    diagnostics = dedupe([...validated.result.diagnostics, ...rendered.result.diagnostics]);
    showRendered(overlay, rendered.result);
    showDiagnostics();
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    setStatus(
      `validated in ${validated.ms.toFixed(1)} ms · rendered in ${rendered.ms.toFixed(1)} ms`,
      errors ? 'error' : 'ok',
    );
  } catch (e) {
    if (e instanceof EngineError && e.fatal) {
      // Never expected: the engine trapped. Start over with the current files, and say so.
      engine.restart();
      await engine.call('init', files);
      setStatus(`the engine crashed (${e.message}) and was restarted; please report this input`, 'error');
      return;
    }
    setStatus(`engine error: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = JSON.stringify([d.file, d.span, d.code, d.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------
// Overlay picker.

async function fillOverlays(): Promise<void> {
  const { result: dirs } = await engine.call('kustomizationDirs');
  const chosen = ui.overlay.value || DEFAULT_OVERLAY;
  ui.overlay.replaceChildren();
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const dir of dirs) {
    const parts = dir.split('/');
    const group = parts.length > 1 ? parts.slice(0, -1).join('/') : '/';
    if (!groups.has(group)) {
      const optgroup = document.createElement('optgroup');
      optgroup.label = group;
      groups.set(group, optgroup);
      ui.overlay.append(optgroup);
    }
    const option = new Option(parts.length > 1 ? `${parts.at(-2)} / ${parts.at(-1)}` : dir || '(root)', dir);
    groups.get(group)?.append(option);
  }
  ui.overlay.value = dirs.includes(chosen) ? chosen : (dirs[0] ?? '');
}

ui.overlay.addEventListener('change', () => void sync());

// ---------------------------------------------------------------------------------------
// File tree.

interface Dir {
  dirs: Map<string, Dir>;
  files: string[];
}

function buildTree(paths: string[]): Dir {
  const root: Dir = { dirs: new Map(), files: [] };
  for (const path of paths.sort()) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (!dir.dirs.has(part)) dir.dirs.set(part, { dirs: new Map(), files: [] });
      dir = dir.dirs.get(part) as Dir;
    }
    dir.files.push(path);
  }
  return root;
}

function renderTree(): void {
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const d of diagnostics) {
    if (!d.file) continue;
    const c = counts.get(d.file) ?? { errors: 0, warnings: 0 };
    if (d.severity === 'error') c.errors++;
    else c.warnings++;
    counts.set(d.file, c);
  }
  const list = (dir: Dir, prefix: string): HTMLUListElement => {
    const ul = document.createElement('ul');
    for (const [name, child] of [...dir.dirs].sort(([a], [b]) => a.localeCompare(b))) {
      const li = document.createElement('li');
      const details = document.createElement('details');
      details.open = true;
      const summary = document.createElement('summary');
      summary.className = 'dir';
      summary.textContent = name;
      details.append(summary, list(child, `${prefix}${name}/`));
      li.append(details);
      ul.append(li);
    }
    for (const path of dir.files) {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'file';
      button.dataset.testid = 'file-item';
      button.dataset.path = path;
      if (path === editor.currentPath) button.classList.add('current');
      const name = document.createElement('span');
      name.textContent = path.slice(prefix.length);
      button.append(name);
      const c = counts.get(path);
      if (c) {
        const badge = document.createElement('span');
        badge.className = `badge ${c.errors ? 'error' : 'warning'}`;
        badge.textContent = String(c.errors || c.warnings);
        button.append(badge);
      }
      button.addEventListener('click', () => openFile(path));
      li.append(button);
      ul.append(li);
    }
    return ul;
  };
  ui.tree.replaceChildren(list(buildTree(Object.keys(files)), ''));
}

function openFile(path: string): void {
  if (!(path in files)) return;
  editor.open(path, files[path]);
  ui.editorTitle.textContent = path;
  editor.showDiagnostics(diagnostics);
  renderTree();
}

// ---------------------------------------------------------------------------------------
// Rendered output.

function showRendered(overlay: string, result: RenderResult): void {
  ui.renderedTitle.textContent = overlay;
  ui.rendered.classList.toggle('failed', result.yaml === '');
  if (result.yaml === '') {
    ui.rendered.textContent = '# The overlay does not render: see the problems below.';
  } else {
    // Image lines carry where their value was set; a click opens that place.
    const sources = new Map<string, { file: string; start: number }>();
    for (const resource of result.resources) {
      for (const image of resource.images) {
        if (image.source) sources.set(image.image, { file: image.source.file, start: image.source.span.start });
      }
    }
    ui.rendered.replaceChildren(highlightYaml(result.yaml, (value) => sources.get(value)?.file));
    for (const line of ui.rendered.querySelectorAll<HTMLElement>('[data-image]')) {
      line.addEventListener('click', () => {
        const source = sources.get(line.dataset.image as string);
        if (!source || !(source.file in files)) return;
        openFile(source.file);
        editor.reveal(positionOfByte(files[source.file], source.start));
      });
    }
  }
  ui.resources.replaceChildren(
    ...result.resources.map((r) => {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.title = `from ${r.file}`;
      const kind = document.createElement('b');
      kind.textContent = r.kind;
      chip.append(kind, ` ${r.namespace ? `${r.namespace}/` : ''}${r.name}`);
      return chip;
    }),
  );
}

/** The LSP position of a UTF-8 byte offset in `text`. */
function positionOfByte(text: string, byte: number): { line: number; character: number } {
  const before = new TextDecoder().decode(new TextEncoder().encode(text).slice(0, byte));
  const lines = before.split('\n');
  return { line: lines.length - 1, character: (lines.at(-1) ?? '').length };
}

// ---------------------------------------------------------------------------------------
// Diagnostics.

function showDiagnostics(): void {
  ui.diagnosticsCount.textContent = String(diagnostics.length);
  ui.diagnosticsCount.className = `count ${diagnostics.some((d) => d.severity === 'error') ? 'error' : diagnostics.length ? 'warning' : 'ok'}`;
  if (diagnostics.length === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = 'No problems: every file parses and every overlay renders.';
    ui.diagnostics.replaceChildren(empty);
  } else {
    ui.diagnostics.replaceChildren(...diagnostics.map(diagnosticItem));
  }
  editor.showDiagnostics(diagnostics);
  renderTree();
}

function diagnosticItem(d: Diagnostic): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.testid = 'diagnostic-item';
  li.className = `diagnostic ${d.severity}`;
  li.tabIndex = 0;
  const icon = document.createElement('span');
  icon.className = 'icon';
  icon.textContent = d.severity === 'error' ? '✖' : d.severity === 'warning' ? '▲' : 'ℹ';
  const code = document.createElement('span');
  code.className = 'code';
  code.textContent = d.code;
  const message = document.createElement('span');
  message.className = 'message';
  message.textContent = d.message;
  if (d.help) {
    const help = document.createElement('span');
    help.className = 'help';
    help.textContent = ` — ${d.help}`;
    message.append(help);
  }
  const where = document.createElement('span');
  where.className = 'where';
  where.textContent = d.file ? `${d.file}${d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : ''}` : '';
  li.append(icon, code, message, where);
  const jump = () => {
    if (!d.file || !(d.file in files)) return;
    openFile(d.file);
    editor.reveal(d.range?.start ?? { line: 0, character: 0 });
  };
  li.addEventListener('click', jump);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') jump();
  });
  return li;
}

// ---------------------------------------------------------------------------------------
// Output views (Rendered | Promotions) and applying a promotion.

function showView(view: string): void {
  for (const tab of ui.tabs) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
    if (panel) panel.hidden = !selected;
  }
  ui.workbench.dataset.view = view;
  ui.outputHint.textContent = view === 'promotions' ? 'status · planPromotion' : 'kustomize build';
  history.replaceState(null, '', view === 'rendered' ? location.pathname + location.search : `#${view}`);
}

for (const tab of ui.tabs) {
  tab.addEventListener('click', () => showView(tab.dataset.view ?? 'rendered'));
  tab.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = ui.tabs[(ui.tabs.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : ui.tabs.length - 1)) % ui.tabs.length];
    showView(next.dataset.view ?? 'rendered');
    next.focus();
  });
}
if (location.hash === '#promotions') showView('promotions');

/** Writes a plan's edits into the repository (the worker's copy too), as merging its PR would. */
async function applyEdits(edits: FileEdit[]): Promise<void> {
  for (const edit of edits) {
    // `after: null` deletes the file; `before: null` creates it.
    if (edit.after === null) delete files[edit.path];
    else files[edit.path] = edit.after;
    dirty.add(edit.path);
  }
  // The open file may be one of them: show its new text (or the default file if it is gone).
  if (edits.some((e) => e.path === editor.currentPath)) openFile(editor.currentPath in files ? editor.currentPath : DEFAULT_FILE);
  renderTree();
  window.clearTimeout(syncTimer);
  await sync();
  setStatus(`applied ${edits.length} edit${edits.length === 1 ? '' : 's'}: ${edits.map((e) => e.path).join(', ')}`, 'ok');
}

// ---------------------------------------------------------------------------------------
// Status bar and reset.

function setStatus(text: string, kind: 'ok' | 'error' | 'busy' = 'busy'): void {
  ui.status.textContent = text;
  ui.status.dataset.kind = kind;
}

ui.reset.addEventListener('click', async () => {
  files = exampleFiles();
  dirty.clear();
  editor.clear();
  await engine.call('init', files);
  await fillOverlays();
  openFile(DEFAULT_FILE);
  await sync();
});

void start().catch((e: unknown) => setStatus(`could not start the engine: ${e instanceof Error ? e.message : String(e)}`, 'error'));
