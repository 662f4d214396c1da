// Reading a workspace folder from disk into the engine's `{path: content}` form, with the
// CLI's rules (`cli/src/disk/rules.rs`), so the editor and CI see the same repository:
// - `.git` is never read; files matched by `.ignore` or `.gitignore` files (in any directory,
//   `.ignore` over `.gitignore`, deeper over shallower, the first file with a matching line
//   deciding) or by `.git/info/exclude` are left out;
// - symbolic links are followed, files and directories alike, when their target lies inside
//   the folder; a link leaving it, or looping back to a directory that contains it, is not;
// - every file is loaded, not only YAML (generators read env and data files); files over the
//   engine's 8 MiB limit, and entries that cannot be read, are left out and reported.
// Ignore rules are matched by the `ignore` package (gitignore semantics).
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** The engine reports files larger than this instead of reading them (`core/src/tree.rs`). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Most entries one walk looks at (the CLI's bound: links may repeat directories). */
export const MAX_ENTRIES = 1 << 18;

export type Content = string | Uint8Array;

/** A folder's files, and what was left out with the reason. */
export interface Loaded {
  files: Map<string, Content>;
  skipped: { path: string; reason: string }[];
}

/** The ignore files of a folder, read on demand, one matcher per file. */
export class IgnoreRules {
  private readonly root: string;
  /** Repository path of an ignore file → its rules, or null when there is none. */
  private readonly files = new Map<string, Ignore | null>();

  constructor(root: string) {
    this.root = root;
  }

  /** Whether `path` (repository-relative, `/`-separated) is left out, itself or by an ancestor. */
  ignores(path: string, isDir = false): boolean {
    const parts = path.split('/');
    // The walk never enters a directory that is left out.
    for (let i = 1; i < parts.length; i++) {
      if (this.excluded(parts.slice(0, i), true)) return true;
    }
    return this.excluded(parts, isDir);
  }

  /** Whether one entry is left out, given that its ancestors are not. */
  private excluded(parts: string[], isDir: boolean): boolean {
    if (parts[parts.length - 1] === '.git') return true;
    for (const kind of ['.ignore', '.gitignore']) {
      for (let i = parts.length - 1; i >= 0; i--) {
        const rules = this.rulesOf([...parts.slice(0, i), kind].join('/'));
        if (!rules) continue;
        const verdict = rules.test(parts.slice(i).join('/') + (isDir ? '/' : ''));
        if (verdict.ignored) return true;
        if (verdict.unignored) return false;
      }
    }
    return this.rulesOf('.git/info/exclude')?.ignores(parts.join('/') + (isDir ? '/' : '')) ?? false;
  }

  private rulesOf(file: string): Ignore | null {
    let rules = this.files.get(file);
    if (rules === undefined) {
      rules = null;
      try {
        rules = ignore().add(readFileSync(join(this.root, file), 'utf8'));
      } catch {
        // No such file (or unreadable): no rules.
      }
      this.files.set(file, rules);
    }
    return rules;
  }
}

/** Whether a change to `path` changes the ignore rules. */
export function isIgnoreFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === '.gitignore' || name === '.ignore' || path === '.git/info/exclude';
}

/** Reads every file below `root` that the rules keep. */
export function readFolder(root: string, rules = new IgnoreRules(root)): Loaded {
  const files = new Map<string, Content>();
  const skipped: { path: string; reason: string }[] = [];
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (error) {
    skipped.push({ path: '', reason: `cannot read the folder: ${(error as Error).message}` });
    return { files, skipped };
  }
  // Each directory with the real paths of itself and its ancestors (a link to one is a loop).
  const stack: { dir: string; chain: string[] }[] = [{ dir: '', chain: [realRoot] }];
  let seen = 0;
  while (stack.length > 0) {
    const { dir, chain } = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(join(root, dir)).sort();
    } catch (error) {
      skipped.push({ path: dir, reason: `cannot list: ${(error as Error).message}` });
      continue;
    }
    seen += names.length;
    if (seen > MAX_ENTRIES) {
      skipped.push({ path: dir, reason: `more than ${MAX_ENTRIES} entries; list what Baton need not read in a .ignore file` });
      break;
    }
    for (const name of names) {
      const path = dir === '' ? name : `${dir}/${name}`;
      const full = join(root, path);
      let link: boolean;
      let target;
      try {
        link = lstatSync(full).isSymbolicLink();
        target = statSync(full);
      } catch (error) {
        if (!rules.ignores(path)) skipped.push({ path, reason: `cannot read: ${(error as Error).message}` });
        continue;
      }
      if (rules.ignores(path, target.isDirectory())) continue;
      let real = join(chain[chain.length - 1]!, name);
      if (link) {
        try {
          real = realpathSync(full);
        } catch (error) {
          skipped.push({ path, reason: `cannot read: ${(error as Error).message}` });
          continue;
        }
        if (real !== realRoot && !real.startsWith(realRoot + sep)) {
          skipped.push({ path, reason: 'a symbolic link that leaves the folder' });
          continue;
        }
      }
      if (target.isDirectory()) {
        if (chain.includes(real)) skipped.push({ path, reason: 'a symbolic link to a directory that contains it' });
        else stack.push({ dir: path, chain: [...chain, real] });
      } else if (target.isFile()) {
        const result = readOne(full);
        if (typeof result === 'object' && 'skipped' in result) skipped.push({ path, reason: result.skipped });
        else files.set(path, result);
      } else {
        skipped.push({ path, reason: 'not a regular file' });
      }
    }
  }
  return { files, skipped };
}

/** One file's content: text when it is UTF-8, bytes otherwise; or why it was not read. */
export function readOne(full: string): Content | { skipped: string } {
  let bytes: Buffer;
  try {
    const size = statSync(full).size;
    if (size > MAX_FILE_BYTES) return { skipped: `larger than ${MAX_FILE_BYTES} bytes (${size})` };
    bytes = readFileSync(full);
  } catch (error) {
    return { skipped: `cannot read: ${(error as Error).message}` };
  }
  return decode(bytes);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text when the bytes are UTF-8 (a byte order mark is kept, as the CLI keeps it), else bytes. */
export function decode(bytes: Uint8Array): Content {
  try {
    return utf8.decode(bytes);
  } catch {
    return new Uint8Array(bytes);
  }
}

/** `path` relative to `root` with `/` separators, or null when it is not inside `root`. */
export function relativeInside(root: string, path: string): string | null {
  const rel = relative(root, path);
  if (rel === '' || isAbsolute(rel) || rel.split(sep)[0] === '..') return null;
  return rel.split(sep).join('/');
}
