/**
 * The plugin's HTTP routes. Each answers with the engine's own JSON, unchanged, so the
 * frontend reads the same shapes as `@baton/engine`'s declarations; what the routes add is the
 * mapping of a bad request to Backstage's errors (`NotFoundError` → 404, `InputError` → 400),
 * which the backend's error middleware turns into its JSON error body.
 */
import { InputError, NotFoundError } from '@backstage/errors';
import type { AppStatus, StatusResult } from '@baton/engine';
import type { Request } from 'express';
import Router from 'express-promise-router';

import type { RepositoryLocation } from './location';
import type { GitOpsRepository } from './repository';

export interface RouterOptions {
  location: RepositoryLocation;
  repository: GitOpsRepository;
  /** Milliseconds since the epoch: the `now` of promotion plans. */
  clock?: () => number;
}

/** What `GET /repository` answers: where the repository is read from, and its ETag. */
export interface RepositoryInfo extends RepositoryLocation {
  etag: string;
}

export function createRouter(options: RouterOptions): ReturnType<typeof Router> {
  const { location, repository } = options;
  const clock = options.clock ?? Date.now;
  const router = Router();

  router.get('/repository', async (_req, res) => {
    const info: RepositoryInfo = { ...location, etag: await repository.etag() };
    res.json(info);
  });

  router.get('/status', async (_req, res) => {
    res.json((await repository.workspace()).status());
  });

  router.get('/validate', async (_req, res) => {
    res.json((await repository.workspace()).validate());
  });

  router.get('/apps/:app/plan', async (req, res) => {
    const to = queryParam(req, 'to', true);
    const from = queryParam(req, 'from', false);
    const workspace = await repository.workspace();
    const app = findApp(workspace.status(), req.params.app);
    for (const env of [to, from]) {
      if (env !== undefined) environmentOf(app, env, (m) => new InputError(m));
    }
    // What the backend knows of the promotion's context is the time; approvals, checks and
    // when an artifact landed stay unknown, so the gates that need them wait. The plan's `now`
    // is the response's Date, whole seconds, so a client can see which time the gates used.
    const now = new Date(Math.floor(clock() / 1000) * 1000);
    res.setHeader('Date', now.toUTCString());
    res.json(
      workspace.planPromotion({
        app: req.params.app,
        to,
        from: from ?? null,
        context: { now: rfc3339(now) },
      }),
    );
  });

  router.get('/apps/:app/environments/:env/render', async (req, res) => {
    const workspace = await repository.workspace();
    const app = findApp(workspace.status(), req.params.app);
    const env = environmentOf(app, req.params.env, (m) => new NotFoundError(m));
    res.json(workspace.render(env.path));
  });

  return router;
}

/** `now` as RFC 3339 without fractional seconds, as `baton.yaml` windows and gates read it. */
export function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The app named (or with the path) `key`; 404 when there is none, 400 when a name is shared. */
function findApp(status: StatusResult, key: string): AppStatus {
  const byPath = status.apps.find((a) => a.path === key);
  if (byPath) return byPath;
  const named = status.apps.filter((a) => a.name === key);
  const [only, ...others] = named;
  if (only && others.length === 0) return only;
  if (only) {
    throw new InputError(
      `${named.length} apps are named '${key}': address one by its path (${named.map((a) => a.path).join(', ')})`,
    );
  }
  const known = status.apps.map((a) => a.name).join(', ') || 'none';
  throw new NotFoundError(`There is no app named '${key}'; known apps: ${known}`);
}

function environmentOf(
  app: AppStatus,
  name: string,
  error: (message: string) => Error,
): AppStatus['environments'][number] {
  const env = app.environments.find((e) => e.name === name);
  if (env) return env;
  const known = app.environments.map((e) => e.name).join(', ') || 'none';
  throw error(`App '${app.name}' has no environment '${name}'; its environments: ${known}`);
}

/** A query parameter given once as a non-empty string. */
function queryParam(req: Request, name: string, required: true): string;
function queryParam(req: Request, name: string, required: false): string | undefined;
function queryParam(req: Request, name: string, required: boolean): string | undefined {
  const value = req.query[name];
  if (value === undefined) {
    if (required) throw new InputError(`Missing query parameter '${name}'`);
    return undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`Query parameter '${name}' must be given once, as a non-empty string`);
  }
  return value;
}
