// Reading a workspace folder from disk into the engine's `{path: content}` form.
//
// The same files the CLI reads (`cli/src/disk.rs`): every file, with `.git`, `node_modules`
// and `target` skipped at any depth, symlinked files followed only when they stay inside the
// root, directories never followed through links. On top of that, what `.gitignore` files
// exclude is skipped, as an editor user expects (build output, vendored charts). Every file is
// loaded, not only YAML: generators read env and data files, and `baton.yaml` and CODEOWNERS
// shape the pipeline. Files over the engine's 8 MiB limit are left out and reported.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Directory names the CLI never descends into. */
export const SKIPPED_DIRS: readonly string[] = ['.git', 'node_modules', 'target'];

/** The engine reports files larger than this instead of reading them (`core/src/tree.rs`). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type Content = string | Uint8Array;

/** A folder's files, and what was left out with the reason. */
export interface Loaded {
  files: Map<string, Content>;
  skipped: { path: string; reason: string }[];
}

/** `.gitignore` rules of a folder: one matcher per directory that has a `.gitignore`. */
export class IgnoreRules {
  private readonly root: string;
  /** Directory (repository-relative, `''` for the root) → its rules, or null when it has none. */
  private readonly byDir = new Map<string, Ignore | null>();

  constructor(root: string) {
    this.root = root;
  }

  /** Whether `path` (repository-relative, `/`-separated) is excluded by name or by `.gitignore`. */
  ignores(path: string, isDir = false): boolean {
    const parts = path.split('/');
    // Every ancestor directory must be kept for the path to be: git never looks inside an
    // excluded directory, so a deeper `!pattern` cannot bring a file back.
    for (let i = 1; i < parts.length; i++) {
      if (this.excluded(parts.slice(0, i).join('/'), true)) return true;
    }
    return this.excluded(path, isDir);
  }

  /** Whether one path is excluded, given that its ancestors are not. */
  private excluded(path: string, isDir: boolean): boolean {
    const parts = path.split('/');
    const name = parts[parts.length - 1]!;
    if (isDir && SKIPPED_DIRS.includes(name)) return true;
    // The deepest `.gitignore` with an opinion decides, as in git.
    let ignored = false;
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const rules = this.rulesOf(dir);
      if (!rules) continue;
      const rest = parts.slice(i).join('/') + (isDir ? '/' : '');
      const verdict = rules.test(rest);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }

  private rulesOf(dir: string): Ignore | null {
    let rules = this.byDir.get(dir);
    if (rules === undefined) {
      rules = null;
      try {
        const text = readFileSync(join(this.root, dir, '.gitignore'), 'utf8');
        rules = ignore().add(text);
      } catch {
        // No .gitignore here (or unreadable): no rules.
      }
      this.byDir.set(dir, rules);
    }
    return rules;
  }
}

/** Reads every file below `root` that the CLI reads and `.gitignore` keeps. */
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
  const stack = [''];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(join(root, dir)).sort();
    } catch (error) {
      skipped.push({ path: dir, reason: `cannot list: ${(error as Error).message}` });
      continue;
    }
    for (const name of names) {
      const path = dir === '' ? name : `${dir}/${name}`;
      const full = join(root, path);
      let stat;
      try {
        stat = lstatSync(full);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (!rules.ignores(path, true)) stack.push(path);
        continue;
      }
      if (stat.isSymbolicLink() && !linkStaysInside(full, realRoot)) continue;
      if (!stat.isFile() && !stat.isSymbolicLink()) continue;
      if (rules.ignores(path)) continue;
      const result = readOne(full);
      if (typeof result === 'object' && 'skipped' in result) skipped.push({ path, reason: result.skipped });
      else files.set(path, result);
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

function linkStaysInside(full: string, realRoot: string): boolean {
  try {
    const target = realpathSync(full);
    return (target === realRoot || target.startsWith(realRoot + sep)) && statSync(target).isFile();
  } catch {
    return false;
  }
}

/** `path` relative to `root` with `/` separators, or null when it is not inside `root`. */
export function relativeInside(root: string, path: string): string | null {
  const rel = relative(root, path);
  if (rel === '' || isAbsolute(rel) || rel.split(sep)[0] === '..') return null;
  return rel.split(sep).join('/');
}
