/**
 * Test data: the playground's example repository (web-demo/example) in the real engine, behind
 * a `BatonApi` that answers as the backend does, without HTTP.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { Workspace } from '@baton/engine';

import type { BatonApi, RepositoryInfo } from '../api';

export const EXAMPLE = join(__dirname, '..', '..', '..', 'web-demo', 'example');
/** The `now` of every plan in these tests: a Thursday inside the example's window. */
export const NOW = '2026-12-03T10:00:00Z';
export const REPOSITORY: RepositoryInfo = {
  repository: 'https://github.com/acme/gitops',
  branch: 'main',
  treeUrl: 'https://github.com/acme/gitops/tree/main',
  etag: 'etag-1',
};

export function readExample(dir = EXAMPLE, files: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) readExample(full, files);
    else files[relative(EXAMPLE, full).split('\\').join('/')] = readFileSync(full, 'utf8');
  }
  return files;
}

/** A value as it crosses HTTP: JSON. */
export function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The engine over `files`, answering each route's question. */
export function engineApi(files: Record<string, string> = readExample()): BatonApi {
  const workspace = new Workspace(files);
  const appPath = (app: string) => workspace.status().apps.find((a) => a.name === app || a.path === app);
  return {
    getRepository: async () => REPOSITORY,
    getStatus: async () => json(workspace.status()),
    validate: async () => json(workspace.validate()),
    getPlan: async ({ app, to, from }) =>
      json(workspace.planPromotion({ app, to, from: from ?? null, context: { now: NOW } })),
    getRender: async ({ app, environment }) => {
      const env = appPath(app)?.environments.find((e) => e.name === environment);
      if (!env) throw new Error(`no environment ${environment} of ${app}`);
      return json(workspace.render(env.path));
    },
  };
}
