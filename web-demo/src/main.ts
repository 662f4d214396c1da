// The playground: a file tree, an editor, an overlay picker, the rendered YAML and the views
// of the whole workflow (the pipeline board with its clusters, a promotion with its rollout
// timeline, the diff of two environments, image updates, previews, the ApplicationSets' generated
// Applications, what each cluster's deployment applies), with the diagnostics, all live on the embedded example repository or
// on the user's own folder or .zip (read in the browser only). The engine runs in a worker
// (engine.worker.ts) behind a watchdog; this file only keeps the UI in step with its answers.
import './style.css';

import type { Diagnostic, FileEdit, RenderResult } from '@baton/engine/web';

import { AppSetsView } from './appsets-view';
import { BoardView } from './board';
import { DeploymentsView } from './deployments-view';
import { FileEditor } from './editor';
import { EngineClient, EngineError } from './engine-client';
import { EnvDiffView } from './envdiff-view';
import { exampleFiles, type TextFiles } from './example';
import { highlightYaml } from './highlight';
import { ImageUpdateView } from './imageupdate-view';
import { PreviewsView } from './previews-view';
import { PromotionsView } from './promotions';
import { describeLoad, readDrop, readFileList, readZip, type Loaded } from './repo-io';
import { decodeShare, encodeShare } from './share';

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
  board: $<HTMLElement>('[data-testid="board"]'),
  envdiff: $<HTMLElement>('[data-testid="envdiff"]'),
  previews: $<HTMLElement>('[data-testid="previews"]'),
  images: $<HTMLElement>('[data-testid="images"]'),
  appsets: $<HTMLElement>('[data-testid="appsets-view"]'),
  deployments: $<HTMLElement>('[data-testid="deployments"]'),
  repoName: $<HTMLElement>('#repo-name'),
  loadSummary: $<HTMLElement>('[data-testid="load-summary"]'),
  openFolder: $<HTMLInputElement>('#open-folder'),
  openZip: $<HTMLInputElement>('#open-zip'),
  share: $<HTMLButtonElement>('#share'),
  notice: $<HTMLElement>('#notice'),
  noticeText: $<HTMLElement>('#notice .notice-text'),
  shareLink: $<HTMLInputElement>('[data-testid="share-link"]'),
  noticeClose: $<HTMLButtonElement>('#notice-close'),
};

const params = new URLSearchParams(location.search);
const engine = new EngineClient({
  // `?watchdog=ms` shortens the deadline (the browser test uses it to hang the engine quickly).
  timeoutMs: Number(params.get('watchdog')) || undefined,
  onRestart: (reason) => void recover(reason),
});
// A handle for the console and the browser test (the watchdog's test hangs the engine with it).
(window as unknown as { baton: { engine: EngineClient } }).baton = { engine };
/** The example, the base a share link is relative to. */
const example: TextFiles = exampleFiles();
/** The repository as the page edits it (all text; the worker holds the engine's copy). */
let files: TextFiles = { ...example };
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

const board = new BoardView({
  root: ui.board,
  plan(app, from, to) {
    showView('promotions');
    promotions.select({ app, from, to });
  },
  diff(app, from, to) {
    showView('envdiff');
    void envdiff.show(app, from, to);
  },
  openFolder: () => ui.openFolder.click(),
  previews: () => showView('previews'),
  images: () => showView('images'),
  appsets: () => showView('appsets'),
  deployments(id) {
    showView('deployments');
    if (id) void deployments.show(id);
  },
});

const envdiff = new EnvDiffView({ root: ui.envdiff, engine });

const previews = new PreviewsView({ root: ui.previews, engine, apply: (edits) => applyEdits(edits) });

const images = new ImageUpdateView({ root: ui.images, engine, apply: (edits) => applyEdits(edits) });

const appsets = new AppSetsView({ root: ui.appsets, engine, openPath: openPath });

const deployments = new DeploymentsView({ root: ui.deployments, engine, openFile: (path) => openFile(path) });

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
  if (location.hash.startsWith('#share=')) {
    try {
      files = decodeShare(location.hash, example);
      const n = changedCount();
      notify(`Opened a shared link: ${n} file${n === 1 ? ' differs' : 's differ'} from the example.`);
    } catch (e) {
      notify(`Could not open the shared link: ${e instanceof Error ? e.message : String(e)}. Showing the example.`, 'error');
    }
    history.replaceState(null, '', location.pathname + location.search);
  }
  engine.sizeRepository(textBytes(files));
  const { result } = await engine.call('init', files);
  ui.version.textContent = `engine ${result.version}`;
  await fillOverlays();
  openFile(firstFile());
  await sync();
}

function textBytes(repo: TextFiles): number {
  return Object.values(repo).reduce((n, text) => n + text.length, 0);
}

/** Files that differ from the example (changed, added or deleted). */
function changedCount(): number {
  const changed = Object.keys(files).filter((p) => example[p] !== files[p]).length;
  return changed + Object.keys(example).filter((p) => !(p in files)).length;
}

/** The file to open first: the example's image patch, else a kustomization, else any. */
function firstFile(): string {
  if (DEFAULT_FILE in files) return DEFAULT_FILE;
  const paths = Object.keys(files).sort();
  return paths.find((p) => /(^|\/)kustomization\.ya?ml$/.test(p)) ?? paths[0] ?? '';
}

/**
 * The watchdog replaced the worker (it hung, crashed or trapped): load the page's files into
 * the new one and say so. Nothing the user typed is lost: the files live on the page.
 */
async function recover(reason: string): Promise<void> {
  notify(`${reason}; it was restarted with your files (${Object.keys(files).length} kept).`, 'error');
  setStatus(`engine restarted: ${reason}`, 'error');
  dirty.clear();
  try {
    await engine.call('init', files);
    await sync();
  } catch (e) {
    if (!(e instanceof EngineError && e.restarted)) setStatus(`could not restart the engine: ${String(e)}`, 'error');
  }
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
      // The board and the diff view draw from the same status the promotion view asked for.
      promotions.refresh().then(() => {
        const status = promotions.currentStatus();
        board.update(status);
        previews.refresh(status);
        return Promise.all([envdiff.refresh(status), images.refresh(status)]);
      }),
      appsets.refresh(),
      deployments.refresh(),
    ]);
    if (seq < shownSeq) return;
    shownSeq = seq;
    // Render problems of the overlay are part of validation too; show each once.
    diagnostics = dedupe([...validated.result.diagnostics, ...rendered.result.diagnostics]);
    showRendered(overlay, rendered.result);
    showDiagnostics();
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const found =
      diagnostics.length === 0
        ? 'no problems'
        : [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '']
            .filter(Boolean)
            .join(', ');
    // The status bar is a live region: a screen reader hears the verdict of every check.
    setStatus(`${found} · validated in ${validated.ms.toFixed(1)} ms · rendered in ${rendered.ms.toFixed(1)} ms`, errors ? 'error' : 'ok');
  } catch (e) {
    // A fatal error or a hang restarts the worker; the watchdog's recovery re-syncs.
    if (e instanceof EngineError && (e.fatal || e.restarted)) return;
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

/** Directories the user collapsed: kept across every re-render of the tree. */
const collapsed = new Set<string>();

function renderTree(): void {
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const d of diagnostics) {
    if (!d.file) continue;
    const c = counts.get(d.file) ?? { errors: 0, warnings: 0 };
    if (d.severity === 'error') c.errors++;
    else c.warnings++;
    counts.set(d.file, c);
  }
  // The element that has focus in the tree, to give it back after the re-render.
  const focused = document.activeElement instanceof HTMLElement && ui.tree.contains(document.activeElement) ? document.activeElement : null;
  const focusKey = focused?.dataset.path ?? focused?.dataset.dir;
  const list = (dir: Dir, prefix: string): HTMLUListElement => {
    const ul = document.createElement('ul');
    for (const [name, child] of [...dir.dirs].sort(([a], [b]) => a.localeCompare(b))) {
      const path = `${prefix}${name}`;
      const li = document.createElement('li');
      const details = document.createElement('details');
      details.open = !collapsed.has(path);
      const summary = document.createElement('summary');
      summary.className = 'dir';
      summary.dataset.dir = path;
      summary.textContent = name;
      details.addEventListener('toggle', () => {
        if (details.open) collapsed.delete(path);
        else collapsed.add(path);
      });
      details.append(summary, list(child, `${path}/`));
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
      if (path === editor.currentPath) {
        button.classList.add('current');
        button.setAttribute('aria-current', 'true');
      }
      const name = document.createElement('span');
      name.textContent = path.slice(prefix.length);
      button.append(name);
      const c = counts.get(path);
      if (c) {
        const badge = document.createElement('span');
        badge.className = `badge ${c.errors ? 'error' : 'warning'}`;
        badge.textContent = String(c.errors || c.warnings);
        badge.setAttribute('aria-label', c.errors ? `${c.errors} error${c.errors === 1 ? '' : 's'}` : `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`);
        button.append(badge);
      }
      button.addEventListener('click', () => openFile(path));
      li.append(button);
      ul.append(li);
    }
    return ul;
  };
  ui.tree.replaceChildren(list(buildTree(Object.keys(files)), ''));
  if (focusKey) {
    const again = ui.tree.querySelector<HTMLElement>(`[data-path="${CSS.escape(focusKey)}"], [data-dir="${CSS.escape(focusKey)}"]`);
    again?.focus();
  }
}

function openFile(path: string): void {
  if (!(path in files)) {
    ui.editorTitle.textContent = 'no file open';
    return;
  }
  editor.open(path, files[path]);
  ui.editorTitle.textContent = path;
  editor.showDiagnostics(diagnostics);
  renderTree();
}

/** Opens a file, or a directory's kustomization (else its first file). */
function openPath(path: string): void {
  if (path in files) return openFile(path);
  const dir = path.replace(/\/+$/, '');
  const inside = Object.keys(files)
    .filter((p) => p.startsWith(`${dir}/`))
    .sort();
  openFile(inside.find((p) => /^kustomization\.ya?ml$/.test(p.slice(dir.length + 1))) ?? inside[0] ?? path);
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
      const jump = () => {
        const source = sources.get(line.dataset.image as string);
        if (!source || !(source.file in files)) return;
        openFile(source.file);
        editor.reveal(positionOfByte(files[source.file], source.start));
      };
      // A link to where the image is set, for the keyboard too.
      line.tabIndex = 0;
      line.setAttribute('role', 'button');
      line.addEventListener('click', jump);
      line.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' && e.key !== ' ') return;
        e.preventDefault();
        jump();
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
  // A button: reachable with Tab, and Enter or Space jumps to the place in the editor.
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.testid = 'diagnostic-item';
  button.className = `diagnostic ${d.severity}`;
  const icon = document.createElement('span');
  icon.className = 'icon';
  icon.textContent = d.severity === 'error' ? '✖' : d.severity === 'warning' ? '▲' : 'ℹ';
  icon.setAttribute('aria-label', d.severity);
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
  button.append(icon, code, message, where);
  button.disabled = !d.file || !(d.file in files);
  button.addEventListener('click', () => {
    if (!d.file || !(d.file in files)) return;
    openFile(d.file);
    editor.reveal(d.range?.start ?? { line: 0, character: 0 });
  });
  li.append(button);
  return li;
}

// ---------------------------------------------------------------------------------------
// Output views (Rendered | Promotions) and applying a promotion.

const VIEWS = new Set(ui.tabs.map((t) => t.dataset.view ?? 'rendered'));

function showView(view: string): void {
  for (const tab of ui.tabs) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '');
    if (panel) panel.hidden = !selected;
    if (selected) ui.outputHint.textContent = tab.dataset.hint ?? '';
  }
  ui.workbench.dataset.view = view;
  history.replaceState(null, '', view === 'rendered' ? location.pathname + location.search : `${location.pathname}${location.search}#${view}`);
}

// Tabs as the WAI-ARIA pattern has them: one tab stop, arrows, Home and End move between views.
for (const tab of ui.tabs) {
  tab.addEventListener('click', () => showView(tab.dataset.view ?? 'rendered'));
  tab.addEventListener('keydown', (e) => {
    const i = ui.tabs.indexOf(tab);
    const n = ui.tabs.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i + n - 1) % n, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = ui.tabs[to];
    showView(next.dataset.view ?? 'rendered');
    next.focus();
  });
}
if (VIEWS.has(location.hash.slice(1))) showView(location.hash.slice(1));

/** Writes a plan's edits into the repository (the worker's copy too), as merging its PR would. */
async function applyEdits(edits: FileEdit[]): Promise<void> {
  for (const edit of edits) {
    // `after: null` deletes the file; `before: null` creates it.
    if (edit.after === null) delete files[edit.path];
    else files[edit.path] = edit.after;
    dirty.add(edit.path);
  }
  // The open file may be one of them: show its new text (or the default file if it is gone).
  if (edits.some((e) => e.path === editor.currentPath)) openFile(editor.currentPath in files ? editor.currentPath : firstFile());
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

/** A message above the workbench (an alert for screen readers), until dismissed. */
function notify(text: string, kind: 'ok' | 'error' = 'ok', link?: string): void {
  ui.notice.hidden = false;
  ui.notice.dataset.kind = kind;
  ui.noticeText.textContent = text;
  ui.shareLink.hidden = link === undefined;
  ui.shareLink.value = link ?? '';
}

ui.noticeClose.addEventListener('click', () => {
  ui.notice.hidden = true;
});

/** Replaces the whole repository (the example again, a folder, a .zip) and starts over. */
async function loadRepository(next: TextFiles, name: string): Promise<void> {
  files = next;
  engine.sizeRepository(textBytes(files));
  dirty.clear();
  editor.clear();
  collapsed.clear();
  ui.repoName.textContent = name;
  await engine.call('init', files);
  await fillOverlays();
  openFile(firstFile());
  await sync();
}

ui.reset.addEventListener('click', async () => {
  ui.loadSummary.hidden = true;
  await loadRepository({ ...example }, 'example: platform-gitops');
  notify('The example repository is back.');
});

async function openLoaded(loaded: Promise<Loaded | undefined>): Promise<void> {
  setStatus('reading files in the browser…');
  try {
    const result = await loaded;
    if (!result) return;
    ui.loadSummary.hidden = false;
    ui.loadSummary.textContent = describeLoad(result);
    if (Object.keys(result.files).length === 0) {
      notify(`${describeLoad(result)}: no text files to open.`, 'error');
      return;
    }
    await loadRepository(result.files, result.name);
    notify(`Opened ${describeLoad(result)}. Nothing was uploaded.`);
  } catch (e) {
    notify(`Could not read it: ${e instanceof Error ? e.message : String(e)}`, 'error');
    setStatus('could not read the files', 'error');
  }
}

ui.openFolder.addEventListener('change', () => {
  if (ui.openFolder.files?.length) void openLoaded(readFileList(ui.openFolder.files));
  ui.openFolder.value = '';
});

ui.openZip.addEventListener('change', () => {
  const file = ui.openZip.files?.[0];
  if (file) void openLoaded(file.arrayBuffer().then((b) => readZip(file.name, new Uint8Array(b))));
  ui.openZip.value = '';
});

// Drag and drop anywhere on the page: a folder, some files, or one .zip.
document.addEventListener('dragover', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', (e) => {
  if (e.relatedTarget === null) document.body.classList.remove('dropping');
});
document.addEventListener('drop', (e) => {
  document.body.classList.remove('dropping');
  if (!e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  void openLoaded(readDrop(e.dataTransfer));
});

ui.share.addEventListener('click', () => {
  const shared = encodeShare(files, example);
  if (!shared.ok) {
    notify(shared.message, 'error');
    return;
  }
  const url = `${location.origin}${location.pathname}${location.search}#${shared.fragment}`;
  const what = shared.changed + shared.deleted === 0 ? 'the example as it is' : `${shared.changed} changed and ${shared.deleted} deleted file${shared.deleted === 1 ? '' : 's'}`;
  notify(`Link to ${what} (${Math.ceil(url.length / 1024)} KB; the files travel in the link, nothing is uploaded):`, 'ok', url);
  ui.shareLink.select();
  void navigator.clipboard?.writeText(url).catch(() => {});
});

void start().catch((e: unknown) => setStatus(`could not start the engine: ${e instanceof Error ? e.message : String(e)}`, 'error'));
