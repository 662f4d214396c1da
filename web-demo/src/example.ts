// The embedded example repository: web-demo/example/ as real files (the CLI runs on them too),
// bundled into the app as text.

/** A repository of text files, `{path: text}` (assignable to the engine's `Files`). */
export type TextFiles = Record<string, string>;

// `exhaustive` includes dot-directories: the repository's `.github/CODEOWNERS` is part of it.
const modules = import.meta.glob('../example/**/*', { query: '?raw', import: 'default', eager: true, exhaustive: true });

/** `{path: text}` with paths relative to the example repository's root. */
export function exampleFiles(): TextFiles {
  const files: TextFiles = {};
  for (const [path, text] of Object.entries(modules)) {
    files[path.replace(/^\.\.\/example\//, '')] = text as string;
  }
  return files;
}
