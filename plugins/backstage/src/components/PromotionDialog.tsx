import {
  CodeSnippet,
  CopyTextButton,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { GateResult, PromotionPlan } from '@baton/engine';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';

import { batonApiRef } from '../api';
import { shortDigest } from './images';

export interface PromotionDialogProps {
  /** The app's name or path, as the card addresses it. */
  app: string;
  from: string;
  to: string;
  open: boolean;
  onClose: () => void;
}

/** "Preview promotion": the plan the backend computes, read-only. Nothing is written. */
export function PromotionDialog(props: PromotionDialogProps) {
  const { app, from, to, open, onClose } = props;
  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="baton-plan-title">
      <DialogTitle id="baton-plan-title">
        Promote {app}: {from} → {to}
      </DialogTitle>
      <DialogContent dividers>{open && <PlanLoader app={app} from={from} to={to} />}</DialogContent>
      <DialogActions>
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function PlanLoader(props: { app: string; from: string; to: string }) {
  const api = useApi(batonApiRef);
  const { app, from, to } = props;
  const { value, loading, error } = useAsync(() => api.getPlan({ app, from, to }), [api, app, from, to]);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  return <PlanView plan={value} />;
}

const GATE_STATUS: Record<GateResult['status'], (p: { children: ReactNode }) => JSX.Element> = {
  pass: StatusOK,
  pending: StatusPending,
  fail: StatusError,
};

function Section(props: { title: string; children: ReactNode; testId: string }) {
  return (
    <Box mt={2} data-testid={props.testId}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

export function PlanView(props: { plan: PromotionPlan }) {
  const { plan } = props;
  const Verdict = plan.allowed
    ? StatusOK
    : plan.gates.some((g) => g.status === 'fail') || plan.diagnostics.some((d) => d.severity === 'error')
      ? StatusError
      : StatusPending;
  return (
    <>
      <Typography data-testid="baton-plan-message">
        <Verdict>{plan.allowed ? 'Allowed: ' : 'Not allowed yet: '}</Verdict>
        {plan.message}
      </Typography>

      {plan.diagnostics.length > 0 && (
        <Section title="Problems" testId="baton-plan-problems">
          {plan.diagnostics.map((d, i) => (
            <Typography key={i} variant="body2">
              <StatusError>{d.code}</StatusError> {d.file ? `${d.file}: ` : ''}
              {d.message}
              {d.help ? ` (${d.help})` : ''}
            </Typography>
          ))}
        </Section>
      )}

      {plan.gates.length > 0 && (
        <Section title="Gates" testId="baton-plan-gates">
          <Table size="small">
            <TableBody>
              {plan.gates.map((gate) => {
                const Status = GATE_STATUS[gate.status];
                return (
                  <TableRow key={gate.name} data-testid={`baton-gate-${gate.name}`}>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>
                      <Status>{gate.status}</Status>
                    </TableCell>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>{gate.name}</TableCell>
                    <TableCell>{gate.message}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Section>
      )}

      {plan.changes.length > 0 && (
        <Section title="Images" testId="baton-plan-changes">
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Workload</TableCell>
                <TableCell>Container</TableCell>
                <TableCell>From</TableCell>
                <TableCell>To</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {plan.changes.map((c) => (
                <TableRow key={`${c.workload}/${c.container}`}>
                  <TableCell>{c.workload}</TableCell>
                  <TableCell>{c.container}</TableCell>
                  <TableCell title={c.fromImage}>{shortDigest(c.from ?? c.fromImage)}</TableCell>
                  <TableCell title={c.toImage}>{shortDigest(c.to ?? c.toImage)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Section>
      )}

      {plan.edits.length > 0 && (
        <Section title="File edits" testId="baton-plan-edits">
          {plan.edits.map((edit) => (
            <Box key={edit.path} mb={1}>
              <Typography variant="subtitle2">{edit.path}</Typography>
              <CodeSnippet text={edit.diff} language="diff" />
            </Box>
          ))}
        </Section>
      )}

      {plan.renderedDiff !== '' && (
        <Section title={`Rendered diff of ${plan.to}`} testId="baton-plan-rendered-diff">
          <CodeSnippet text={plan.renderedDiff} language="diff" />
        </Section>
      )}

      {plan.pullRequest && (
        <Section title="Pull request" testId="baton-plan-pull-request">
          <Box display="flex" alignItems="center">
            <Typography variant="subtitle1" data-testid="baton-pr-title">
              {plan.pullRequest.title}
            </Typography>
            <CopyTextButton text={plan.pullRequest.title} tooltipText="Title copied" aria-label="Copy the title" />
          </Box>
          <Typography variant="body2" color="textSecondary">
            Branch {plan.pullRequest.branch}
          </Typography>
          <Box display="flex" alignItems="flex-start">
            <Box flexGrow={1} minWidth={0}>
              <CodeSnippet text={plan.pullRequest.body} language="markdown" />
            </Box>
            <CopyTextButton text={plan.pullRequest.body} tooltipText="Body copied" aria-label="Copy the body" />
          </Box>
        </Section>
      )}
    </>
  );
}
