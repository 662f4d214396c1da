import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ConfigReader } from '@backstage/config';

import { readRepositoryLocation, withBranch } from './location';

test('withBranch writes the tree URL form of each host kind', () => {
  const cases: [string, string, string][] = [
    ['github', 'https://github.com/acme/gitops', 'https://github.com/acme/gitops/tree/main'],
    ['github', 'https://github.com/acme/gitops.git', 'https://github.com/acme/gitops/tree/main'],
    ['gitlab', 'https://gitlab.com/acme/platform/gitops', 'https://gitlab.com/acme/platform/gitops/-/tree/main'],
    ['bitbucketCloud', 'https://bitbucket.org/acme/gitops', 'https://bitbucket.org/acme/gitops/src/main'],
    ['gitea', 'https://gitea.acme.dev/acme/gitops', 'https://gitea.acme.dev/acme/gitops/src/branch/main'],
    ['azure', 'https://dev.azure.com/acme/platform/_git/gitops', 'https://dev.azure.com/acme/platform/_git/gitops?version=GBmain'],
  ];
  for (const [type, url, expected] of cases) {
    assert.equal(withBranch(new URL(url), 'main', type), expected, `${type} ${url}`);
  }
  assert.equal(
    withBranch(new URL('https://github.com/acme/gitops'), 'release/2.x', 'github'),
    'https://github.com/acme/gitops/tree/release/2.x',
  );
});

test('withBranch refuses a URL that already names a ref or a path, and unknown host kinds', () => {
  assert.throws(
    () => withBranch(new URL('https://github.com/acme/gitops/tree/main/envs'), 'main', 'github'),
    /not the root of a repository: give the branch in the URL/,
  );
  assert.throws(
    () => withBranch(new URL('https://gitlab.com/acme/gitops/-/tree/main'), 'main', 'gitlab'),
    /not the root of a repository/,
  );
  assert.throws(
    () => withBranch(new URL('https://dev.azure.com/a/p/_git/r?version=GBx'), 'main', 'azure'),
    /not the root of a repository/,
  );
  assert.throws(
    () => withBranch(new URL('https://gerrit.acme.dev/gitops'), 'main', 'gerrit'),
    /baton\.branch is not supported for gerrit URLs/,
  );
});

test('readRepositoryLocation reads baton.repository and baton.branch', () => {
  const read = (data: object) => readRepositoryLocation(new ConfigReader(data));
  assert.deepEqual(read({ baton: { repository: 'https://github.com/acme/gitops/tree/prod/envs' } }), {
    repository: 'https://github.com/acme/gitops/tree/prod/envs',
    branch: null,
    treeUrl: 'https://github.com/acme/gitops/tree/prod/envs',
  });
  assert.deepEqual(read({ baton: { repository: 'https://github.com/acme/gitops', branch: 'prod' } }), {
    repository: 'https://github.com/acme/gitops',
    branch: 'prod',
    treeUrl: 'https://github.com/acme/gitops/tree/prod',
  });
  // A GitHub Enterprise host is GitHub by its integration, not by its name.
  assert.equal(
    read({
      integrations: { github: [{ host: 'git.acme.corp', apiBaseUrl: 'https://git.acme.corp/api/v3' }] },
      baton: { repository: 'https://git.acme.corp/platform/gitops', branch: 'main' },
    }).treeUrl,
    'https://git.acme.corp/platform/gitops/tree/main',
  );
  assert.throws(() => read({}), /Missing required config value at 'baton\.repository'/);
  assert.throws(() => read({ baton: { repository: 'gitops' } }), /must be an absolute URL, got 'gitops'/);
  assert.throws(
    () => read({ baton: { repository: 'https://unknown.example/acme/gitops', branch: 'main' } }),
    /no integration covers host 'unknown\.example'/,
  );
  assert.throws(
    () => read({ baton: { repository: 'https://github.com/acme/gitops', branch: ' ' } }),
    /baton\.branch must not be empty/,
  );
});
