import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
  StatusPending,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { Diagnostic } from '@baton/engine';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';

import { batonApiRef } from '../api';
import type { RepositoryInfo, StatusResult } from '../api';
import { SourceLink, useFileUrl } from './FileLink';
import { mainImage, versionLabel } from './images';
import { useRepositoryStatus } from './useRepositoryStatus';

/** The whole repository: apps × environments, and its validation problems. */
export function BatonPage() {
  return (
    <Page themeId="tool">
      <Header title="Baton" subtitle="What runs where, and what waits to be promoted" />
      <Content>
        <Grid container spacing={3} direction="column">
          <Grid item>
            <Matrix />
          </Grid>
          <Grid item>
            <Problems />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}

function Matrix() {
  const { value, loading, error } = useRepositoryStatus();
  if (loading) return <Progress />;
  if (error || !value) return <ResponseErrorPanel error={error ?? new Error('No answer from the Baton backend')} />;
  return (
    <>
      <ContentHeader title="Apps × environments">
        <Typography variant="body2" color="textSecondary">
          {value.repository.repository}
          {value.repository.branch ? ` @ ${value.repository.branch}` : ''}
        </Typography>
      </ContentHeader>
      <MatrixTable status={value.status} repository={value.repository} />
    </>
  );
}

function MatrixTable(props: { status: StatusResult; repository: RepositoryInfo }) {
  const { status, repository } = props;
  const fileUrl = useFileUrl(repository.treeUrl);
  if (status.apps.length === 0) {
    return (
      <InfoCard title="No apps">
        <Typography variant="body2">
          The repository's baton.yaml selects no app, or there is no baton.yaml at its root.
        </Typography>
      </InfoCard>
    );
  }
  return (
    <InfoCard noPadding>
      <Table data-testid="baton-matrix">
        <TableHead>
          <TableRow>
            <TableCell>App</TableCell>
            {status.environments.map((env) => (
              <TableCell key={env}>{env}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {status.apps.map((app) => (
            <TableRow key={app.path} data-testid={`baton-row-${app.name}`}>
              <TableCell title={app.path}>{app.name}</TableCell>
              {status.environments.map((name) => {
                const env = app.environments.find((e) => e.name === name);
                const image = mainImage(app, env);
                const pending = app.pending.find((p) => p.to === name);
                let cell: ReactNode = '—';
                if (env && !env.ok) cell = <StatusError>does not render</StatusError>;
                else if (image) {
                  cell = (
                    <SourceLink source={image.source} url={fileUrl}>
                      <span title={image.image}>{versionLabel(image)}</span>
                    </SourceLink>
                  );
                }
                return (
                  <TableCell key={name} data-testid={`baton-cell-${app.name}-${name}`}>
                    {cell}
                    {pending && (
                      <Box component="span" ml={1} title={`${pending.changes.length} pending from ${pending.from}`}>
                        <StatusPending>⇐ {pending.from}</StatusPending>
                      </Box>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

const SEVERITY: Record<Diagnostic['severity'], (p: { children: ReactNode }) => JSX.Element> = {
  error: StatusError,
  warning: StatusWarning,
  info: StatusOK,
  hint: StatusOK,
};

function Problems() {
  const api = useApi(batonApiRef);
  const validation = useAsync(() => Promise.all([api.validate(), api.getRepository()]), [api]);
  if (validation.loading) return <Progress />;
  if (validation.error || !validation.value) {
    return <ResponseErrorPanel error={validation.error ?? new Error('No answer from the Baton backend')} />;
  }
  const [{ diagnostics }, repository] = validation.value;
  return <ProblemsTable diagnostics={diagnostics} repository={repository} />;
}

function ProblemsTable(props: { diagnostics: Diagnostic[]; repository: RepositoryInfo }) {
  const { diagnostics, repository } = props;
  const fileUrl = useFileUrl(repository.treeUrl);
  if (diagnostics.length === 0) {
    return (
      <InfoCard title="Validation">
        <StatusOK>No problems: every YAML file parses and every kustomization renders.</StatusOK>
      </InfoCard>
    );
  }
  return (
    <InfoCard title={`Validation: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}`} noPadding>
      <Table size="small" data-testid="baton-problems">
        <TableHead>
          <TableRow>
            <TableCell>Severity</TableCell>
            <TableCell>Code</TableCell>
            <TableCell>Where</TableCell>
            <TableCell>Problem</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {diagnostics.map((d, i) => {
            const Severity = SEVERITY[d.severity];
            const line = d.range ? d.range.start.line + 1 : null;
            const where = d.file ? (line === null ? d.file : `${d.file}:${line}`) : '—';
            return (
              <TableRow key={i}>
                <TableCell>
                  <Severity>{d.severity}</Severity>
                </TableCell>
                <TableCell>{d.code}</TableCell>
                <TableCell>
                  {d.file && line !== null ? (
                    <SourceLink source={{ file: d.file, line }} url={fileUrl}>
                      {where}
                    </SourceLink>
                  ) : (
                    where
                  )}
                </TableCell>
                <TableCell>
                  {d.message}
                  {d.help && (
                    <Typography variant="body2" color="textSecondary">
                      {d.help}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
