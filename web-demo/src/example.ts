// The embedded example repository: web-demo/example/ as real files (the CLI runs on them too),
// bundled into the app as text.
import type { Files } from '@baton/engine/web';

const modules = import.meta.glob('../example/**/*', { query: '?raw', import: 'default', eager: true });

/** `{path: text}` with paths relative to the example repository's root. */
export function exampleFiles(): Files {
  const files: Files = {};
  for (const [path, text] of Object.entries(modules)) {
    files[path.replace(/^\.\.\/example\//, '')] = text as string;
  }
  return files;
}
