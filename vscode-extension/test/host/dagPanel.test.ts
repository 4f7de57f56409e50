/**
 * The DAG panel's decisions, with the fake VS Code host: what it requests from the server and when,
 * and what it tells the page, as the user opens, types, moves the cursor, clicks and debugs.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as vscode from 'vscode';
import type { DagResult } from '../../shared/dagModel';
import type { ToWebview } from '../../shared/messages';
import type { DebugMark } from '../../src/debug/debugLocation';
import type { DebugTracking } from '../../src/debug/debugTracking';
import { DagPreview, type DagSource } from '../../src/dag/dagPanel';
import { quickFlowDag, rangeOf, REVIEW_PIPELINE_SOURCE, reviewPipelineDag } from '../fixtures/dagFixtures';
import { DocumentSymbol, EventEmitter, host, Range, SymbolInformation, SymbolKind, Uri, type FakeEditor, type FakePanel } from './fakeVscode';

const EXTENSION = Uri.file('/ext');
const PROGRAM = '/work/app/review_pipeline.nx';
const PROGRAM_URI = `file://${PROGRAM}`;

/** The server: answers `nexa/dag` from the fixtures by requested flow, records every request. */
class FakeServer implements DagSource {
  isRunning = true;
  readonly requests: { method: string; params: { textDocument: { uri: string }; flow?: string } }[] = [];
  readonly state = new EventEmitter<unknown>();
  readonly onDidChangeState = this.state.event;
  answer: (params: { flow?: string }) => Promise<unknown> = (params) =>
    Promise.resolve(withUri(params.flow === 'quick' ? quickFlowDag : reviewPipelineDag));

  sendRequest<R>(method: string, params: unknown): Promise<R> {
    const typed = params as { textDocument: { uri: string }; flow?: string };
    this.requests.push({ method, params: typed });
    return this.answer(typed) as Promise<R>;
  }

  unavailableReason(): string {
    return 'The Nexa language server is not installed: nexa-lsp was not found.';
  }
}

function withUri(result: DagResult): DagResult {
  return result;
}

class FakeDebugTracking {
  current: DebugMark = null;
  readonly changed = new EventEmitter<DebugMark>();
  readonly onDidChangeMark = this.changed.event;
}

let server: FakeServer;
let debugTracking: FakeDebugTracking;
let preview: DagPreview;
let editor: FakeEditor;

function panel(): FakePanel {
  const [only] = host.panels;
  if (!only) {
    throw new Error('no panel');
  }
  return only;
}

function posted(): ToWebview[] {
  return panel().webview.posted as ToWebview[];
}

function postedOf<T extends ToWebview['type']>(type: T): Extract<ToWebview, { type: T }>[] {
  return posted().filter((m): m is Extract<ToWebview, { type: T }> => m.type === type);
}

/** Lets promise callbacks (requests, page load) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

async function fromPage(message: unknown): Promise<void> {
  panel().webview.receive.fire(message);
  await settle();
}

/** A flow's symbol: its whole declaration as range, the name line as selection range. */
function symbol(name: string, range: Range): DocumentSymbol {
  return new DocumentSymbol(name, '', SymbolKind.Function, range, new Range(range.start.line, 0, range.start.line, 0));
}

function symbolsOfFixture(): DocumentSymbol[] {
  const lines = REVIEW_PIPELINE_SOURCE.split('\n');
  const lineOf = (text: string) => lines.findIndex((l) => l.startsWith(text));
  const main = symbol('main', new Range(lineOf('flow main'), 0, lineOf('flow quick') - 2, 1));
  const quick = symbol('quick', new Range(lineOf('flow quick'), 0, lines.length - 1, 1));
  return [main, quick];
}

beforeEach(async () => {
  vi.useFakeTimers();
  host.reset();
  host.files.set('/ext/media/dag.html', readFileSync(new URL('../../media/dag.html', import.meta.url)));
  host.symbols = symbolsOfFixture();
  server = new FakeServer();
  debugTracking = new FakeDebugTracking();
  preview = new DagPreview(EXTENSION as unknown as vscode.Uri, server, debugTracking as unknown as DebugTracking);
  editor = host.open(PROGRAM, REVIEW_PIPELINE_SOURCE);
  await preview.show(Uri.file(PROGRAM) as unknown as vscode.Uri, undefined);
  await settle();
  await fromPage({ type: 'ready' });
});

afterEach(() => {
  preview.dispose();
  vi.useRealTimers();
});

describe('opening the preview', () => {
  it('opens one panel beside the editor, titled after the document, with the page and its CSP', () => {
    expect(host.panels).toHaveLength(1);
    expect(panel().viewColumn).toBe(-2); // ViewColumn.Beside
    expect(panel().title).toBe('DAG: review_pipeline.nx');
    const html = panel().webview.html;
    expect(html).toContain('src="https://fake.vscode-resource/ext/media/dag.js"');
    expect(html).toMatch(/script-src 'nonce-[A-Za-z0-9]{32}'/);
  });

  it('asks the server for the document’s DAG and sends it to the page', () => {
    expect(server.requests[0]).toEqual({ method: 'nexa/dag', params: { textDocument: { uri: PROGRAM_URI } } });
    expect(postedOf('dag').at(-1)).toMatchObject({
      result: { flow: 'main' },
      documentUri: PROGRAM_URI,
      documentName: 'review_pipeline.nx',
      followCursor: true,
    });
  });

  it('reuses the panel for a second Show DAG, switching to the flow asked for', async () => {
    await preview.show(Uri.file(PROGRAM) as unknown as vscode.Uri, 'quick');
    await settle();
    expect(host.panels).toHaveLength(1);
    expect(server.requests.at(-1)?.params.flow).toBe('quick');
    expect(postedOf('dag').at(-1)?.result.flow).toBe('quick');
  });
});

describe('live updates', () => {
  it('re-requests once, 300 ms after the last keystroke', async () => {
    const before = server.requests.length;
    host.type(editor.document, `${REVIEW_PIPELINE_SOURCE}\n`);
    await vi.advanceTimersByTimeAsync(100);
    host.type(editor.document, `${REVIEW_PIPELINE_SOURCE}\n\n`);
    await vi.advanceTimersByTimeAsync(299);
    expect(server.requests.length).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(server.requests.length).toBe(before + 1);
  });

  it('drops a slow reply for older text when a newer one has arrived', async () => {
    let releaseOld: (value: unknown) => void = () => undefined;
    server.answer = () =>
      new Promise((resolve) => {
        releaseOld = resolve;
      });
    host.type(editor.document, 'old');
    await vi.advanceTimersByTimeAsync(300);
    server.answer = () => Promise.resolve(quickFlowDag);
    host.type(editor.document, 'new');
    await vi.advanceTimersByTimeAsync(300);
    await settle();
    releaseOld(reviewPipelineDag);
    await settle();
    expect(postedOf('dag').at(-1)?.result.flow).toBe('quick');
  });
});

describe('the cursor', () => {
  it('sends the cursor position for the highlight', () => {
    const editorRange = rangeOf('Editor', 'flow main(');
    host.moveCursor(editor, editorRange.start.line, editorRange.start.character + 1);
    expect(postedOf('highlight').at(-1)).toEqual({
      type: 'highlight',
      position: { line: editorRange.start.line, character: editorRange.start.character + 1 },
      uri: PROGRAM_URI,
    });
  });

  it('switches to the flow the cursor enters, after a short pause', async () => {
    const quickLine = REVIEW_PIPELINE_SOURCE.split('\n').findIndex((l) => l.startsWith('flow quick')) + 1;
    host.moveCursor(editor, quickLine, 4);
    await vi.advanceTimersByTimeAsync(120);
    await settle();
    expect(server.requests.at(-1)?.params.flow).toBe('quick');
    expect(postedOf('dag').at(-1)?.result.flow).toBe('quick');
  });

  it('also follows a server that answers document symbols as flat SymbolInformation', async () => {
    const lines = REVIEW_PIPELINE_SOURCE.split('\n');
    const quickLine = lines.findIndex((l) => l.startsWith('flow quick'));
    host.symbols = [new SymbolInformation('quick', SymbolKind.Function, '', { range: new Range(quickLine, 0, lines.length - 1, 1) })];
    host.moveCursor(editor, quickLine + 1, 4);
    await vi.advanceTimersByTimeAsync(120);
    await settle();
    expect(server.requests.at(-1)?.params.flow).toBe('quick');
  });

  it('keeps a flow picked in the page while the cursor moves within the same flow', async () => {
    const mainLine = rangeOf('Editor', 'flow main(').start.line;
    host.moveCursor(editor, mainLine, 4);
    await vi.advanceTimersByTimeAsync(120);
    await fromPage({ type: 'selectFlow', flow: 'quick' });
    expect(postedOf('dag').at(-1)?.result.flow).toBe('quick');
    host.moveCursor(editor, mainLine + 1, 4);
    await vi.advanceTimersByTimeAsync(120);
    await settle();
    expect(postedOf('dag').at(-1)?.result.flow).toBe('quick');
  });

  it('does not switch flows when following is turned off in the page', async () => {
    await fromPage({ type: 'followCursor', enabled: false });
    const before = server.requests.length;
    const quickLine = REVIEW_PIPELINE_SOURCE.split('\n').findIndex((l) => l.startsWith('flow quick')) + 1;
    host.moveCursor(editor, quickLine, 4);
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(server.requests.length).toBe(before);
  });
});

describe('messages from the page', () => {
  it('reveals a clicked node’s range in the editor’s column', async () => {
    const range = rangeOf('Chair', 'flow main(');
    await fromPage({ type: 'reveal', range, uri: null });
    expect(host.shown).toEqual([
      { uri: PROGRAM_URI, selection: new Range(range.start.line, range.start.character, range.end.line, range.end.character), viewColumn: 1 },
    ]);
  });

  it('reveals a node of an included file in that file', async () => {
    const range = { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } };
    await fromPage({ type: 'reveal', range, uri: 'file:///work/app/utils.nxlib' });
    expect(host.shown[0]?.uri).toBe('file:///work/app/utils.nxlib');
  });

  it('saves an SVG export where the user chooses', async () => {
    host.saveDialogAnswer = Uri.file('/work/app/out.svg');
    await fromPage({ type: 'export', format: 'svg', data: '<svg/>', flow: 'main' });
    expect(new TextDecoder().decode(host.files.get('/work/app/out.svg'))).toBe('<svg/>');
  });

  it('saves a PNG export as the decoded bytes', async () => {
    host.saveDialogAnswer = Uri.file('/work/app/out.png');
    await fromPage({ type: 'export', format: 'png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'), flow: 'main' });
    expect([...(host.files.get('/work/app/out.png') ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('ignores messages that are not part of the protocol', async () => {
    const before = server.requests.length;
    await fromPage({ type: 'runShell', command: 'rm -rf /' });
    await fromPage({ type: 'reveal', range: 'everything' });
    expect(host.shown).toEqual([]);
    expect(server.requests.length).toBe(before);
  });
});

describe('when the server cannot answer', () => {
  it('says why when the server is not running, and draws once it runs', async () => {
    server.isRunning = false;
    await fromPage({ type: 'selectFlow', flow: 'quick' });
    expect(postedOf('notice').at(-1)).toEqual({
      type: 'notice',
      severity: 'error',
      message: 'The Nexa language server is not installed: nexa-lsp was not found.',
    });
    server.isRunning = true;
    server.state.fire('running');
    await settle();
    expect(postedOf('dag').at(-1)?.result.flow).toBe('quick');
    expect(postedOf('notice').at(-1)).toMatchObject({ message: null });
  });

  it('explains a server without nexa/dag', async () => {
    server.answer = () => Promise.reject(Object.assign(new Error('Unhandled method nexa/dag'), { code: -32601 }));
    await fromPage({ type: 'selectFlow', flow: 'main' });
    expect(postedOf('notice').at(-1)?.message).toBe('This version of the Nexa language server does not answer nexa/dag.');
  });

  it('shows the server’s choice, and says so, when the requested flow is gone (InvalidParams)', async () => {
    server.answer = (params) =>
      params.flow === 'quick'
        ? Promise.reject(Object.assign(new Error("unknown flow 'quick'; the program's flows are: main"), { code: -32602 }))
        : Promise.resolve(reviewPipelineDag);
    await fromPage({ type: 'selectFlow', flow: 'quick' });
    await settle();
    expect(server.requests.slice(-2).map((r) => r.params.flow)).toEqual(['quick', undefined]);
    expect(postedOf('dag').at(-1)?.result.flow).toBe('main');
    expect(postedOf('notice').at(-1)).toEqual({ type: 'notice', severity: 'info', message: 'The flow quick is not in the document any more; showing main.' });
    // From then on the server chooses; the gone flow is not asked for again.
    host.type(editor.document, `${editor.document.text}\n`);
    await vi.advanceTimersByTimeAsync(400);
    expect(server.requests.at(-1)?.params.flow).toBeUndefined();
  });

  it('reports other request errors with the server’s message', async () => {
    server.answer = () => Promise.reject(Object.assign(new Error('internal error'), { code: -32603 }));
    await fromPage({ type: 'selectFlow', flow: 'main' });
    expect(postedOf('notice').at(-1)?.message).toBe('Could not get the DAG: internal error');
  });

  it('reports a malformed reply instead of drawing it', async () => {
    server.answer = () => Promise.resolve({ flow: 'main', flows: ['main'], nodes: [{ id: 'a', kind: 'wormhole' }], edges: [] });
    await fromPage({ type: 'selectFlow', flow: 'main' });
    expect(postedOf('notice').at(-1)?.message).toBe('The server\'s DAG could not be read: node a has an unknown kind "wormhole".');
  });
});

describe('other documents and the debugger', () => {
  it('follows the active editor to another Nexa document', async () => {
    host.open('/work/app/other.nx', 'flow main { }');
    await settle();
    expect(server.requests.at(-1)?.params.textDocument.uri).toBe('file:///work/app/other.nx');
    expect(panel().title).toBe('DAG: other.nx');
  });

  it('stays on its document when a non-Nexa editor becomes active', async () => {
    const before = server.requests.length;
    host.open('/work/app/notes.md', '# notes', 'markdown');
    await settle();
    expect(server.requests.length).toBe(before);
  });

  it('passes the debugger’s mark on with the file as a URI, and its clearing', () => {
    debugTracking.changed.fire({ state: 'paused', location: { path: PROGRAM, position: { line: 18, character: 4 } } });
    expect(postedOf('debug').at(-1)).toEqual({ type: 'debug', state: 'paused', position: { line: 18, character: 4 }, uri: PROGRAM_URI });
    debugTracking.changed.fire(null);
    expect(postedOf('debug').at(-1)).toEqual({ type: 'debug', state: null, position: null, uri: null });
  });

  it('sends the current debugger mark to a page that (re)loads', async () => {
    debugTracking.current = { state: 'running', location: { path: PROGRAM, position: { line: 18, character: 4 } } };
    await fromPage({ type: 'ready' });
    expect(postedOf('debug').at(-1)).toMatchObject({ state: 'running', uri: PROGRAM_URI });
  });
});

describe('calls to other flows', () => {
  const callRange = rangeOf('Editor', 'flow main(');
  /** main with its Editor replaced by a call of the flow quick (and a call of itself). */
  const mainCallingQuick: DagResult = {
    ...reviewPipelineDag,
    nodes: reviewPipelineDag.nodes.map((n) =>
      n.id === 'n6' ? { ...n, kind: 'flow_call', label: 'quick', range: callRange } : n.id === 'n19' ? { ...n, kind: 'flow_call', label: 'main' } : n,
    ),
  };

  it('asks for the called flow’s graph too and sends the page the call expanded one level', async () => {
    server.answer = (params) => Promise.resolve(params.flow === 'quick' ? quickFlowDag : mainCallingQuick);
    const before = server.requests.length;
    await fromPage({ type: 'selectFlow', flow: 'main' });
    await settle();
    // main, then quick for the call; never main again for the call of main to itself.
    expect(server.requests.slice(before).map((r) => r.params)).toEqual([
      { textDocument: { uri: PROGRAM_URI }, flow: 'main' },
      { textDocument: { uri: PROGRAM_URI }, flow: 'quick' },
    ]);
    const result = postedOf('dag').at(-1)?.result;
    expect(result?.flow).toBe('main');
    expect(result?.nodes.filter((n) => n.id.startsWith('n6/')).map((n) => [n.id, n.label])).toEqual([
      ['n6/q1', 'topic'],
      ['n6/q2', 'TechScout'],
      ['n6/q3', 'Editor'],
      ['n6/q4', 'return'],
    ]);
    // The expanded nodes keep quick's ranges, so a click on one reveals it in quick.
    const techScout = result?.nodes.find((n) => n.id === 'n6/q2');
    expect(techScout?.range).toEqual(rangeOf('TechScout', 'flow quick('));
    expect(result?.edges).toContainEqual({ source: 'n6', target: 'n6/q1', label: null });
    expect(result?.edges).toContainEqual({ source: 'n6/q4', target: 'n7', label: null });
    expect(result?.nodes.find((n) => n.id === 'n19')).toMatchObject({ kind: 'flow_call', label: 'main' });
    expect(result?.nodes.some((n) => n.id.startsWith('n19/'))).toBe(false);

    await fromPage({ type: 'reveal', range: techScout?.range, uri: techScout?.uri ?? null });
    const range = rangeOf('TechScout', 'flow quick(');
    expect(host.shown.at(-1)).toEqual({
      uri: PROGRAM_URI,
      selection: new Range(range.start.line, range.start.character, range.end.line, range.end.character),
      viewColumn: 1,
    });
  });

  it('draws the call unexpanded when the called flow’s graph cannot be had', async () => {
    server.answer = (params) =>
      params.flow === 'quick' ? Promise.reject(Object.assign(new Error('internal error'), { code: -32603 })) : Promise.resolve(mainCallingQuick);
    await fromPage({ type: 'selectFlow', flow: 'main' });
    await settle();
    expect(postedOf('dag').at(-1)?.result).toEqual(mainCallingQuick);
    expect(postedOf('notice').at(-1)).toMatchObject({ message: null });
  });

  it('drops the expansion of a graph that a newer request has replaced', async () => {
    let releaseCallee: (value: unknown) => void = () => undefined;
    server.answer = (params) =>
      params.flow === 'quick'
        ? new Promise((resolve) => {
            releaseCallee = resolve;
          })
        : Promise.resolve(mainCallingQuick);
    await fromPage({ type: 'selectFlow', flow: 'main' });
    server.answer = () => Promise.resolve(quickFlowDag);
    await fromPage({ type: 'selectFlow', flow: 'quick' });
    releaseCallee(quickFlowDag);
    await settle();
    expect(postedOf('dag').at(-1)?.result).toEqual(quickFlowDag);
  });
});
