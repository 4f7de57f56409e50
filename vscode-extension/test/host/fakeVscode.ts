/**
 * A stand-in for the `vscode` module, enough of it to run the extension's host-side classes (the DAG
 * panel, the commands, the debug glue, the language service) in Node. vitest aliases `vscode` to this
 * file for the tests in test/host; `host` lets a test play the user (open documents, move the cursor,
 * type) and see what the extension did (messages posted to the webview, documents shown, sessions
 * started, errors shown).
 *
 * It follows the documented behaviour of the real API for the parts used; it is not a VS Code.
 */
import { posix } from 'node:path';

type Listener<T> = (event: T) => unknown;

export class Disposable {
  constructor(private readonly callback: () => void = () => undefined) {}
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const disposable of disposables) {
        disposable.dispose();
      }
    });
  }
  dispose(): void {
    this.callback();
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  /** As vscode.Event: the listener is called with `thisArgs`; the subscription is also added to `disposables`. */
  readonly event = (listener: Listener<T>, thisArgs?: unknown, disposables?: { dispose(): unknown }[]): Disposable => {
    const bound: Listener<T> = thisArgs === undefined ? listener : (event) => listener.call(thisArgs, event);
    this.listeners.push(bound);
    const subscription = new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== bound);
    });
    disposables?.push(subscription);
    return subscription;
  };
  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      listener(event);
    }
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = '',
    readonly fragment = '',
  ) {}
  /** As vscode.Uri.parse (not strict): no scheme means `file`, and a file path gets its leading slash. */
  static parse(value: string): Uri {
    const match = /^(?:([a-z][a-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(value);
    if (!match) {
      throw new Error(`not a uri: ${value}`);
    }
    const path = decodeURIComponent(match[3] ?? '');
    return new Uri(match[1] ?? 'file', match[2] ?? '', path.startsWith('/') ? path : `/${path}`, match[4] ?? '', match[5] ?? '');
  }
  static file(path: string): Uri {
    return new Uri('file', '', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, posix.normalize(posix.join(base.path, ...parts)));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query === '' ? '' : `?${this.query}`}${this.fragment === '' ? '' : `#${this.fragment}`}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    this.start = new Position(startLine, startCharacter);
    this.end = new Position(endLine, endCharacter);
  }
}

export class Selection extends Range {
  get active(): Position {
    return this.end;
  }
}

export enum SymbolKind {
  File = 0,
  Module = 1,
  Namespace = 2,
  Package = 3,
  Class = 4,
  Method = 5,
  Property = 6,
  Field = 7,
  Constructor = 8,
  Enum = 9,
  Interface = 10,
  Function = 11,
  Variable = 12,
}

export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}

/** As vscode.SymbolInformation's four-argument constructor. */
export class SymbolInformation {
  constructor(
    readonly name: string,
    readonly kind: SymbolKind,
    readonly containerName: string,
    readonly location: { range: Range },
  ) {}
}

/** As vscode.DocumentSymbol: the language client builds these from the server's answer. */
export class DocumentSymbol {
  children: DocumentSymbol[] = [];
  constructor(
    readonly name: string,
    readonly detail: string,
    readonly kind: SymbolKind,
    readonly range: Range,
    readonly selectionRange: Range,
  ) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

/** As vscode.Diagnostic; the language client sets code, source, tags and related information afterwards. */
export class Diagnostic {
  code: unknown;
  source: string | undefined;
  constructor(
    public range: Range,
    public message: string,
    public severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

/** As vscode.CodeActionKind: dotted names the language client builds with `append`. */
export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Refactor = new CodeActionKind('refactor');
  static readonly RefactorExtract = new CodeActionKind('refactor.extract');
  static readonly RefactorInline = new CodeActionKind('refactor.inline');
  static readonly RefactorMove = new CodeActionKind('refactor.move');
  static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
  static readonly Source = new CodeActionKind('source');
  static readonly SourceOrganizeImports = new CodeActionKind('source.organizeImports');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  private constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value === '' ? part : `${this.value}.${part}`);
  }
}

export interface Command {
  title: string;
  command: string;
  arguments?: unknown[];
}

export class CodeLens {
  constructor(
    public range: Range,
    public command?: Command,
  ) {}
  get isResolved(): boolean {
    return this.command !== undefined;
  }
}

/** What vscode.languages.createDiagnosticCollection returns, keyed by URI string. */
export class FakeDiagnosticCollection {
  readonly entries = new Map<string, readonly Diagnostic[]>();
  constructor(readonly name: string) {}
  set(uriOrEntries: Uri | readonly [Uri, readonly Diagnostic[] | undefined][], diagnostics?: readonly Diagnostic[]): void {
    const pairs: readonly (readonly [Uri, readonly Diagnostic[] | undefined])[] = uriOrEntries instanceof Uri ? [[uriOrEntries, diagnostics]] : uriOrEntries;
    for (const [uri, items] of pairs) {
      if (items === undefined) {
        this.entries.delete(uri.toString());
      } else {
        this.entries.set(uri.toString(), items);
      }
    }
  }
  get(uri: Uri): readonly Diagnostic[] | undefined {
    return this.entries.get(uri.toString());
  }
  has(uri: Uri): boolean {
    return this.entries.has(uri.toString());
  }
  delete(uri: Uri): void {
    this.entries.delete(uri.toString());
  }
  clear(): void {
    this.entries.clear();
  }
  forEach(callback: (uri: Uri, diagnostics: readonly Diagnostic[]) => void): void {
    for (const [uri, items] of this.entries) {
      callback(Uri.parse(uri), items);
    }
  }
  dispose(): void {
    this.entries.clear();
  }
}

export class CancellationTokenSource {
  private readonly cancelled = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.cancelled.event };
  cancel(): void {
    if (!this.token.isCancellationRequested) {
      this.token.isCancellationRequested = true;
      this.cancelled.fire();
    }
  }
  dispose(): void {
    this.cancelled.dispose();
  }
}

/** A token that is never cancelled, for the providers a test calls. */
export const neverCancelled = {
  isCancellationRequested: false,
  onCancellationRequested: () => new Disposable(),
};

interface CodeLensProvider {
  provideCodeLenses(document: FakeDocument, token: typeof neverCancelled): CodeLens[] | null | undefined | Promise<CodeLens[] | null | undefined>;
}

interface DocumentSymbolProvider {
  provideDocumentSymbols(
    document: FakeDocument,
    token: typeof neverCancelled,
  ): (DocumentSymbol | SymbolInformation)[] | null | undefined | Promise<(DocumentSymbol | SymbolInformation)[] | null | undefined>;
}

export class DebugStackFrame {
  constructor(
    readonly session: { id: string },
    readonly threadId: number,
    readonly frameId: number,
  ) {}
}

export class DebugThread {
  constructor(
    readonly session: { id: string },
    readonly threadId: number,
  ) {}
}

export class DebugAdapterExecutable {
  constructor(
    readonly command: string,
    readonly args: string[],
    readonly options: { cwd?: string } = {},
  ) {}
}

/** The input of an editor tab showing a text document (the language client pulls diagnostics for these). */
export class TabInputText {
  constructor(readonly uri: Uri) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
  Two = 2,
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum DebugConfigurationProviderTriggerKind {
  Initial = 1,
  Dynamic = 2,
}

export class FakeDocument {
  version = 1;
  isDirty = false;
  saved = 0;
  constructor(
    readonly uri: Uri,
    public text: string,
    readonly languageId = 'nexa',
  ) {}
  getText(): string {
    return this.text;
  }
  get fileName(): string {
    return this.uri.fsPath;
  }
  get isUntitled(): boolean {
    return this.uri.scheme === 'untitled';
  }
  save(): Promise<boolean> {
    this.saved++;
    this.isDirty = false;
    return Promise.resolve(true);
  }
}

export class FakeEditor {
  selection: Selection;
  constructor(
    readonly document: FakeDocument,
    readonly viewColumn: ViewColumn = ViewColumn.One,
  ) {
    this.selection = new Selection(0, 0, 0, 0);
  }
}

export class FakeWebview {
  html = '';
  options: unknown = {};
  readonly cspSource = 'https://fake.vscode-resource';
  readonly posted: unknown[] = [];
  readonly receive = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.receive.event;
  asWebviewUri(uri: Uri): Uri {
    return Uri.parse(`https://fake.vscode-resource${uri.path}`);
  }
  postMessage(message: unknown): Promise<boolean> {
    this.posted.push(JSON.parse(JSON.stringify(message)) as unknown);
    return Promise.resolve(true);
  }
}

export class FakePanel {
  readonly webview = new FakeWebview();
  title = '';
  disposed = false;
  readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    readonly viewColumn: ViewColumn,
  ) {}
  reveal(): void {
    // Nothing to show in a test.
  }
  dispose(): void {
    if (!this.disposed) {
      this.disposed = true;
      this.disposeEmitter.fire();
    }
  }
}

export interface FakeStatusBarItem {
  text: string;
  tooltip: string;
  command: string;
  name: string;
  backgroundColor: ThemeColor | undefined;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

interface ShownDocument {
  uri: string;
  selection: Range | undefined;
  viewColumn: ViewColumn | undefined;
}

/** The test's handle on the fake host. */
export const host = {
  documents: [] as FakeDocument[],
  editors: [] as FakeEditor[],
  activeEditor: undefined as FakeEditor | undefined,
  panels: [] as FakePanel[],
  shown: [] as ShownDocument[],
  errors: [] as string[],
  warnings: [] as string[],
  infos: [] as string[],
  /** What the next showErrorMessage call answers (the button the user clicks). */
  errorAnswer: undefined as string | undefined,
  executed: [] as { command: string; args: unknown[] }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  /** What vscode.executeDocumentSymbolProvider answers when no provider is registered. */
  symbols: [] as (DocumentSymbol | SymbolInformation)[],
  /** Providers registered through vscode.languages (by the language client, in the bundle tests). */
  codeLensProviders: [] as CodeLensProvider[],
  documentSymbolProviders: [] as DocumentSymbolProvider[],
  diagnosticCollections: [] as FakeDiagnosticCollection[],
  statusBarItem: undefined as FakeStatusBarItem | undefined,
  /** The lines written to each output channel, by channel name. */
  output: new Map<string, string[]>(),
  settings: {} as Record<string, unknown>,
  files: new Map<string, Uint8Array>(),
  saveDialogAnswer: undefined as Uri | undefined,
  startedDebugging: [] as { folder: unknown; config: Record<string, unknown>; options: unknown }[],
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  activeDebugSession: undefined as { id: string; type: string } | undefined,
  trackerFactories: [] as { type: string; factory: { createDebugAdapterTracker(session: unknown): unknown } }[],

  emitters: {
    activeEditor: new EventEmitter<FakeEditor | undefined>(),
    selection: new EventEmitter<{ textEditor: FakeEditor; selections: Selection[] }>(),
    documentChange: new EventEmitter<{ document: FakeDocument; contentChanges: unknown[] }>(),
    documentOpen: new EventEmitter<FakeDocument>(),
    tabs: new EventEmitter<{ opened: unknown[]; closed: unknown[]; changed: unknown[] }>(),
    configuration: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
    activeStackItem: new EventEmitter<unknown>(),
    activeDebugSession: new EventEmitter<unknown>(),
    terminateDebugSession: new EventEmitter<{ id: string }>(),
  },

  reset(): void {
    this.documents = [];
    this.editors = [];
    this.activeEditor = undefined;
    this.panels = [];
    this.shown = [];
    this.errors = [];
    this.warnings = [];
    this.infos = [];
    this.errorAnswer = undefined;
    this.executed = [];
    this.commands = new Map();
    this.symbols = [];
    this.codeLensProviders = [];
    this.documentSymbolProviders = [];
    this.diagnosticCollections = [];
    this.output = new Map();
    this.statusBarItem = undefined;
    this.settings = {};
    this.files = new Map();
    this.saveDialogAnswer = undefined;
    this.startedDebugging = [];
    this.workspaceFolders = [];
    this.activeDebugSession = undefined;
    this.trackerFactories = [];
    for (const emitter of Object.values(this.emitters)) {
      emitter.dispose();
    }
  },

  /** Opens a document in an editor and makes it the active one. */
  open(path: string, text: string, languageId = 'nexa', column = ViewColumn.One): FakeEditor {
    const document = new FakeDocument(Uri.file(path), text, languageId);
    this.documents.push(document);
    this.emitters.documentOpen.fire(document);
    const editor = new FakeEditor(document, column);
    this.editors.push(editor);
    this.activeEditor = editor;
    this.emitters.tabs.fire({ opened: [{ input: new TabInputText(document.uri), label: path }], closed: [], changed: [] });
    this.emitters.activeEditor.fire(editor);
    return editor;
  },

  moveCursor(editor: FakeEditor, line: number, character: number): void {
    editor.selection = new Selection(line, character, line, character);
    this.emitters.selection.fire({ textEditor: editor, selections: [editor.selection] });
  },

  /** Replaces the whole text, reported as VS Code reports such an edit: one change over the old text's range. */
  type(document: FakeDocument, text: string): void {
    const oldLines = document.text.split('\n');
    const range = new Range(0, 0, oldLines.length - 1, (oldLines.at(-1) ?? '').length);
    const change = { range, rangeOffset: 0, rangeLength: document.text.length, text };
    document.text = text;
    document.version++;
    document.isDirty = true;
    this.emitters.documentChange.fire({ document, contentChanges: [change] });
  },
};

export const window = {
  get activeTextEditor() {
    return host.activeEditor;
  },
  get visibleTextEditors() {
    return host.editors;
  },
  onDidChangeActiveTextEditor: host.emitters.activeEditor.event,
  onDidChangeTextEditorSelection: host.emitters.selection.event,
  /** One group with a tab per open editor: the language client reads them to decide which documents to pull diagnostics for. */
  tabGroups: {
    get all() {
      return [{ isActive: true, viewColumn: ViewColumn.One, tabs: host.editors.map((e) => ({ input: new TabInputText(e.document.uri), label: e.document.uri.path })) }];
    },
    onDidChangeTabs: host.emitters.tabs.event,
    onDidChangeTabGroups: () => new Disposable(),
  },
  createWebviewPanel(viewType: string, title: string, showOptions: { viewColumn: ViewColumn }): FakePanel {
    const panel = new FakePanel(viewType, showOptions.viewColumn);
    panel.title = title;
    host.panels.push(panel);
    return panel;
  },
  registerWebviewPanelSerializer: () => new Disposable(),
  showTextDocument(uri: Uri, options: { selection?: Range; viewColumn?: ViewColumn } = {}): Promise<unknown> {
    host.shown.push({ uri: uri.toString(), selection: options.selection, viewColumn: options.viewColumn });
    return Promise.resolve(undefined);
  },
  showErrorMessage(message: string): Promise<string | undefined> {
    host.errors.push(message);
    return Promise.resolve(host.errorAnswer);
  },
  showWarningMessage(message: string): Promise<undefined> {
    host.warnings.push(message);
    return Promise.resolve(undefined);
  },
  showInformationMessage(message: string): Promise<undefined> {
    host.infos.push(message);
    return Promise.resolve(undefined);
  },
  showSaveDialog(): Promise<Uri | undefined> {
    return Promise.resolve(host.saveDialogAnswer);
  },
  createOutputChannel(name = 'output') {
    const lines: string[] = [];
    host.output.set(name, lines);
    const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
    return {
      name,
      lines,
      logLevel: 2,
      onDidChangeLogLevel: () => new Disposable(),
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      append: (text: string) => lines.push(text),
      appendLine: (text: string) => lines.push(text),
      replace: (text: string) => lines.splice(0, lines.length, text),
      clear: () => lines.splice(0, lines.length),
      show: () => undefined,
      hide: () => undefined,
      dispose: () => undefined,
    };
  },
  createStatusBarItem(): FakeStatusBarItem {
    host.statusBarItem = { text: '', tooltip: '', command: '', name: '', backgroundColor: undefined, visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose: () => undefined };
    return host.statusBarItem;
  },
};

export const workspace = {
  get workspaceFolders() {
    return host.workspaceFolders;
  },
  get textDocuments() {
    return host.documents;
  },
  notebookDocuments: [] as unknown[],
  onDidChangeTextDocument: host.emitters.documentChange.event,
  onDidOpenTextDocument: host.emitters.documentOpen.event,
  onDidChangeConfiguration: host.emitters.configuration.event,
  getConfiguration(section: string) {
    return {
      get: <T>(key: string, fallback: T): T => (host.settings[`${section}.${key}`] as T | undefined) ?? fallback,
    };
  },
  getWorkspaceFolder(uri: Uri) {
    return host.workspaceFolders.find((f) => uri.path.startsWith(`${f.uri.path}/`));
  },
  openTextDocument(uri: Uri): Promise<FakeDocument> {
    const found = host.documents.find((d) => d.uri.toString() === uri.toString());
    if (found) {
      return Promise.resolve(found);
    }
    const document = new FakeDocument(uri, '');
    host.documents.push(document);
    return Promise.resolve(document);
  },
  asRelativePath(uri: Uri): string {
    return uri.path;
  },
  fs: {
    readFile(uri: Uri): Promise<Uint8Array> {
      const data = host.files.get(uri.path);
      return data ? Promise.resolve(data) : Promise.reject(new Error(`no file ${uri.path}`));
    },
    writeFile(uri: Uri, data: Uint8Array): Promise<void> {
      host.files.set(uri.path, data);
      return Promise.resolve();
    },
  },
};

export const commands = {
  registerCommand(command: string, callback: (...args: unknown[]) => unknown): Disposable {
    host.commands.set(command, callback);
    return new Disposable(() => host.commands.delete(command));
  },
  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    host.executed.push({ command, args });
    if (command === 'vscode.executeDocumentSymbolProvider') {
      return provideDocumentSymbols(args[0]);
    }
    if (command === 'vscode.executeCodeLensProvider') {
      return provideCodeLenses(args[0]);
    }
    const registered = host.commands.get(command);
    return Promise.resolve(registered ? registered(...args) : undefined);
  },
};

function documentOf(uri: unknown): FakeDocument {
  const document = host.documents.find((d) => d.uri.toString() === String(uri));
  if (!document) {
    throw new Error(`no open document ${String(uri)}`);
  }
  return document;
}

/** As VS Code: every registered provider's symbols; with none registered, `host.symbols`. */
async function provideDocumentSymbols(uri: unknown): Promise<(DocumentSymbol | SymbolInformation)[]> {
  if (host.documentSymbolProviders.length === 0) {
    return host.symbols;
  }
  const document = documentOf(uri);
  const answers = await Promise.all(host.documentSymbolProviders.map((p) => Promise.resolve(p.provideDocumentSymbols(document, neverCancelled))));
  return answers.flatMap((answer) => answer ?? []);
}

async function provideCodeLenses(uri: unknown): Promise<CodeLens[]> {
  const document = documentOf(uri);
  const answers = await Promise.all(host.codeLensProviders.map((p) => Promise.resolve(p.provideCodeLenses(document, neverCancelled))));
  return answers.flatMap((answer) => answer ?? []);
}

interface DocumentFilter {
  readonly scheme?: string;
  readonly language?: string;
}

export const languages = {
  /** Score of a document against a selector, as vscode.languages.match (0: no match). */
  match(selector: readonly DocumentFilter[] | DocumentFilter, document: FakeDocument): number {
    const filters: readonly DocumentFilter[] = Array.isArray(selector) ? selector : [selector as DocumentFilter];
    return filters.some(
      (f) => (f.language === undefined || f.language === document.languageId) && (f.scheme === undefined || f.scheme === document.uri.scheme),
    )
      ? 10
      : 0;
  },
  createDiagnosticCollection(name = 'diagnostics'): FakeDiagnosticCollection {
    const collection = new FakeDiagnosticCollection(name);
    host.diagnosticCollections.push(collection);
    return collection;
  },
  registerCodeLensProvider(_selector: unknown, provider: CodeLensProvider): Disposable {
    host.codeLensProviders.push(provider);
    return new Disposable(() => {
      host.codeLensProviders = host.codeLensProviders.filter((p) => p !== provider);
    });
  },
  registerDocumentSymbolProvider(_selector: unknown, provider: DocumentSymbolProvider): Disposable {
    host.documentSymbolProviders.push(provider);
    return new Disposable(() => {
      host.documentSymbolProviders = host.documentSymbolProviders.filter((p) => p !== provider);
    });
  },
};

export const debug = {
  get activeDebugSession() {
    return host.activeDebugSession;
  },
  activeStackItem: undefined,
  onDidChangeActiveStackItem: host.emitters.activeStackItem.event,
  onDidChangeActiveDebugSession: host.emitters.activeDebugSession.event,
  onDidTerminateDebugSession: host.emitters.terminateDebugSession.event,
  registerDebugConfigurationProvider: () => new Disposable(),
  registerDebugAdapterDescriptorFactory: () => new Disposable(),
  registerDebugAdapterTrackerFactory(type: string, factory: { createDebugAdapterTracker(session: unknown): unknown }): Disposable {
    host.trackerFactories.push({ type, factory });
    return new Disposable();
  },
  startDebugging(folder: unknown, config: Record<string, unknown>, options: unknown): Promise<boolean> {
    host.startedDebugging.push({ folder, config, options });
    return Promise.resolve(true);
  },
};

/** The engine version the fake pretends to be (vscode-languageclient checks it). */
export const version = '1.95.0';
