// One workspace folder: its files, held in one engine `Workspace`, and the answers derived
// from them (status, renders), cached until the next edit.
//
// The engine is incremental by itself: `setFile` drops exactly the renders that consulted the
// path, so `validate` after a keystroke re-renders only the overlays the file feeds. The
// caches here only save re-serializing the engine's results between two requests that arrive
// without an edit in between (a hover, then a code lens).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Workspace, type Diagnostic, type Files, type PromotionPlan, type PromotionRequest, type RenderResult, type StatusResult, type Stats } from '@baton/engine';

import { IgnoreRules, readFolder, readOne, relativeInside, type Content } from './files.js';
import { TextIndex } from './positions.js';
import { isKustomizationPath, KUSTOMIZATION_FILE_NAMES } from './yaml-model.js';

export class Project {
  /** The folder, as a file-system path. */
  readonly root: string;
  readonly rootUri: string;
  private engine: Workspace;
  /** What the engine holds, mirrored: texts for positions, and to know what exists. */
  private readonly contents = new Map<string, Content>();
  private rules: IgnoreRules;
  /** Files left out when the folder was read, with the reason. */
  skipped: { path: string; reason: string }[] = [];
  private cachedStatus: StatusResult | null = null;
  private readonly cachedRenders = new Map<string, RenderResult>();
  private readonly indexes = new Map<string, TextIndex>();

  constructor(root: string) {
    this.root = root;
    this.rootUri = pathToFileURL(root).href;
    this.rules = new IgnoreRules(root);
    this.engine = new Workspace({});
    this.reload();
  }

  /** Reads the folder again (at start, and when an ignore file changes). */
  reload(): void {
    this.rules = new IgnoreRules(this.root);
    const loaded = readFolder(this.root, this.rules);
    this.skipped = loaded.skipped;
    this.contents.clear();
    const files: Files = {};
    for (const [path, content] of loaded.files) {
      this.contents.set(path, content);
      files[path] = content;
    }
    this.engine.free();
    this.engine = new Workspace(files);
    this.changed();
  }

  /** The repository path of a `file:` URI inside this folder, or null. */
  pathOf(uri: string): string | null {
    if (!uri.startsWith('file:')) return null;
    let fsPath: string;
    try {
      fsPath = fileURLToPath(uri);
    } catch {
      return null;
    }
    return relativeInside(this.root, fsPath);
  }

  uriOf(path: string): string {
    return pathToFileURL(join(this.root, path)).href;
  }

  /** Whether the folder's rules keep `path` (not under `.git`, not ignored). */
  keeps(path: string): boolean {
    return !this.rules.ignores(path);
  }

  /** Sets a file's text (from the editor); returns whether anything changed. */
  setFile(path: string, content: Content): boolean {
    const before = this.contents.get(path);
    if (typeof before === 'string' && before === content) return false;
    this.engine.setFile(path, content);
    this.contents.set(path, content);
    this.changed(path);
    return true;
  }

  /** Takes a file's content from disk again (closed in the editor, changed on disk). */
  syncFromDisk(path: string): boolean {
    const full = join(this.root, path);
    if (this.keeps(path) && existsSync(full) && statSync(full).isFile()) {
      const read = readOne(full);
      if (typeof read === 'object' && 'skipped' in read) return this.removeFile(path);
      return this.setFile(path, read);
    }
    return this.removeFile(path);
  }

  /** Removes a file, or every file below a directory; returns whether anything changed. */
  removeFile(path: string): boolean {
    let removed = false;
    for (const known of [...this.contents.keys()]) {
      if (known === path || known.startsWith(`${path}/`)) {
        this.engine.removeFile(known);
        this.contents.delete(known);
        this.changed(known);
        removed = true;
      }
    }
    return removed;
  }

  private changed(path?: string): void {
    this.cachedStatus = null;
    this.cachedRenders.clear();
    if (path === undefined) this.indexes.clear();
    else this.indexes.delete(path);
  }

  has(path: string): boolean {
    return this.contents.has(path);
  }

  /** A file's text, if it is a text file of the workspace. */
  text(path: string): string | undefined {
    const content = this.contents.get(path);
    return typeof content === 'string' ? content : undefined;
  }

  /** Line and offset conversions of a file's current text. */
  index(path: string): TextIndex | undefined {
    let index = this.indexes.get(path);
    if (!index) {
      const text = this.text(path);
      if (text === undefined) return undefined;
      index = new TextIndex(text);
      this.indexes.set(path, index);
    }
    return index;
  }

  paths(): IterableIterator<string> {
    return this.contents.keys();
  }

  get fileCount(): number {
    return this.contents.size;
  }

  /** Whether `dir` holds files (directories are not entries of their own). */
  isDirectory(dir: string): boolean {
    if (dir === '') return this.contents.size > 0;
    for (const path of this.contents.keys()) if (path.startsWith(`${dir}/`)) return true;
    return false;
  }

  /** The kustomization file of a directory, if it has one. */
  kustomizationIn(dir: string): string | null {
    for (const name of KUSTOMIZATION_FILE_NAMES) {
      const path = dir === '' ? name : `${dir}/${name}`;
      if (this.contents.has(path)) return path;
    }
    return null;
  }

  validate(): Diagnostic[] {
    return this.engine.validate().diagnostics;
  }

  status(): StatusResult {
    this.cachedStatus ??= this.engine.status();
    return this.cachedStatus;
  }

  render(dir: string): RenderResult {
    let rendered = this.cachedRenders.get(dir);
    if (!rendered) {
      rendered = this.engine.render(dir);
      this.cachedRenders.set(dir, rendered);
    }
    return rendered;
  }

  kustomizationDirs(): string[] {
    return this.engine.kustomizationDirs() as string[];
  }

  planPromotion(request: PromotionRequest): PromotionPlan {
    return this.engine.planPromotion(request);
  }

  stats(): Stats {
    return this.engine.stats();
  }

  /** Whether `path` is a kustomization file of this workspace. */
  isKustomization(path: string): boolean {
    return isKustomizationPath(path) && this.contents.has(path);
  }

  dispose(): void {
    this.engine.free();
  }
}

/** `dir` joined with a relative reference, normalized; null when it leaves the root. */
export function joinPath(dir: string, reference: string): string | null {
  if (reference.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(reference)) return null;
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of reference.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
