import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ResponseError } from '@backstage/errors';

import { BatonClient } from './BatonClient';

function client(respond: (url: string) => Response) {
  const urls: string[] = [];
  const api = new BatonClient({
    discoveryApi: { getBaseUrl: async (id: string) => `http://backstage.test/api/${id}` },
    fetchApi: {
      fetch: async (input: RequestInfo | URL) => {
        const url = String(input);
        urls.push(url);
        return respond(url);
      },
    },
  });
  return { api, urls };
}

test('BatonClient calls the backend routes, encoding app and environment names', async () => {
  const { api, urls } = client(() => Response.json({ ok: true }));
  await api.getStatus();
  await api.validate();
  await api.getRepository();
  await api.getPlan({ app: 'apps/payment-service', to: 'production' });
  await api.getPlan({ app: 'ledger-api', to: 'prod eu', from: 'staging' });
  await api.getRender({ app: 'ledger-api', environment: 'production' });
  assert.deepEqual(urls, [
    'http://backstage.test/api/baton/status',
    'http://backstage.test/api/baton/validate',
    'http://backstage.test/api/baton/repository',
    'http://backstage.test/api/baton/apps/apps%2Fpayment-service/plan?to=production',
    'http://backstage.test/api/baton/apps/ledger-api/plan?to=prod+eu&from=staging',
    'http://backstage.test/api/baton/apps/ledger-api/environments/production/render',
  ]);
});

test('BatonClient turns an error response into a ResponseError with the backend message', async () => {
  const body = {
    error: { name: 'NotFoundError', message: "There is no app named 'nope'; known apps: ledger-api" },
    request: { method: 'GET', url: '/api/baton/apps/nope/plan?to=production' },
    response: { statusCode: 404 },
  };
  const { api } = client(() => Response.json(body, { status: 404, statusText: 'Not Found' }));
  await assert.rejects(api.getPlan({ app: 'nope', to: 'production' }), (error: unknown) => {
    assert.ok(error instanceof ResponseError);
    assert.equal(error.statusCode, 404);
    assert.equal(error.message, 'Request failed with 404 Not Found');
    // What ResponseErrorPanel shows: the backend's own error.
    assert.equal(error.cause.name, 'NotFoundError');
    assert.match(error.cause.message, /There is no app named 'nope'/);
    return true;
  });
});
