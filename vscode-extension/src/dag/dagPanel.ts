/**
 * The "Nexa: Show DAG" webview beside the editor.
 *
 * It shows the DAG of one flow of the active Nexa document: re-requested (debounced) as the user
 * types, switched when the cursor enters another flow, marked where the cursor is and where the
 * debugger is. The page (webview/main.ts) only draws; every decision about what to request is here.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { calledFlows, expandFlowCalls, parseDagResult, type DagResult, type Parsed, type Position } from '../../shared/dagModel';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../shared/messages';
import type { DebugMark } from '../debug/debugLocation';
import type { DebugTracking } from '../debug/debugTracking';
import { createNonce, renderDagHtml } from './dagHtml';
import { saveExport } from './dagExport';
import { flowAtPosition, type SymbolNode } from './flowAtCursor';
import { Debouncer, LatestOnly } from './requestScheduling';

export const DAG_VIEW_TYPE = 'nexa.dag';
export const DAG_REQUEST = 'nexa/dag';
const TYPING_DELAY_MS = 300;
const CURSOR_DELAY_MS = 120;

/** What the panel needs from the language client. */
export interface DagSource {
  readonly isRunning: boolean;
  readonly onDidChangeState: vscode.Event<unknown>;
  sendRequest<R>(method: string, params: unknown): Promise<R>;
  unavailableReason(): string;
}

interface SavedPanelState {
  readonly documentUri?: unknown;
  readonly flow?: unknown;
  readonly followCursor?: unknown;
}

function isNexa(document: vscode.TextDocument): boolean {
  return document.languageId === 'nexa';
}

function toSymbolNodes(symbols: readonly (vscode.DocumentSymbol | vscode.SymbolInformation)[]): SymbolNode[] {
  return symbols.map((symbol) =>
    // A server may answer with flat SymbolInformation (a location) or nested DocumentSymbols.
    'location' in symbol
      ? { name: symbol.name, range: symbol.location.range }
      : { name: symbol.name, range: symbol.range, children: toSymbolNodes(symbol.children) },
  );
}

const METHOD_NOT_FOUND = -32601;
/** nexa-lsp's answer to a `flow` the document does not declare (its message lists the flows). */
const INVALID_PARAMS = -32602;

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function requestErrorText(error: unknown): string {
  if (errorCode(error) === METHOD_NOT_FOUND) {
    return 'This version of the Nexa language server does not answer nexa/dag.';
  }
  return `Could not get the DAG: ${error instanceof Error ? error.message : String(error)}`;
}

class DagPanel implements vscode.Disposable {
  private document: vscode.TextDocument;
  private editorColumn: vscode.ViewColumn | undefined;
  private requestedFlow: string | undefined;
  private followCursor: boolean;
  /** The flow the cursor was last seen in: following switches only when the cursor enters another one. */
  private cursorFlow: string | undefined;
  private result: DagResult | undefined;
  private symbols: { version: number; nodes: SymbolNode[] } | undefined;
  private readonly latest = new LatestOnly();
  private readonly typing = new Debouncer(TYPING_DELAY_MS);
  private readonly cursorMoves = new Debouncer(CURSOR_DELAY_MS);
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly source: DagSource,
    private readonly debug: DebugTracking,
    document: vscode.TextDocument,
    options: { flow?: string; followCursor?: boolean; editorColumn?: vscode.ViewColumn },
    private readonly onDisposed: () => void,
  ) {
    this.document = document;
    this.requestedFlow = options.flow;
    this.followCursor = options.followCursor ?? true;
    this.editorColumn = options.editorColumn;
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
    this.updateTitle();
    this.subscriptions.push(
      panel.onDidDispose(() => {
        this.dispose();
      }),
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromWebview(raw);
        if (message) {
          void this.handleMessage(message);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === this.document && event.contentChanges.length > 0) {
          this.symbols = undefined;
          this.typing.schedule(() => void this.refresh());
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isNexa(editor.document) && editor.document !== this.document) {
          this.switchDocument(editor.document, editor.viewColumn);
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor.document === this.document) {
          this.editorColumn = event.textEditor.viewColumn ?? this.editorColumn;
          this.cursorMoved(event.selections[0]?.active);
        }
      }),
      source.onDidChangeState(() => {
        void this.refresh();
      }),
      debug.onDidChangeMark((mark) => {
        this.postDebug(mark);
      }),
    );
    void this.loadPage();
  }

  get documentUri(): vscode.Uri {
    return this.document.uri;
  }

  /** Show `flow` of `document` (the command's arguments); undefined keeps following the cursor. */
  show(document: vscode.TextDocument, flow: string | undefined, editorColumn: vscode.ViewColumn | undefined): void {
    this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    if (editorColumn !== undefined) {
      this.editorColumn = editorColumn;
    }
    if (document !== this.document) {
      this.switchDocument(document, editorColumn, flow);
    } else if (flow !== undefined && flow !== this.result?.flow) {
      this.requestedFlow = flow;
      void this.refresh();
    }
  }

  private switchDocument(document: vscode.TextDocument, column: vscode.ViewColumn | undefined, flow?: string): void {
    this.document = document;
    this.editorColumn = column ?? this.editorColumn;
    this.requestedFlow = flow;
    this.cursorFlow = undefined;
    this.result = undefined;
    this.symbols = undefined;
    this.latest.invalidate();
    this.updateTitle();
    void this.refresh().then(() => {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
      if (editor && flow === undefined) {
        this.cursorMoved(editor.selection.active);
      }
    });
  }

  private updateTitle(): void {
    const name = this.document.uri.path.split('/').pop() ?? 'Nexa';
    this.panel.title = `DAG: ${name}`;
  }

  private async loadPage(): Promise<void> {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const template = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(media, 'dag.html')));
    const webview = this.panel.webview;
    webview.html = renderDagHtml(template, {
      cspSource: webview.cspSource,
      nonce: createNonce((size) => randomBytes(size)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dag.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dag.css')).toString(),
    });
  }

  private post(message: ToWebview): void {
    if (!this.disposed) {
      void this.panel.webview.postMessage(message);
    }
  }

  private async handleMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded page knows nothing: send the graph and the marks again.
        if (this.result) {
          this.postResult(this.result);
        }
        void this.refresh();
        this.postCursor();
        this.postDebug(this.debug.current);
        return;
      case 'reveal': {
        const uri = message.uri === null ? this.document.uri : vscode.Uri.parse(message.uri);
        const { start, end } = message.range;
        const selection = new vscode.Range(start.line, start.character, end.line, end.character);
        await vscode.window.showTextDocument(uri, {
          viewColumn: this.editorColumn ?? vscode.ViewColumn.One,
          selection,
          preserveFocus: false,
        });
        return;
      }
      case 'selectFlow':
        this.requestedFlow = message.flow;
        await this.refresh();
        return;
      case 'followCursor':
        this.followCursor = message.enabled;
        if (message.enabled) {
          this.cursorFlow = undefined;
          this.postCursor(true);
        }
        return;
      case 'export':
        await saveExport(this.document.uri, message.format, message.data, message.flow);
        return;
    }
  }

  private async refresh(): Promise<void> {
    if (this.disposed) {
      return;
    }
    if (!this.source.isRunning) {
      this.post({ type: 'notice', severity: 'error', message: this.source.unavailableReason() });
      return;
    }
    const requested = this.requestedFlow;
    try {
      const outcome = await this.latest.run(() => this.requestExpandedDag(requested));
      if (outcome.status === 'stale') {
        return;
      }
      const parsed = outcome.value.parsed;
      if (!parsed.ok) {
        this.post({ type: 'notice', severity: 'error', message: `The server's DAG could not be read: ${parsed.error}.` });
        return;
      }
      this.result = this.canonicalUris(parsed.value);
      this.postResult(this.result);
      const shown = this.result.flow;
      if (outcome.value.flowGone && shown !== null && requested !== undefined) {
        // The flow was renamed or deleted: show the server's choice from now on, and say so.
        this.requestedFlow = undefined;
        this.post({ type: 'notice', severity: 'info', message: `The flow ${requested} is not in the document any more; showing ${shown}.` });
      } else {
        this.post({ type: 'notice', severity: 'info', message: null });
      }
    } catch (error) {
      this.post({ type: 'notice', severity: 'error', message: requestErrorText(error) });
    }
  }

  /**
   * Asks for the DAG of `flow`, then for the DAG of each other flow of the document it calls, and
   * draws those calls one level deep (`expandFlowCalls`). A callee whose request fails or whose reply
   * cannot be read is left as its single `flow_call` node.
   */
  private async requestExpandedDag(flow: string | undefined): Promise<{ parsed: Parsed<DagResult>; flowGone: boolean }> {
    const { reply, flowGone } = await this.requestDag(flow);
    const parsed = parseDagResult(reply);
    if (!parsed.ok) {
      return { parsed, flowGone };
    }
    const textDocument = { uri: this.document.uri.toString() };
    const callees = await Promise.all(
      calledFlows(parsed.value).map(async (callee): Promise<[string, DagResult] | undefined> => {
        try {
          const calleeGraph = parseDagResult(await this.source.sendRequest<unknown>(DAG_REQUEST, { textDocument, flow: callee }));
          return calleeGraph.ok && calleeGraph.value.flow === callee ? [callee, calleeGraph.value] : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    const graphs = new Map(callees.filter((entry): entry is [string, DagResult] => entry !== undefined));
    return { parsed: { ok: true, value: expandFlowCalls(parsed.value, graphs) }, flowGone };
  }

  /**
   * Asks for the DAG of `flow` (undefined: the server's choice). A flow the document no longer
   * declares (renamed, deleted, or a document without flows) is an InvalidParams error from the
   * server: then the server's choice is asked for instead, which is the empty graph without flows.
   */
  private async requestDag(flow: string | undefined): Promise<{ reply: unknown; flowGone: boolean }> {
    const textDocument = { uri: this.document.uri.toString() };
    if (flow === undefined) {
      return { reply: await this.source.sendRequest<unknown>(DAG_REQUEST, { textDocument }), flowGone: false };
    }
    try {
      return { reply: await this.source.sendRequest<unknown>(DAG_REQUEST, { textDocument, flow }), flowGone: false };
    } catch (error) {
      if (errorCode(error) !== INVALID_PARAMS) {
        throw error;
      }
      return { reply: await this.source.sendRequest<unknown>(DAG_REQUEST, { textDocument }), flowGone: true };
    }
  }

  /** Node URIs as VS Code spells them, so the page can compare them with editor and debugger URIs. */
  private canonicalUris(result: DagResult): DagResult {
    return {
      ...result,
      nodes: result.nodes.map((node) => (node.uri === null ? node : { ...node, uri: vscode.Uri.parse(node.uri).toString() })),
    };
  }

  private postResult(result: DagResult): void {
    this.post({
      type: 'dag',
      result,
      documentUri: this.document.uri.toString(),
      documentName: this.document.uri.path.split('/').pop() ?? '',
      followCursor: this.followCursor,
    });
  }

  private postCursor(followNow = false): void {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === this.document);
    if (editor) {
      this.post({ type: 'highlight', position: editor.selection.active, uri: this.document.uri.toString() });
      if (followNow) {
        void this.followTo(editor.selection.active);
      }
    }
  }

  private cursorMoved(position: Position | undefined): void {
    if (position === undefined) {
      return;
    }
    this.post({ type: 'highlight', position: { line: position.line, character: position.character }, uri: this.document.uri.toString() });
    if (this.followCursor) {
      this.cursorMoves.schedule(() => void this.followTo(position));
    }
  }

  private async followTo(position: Position): Promise<void> {
    const flows = this.result?.flows ?? [];
    if (flows.length < 2) {
      return;
    }
    const flow = flowAtPosition(await this.documentSymbols(), flows, position);
    if (flow === undefined || flow === this.cursorFlow) {
      return;
    }
    this.cursorFlow = flow;
    if (flow !== this.result?.flow) {
      this.requestedFlow = flow;
      await this.refresh();
    }
  }

  private async documentSymbols(): Promise<SymbolNode[]> {
    const version = this.document.version;
    if (this.symbols?.version !== version) {
      const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(
        'vscode.executeDocumentSymbolProvider',
        this.document.uri,
      );
      this.symbols = { version, nodes: toSymbolNodes(symbols ?? []) };
    }
    return this.symbols.nodes;
  }

  private postDebug(mark: DebugMark): void {
    this.post(
      mark === null
        ? { type: 'debug', state: null, position: null, uri: null }
        : { type: 'debug', state: mark.state, position: mark.location.position, uri: vscode.Uri.file(mark.location.path).toString() },
    );
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.typing.cancel();
    this.cursorMoves.cancel();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.panel.dispose();
    this.onDisposed();
  }
}

/** Owns the one DAG panel: opens it, points it at a document, restores it after a reload. */
export class DagPreview implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private current: DagPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: DagSource,
    private readonly debug: DebugTracking,
  ) {}

  async show(uri: vscode.Uri, flow: string | undefined): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    const editorColumn = vscode.window.visibleTextEditors.find((e) => e.document === document)?.viewColumn;
    if (this.current) {
      this.current.show(document, flow, editorColumn);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DAG_VIEW_TYPE,
      'DAG',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] },
    );
    this.current = this.attach(panel, document, { ...(flow === undefined ? {} : { flow }), ...(editorColumn === undefined ? {} : { editorColumn }) });
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = (typeof state === 'object' && state !== null ? state : {}) as SavedPanelState;
    const uri = typeof saved.documentUri === 'string' ? vscode.Uri.parse(saved.documentUri) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      panel.dispose();
      return;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    this.current?.dispose();
    this.current = this.attach(panel, document, {
      ...(typeof saved.flow === 'string' ? { flow: saved.flow } : {}),
      followCursor: saved.followCursor !== false,
    });
  }

  private attach(
    panel: vscode.WebviewPanel,
    document: vscode.TextDocument,
    options: { flow?: string; followCursor?: boolean; editorColumn?: vscode.ViewColumn },
  ): DagPanel {
    const created: DagPanel = new DagPanel(panel, this.extensionUri, this.source, this.debug, document, options, () => {
      if (this.current === created) {
        this.current = undefined;
      }
    });
    return created;
  }

  dispose(): void {
    this.current?.dispose();
  }
}
