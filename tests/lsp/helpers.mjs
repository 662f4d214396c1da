// A real LSP client for the tests: the language server as a child process over stdio, driven
// with vscode-languageserver-protocol's client-side JSON-RPC connection.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const protocol = require('vscode-languageserver-protocol/node');

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The server as the package's bin runs it. */
export const serverPath = join(repoRoot, 'lsp', 'dist', 'server.js');

/** A copy of the playground's example repository (plus `extra` files) in a fresh directory. */
export function exampleRepo(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-lsp-'));
  cpSync(join(repoRoot, 'web-demo', 'example'), dir, { recursive: true });
  writeFiles(dir, extra);
  return dir;
}

/** How many files the example repository has. */
export function exampleFileCount() {
  return readdirSync(join(repoRoot, 'web-demo', 'example'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

export function writeFiles(dir, files) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

export const uriOf = (dir, path) => pathToFileURL(join(dir, path)).href;
export const read = (dir, path) => readFileSync(join(dir, path), 'utf8');

/** Client capabilities of a capable editor (VS Code-like); tests narrow them where it matters. */
export const FULL_CAPABILITIES = {
  workspace: {
    workspaceEdit: { documentChanges: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
    codeLens: { refreshSupport: true },
  },
  textDocument: {
    hover: { contentFormat: ['markdown', 'plaintext'] },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
  window: { showMessage: { messageActionItem: { additionalPropertiesSupport: false } } },
};

/**
 * Starts the server on `root` and initializes it. `answers.showMessageRequest` picks the action
 * of a message request (default: the first); `answers.applyEdit` says whether edits apply.
 */
export async function startServer(root, { capabilities = FULL_CAPABILITIES, answers = {}, server = serverPath } = {}) {
  const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const connection = protocol.createProtocolConnection(
    new protocol.StreamMessageReader(child.stdout),
    new protocol.StreamMessageWriter(child.stdin),
  );
  const client = {
    child,
    connection,
    /** Every publishDiagnostics, in order. */
    publications: [],
    /** The latest diagnostics per URI. */
    diagnostics: new Map(),
    messages: [],
    logs: [],
    messageRequests: [],
    appliedEdits: [],
    registrations: [],
    codeLensRefreshes: 0,
    waiters: [],
    stderr: () => stderr,
  };
  connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => {
    client.publications.push({ ...params, at: performance.now() });
    client.diagnostics.set(params.uri, params.diagnostics);
    for (const waiter of [...client.waiters]) waiter();
  });
  connection.onNotification(protocol.ShowMessageNotification.type, (params) => client.messages.push(params));
  connection.onNotification(protocol.LogMessageNotification.type, (params) => client.logs.push(params));
  connection.onRequest(protocol.ShowMessageRequest.type, (params) => {
    client.messageRequests.push(params);
    const pick = answers.showMessageRequest ?? ((p) => p.actions?.[0] ?? null);
    return pick(params);
  });
  connection.onRequest(protocol.ApplyWorkspaceEditRequest.type, (params) => {
    client.appliedEdits.push(params);
    const applied = answers.applyEdit ?? true;
    return applied ? { applied: true } : { applied: false, failureReason: 'refused by the test' };
  });
  connection.onRequest(protocol.RegistrationRequest.type, (params) => {
    client.registrations.push(...params.registrations);
  });
  connection.onRequest(protocol.CodeLensRefreshRequest.type, () => {
    client.codeLensRefreshes++;
  });
  connection.listen();
  const rootUri = pathToFileURL(root).href;
  client.initializeResult = await connection.sendRequest(protocol.InitializeRequest.type, {
    processId: process.pid,
    rootUri,
    capabilities,
    workspaceFolders: [{ uri: rootUri, name: 'repo' }],
  });
  await connection.sendNotification(protocol.InitializedNotification.type, {});
  return Object.assign(client, {
    root,
    uri: (path) => uriOf(root, path),
    /** Resolves when `predicate()` holds after a publication (or already holds). */
    until(predicate, what = 'a condition') {
      return waitFor(client, predicate, what, () => `stderr: ${stderr}`);
    },
    /** Resolves at the next publication for `uri` after now (optionally one matching `predicate`). */
    nextPublication(uri, predicate = () => true) {
      const seen = client.publications.length;
      return client.until(() => client.publications.slice(seen).find((p) => p.uri === uri && predicate(p)), `diagnostics for ${uri}`);
    },
    open(path, text = read(root, path), version = 1) {
      return connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, {
        textDocument: { uri: uriOf(root, path), languageId: 'yaml', version, text },
      });
    },
    change(path, text, version) {
      return connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, {
        textDocument: { uri: uriOf(root, path), version },
        contentChanges: [{ text }],
      });
    },
    close(path) {
      return connection.sendNotification(protocol.DidCloseTextDocumentNotification.type, {
        textDocument: { uri: uriOf(root, path) },
      });
    },
    request(type, params) {
      return connection.sendRequest(type, params);
    },
    hover(path, position) {
      return connection.sendRequest(protocol.HoverRequest.type, { textDocument: { uri: uriOf(root, path) }, position });
    },
    definition(path, position) {
      return connection.sendRequest(protocol.DefinitionRequest.type, { textDocument: { uri: uriOf(root, path) }, position });
    },
    codeLens(path) {
      return connection.sendRequest(protocol.CodeLensRequest.type, { textDocument: { uri: uriOf(root, path) } });
    },
    symbols(path) {
      return connection.sendRequest(protocol.DocumentSymbolRequest.type, { textDocument: { uri: uriOf(root, path) } });
    },
    execute(command, ...args) {
      return connection.sendRequest(protocol.ExecuteCommandRequest.type, { command, arguments: args });
    },
    stats() {
      return connection.sendRequest('baton/stats');
    },
    async stop() {
      try {
        await connection.sendRequest(protocol.ShutdownRequest.type);
        await connection.sendNotification(protocol.ExitNotification.type);
      } catch {
        // Already gone.
      }
      connection.dispose();
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve();
        else {
          const kill = setTimeout(() => child.kill(), 5000);
          child.on('exit', () => {
            clearTimeout(kill);
            resolve();
          });
        }
      });
      rmSync(root, { recursive: true, force: true });
    },
  });
}

/**
 * Resolves with `predicate()`'s value once it is truthy: checked now and each time the owner
 * calls its `waiters` (on each event it records). Rejects after 30 s, with `context()`.
 */
export function waitFor(owner, predicate, what, context = () => '') {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      owner.waiters = owner.waiters.filter((w) => w !== check);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for ${what}; ${context()}`));
    }, 30000);
    const check = () => {
      let value;
      try {
        value = predicate();
      } catch (error) {
        done();
        reject(error);
        return;
      }
      if (value) {
        done();
        resolve(value);
      }
    };
    owner.waiters.push(check);
    check();
  });
}

/** The position of the first occurrence of `needle` in `text` (plus `delta` characters). */
export function positionOf(text, needle, delta = 0) {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`'${needle}' is not in the text`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export { protocol };
