// The backend plugin in a real Backstage test backend (`startTestBackend`), reading the
// playground's example repository (web-demo/example) through a UrlReaderService stand-in that
// serves those files as a tree with an ETag. Every route's JSON is compared with what
// `@baton/engine` answers for the same files. The backends are stopped after all tests by
// backend-test-utils' own hook (test/setup.cjs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';

import {
  type UrlReaderService,
  type UrlReaderServiceReadTreeOptions,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { NotModifiedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import { type PromotionPlan, type StatusResult, Workspace } from '@baton/engine';

import batonPlugin from './index';

const REPOSITORY = 'https://github.com/acme/gitops';
const EXAMPLE = join(__dirname, '..', '..', '..', 'web-demo', 'example');

function readExample(dir = EXAMPLE, files: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) readExample(full, files);
    else files[relative(EXAMPLE, full).split('\\').join('/')] = readFileSync(full, 'utf8');
  }
  return files;
}

/** A UrlReaderService over an in-memory tree: `readTree` honours ETags as the real readers do. */
class TreeReader implements UrlReaderService {
  files: Record<string, string>;
  etag = 'etag-1';
  failure: Error | undefined;
  readonly calls: { url: string; etag: string | undefined }[] = [];

  constructor(files: Record<string, string>) {
    this.files = { ...files };
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions) {
    this.calls.push({ url, etag: options?.etag });
    if (this.failure) throw this.failure;
    if (options?.etag === this.etag) throw new NotModifiedError();
    const entries = Object.entries(this.files).map(([path, text]) => ({
      path,
      content: async () => Buffer.from(text, 'utf8'),
    }));
    return {
      etag: this.etag,
      files: async () => entries,
      archive: async (): Promise<NodeJS.ReadableStream> => {
        throw new Error('archive() is not used by the plugin');
      },
      dir: async (): Promise<string> => {
        throw new Error('dir() is not used by the plugin');
      },
    };
  }

  async readUrl(): Promise<never> {
    throw new Error('readUrl() is not used by the plugin');
  }

  async search(): Promise<never> {
    throw new Error('search() is not used by the plugin');
  }
}

async function start(reader: TreeReader, baton: JsonObject = {}) {
  const backend = await startTestBackend({
    features: [
      batonPlugin,
      mockServices.rootConfig.factory({
        data: { baton: { repository: REPOSITORY, checkInterval: { seconds: 0 }, ...baton } },
      }),
      createServiceFactory({ service: coreServices.urlReader, deps: {}, factory: () => reader }),
    ],
  });
  const address = backend.server.address();
  assert.ok(address && typeof address === 'object');
  const base = `http://127.0.0.1:${address.port}/api/baton`;
  return async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
}

/** A value as it crosses HTTP: JSON. */
function json(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

const example = readExample();

describe('routes answer the engine JSON for the example repository', () => {
  test('GET /status', async () => {
    const get = await start(new TreeReader(example));
    const { status, body } = await get('/status');
    assert.equal(status, 200);
    assert.deepEqual(body, json(new Workspace(example).status()));
    const result = body as StatusResult;
    assert.deepEqual(result.environments, ['dev', 'staging', 'production']);
    assert.deepEqual(result.apps.map((a) => a.name), ['checkout', 'ledger-api', 'payment-service']);
  });

  test('GET /validate', async () => {
    const get = await start(new TreeReader(example));
    const { status, body } = await get('/validate');
    assert.equal(status, 200);
    assert.deepEqual(body, json(new Workspace(example).validate()));
  });

  test('GET /apps/:app/plan: the plan with gates, `now` being the response Date', async () => {
    const get = await start(new TreeReader(example));
    for (const app of ['payment-service', encodeURIComponent('apps/payment-service')]) {
      const { status, headers, body } = await get(`/apps/${app}/plan?to=production`);
      assert.equal(status, 200);
      const date = headers.get('date');
      assert.ok(date);
      const now = new Date(date).toISOString().replace(/\.000Z$/, 'Z');
      const expected = new Workspace(example).planPromotion({
        app: decodeURIComponent(app),
        to: 'production',
        from: null,
        context: { now },
      });
      assert.deepEqual(body, json(expected));
      const plan = body as PromotionPlan;
      assert.equal(plan.pullRequest?.title, 'promote(payment-service): staging → production (abc1234)');
      assert.equal(plan.allowed, false);
      const gate = (name: string) => plan.gates.find((g) => g.name === name)?.status;
      assert.equal(gate('immutableTags'), 'pass');
      assert.equal(gate('approvals'), 'pending');
    }
  });

  test('GET /apps/:app/plan with an explicit from', async () => {
    const get = await start(new TreeReader(example));
    const { status, body } = await get('/apps/ledger-api/plan?to=production&from=staging');
    assert.equal(status, 200);
    assert.equal((body as PromotionPlan).changes.length, 2);
  });

  test('GET /apps/:app/environments/:env/render', async () => {
    const get = await start(new TreeReader(example));
    const { status, body } = await get('/apps/ledger-api/environments/production/render');
    assert.equal(status, 200);
    assert.deepEqual(body, json(new Workspace(example).render('apps/ledger-api/production')));
    assert.match((body as { yaml: string }).yaml, /image: registry\.example\.com\/ledger-api:2\.3\.0/);
  });

  test('GET /repository: where the tree is read from, and its ETag', async () => {
    const reader = new TreeReader(example);
    const get = await start(reader, { branch: 'main' });
    const { status, body } = await get('/repository');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      repository: REPOSITORY,
      branch: 'main',
      treeUrl: `${REPOSITORY}/tree/main`,
      etag: 'etag-1',
    });
    assert.deepEqual(reader.calls, [{ url: `${REPOSITORY}/tree/main`, etag: undefined }]);
  });
});

describe('bad requests are Backstage errors', () => {
  const cases: [string, number, string, RegExp][] = [
    ['/apps/nope/plan?to=production', 404, 'NotFoundError', /no app named 'nope'; known apps: checkout, ledger-api, payment-service/],
    ['/apps/payment-service/plan', 400, 'InputError', /Missing query parameter 'to'/],
    ['/apps/payment-service/plan?to=', 400, 'InputError', /'to' must be given once/],
    ['/apps/payment-service/plan?to=a&to=b', 400, 'InputError', /'to' must be given once/],
    ['/apps/payment-service/plan?to=qa', 400, 'InputError', /no environment 'qa'; its environments: dev, staging, production/],
    ['/apps/payment-service/plan?to=production&from=uat', 400, 'InputError', /no environment 'uat'/],
    ['/apps/nope/environments/staging/render', 404, 'NotFoundError', /no app named 'nope'/],
    ['/apps/payment-service/environments/qa/render', 404, 'NotFoundError', /no environment 'qa'/],
  ];
  for (const [path, code, name, message] of cases) {
    test(`GET ${path} → ${code} ${name}`, async () => {
      const get = await start(new TreeReader(example));
      const { status, body } = await get(path);
      assert.equal(status, code);
      const error = (body as { error: { name: string; message: string } }).error;
      assert.equal(error.name, name);
      assert.match(error.message, message);
    });
  }

  test('an unreadable repository is 503 ServiceUnavailableError until a read succeeds', async () => {
    const reader = new TreeReader(example);
    reader.failure = new Error('connect ECONNREFUSED');
    const get = await start(reader);
    const failed = await get('/status');
    assert.equal(failed.status, 503);
    const error = (failed.body as { error: { name: string; message: string } }).error;
    assert.equal(error.name, 'ServiceUnavailableError');
    assert.match(error.message, /Cannot read the GitOps repository https:\/\/github\.com\/acme\/gitops: connect ECONNREFUSED/);
    reader.failure = undefined;
    assert.equal((await get('/status')).status, 200);
    // Once read, a failing host serves the last good read.
    reader.failure = new Error('timeout');
    reader.etag = 'etag-2';
    const stale = await get('/status');
    assert.equal(stale.status, 200);
    assert.deepEqual(stale.body, json(new Workspace(example).status()));
  });

  test('a missing baton.repository stops the plugin from starting, naming the key', async () => {
    await assert.rejects(
      startTestBackend({
        features: [
          batonPlugin,
          mockServices.rootConfig.factory({ data: {} }),
          createServiceFactory({
            service: coreServices.urlReader,
            deps: {},
            factory: () => new TreeReader(example),
          }),
        ],
      }),
      /baton\.repository/,
    );
  });
});

describe('the workspace follows the tree ETag', () => {
  test('a changed ETag applies the new files; an unchanged one keeps the workspace', async () => {
    const reader = new TreeReader(example);
    const get = await start(reader);
    const first = (await get('/status')).body as StatusResult;
    const tagOf = (status: StatusResult, app: string, env: string) =>
      status.apps.find((a) => a.name === app)?.environments.find((e) => e.name === env)?.images[0]?.tag;
    assert.equal(tagOf(first, 'payment-service', 'staging'), 'abc1234');

    // Same ETag: the reader answers NotModified and nothing changes.
    assert.deepEqual((await get('/status')).body, first);
    assert.deepEqual(reader.calls.map((c) => c.etag), [undefined, 'etag-1']);

    // A new commit: staging runs a new tag, and ledger-api's production overlay is gone.
    const patch = 'apps/payment-service/staging/image-patch.yaml';
    const changed: Record<string, string> = { ...example, [patch]: example[patch]!.replace('abc1234', 'def5678') };
    delete changed['apps/ledger-api/production/kustomization.yaml'];
    reader.files = changed;
    reader.etag = 'etag-2';
    const second = await get('/status');
    assert.deepEqual(second.body, json(new Workspace(changed).status()));
    assert.equal(tagOf(second.body as StatusResult, 'payment-service', 'staging'), 'def5678');
    assert.deepEqual(reader.calls.map((c) => c.etag), [undefined, 'etag-1', 'etag-1']);
    assert.deepEqual((await get('/repository')).body, {
      repository: REPOSITORY,
      branch: null,
      treeUrl: REPOSITORY,
      etag: 'etag-2',
    });
    const plan = (await get('/apps/payment-service/plan?to=production')).body as PromotionPlan;
    assert.equal(plan.changes[0]?.to, 'def5678');
  });

  test('within checkInterval a read is reused without asking the reader', async () => {
    const reader = new TreeReader(example);
    const get = await start(reader, { checkInterval: { hours: 1 } });
    await get('/status');
    reader.etag = 'etag-2';
    await get('/validate');
    await get('/apps/payment-service/plan?to=production');
    assert.equal(reader.calls.length, 1);
  });
});
