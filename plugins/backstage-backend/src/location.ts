/**
 * Where the GitOps repository is read from: `baton.repository` with `baton.branch` put into the
 * URL the way the repository's host writes a tree URL, because `UrlReaderService.readTree` takes
 * the branch from the URL only. The host's kind comes from the `integrations:` config (the same
 * lookup the URL readers do), so a GitHub Enterprise or self-hosted GitLab host works as its
 * public counterpart does.
 */
import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';

/** The repository as configured, and the URL that is read. */
export interface RepositoryLocation {
  /** `baton.repository` as written. */
  repository: string;
  /** `baton.branch`, or null when the URL's own (or the default) branch is read. */
  branch: string | null;
  /** The URL given to `readTree`: `repository` with `branch` in it. */
  treeUrl: string;
}

/** Reads `baton.repository` and `baton.branch`; throws with the key's name when they are unusable. */
export function readRepositoryLocation(config: Config): RepositoryLocation {
  const repository = config.getString('baton.repository');
  const branch = config.getOptionalString('baton.branch') ?? null;
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new Error(`baton.repository must be an absolute URL, got '${repository}'`);
  }
  if (branch === null) return { repository, branch, treeUrl: repository };
  if (branch.trim() === '') throw new Error('baton.branch must not be empty');
  const integration = ScmIntegrations.fromConfig(config).byUrl(url);
  if (!integration) {
    throw new Error(
      `baton.repository: no integration covers host '${url.host}'; add it under integrations:`,
    );
  }
  return { repository, branch, treeUrl: withBranch(url, branch, integration.type) };
}

/**
 * `url` (the root of a repository) with `branch` in it, as a tree URL of an integration of
 * `type`. A URL that already names a ref or a path, or a host kind without a known tree URL
 * form, is a configuration error: the branch belongs in `baton.repository` then.
 */
export function withBranch(url: URL, branch: string, type: string): string {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const ref = encodeRef(branch);
  const root = (count: number): string => {
    const repo = segments.slice(0, count).join('/').replace(/\.git$/, '');
    return `${url.origin}/${repo}`;
  };
  const misplaced = (): Error =>
    new Error(
      `baton.branch is set, but baton.repository ('${url.href}') is not the root of a repository: ` +
        'give the branch in the URL and leave baton.branch out',
    );
  switch (type) {
    case 'github':
    case 'bitbucketCloud':
    case 'gitea': {
      if (segments.length !== 2 || url.search !== '') throw misplaced();
      const tree = { github: 'tree', bitbucketCloud: 'src', gitea: 'src/branch' }[type];
      return `${root(2)}/${tree}/${ref}`;
    }
    case 'gitlab': {
      // Projects nest in groups: the project is everything before GitLab's `/-/` separator.
      if (segments.length < 2 || segments.includes('-') || url.search !== '') throw misplaced();
      return `${root(segments.length)}/-/tree/${ref}`;
    }
    case 'azure': {
      if (url.searchParams.has('version')) throw misplaced();
      const out = new URL(url.href);
      out.searchParams.set('version', `GB${branch}`);
      return out.href;
    }
    default:
      throw new Error(
        `baton.branch is not supported for ${type} URLs: give the branch in baton.repository`,
      );
  }
}

/** A branch name as a path of URL segments (`release/1.2` keeps its slash). */
function encodeRef(branch: string): string {
  return branch.split('/').map(encodeURIComponent).join('/');
}
