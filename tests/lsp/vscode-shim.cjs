// A working stand-in for the `vscode` module, enough for the extension and
// vscode-languageclient to run for real in Node: classes with VS Code's constructors and
// fields, events that fire, a diagnostic collection that stores, a `languages.match` that
// matches, commands that execute. Every registration is recorded so the test can call the
// providers VS Code would call. (VS Code itself cannot run here: @vscode/test-electron
// downloads it.) Dialog answers are scripted through `shim.answers`.
'use strict';

const { EventEmitter: NodeEmitter } = require('node:events');
const { fileURLToPath, pathToFileURL } = require('node:url');

const recorded = {
  commands: new Map(),
  providers: [],
  diagnostics: new Map(),
  messages: [],
  quickPicks: [],
  appliedEdits: [],
  output: [],
  /** Property reads of the shim's namespaces that it does not provide. */
  missing: new Set(),
};
const answers = {
  /** (items) => item */
  quickPick: (items) => items[0],
  /** (message, options, items) => item */
  message: () => undefined,
};

class Disposable {
  constructor(callOnDispose) {
    this._dispose = callOnDispose;
  }
  static from(...disposables) {
    return new Disposable(() => disposables.forEach((d) => d && d.dispose && d.dispose()));
  }
  dispose() {
    if (this._dispose) this._dispose();
    this._dispose = undefined;
  }
}

class EventEmitter {
  constructor() {
    this._emitter = new NodeEmitter();
    this._emitter.setMaxListeners(0);
    this.event = (listener, thisArgs, disposables) => {
      const bound = thisArgs ? listener.bind(thisArgs) : listener;
      this._emitter.on('event', bound);
      const d = new Disposable(() => this._emitter.off('event', bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    this._emitter.emit('event', value);
  }
  dispose() {
    this._emitter.removeAllListeners();
  }
}

class Uri {
  constructor(scheme, authority, path, query, fragment) {
    this.scheme = scheme;
    this.authority = authority ?? '';
    this.path = path ?? '';
    this.query = query ?? '';
    this.fragment = fragment ?? '';
  }
  static file(fsPath) {
    return new Uri('file', '', pathToFileURL(fsPath).pathname);
  }
  static parse(value) {
    const url = new URL(value);
    return new Uri(url.protocol.replace(/:$/, ''), url.host, decodeURIComponent(url.pathname), url.search.replace(/^\?/, ''), url.hash.replace(/^#/, ''));
  }
  static joinPath(base, ...segments) {
    return new Uri(base.scheme, base.authority, [base.path, ...segments].join('/').replace(/\/+/g, '/'));
  }
  get fsPath() {
    return fileURLToPath(this.toString());
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString() {
    if (this.scheme === 'file') return pathToFileURL(fileURLToPath(`file://${this.path}`)).href;
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
  toJSON() {
    return { scheme: this.scheme, path: this.path, external: this.toString() };
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
  isEqual(other) {
    return this.line === other.line && this.character === other.character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (a instanceof Position) {
      this.start = a;
      this.end = b;
    } else {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    }
  }
  get isEmpty() {
    return this.start.isEqual(this.end);
  }
}

class Selection extends Range {}
class Location {
  constructor(uri, rangeOrPosition) {
    this.uri = uri;
    this.range = rangeOrPosition;
  }
}

class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(value) {
    this.value += value;
    return this;
  }
  appendText(value) {
    this.value += value;
    return this;
  }
  appendCodeblock(code, language = '') {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

class Hover {
  constructor(contents, range) {
    this.contents = Array.isArray(contents) ? contents : [contents];
    this.range = range;
  }
}

class Diagnostic {
  constructor(range, message, severity = 0) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}
class DiagnosticRelatedInformation {
  constructor(location, message) {
    this.location = location;
    this.message = message;
  }
}

class CodeLens {
  constructor(range, command) {
    this.range = range;
    this.command = command;
  }
  get isResolved() {
    return !!this.command;
  }
}

class DocumentSymbol {
  constructor(name, detail, kind, range, selectionRange) {
    Object.assign(this, { name, detail, kind, range, selectionRange, children: [] });
  }
}
class SymbolInformation {
  constructor(name, kind, containerName, location) {
    Object.assign(this, { name, kind, containerName, location });
  }
}

class TextEdit {
  constructor(range, newText) {
    this.range = range;
    this.newText = newText;
  }
  static replace(range, newText) {
    return new TextEdit(range, newText);
  }
  static insert(position, newText) {
    return new TextEdit(new Range(position, position), newText);
  }
  static delete(range) {
    return new TextEdit(range, '');
  }
}

class WorkspaceEdit {
  constructor() {
    this._entries = [];
  }
  replace(uri, range, newText) {
    this._entries.push([uri, [new TextEdit(range, newText)]]);
  }
  insert(uri, position, newText) {
    this.replace(uri, new Range(position, position), newText);
  }
  delete(uri, range) {
    this.replace(uri, range, '');
  }
  /** `edits` are text edits, or `[edit, metadata]` pairs (both overloads of VS Code's `set`). */
  set(uri, edits) {
    this._entries.push([uri, edits.map((e) => (Array.isArray(e) ? e[0] : e))]);
  }
  has(uri) {
    return this._entries.some(([u]) => u.toString() === uri.toString());
  }
  entries() {
    return this._entries;
  }
  get size() {
    return this._entries.length;
  }
  createFile(uri, options) {
    this._entries.push([uri, [], { create: options ?? {} }]);
  }
  deleteFile(uri, options) {
    this._entries.push([uri, [], { delete: options ?? {} }]);
  }
  renameFile(from, to, options) {
    this._entries.push([from, [], { rename: { to, options } }]);
  }
}

class CancellationError extends Error {}
class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
    this._emitter = emitter;
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

/** A class for the value types the client only constructs or checks with `instanceof`. */
function valueClass(name) {
  return {
    [name]: class {
      constructor(...args) {
        this.args = args;
      }
    },
  }[name];
}

const enumOf = (...names) => Object.fromEntries(names.flatMap((n, i) => [[n, i], [i, n]]));

/** A text document as VS Code gives it, over a fixed text. */
function textDocument(uri, languageId, version, text) {
  const lines = text.split('\n');
  const offsetAt = (position) => {
    let offset = 0;
    for (let i = 0; i < position.line && i < lines.length; i++) offset += lines[i].length + 1;
    return offset + Math.min(position.character, (lines[position.line] ?? '').length);
  };
  return {
    uri,
    fileName: uri.fsPath,
    languageId,
    version,
    isDirty: false,
    isClosed: false,
    isUntitled: false,
    eol: 1,
    lineCount: lines.length,
    getText: (range) => (range ? text.slice(offsetAt(range.start), offsetAt(range.end)) : text),
    offsetAt,
    positionAt: (offset) => {
      const before = text.slice(0, offset).split('\n');
      return new Position(before.length - 1, before[before.length - 1].length);
    },
    lineAt: (line) => ({ text: lines[typeof line === 'number' ? line : line.line] }),
    save: async () => true,
  };
}

const events = {};
const event = (name) => (events[name] ??= new EventEmitter()).event;

function globToRegExp(glob) {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** VS Code's score of a document selector against a document (0 = no match). */
function match(selector, document) {
  const selectors = Array.isArray(selector) ? selector : [selector];
  let best = 0;
  for (const s of selectors) {
    if (typeof s === 'string') {
      if (s === document.languageId || s === '*') best = Math.max(best, 10);
      continue;
    }
    if (s.scheme && s.scheme !== '*' && s.scheme !== document.uri.scheme) continue;
    if (s.language && s.language !== '*' && s.language !== document.languageId) continue;
    if (s.pattern) {
      const pattern = typeof s.pattern === 'string' ? s.pattern : s.pattern.pattern;
      if (!globToRegExp(pattern).test(document.uri.fsPath) && !globToRegExp(`**/${pattern}`).test(document.uri.fsPath)) continue;
    }
    best = Math.max(best, 10);
  }
  return best;
}

const register = (kind) => (selector, provider, ...rest) => {
  const entry = { kind, selector, provider, rest };
  recorded.providers.push(entry);
  return new Disposable(() => (recorded.providers = recorded.providers.filter((p) => p !== entry)));
};

function outputChannel(name) {
  const log = (level) => (message) => recorded.output.push(`[${name}] ${level}: ${message}`);
  return {
    name,
    logLevel: 2,
    onDidChangeLogLevel: event('logLevel'),
    append: log('append'),
    appendLine: log('line'),
    replace: log('replace'),
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    clear() {},
    show() {},
    hide() {},
    dispose() {},
  };
}

function showMessage(level) {
  return async (message, ...rest) => {
    const options = rest.length > 0 && typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? rest.shift() : undefined;
    recorded.messages.push({ level, message, options, items: rest });
    return answers.message(message, options, rest, level);
  };
}

const workspace = {
  workspaceFolders: undefined,
  textDocuments: [],
  notebookDocuments: [],
  name: 'shim',
  getConfiguration: () => ({ get: (_key, fallback) => fallback, has: () => false, inspect: () => undefined, update: async () => {} }),
  getWorkspaceFolder: (uri) => workspace.workspaceFolders?.find((f) => uri.toString().startsWith(f.uri.toString())),
  onDidChangeWorkspaceFolders: event('workspaceFolders'),
  onDidOpenTextDocument: event('open'),
  onDidCloseTextDocument: event('close'),
  onDidChangeTextDocument: event('change'),
  onDidSaveTextDocument: event('save'),
  onWillSaveTextDocument: event('willSave'),
  onDidChangeConfiguration: event('configuration'),
  onDidOpenNotebookDocument: event('openNotebook'),
  onDidCloseNotebookDocument: event('closeNotebook'),
  onDidChangeNotebookDocument: event('changeNotebook'),
  onDidSaveNotebookDocument: event('saveNotebook'),
  onDidCreateFiles: event('createFiles'),
  onDidRenameFiles: event('renameFiles'),
  onDidDeleteFiles: event('deleteFiles'),
  onWillCreateFiles: event('willCreateFiles'),
  onWillRenameFiles: event('willRenameFiles'),
  onWillDeleteFiles: event('willDeleteFiles'),
  createFileSystemWatcher: () => ({
    onDidCreate: event('fsCreate'),
    onDidChange: event('fsChange'),
    onDidDelete: event('fsDelete'),
    dispose() {},
  }),
  applyEdit: async (edit) => {
    recorded.appliedEdits.push(edit);
    return true;
  },
  openTextDocument: async (uri) => workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()),
};

const window = {
  activeTextEditor: undefined,
  visibleTextEditors: [],
  onDidChangeVisibleTextEditors: event('visibleEditors'),
  onDidChangeActiveTextEditor: event('activeEditor'),
  tabGroups: { all: [], onDidChangeTabs: event('tabs'), onDidChangeTabGroups: event('tabGroups') },
  createOutputChannel: outputChannel,
  showInformationMessage: showMessage('info'),
  showWarningMessage: showMessage('warning'),
  showErrorMessage: showMessage('error'),
  showQuickPick: async (items, options) => {
    const list = await items;
    recorded.quickPicks.push({ items: list, options });
    return answers.quickPick(list, options);
  },
  withProgress: async (_options, task) => task({ report() {} }, new CancellationTokenSource().token),
  showTextDocument: async () => undefined,
};

const languages = {
  match,
  createDiagnosticCollection: (name) => {
    const collection = {
      name,
      set(uri, diagnostics) {
        if (Array.isArray(uri)) for (const [u, d] of uri) collection.set(u, d);
        else if (diagnostics === undefined) recorded.diagnostics.delete(uri.toString());
        else recorded.diagnostics.set(uri.toString(), diagnostics);
        for (const waiter of [...shim.waiters]) waiter();
      },
      get: (uri) => recorded.diagnostics.get(uri.toString()),
      has: (uri) => recorded.diagnostics.has(uri.toString()),
      delete: (uri) => recorded.diagnostics.delete(uri.toString()),
      clear: () => recorded.diagnostics.clear(),
      forEach: (f) => recorded.diagnostics.forEach((d, u) => f(Uri.parse(u), d, collection)),
      dispose() {},
    };
    return collection;
  },
  getLanguages: async () => ['yaml'],
};
for (const name of [
  'Completion', 'Hover', 'SignatureHelp', 'Definition', 'References', 'DocumentHighlight', 'DocumentSymbol', 'WorkspaceSymbol',
  'CodeActions', 'CodeLens', 'DocumentFormattingEdit', 'DocumentRangeFormattingEdit', 'OnTypeFormattingEdit', 'Rename',
  'DocumentLink', 'Color', 'Implementation', 'TypeDefinition', 'Declaration', 'FoldingRange', 'SelectionRange',
  'CallHierarchy', 'TypeHierarchy', 'DocumentSemanticTokens', 'DocumentRangeSemanticTokens', 'LinkedEditingRange',
  'InlayHints', 'InlineValues', 'InlineCompletionItem',
]) {
  languages[`register${name}Provider`] = register(name);
}
languages.registerCompletionItemProvider = register('Completion');

const commands = {
  registerCommand(id, callback, thisArg) {
    if (recorded.commands.has(id)) throw new Error(`command '${id}' already exists`);
    recorded.commands.set(id, thisArg ? callback.bind(thisArg) : callback);
    return new Disposable(() => recorded.commands.delete(id));
  },
  async executeCommand(id, ...args) {
    const command = recorded.commands.get(id);
    if (!command) throw new Error(`command '${id}' not found`);
    return command(...args);
  },
  getCommands: async () => [...recorded.commands.keys()],
};

const shim = {
  __esModule: true,
  version: '1.91.0',
  env: { appName: 'Visual Studio Code (shim)', language: 'en', machineId: 'shim', sessionId: 'shim', uiKind: 1, openExternal: async () => true },
  workspace,
  window,
  languages,
  commands,
  extensions: { getExtension: () => undefined, all: [] },
  Disposable,
  EventEmitter,
  Uri,
  Position,
  Range,
  Selection,
  Location,
  MarkdownString,
  Hover,
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity: enumOf('Error', 'Warning', 'Information', 'Hint'),
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  CodeLens,
  DocumentSymbol,
  SymbolInformation,
  SymbolKind: enumOf('File', 'Module', 'Namespace', 'Package', 'Class', 'Method', 'Property', 'Field', 'Constructor', 'Enum', 'Interface', 'Function', 'Variable', 'Constant', 'String', 'Number', 'Boolean', 'Array', 'Object', 'Key', 'Null', 'EnumMember', 'Struct', 'Event', 'Operator', 'TypeParameter'),
  SymbolTag: { Deprecated: 1 },
  TextEdit,
  WorkspaceEdit,
  CancellationError,
  CancellationTokenSource,
  LogLevel: enumOf('Off', 'Trace', 'Debug', 'Info', 'Warning', 'Error'),
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  EndOfLine: { LF: 1, CRLF: 2 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  RelativePattern: class RelativePattern {
    constructor(base, pattern) {
      this.baseUri = typeof base === 'string' ? Uri.file(base) : base.uri ?? base;
      this.base = this.baseUri.fsPath;
      this.pattern = pattern;
    }
  },
  recorded,
  answers,
  waiters: [],
  /** Opens a document the way VS Code does: it joins `workspace.textDocuments`, then the open event fires. */
  openDocument(fsPath, text, languageId = 'yaml') {
    const document = textDocument(Uri.file(fsPath), languageId, 1, text);
    workspace.textDocuments.push(document);
    events.open?.fire(document);
    return document;
  },
};
for (const name of [
  'CompletionItem', 'CompletionList', 'CodeAction', 'CodeActionKind', 'DocumentLink', 'InlayHint', 'InlayHintLabelPart', 'CallHierarchyItem',
  'TypeHierarchyItem', 'WorkspaceSymbol', 'SignatureHelp', 'SignatureInformation', 'ParameterInformation', 'DocumentHighlight',
  'FoldingRange', 'SelectionRange', 'Color', 'ColorInformation', 'ColorPresentation', 'SemanticTokens', 'SemanticTokensEdit',
  'SemanticTokensEdits', 'SemanticTokensLegend', 'LinkedEditingRanges', 'InlineValueText', 'InlineValueVariableLookup',
  'InlineValueEvaluatableExpression', 'InlineCompletionItem', 'InlineCompletionList', 'SnippetString', 'TabInputText',
  'TabInputTextDiff', 'TabInputNotebook', 'TabInputNotebookDiff', 'TabInputCustom', 'NotebookCellKind', 'ThemeIcon',
  'CallHierarchyIncomingCall', 'CallHierarchyOutgoingCall', 'LocationLink', 'FileSystemError', 'Command',
]) {
  shim[name] ??= valueClass(name);
}
shim.CodeActionKind = { Empty: { value: '' }, QuickFix: { value: 'quickfix' }, Refactor: { value: 'refactor' }, Source: { value: 'source' } };
shim.CompletionItemKind = enumOf('Text', 'Method', 'Function');
shim.CompletionItemTag = { Deprecated: 1 };
shim.InsertTextFormat = { PlainText: 1, Snippet: 2 };
shim.NotebookCellKind = { Markup: 1, Code: 2 };
shim.FoldingRangeKind = { Comment: 1, Imports: 2, Region: 3 };
shim.InlayHintKind = { Type: 1, Parameter: 2 };
shim.TextDocumentSaveReason = { Manual: 1, AfterDelay: 2, FocusOut: 3 };
shim.DocumentHighlightKind = { Text: 0, Read: 1, Write: 2 };
shim.SignatureHelpTriggerKind = { Invoke: 1, TriggerCharacter: 2, ContentChange: 3 };
shim.CodeActionTriggerKind = { Invoke: 1, Automatic: 2 };
shim.CompletionTriggerKind = { Invoke: 0, TriggerCharacter: 1, TriggerForIncompleteCompletions: 2 };
shim.InlineCompletionTriggerKind = { Invoke: 0, Automatic: 1 };
shim.FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 };
shim.UIKind = { Desktop: 1, Web: 2 };
shim.TextEditorRevealType = { Default: 0, InCenter: 1 };
shim.IndentAction = { None: 0 };

/** Reads of names the shim does not define are recorded (the test prints them on failure). */
module.exports = new Proxy(shim, {
  get(target, name) {
    if (!(name in target) && typeof name === 'string' && name !== 'then' && name !== 'default') recorded.missing.add(name);
    return target[name];
  },
});
