// Promotions in the editor: a code lens on each environment's kustomization with a pending
// promotion ("promote from staging (abc1234)"), and the commands behind it.
//
// `baton.promote` plans the promotion with the engine, shows the plan (changes, edits, gates)
// and, when the user accepts, applies the plan's edits as one workspace edit, so it works the
// same in every client: a message with actions is `window/showMessageRequest`, the edit is
// `workspace/applyEdit`. The edits are the engine's surgical ones; each is sent as the smallest
// text replacement that turns the file's text into the planned text.
import type { CodeLens, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { PromotionPlan } from '@baton/engine';

import { TextIndex } from './positions.js';
import { parentOf, type Project } from './project.js';

/** Command names the server executes (`workspace/executeCommand`). */
export const COMMANDS = {
  promote: 'baton.promote',
  plan: 'baton.planPromotion',
  list: 'baton.listPromotions',
} as const;

/** What names a promotion; `from` defaults to the target's upstream. */
export interface PromotionArgs {
  app: string;
  to: string;
  from?: string | null;
}

/** A pending promotion, for a picker. */
export interface PendingPromotion extends PromotionArgs {
  from: string;
  /** `app: from → to (versions)`. */
  label: string;
  versions: string[];
}

export function codeLenses(project: Project, path: string): CodeLens[] {
  if (!project.isKustomization(path)) return [];
  const dir = parentOf(path);
  const lenses: CodeLens[] = [];
  for (const app of project.status().apps) {
    const env = app.environments.find((e) => e.path === dir);
    if (!env) continue;
    for (const pending of app.pending) {
      if (pending.to !== env.name) continue;
      const args: PromotionArgs = { app: app.name, from: pending.from, to: env.name };
      lenses.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        command: { title: `promote from ${pending.from} (${shortList(versionsOf(pending.changes))})`, command: COMMANDS.promote, arguments: [args] },
      });
    }
  }
  return lenses;
}

export function pendingPromotions(project: Project): PendingPromotion[] {
  const out: PendingPromotion[] = [];
  for (const app of project.status().apps) {
    for (const pending of app.pending) {
      const versions = versionsOf(pending.changes);
      out.push({
        app: app.name,
        from: pending.from,
        to: pending.to,
        versions,
        label: `${app.name}: ${pending.from} → ${pending.to} (${shortList(versions)})`,
      });
    }
  }
  return out;
}

function versionsOf(changes: { to: string | null }[]): string[] {
  return [...new Set(changes.map((c) => c.to ?? '(none)'))];
}

function shortList(values: string[]): string {
  return values.length <= 3 ? values.join(', ') : `${values.slice(0, 3).join(', ')}, …`;
}

/** A plan as the editor shows it. */
export interface PlanSummary {
  title: string;
  app: string;
  from: string | null;
  to: string;
  allowed: boolean;
  /** The plan, as plain text lines (changes, edits, gates, verdict). */
  text: string;
  edits: { path: string; diff: string }[];
  gates: { name: string; status: string; message: string }[];
  /** Error diagnostics of the plan (a promotion that cannot be planned). */
  errors: string[];
}

/** Checks a command argument: `{app, to, from?}`. */
export function promotionArgs(value: unknown): PromotionArgs {
  if (typeof value !== 'object' || value === null) throw new Error('expected {app, to, from?}');
  const { app, to, from } = value as Record<string, unknown>;
  if (typeof app !== 'string' || typeof to !== 'string') throw new Error('expected {app, to, from?}: app and to are strings');
  if (from !== undefined && from !== null && typeof from !== 'string') throw new Error('from must be a string');
  return { app, to, from: from ?? null };
}

/** Plans with the clock's "now", so soak and window gates decide instead of waiting. */
export function plan(project: Project, args: PromotionArgs, now: Date): PromotionPlan {
  return project.planPromotion({ app: args.app, to: args.to, from: args.from ?? null, context: { now: now.toISOString() } });
}

const MARK: Record<string, string> = { pass: '✓', pending: '…', fail: '✗' };

export function summarize(plan: PromotionPlan): PlanSummary {
  const title = plan.pullRequest?.title ?? `promote(${plan.app}): ${plan.from ?? '?'} → ${plan.to}`;
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  const lines = [title];
  if (plan.changes.length > 0) {
    lines.push('Changes:');
    for (const c of plan.changes) lines.push(`  ${c.workload} ${c.container}: ${c.from ?? '(none)'} → ${c.to ?? '(none)'}`);
  }
  if (plan.edits.length > 0) {
    lines.push('Edits:');
    for (const e of plan.edits) lines.push(`  ${e.path}`);
  }
  if (plan.gates.length > 0) {
    lines.push('Gates:');
    for (const g of plan.gates) lines.push(`  ${MARK[g.status] ?? g.status} ${g.name}: ${g.status}${g.message ? ` (${g.message})` : ''}`);
  }
  for (const e of errors) lines.push(`Error ${e}`);
  lines.push(plan.allowed ? 'Allowed: every gate passes.' : `Not allowed yet: ${plan.message}`);
  return {
    title,
    app: plan.app,
    from: plan.from,
    to: plan.to,
    allowed: plan.allowed,
    text: lines.join('\n'),
    edits: plan.edits.map((e) => ({ path: e.path, diff: e.diff })),
    gates: plan.gates.map((g) => ({ name: g.name, status: g.status, message: g.message })),
    errors,
  };
}

/**
 * The plan's edits as a workspace edit, or why they cannot be applied (a file changed since
 * the plan was made). `version` gives the editor's version of an open document, if any.
 */
export function workspaceEdit(
  project: Project,
  plan: PromotionPlan,
  documentChanges: boolean,
  version: (uri: string) => number | null,
): WorkspaceEdit | string {
  const edits: { uri: string; edit: TextEdit }[] = [];
  for (const e of plan.edits) {
    const current = project.text(e.path);
    if (current !== (e.before ?? undefined)) return `'${e.path}' changed since the plan was made; plan again`;
    // A change set may create (before: null) or delete (after: null) a file; a promotion only
    // edits files, and creating or deleting needs resource operations this edit does not send.
    if (e.before === null || e.after === null) return `the plan ${e.before === null ? 'creates' : 'deletes'} '${e.path}', which this command does not do`;
    edits.push({ uri: project.uriOf(e.path), edit: smallestEdit(e.before, e.after) });
  }
  if (documentChanges) {
    return {
      documentChanges: edits.map(({ uri, edit }) => ({ textDocument: { uri, version: version(uri) }, edits: [edit] })),
    };
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const { uri, edit } of edits) changes[uri] = [edit];
  return { changes };
}

/** One replacement of the part between the common prefix and suffix of two texts. */
export function smallestEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  // Never split a surrogate pair.
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  const index = new TextIndex(before);
  return { range: index.range(start, before.length - end), newText: after.slice(start, after.length - end) };
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
