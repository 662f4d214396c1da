// Opening the user's own repository, in the browser only: a folder (directory picker or drag
// and drop) or a .zip (read with fflate). Nothing is uploaded; the files go to the engine's
// worker like the example's. `.git` is skipped, and so are files that are not text or are too
// large for an editor, each counted so the page can say what was left out.
import { unzipSync } from 'fflate';

import type { TextFiles } from './example';

/** Largest file read as text; larger ones are counted as skipped. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Most files read from one repository; the rest are counted as skipped. */
export const MAX_FILES = 20_000;
/** Most bytes of text read from one repository. */
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

export interface Skipped {
  /** Entries under a `.git` directory. */
  git: number;
  /** Files that are not UTF-8 text (images, archives, binaries). */
  binary: number;
  /** Files over {@link MAX_FILE_BYTES}. */
  large: number;
  /** Files past {@link MAX_FILES} or {@link MAX_TOTAL_BYTES}. */
  overLimit: number;
}

export interface Loaded {
  /** The folder's or archive's name. */
  name: string;
  files: TextFiles;
  skipped: Skipped;
}

/** One entry to read: a path relative to the repository root, its size, its bytes on demand. */
interface Entry {
  path: string;
  size: number;
  bytes: () => Promise<Uint8Array> | Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function emptySkipped(): Skipped {
  return { git: 0, binary: 0, large: 0, overLimit: 0 };
}

/** Whether a path lies in a `.git` directory (or is a `.git` file of a worktree). */
export function inGit(path: string): boolean {
  return path.split('/').includes('.git');
}

/** The entries' shared first segment (`repo-main/` of a GitHub archive), or ''. */
function commonRoot(paths: string[]): string {
  if (paths.length === 0) return '';
  const first = paths[0].split('/')[0];
  if (!paths.every((p) => p.startsWith(`${first}/`))) return '';
  return `${first}/`;
}

/** Reads entries into text files, skipping and counting what is not kept. */
async function readEntries(name: string, entries: Entry[]): Promise<Loaded> {
  const skipped = emptySkipped();
  const files: TextFiles = {};
  const root = commonRoot(entries.map((e) => e.path));
  let count = 0;
  let total = 0;
  for (const entry of entries.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const path = entry.path.slice(root.length);
    if (!path || path.endsWith('/')) continue;
    if (inGit(path)) {
      skipped.git++;
      continue;
    }
    if (entry.size > MAX_FILE_BYTES) {
      skipped.large++;
      continue;
    }
    if (count >= MAX_FILES || total + entry.size > MAX_TOTAL_BYTES) {
      skipped.overLimit++;
      continue;
    }
    const bytes = await entry.bytes();
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      skipped.binary++;
      continue;
    }
    if (text.includes('\0')) {
      skipped.binary++;
      continue;
    }
    files[path] = text;
    count++;
    total += bytes.length;
  }
  return { name: root ? root.slice(0, -1) : name, files, skipped };
}

/** A folder chosen with `<input type="file" webkitdirectory>` (paths in `webkitRelativePath`). */
export function readFileList(list: FileList | File[]): Promise<Loaded> {
  const entries: Entry[] = [...list].map((file) => ({
    path: file.webkitRelativePath || file.name,
    size: file.size,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  }));
  const name = entries[0]?.path.split('/')[0] ?? 'folder';
  return readEntries(name, entries);
}

/** A .zip archive's bytes. Entries are filtered before they are inflated. */
export function readZip(name: string, data: Uint8Array): Promise<Loaded> {
  const skippedEarly = emptySkipped();
  const unzipped = unzipSync(data, {
    filter(file) {
      if (file.name.endsWith('/')) return false;
      if (inGit(file.name)) {
        skippedEarly.git++;
        return false;
      }
      if (file.originalSize > MAX_FILE_BYTES) {
        skippedEarly.large++;
        return false;
      }
      return true;
    },
  });
  const entries: Entry[] = Object.entries(unzipped).map(([path, bytes]) => ({ path, size: bytes.length, bytes: () => bytes }));
  return readEntries(name.replace(/\.zip$/i, ''), entries).then((loaded) => {
    loaded.skipped.git += skippedEarly.git;
    loaded.skipped.large += skippedEarly.large;
    return loaded;
  });
}

/** What was dropped on the page: one .zip, or folders and files (walked through entries). */
export async function readDrop(transfer: DataTransfer): Promise<Loaded | undefined> {
  const items = [...transfer.items].filter((i) => i.kind === 'file');
  const roots = items.map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  if (roots.length === 1 && roots[0].isFile && /\.zip$/i.test(roots[0].name)) {
    const file = transfer.files[0];
    return readZip(file.name, new Uint8Array(await file.arrayBuffer()));
  }
  if (roots.length === 0) return undefined;
  const entries: Entry[] = [];
  const skippedGit = { n: 0 };
  for (const root of roots) await walk(root, '', entries, skippedGit);
  const name = roots.length === 1 ? roots[0].name : 'dropped files';
  const loaded = await readEntries(name, entries);
  loaded.skipped.git += skippedGit.n;
  return loaded;
}

async function walk(entry: FileSystemEntry, prefix: string, out: Entry[], skippedGit: { n: number }): Promise<void> {
  const path = `${prefix}${entry.name}`;
  if (entry.isDirectory) {
    if (entry.name === '.git') {
      skippedGit.n++;
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in batches until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, `${path}/`, out, skippedGit);
    }
    return;
  }
  const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
  out.push({ path, size: file.size, bytes: async () => new Uint8Array(await file.arrayBuffer()) });
}

/** "412 files read · skipped: .git (1), 3 binary, 1 over 1 MiB". */
export function describeLoad(loaded: Loaded): string {
  const n = Object.keys(loaded.files).length;
  const { git, binary, large, overLimit } = loaded.skipped;
  const parts: string[] = [];
  if (git) parts.push(`.git (${git} ${git === 1 ? 'entry' : 'entries'})`);
  if (binary) parts.push(`${binary} binary`);
  if (large) parts.push(`${large} over ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  if (overLimit) parts.push(`${overLimit} past the limit of ${MAX_FILES} files / ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
  const skipped = parts.length ? ` · skipped ${parts.join(', ')}` : '';
  return `${loaded.name}: ${n} file${n === 1 ? '' : 's'} read${skipped}`;
}
