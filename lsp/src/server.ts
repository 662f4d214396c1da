// baton-language-server: Baton's engine (the npm package's wasm) behind the Language Server
// Protocol, for any editor: `baton-language-server --stdio`.
//
// One `Project` per workspace folder holds the folder's files in one engine `Workspace`. Each
// edit is applied with `setFile` as it arrives (full-document sync); validation runs once the
// queue of incoming messages is drained, so a burst of keystrokes costs one `validate`, and
// the engine re-renders only the overlays the edited files feed. Diagnostics are published per
// file, only where they changed, and cleared when fixed.
import {
  CodeLensRefreshRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type ClientCapabilities,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { version as engineVersion } from '@baton/engine';

import { definition } from './definition.js';
import { DiagnosticsTracker } from './diagnostics.js';
import { hover } from './hover.js';
import { Project } from './project.js';
import { COMMANDS, codeLenses, pendingPromotions, plan, promotionArgs, summarize, workspaceEdit, type PlanSummary } from './promote.js';
import { documentSymbols } from './symbols.js';
import { isIgnoreFile } from './files.js';

/** The custom request that reports the engine's work counters (tests, benchmarks, debugging). */
export const STATS_REQUEST = 'baton/stats';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const tracker = new DiagnosticsTracker();
let projects: Project[] = [];
let capabilities: ClientCapabilities = {};
let folders: WorkspaceFolder[] = [];
/** URIs edited since the last validation: they get a publication even when unchanged. */
const edited = new Set<string>();
let validationQueued = false;
let lastUnplaced = '';

connection.onInitialize((params): InitializeResult => {
  capabilities = params.capabilities;
  if (params.workspaceFolders && params.workspaceFolders.length > 0) folders = params.workspaceFolders;
  else if (params.rootUri) folders = [{ uri: params.rootUri, name: 'root' }];
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full },
      hoverProvider: true,
      definitionProvider: true,
      documentSymbolProvider: true,
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: Object.values(COMMANDS) },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'baton-language-server', version: engineVersion() },
  };
});

connection.onInitialized(() => {
  for (const folder of folders) openFolder(folder.uri);
  if (folders.length === 0) {
    connection.window.showWarningMessage('Baton: open a folder (the repository root) to validate it; no workspace folder was given.');
  }
  if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  }
  if (capabilities.workspace?.workspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      for (const removed of event.removed) closeFolder(removed.uri);
      for (const added of event.added) openFolder(added.uri);
      queueValidation();
    });
  }
  queueValidation();
});

function openFolder(uri: string): void {
  if (!uri.startsWith('file:')) return;
  const started = performance.now();
  const project = new Project(fileURLToPath(uri));
  projects.push(project);
  connection.console.log(`baton: ${project.fileCount} files from ${project.root} in ${(performance.now() - started).toFixed(0)} ms`);
  for (const { path, reason } of project.skipped) connection.console.warn(`baton: skipped ${path}: ${reason}`);
  for (const document of documents.all()) applyDocument(document);
}

function closeFolder(uri: string): void {
  const project = projects.find((p) => p.rootUri === uri || `${p.rootUri}/` === uri);
  if (!project) return;
  projects = projects.filter((p) => p !== project);
  for (const gone of tracker.forget((u) => u.startsWith(`${project.rootUri}/`))) {
    void connection.sendDiagnostics({ uri: gone, diagnostics: [] });
  }
  project.dispose();
}

/** The project a URI belongs to (the deepest folder holding it) and its repository path. */
function locate(uri: string): { project: Project; path: string } | null {
  let best: { project: Project; path: string } | null = null;
  for (const project of projects) {
    const path = project.pathOf(uri);
    if (path !== null && (!best || project.root.length > best.project.root.length)) best = { project, path };
  }
  return best;
}

/** An open document's text into its project; returns whether the engine's view changed. */
function applyDocument(document: TextDocument): boolean {
  const found = locate(document.uri);
  if (!found || !found.project.keeps(found.path)) return false;
  return found.project.setFile(found.path, document.getText());
}

documents.onDidChangeContent((event) => {
  if (!locate(event.document.uri)) return;
  applyDocument(event.document);
  edited.add(event.document.uri);
  queueValidation();
});

documents.onDidClose((event) => {
  const found = locate(event.document.uri);
  // The editor no longer holds the file: the disk is the truth again (unsaved changes are gone).
  if (found && found.project.syncFromDisk(found.path)) queueValidation();
});

connection.onDidChangeWatchedFiles((params) => {
  let changed = false;
  for (const change of params.changes) {
    const found = locate(change.uri);
    if (!found) continue;
    const { project, path } = found;
    if (isIgnoreFile(path)) {
      project.reload();
      for (const document of documents.all()) applyDocument(document);
      changed = true;
    } else if (documents.get(change.uri)) {
      // An open document's text comes from the editor, not the disk.
    } else if (change.type === FileChangeType.Deleted) {
      changed = project.removeFile(path) || changed;
    } else {
      changed = project.syncFromDisk(path) || changed;
    }
  }
  if (changed) queueValidation();
});

/** Validates once the messages already received are handled (one run for a burst of edits). */
function queueValidation(): void {
  if (validationQueued) return;
  validationQueued = true;
  setImmediate(() => {
    validationQueued = false;
    try {
      validateAndPublish();
    } catch (error) {
      connection.console.error(`baton: validation failed: ${(error as Error).stack ?? error}`);
    }
  });
}

function validateAndPublish(): void {
  const always = [...edited];
  edited.clear();
  const unplaced: string[] = [];
  for (const project of projects) {
    const diagnostics = project.validate();
    const inProject = (uri: string) => locate(uri)?.project === project;
    const result = tracker.update(diagnostics, (path) => project.uriOf(path), always.filter(inProject), inProject);
    for (const [uri, list] of result.publish) {
      const version = documents.get(uri)?.version;
      void connection.sendDiagnostics(version === undefined ? { uri, diagnostics: list } : { uri, version, diagnostics: list });
    }
    for (const d of result.unplaced) unplaced.push(`baton: ${d.severity}[${d.code}] ${d.message}`);
  }
  // Problems that belong to no file go to the log, once each time they change.
  const text = unplaced.join('\n');
  if (text !== lastUnplaced && text !== '') connection.console.warn(text);
  lastUnplaced = text;
  if (capabilities.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type);
}

/** Runs a request handler on a file of a project; a failure is logged, never fatal. */
function onFile<T>(uri: string, what: string, run: (project: Project, path: string) => T, empty: T): T {
  const found = locate(uri);
  if (!found) return empty;
  try {
    return run(found.project, found.path);
  } catch (error) {
    connection.console.error(`baton: ${what} failed on ${found.path}: ${(error as Error).stack ?? error}`);
    return empty;
  }
}

connection.onHover((params) => onFile(params.textDocument.uri, 'hover', (p, path) => hover(p, path, params.position), null));
connection.onDefinition((params) =>
  onFile(params.textDocument.uri, 'definition', (p, path) => definition(p, path, params.position), null),
);
connection.onDocumentSymbol((params) => onFile(params.textDocument.uri, 'document symbols', documentSymbols, []));
connection.onCodeLens((params) => onFile(params.textDocument.uri, 'code lens', codeLenses, []));

connection.onRequest(STATS_REQUEST, () =>
  projects.map((p) => ({
    root: p.root,
    files: p.fileCount,
    ...p.stats(),
    diagnosticFiles: tracker.files().filter((u) => locate(u)?.project === p).length,
  })),
);

/** The project whose pipeline has `app` (the first one, in a multi-root workspace). */
function projectWithApp(app: string): Project | null {
  return projects.find((p) => p.status().apps.some((a) => a.name === app)) ?? projects[0] ?? null;
}

connection.onExecuteCommand(async (params) => {
  const arg = params.arguments?.[0];
  switch (params.command) {
    case COMMANDS.list:
      return projects.flatMap((p) => pendingPromotions(p));
    case COMMANDS.plan: {
      const args = promotionArgs(arg);
      const project = projectWithApp(args.app);
      return project ? summarize(plan(project, args, new Date())) : null;
    }
    case COMMANDS.promote:
      return promote(arg);
    default:
      throw new Error(`unknown command ${params.command}`);
  }
});

/** The result of `baton.promote`: the plan shown, and whether its edits were applied. */
type PromoteResult = PlanSummary & { applied: boolean; reason: string | null };

async function promote(arg: unknown): Promise<PromoteResult | null> {
  const args = promotionArgs(arg);
  const confirmed = (arg as { confirmed?: unknown }).confirmed === true;
  const project = projectWithApp(args.app);
  if (!project) return null;
  const planned = plan(project, args, new Date());
  const summary = summarize(planned);
  const done = (applied: boolean, reason: string | null): PromoteResult => ({ ...summary, applied, reason });
  if (summary.errors.length > 0) {
    void connection.window.showErrorMessage(summary.text);
    return done(false, 'the promotion cannot be planned');
  }
  if (planned.edits.length === 0) {
    void connection.window.showInformationMessage(summary.text);
    return done(false, 'nothing to change');
  }
  if (!confirmed) {
    const choice = await connection.window.showInformationMessage(summary.text, { title: 'Apply edits' }, { title: 'Cancel' });
    if (choice?.title !== 'Apply edits') return done(false, 'cancelled');
  }
  const edit = workspaceEdit(
    project,
    planned,
    capabilities.workspace?.workspaceEdit?.documentChanges === true,
    (uri) => documents.get(uri)?.version ?? null,
  );
  if (typeof edit === 'string') {
    void connection.window.showErrorMessage(`Baton: ${edit}`);
    return done(false, edit);
  }
  const result = await connection.workspace.applyEdit({ label: summary.title, edit });
  if (!result.applied) return done(false, result.failureReason ?? 'the editor did not apply the edit');
  // Files the editor does not hold open get no didChange: take the planned text now.
  for (const e of planned.edits) {
    if (documents.get(project.uriOf(e.path))) continue;
    if (e.after === null) project.removeFile(e.path);
    else project.setFile(e.path, e.after);
  }
  queueValidation();
  return done(true, null);
}

documents.listen(connection);
connection.listen();
