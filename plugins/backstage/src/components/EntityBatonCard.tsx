import { EmptyState, InfoCard, Progress, ResponseErrorPanel, StatusError } from '@backstage/core-components';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import type { AppStatus } from '@baton/engine';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';

import { BATON_APP_ANNOTATION } from '../annotation';
import type { PendingChangeView, RepositoryInfo, StatusResult } from '../api';
import { SourceLink, useFileUrl } from './FileLink';
import { findApp, shortDigest, versionLabel } from './images';
import { PromotionDialog } from './PromotionDialog';
import { RelationChip } from './Relation';
import { useRepositoryStatus } from './useRepositoryStatus';

export interface EntityBatonCardProps {
  title?: string;
}

/** The promotion card of a catalog entity annotated `baton.dev/app`. */
export function EntityBatonCard(props: EntityBatonCardProps) {
  const { entity } = useEntity();
  const app = entity.metadata.annotations?.[BATON_APP_ANNOTATION];
  if (!app) return <MissingAnnotationEmptyState annotation={BATON_APP_ANNOTATION} />;
  return <BatonAppCard app={app} title={props.title ?? 'Promotions'} />;
}

/** The card for the app `app` (a name or path), outside of any entity. */
export function BatonAppCard(props: { app: string; title: string }) {
  const { app, title } = props;
  const { value, loading, error, retry } = useRepositoryStatus();
  if (loading) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }
  if (error || !value) {
    return (
      <InfoCard title={title}>
        <ResponseErrorPanel error={error ?? new Error('No answer from the Baton backend')} />
        <Button onClick={retry}>Retry</Button>
      </InfoCard>
    );
  }
  const found = findApp(value.status.apps, app);
  if ('error' in found) {
    const names = found.candidates.map((a) => (found.error === 'ambiguous' ? a.path : a.name));
    return (
      <InfoCard title={title}>
        <EmptyState
          missing="data"
          title={
            found.error === 'ambiguous'
              ? `Several apps are named ${app}`
              : `No app ${app} in the GitOps repository`
          }
          description={
            found.error === 'ambiguous'
              ? `Set the ${BATON_APP_ANNOTATION} annotation to one of their paths: ${names.join(', ')}.`
              : `The ${BATON_APP_ANNOTATION} annotation names an app of ${value.repository.repository}. ` +
                `Its apps: ${names.join(', ') || 'none'}.`
          }
        />
      </InfoCard>
    );
  }
  return (
    <InfoCard title={title} subheader={`${found.app.path} · ${value.repository.repository}`}>
      <AppPromotions app={found.app} appKey={app} status={value.status} repository={value.repository} />
    </InfoCard>
  );
}

function AppPromotions(props: {
  app: AppStatus;
  appKey: string;
  status: StatusResult;
  repository: RepositoryInfo;
}) {
  const { app, appKey, status, repository } = props;
  const fileUrl = useFileUrl(repository.treeUrl);
  const [preview, setPreview] = useState<{ from: string; to: string } | undefined>();
  // Promotion order is the repository's; an app lists the environments it has.
  const environments = status.environments.flatMap((name) => {
    const env = app.environments.find((e) => e.name === name);
    return env ? [env] : [];
  });
  return (
    <>
      <Table size="small" data-testid="baton-environments">
        <TableHead>
          <TableRow>
            <TableCell>Environment</TableCell>
            <TableCell>Images</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {environments.map((env) => (
            <TableRow key={env.name} data-testid={`baton-env-${env.name}`}>
              <TableCell>
                <Typography variant="body2" title={env.path}>
                  {env.name}
                </Typography>
                {!env.ok && <StatusError>does not render</StatusError>}
              </TableCell>
              <TableCell>
                {env.images.map((image) => (
                  <Box key={`${image.workload}/${image.container}`}>
                    <Typography variant="body2" component="span" color="textSecondary">
                      {image.container}{' '}
                    </Typography>
                    <SourceLink source={image.source} url={fileUrl}>
                      <span title={image.image}>{versionLabel(image)}</span>
                    </SourceLink>
                  </Box>
                ))}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <Box mt={2} data-testid="baton-pending">
        <Typography variant="subtitle2" gutterBottom>
          Pending promotions
        </Typography>
        {app.pending.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            Every environment runs what its upstream runs.
          </Typography>
        )}
        {app.pending.map((pending) => (
          <Box key={`${pending.from}-${pending.to}`} mb={1} data-testid={`baton-pending-${pending.to}`}>
            <Box display="flex" alignItems="center" justifyContent="space-between">
              <Typography variant="body2">
                <strong>{pending.from}</strong> → <strong>{pending.to}</strong>
              </Typography>
              <Button
                size="small"
                variant="outlined"
                color="primary"
                onClick={() => setPreview({ from: pending.from, to: pending.to })}
              >
                Preview promotion
              </Button>
            </Box>
            {pending.changes.map((change: PendingChangeView) => (
              <Typography key={`${change.workload}/${change.container}`} variant="body2" component="div">
                {change.container}: {change.from === null ? 'none' : shortDigest(change.from)} →{' '}
                {change.to === null ? 'none' : shortDigest(change.to)}{' '}
                <RelationChip relation={change.relation} />
              </Typography>
            ))}
          </Box>
        ))}
      </Box>
      {preview && (
        <PromotionDialog
          app={appKey}
          from={preview.from}
          to={preview.to}
          open
          onClose={() => setPreview(undefined)}
        />
      )}
    </>
  );
}
