import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { scmIntegrationsApiRef } from '@backstage/integration-react';
import type { SourceRef } from '@baton/engine';
import type { ReactNode } from 'react';

/**
 * The URL of `file` (repository-relative) at `line`, in the repository the backend reads:
 * resolved by the app's SCM integrations, so each host gets its own form (`#L12` on GitHub).
 */
export function useFileUrl(treeUrl: string | undefined): (source: SourceRef) => string | undefined {
  const scm = useApi(scmIntegrationsApiRef);
  return (source) => {
    if (treeUrl === undefined) return undefined;
    const base = treeUrl.includes('?') || treeUrl.endsWith('/') ? treeUrl : `${treeUrl}/`;
    try {
      return scm.resolveUrl({ url: source.file, base, lineNumber: source.line });
    } catch {
      return undefined;
    }
  };
}

/** `children` linking to where `source` is, with `file:line` as its title. */
export function SourceLink(props: {
  source: SourceRef | null;
  url: (source: SourceRef) => string | undefined;
  children: ReactNode;
}) {
  const { source, url, children } = props;
  if (!source) return <>{children}</>;
  const where = `${source.file}:${source.line}`;
  const href = url(source);
  return href ? (
    <Link to={href} title={where}>
      {children}
    </Link>
  ) : (
    <span title={where}>{children}</span>
  );
}
