import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Baton backend plugin (`@baton/backstage-plugin-backend`). */
  baton?: {
    /**
     * The GitOps repository that holds `baton.yaml`: a URL the backend's URL readers can read
     * as a tree (an integration under `integrations:` must cover its host), e.g.
     * `https://github.com/acme/gitops` or a directory in it.
     */
    repository: string;
    /**
     * The branch to read. Default: the one in `repository`, else the repository's default branch.
     */
    branch?: string;
    /**
     * How long one read of the repository is used before its ETag is checked again
     * (e.g. `{ seconds: 30 }` or `PT30S`). Default: one minute. Zero checks on every request.
     */
    checkInterval?: HumanDuration | string;
  };
}
