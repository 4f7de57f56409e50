/**
 * The loop closed: the built extension (dist/extension.js) on the fake host starts the REAL `nexa-lsp`
 * of the repository's `.venv` (found by the tool locator through the workspace folder) and uses what
 * it answers for upstream corpus programs: published diagnostics, `nexa/dag` carried to the page and
 * back as a reveal, code lenses whose commands run, the DAG preview following the cursor.
 * Needs `npm run build` and the Python package installed (scripts/ci.sh checks both).
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseDagResult, type DagResult } from '../../shared/dagModel';
import { copyCorpusFile, dagFromCli, NEXA_LSP, replaceOnce, REPO, requireRealServer } from '../fixtures/realServer';
import * as fake from '../host/fakeVscode';
import { loadBundle, newContext, postedOfType, readyPanel, resetHost, until, type Extension } from './bundleHost';

const SERVER_START_MS = 30_000;
/** The server checks in a worker process; the first answer on a cold machine takes a few seconds. */
const ANSWER_MS = 20_000;

let extension: Extension;
const context = newContext();

function uriOf(path: string): string {
  return pathToFileURL(path).toString();
}

function diagnosticsOf(uri: string): fake.Diagnostic[] {
  return fake.host.diagnosticCollections.flatMap((c) => [...(c.entries.get(uri) ?? [])]);
}

/** The text a range covers (0-based line, UTF-16 character, as LSP and JavaScript strings count). */
function textAt(source: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = source.split('\n');
  if (range.start.line !== range.end.line) {
    throw new Error('a multi-line range');
  }
  return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
}

/** Opens a copy of a corpus program in an editor and asks for its DAG as the Show DAG lens would. */
async function showDagOf(path: string, flow: string): Promise<{ panel: fake.FakePanel; result: DagResult }> {
  fake.host.open(path, readFileSync(path, 'utf8'));
  await fake.commands.executeCommand('nexa.showDag', uriOf(path), flow);
  const panel = await readyPanel();
  await until(() => postedOfType(panel, 'dag').length > 0, 'a DAG for the page', ANSWER_MS);
  const message = postedOfType(panel, 'dag')[0] as { result: DagResult; documentUri: string };
  expect(message.documentUri).toBe(uriOf(path));
  return { panel, result: message.result };
}

beforeAll(async () => {
  requireRealServer();
  extension = loadBundle();
  resetHost(context);
  fake.host.workspaceFolders = [{ uri: fake.Uri.file(REPO), name: 'nexa', index: 0 }];
  await extension.activate(context);
  await until(() => fake.host.statusBarItem?.text !== '$(sync~spin) Nexa', 'the server to start', SERVER_START_MS);
  if (fake.host.statusBarItem?.text !== '$(check) Nexa') {
    throw new Error(`the extension did not start ${NEXA_LSP}: ${fake.host.errors.join('; ')}`);
  }
}, SERVER_START_MS);

afterEach(() => {
  for (const panel of fake.host.panels) {
    panel.dispose();
  }
  fake.host.panels = [];
  fake.host.shown = [];
  fake.host.startedDebugging = [];
});

afterAll(async () => {
  await extension.deactivate();
  for (const subscription of context.subscriptions) {
    subscription.dispose();
  }
});

describe('the built extension with the real nexa-lsp', () => {
  it('finds .venv/bin/nexa-lsp through the workspace folder and starts it without an error', () => {
    expect(fake.host.output.get('Nexa Language Server')).toContainEqual(`info starting ${NEXA_LSP} (found via workspace-venv)`);
    expect(fake.host.errors).toEqual([]);
    expect(fake.host.statusBarItem?.text).toBe('$(check) Nexa');
  });

  it('shows the diagnostic of an error inserted in a corpus program, and drops it when the error is fixed', async () => {
    const path = copyCorpusFile('v1.0/15_dag_topology.nx', (s) => replaceOnce(s, '>> Researcher >> Writer;', '>> Researcher >> Wrter;'));
    const editor = fake.host.open(path, readFileSync(path, 'utf8'));
    const uri = uriOf(path);
    // Pushed and pulled diagnostics land in two collections: wait for both, then count.
    await until(() => diagnosticsOf(uri).length > 0 && fake.host.diagnosticCollections.every((c) => c.has(fake.Uri.parse(uri))), 'diagnostics', ANSWER_MS);
    const [diagnostic, ...others] = diagnosticsOf(uri);
    expect(others, 'each problem listed once').toEqual([]);
    expect(diagnostic?.code).toMatchObject({ value: 'E001' });
    expect(diagnostic?.severity).toBe(fake.DiagnosticSeverity.Error);
    expect(diagnostic?.message).toContain("undeclared runnable 'Wrter'");
    // The range is the misspelt name, on a line after Chinese comments: UTF-16 positions.
    expect(diagnostic && textAt(editor.document.text, diagnostic.range)).toBe('Wrter');

    fake.host.type(editor.document, editor.document.text.replace('>> Wrter;', '>> Writer;'));
    await until(() => diagnosticsOf(uri).length === 0, 'the diagnostic to go', ANSWER_MS);
  });

  it('gives the page the same nexa/dag graph as nexa-lsp --dag for 15_dag_topology.nx (fork, merge, branch)', async () => {
    const path = copyCorpusFile('v1.0/15_dag_topology.nx');
    const [{ result }, cli] = await Promise.all([showDagOf(path, 'main'), dagFromCli(path, 'main')]);
    const parsed = parseDagResult(cli);
    expect(parsed.ok && parsed.value).toEqual(result);
    expect(result.flow).toBe('main');
    expect(new Set(result.nodes.map((n) => n.kind))).toEqual(new Set(['input', 'agent', 'fork', 'merge', 'branch']));
    expect(result.edges.filter((e) => e.label !== null).map((e) => e.label)).toEqual(['yes', 'no']);
  });

  it('gets a nexa/dag graph for test_dag_operators.nx whose node ranges cover the agents’ names', async () => {
    const path = copyCorpusFile('v1.2/test_dag_operators.nx');
    const { result } = await showDagOf(path, 'main');
    const kinds = new Set(result.nodes.map((n) => n.kind));
    for (const kind of ['fork', 'merge', 'consensus', 'fire_and_forget', 'branch'] as const) {
      expect(kinds, kind).toContain(kind);
    }
    const source = readFileSync(path, 'utf8');
    const agents = result.nodes.filter((n) => n.kind === 'agent');
    expect(agents.length).toBeGreaterThan(10);
    for (const agent of agents) {
      expect(agent.range && textAt(source, agent.range), agent.id).toBe(agent.label);
    }
  });

  it('reveals the source of a node the page asks for, in the editor’s column', async () => {
    const path = copyCorpusFile('v1.0/15_dag_topology.nx');
    const { panel, result } = await showDagOf(path, 'main');
    const reviewer = result.nodes.find((n) => n.label === 'Reviewer');
    expect(reviewer?.range).not.toBeNull();
    panel.webview.receive.fire({ type: 'reveal', range: reviewer?.range, uri: null });
    await until(() => fake.host.shown.length > 0, 'the editor to be shown');
    const shown = fake.host.shown[0];
    expect(shown?.uri).toBe(uriOf(path));
    expect(shown?.viewColumn).toBe(fake.ViewColumn.One);
    expect(shown?.selection && textAt(readFileSync(path, 'utf8'), shown.selection)).toBe('Reviewer');
  });

  it('draws an empty graph for a program without flows, with no error', async () => {
    const path = copyCorpusFile('v1.0/15_dag_topology.nx', (s) => s.slice(0, s.indexOf('// 主流程')));
    const { panel, result } = await showDagOf(path, 'main');
    expect(result).toEqual({ flow: null, flows: [], nodes: [], edges: [] });
    expect(postedOfType(panel, 'notice').filter((n) => (n as { severity: string }).severity === 'error')).toEqual([]);
  });

  it('gets Run, Debug and Show DAG code lenses with [uri, flowName] for every flow, and runs them', async () => {
    const path = copyCorpusFile('v1.2/test_flow_params.nx');
    const source = readFileSync(path, 'utf8');
    fake.host.open(path, source);
    const uri = uriOf(path);
    let lenses: fake.CodeLens[] = [];
    await until(() => fake.host.codeLensProviders.length > 0, 'a code lens provider');
    const deadline = Date.now() + ANSWER_MS;
    while (lenses.length === 0 && Date.now() < deadline) {
      lenses = (await fake.commands.executeCommand('vscode.executeCodeLensProvider', fake.Uri.parse(uri))) as fake.CodeLens[];
    }
    const flows = [...source.matchAll(/^flow\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]);
    expect(flows.length).toBeGreaterThan(10);
    const byCommand = (command: string) => lenses.filter((l) => l.command?.command === command);
    for (const command of ['nexa.runFlow', 'nexa.debugFlow', 'nexa.showDag']) {
      expect(byCommand(command).map((l) => l.command?.arguments), command).toEqual(flows.map((flow) => [uri, flow]));
    }
    // Each lens sits on its flow's name.
    for (const lens of byCommand('nexa.showDag')) {
      expect(textAt(source, lens.range)).toBe(lens.command?.arguments?.[1]);
    }

    const run = byCommand('nexa.runFlow').find((l) => l.command?.arguments?.[1] === 'flow_dag_param')?.command;
    const debug = byCommand('nexa.debugFlow').find((l) => l.command?.arguments?.[1] === 'main')?.command;
    await fake.commands.executeCommand(run?.command ?? '', ...(run?.arguments ?? []));
    await fake.commands.executeCommand(debug?.command ?? '', ...(debug?.arguments ?? []));
    expect(fake.host.startedDebugging.map((s) => [s.config.program, s.config.flow, s.config.noDebug === true])).toEqual([
      [path, 'flow_dag_param', true],
      [path, 'main', false],
    ]);
  });

  it('follows the cursor into another flow with the server’s document symbols', async () => {
    const path = copyCorpusFile('v1.2/test_flow_params.nx');
    const { panel } = await showDagOf(path, 'main');
    await until(() => fake.host.documentSymbolProviders.length > 0, 'a document symbol provider', 1000);
    const editor = fake.host.editors.find((e) => e.document.fileName === path);
    const line = editor?.document.text.split('\n').findIndex((l) => l.startsWith('flow flow_dag_param')) ?? -1;
    if (!editor || line < 0) {
      throw new Error('the corpus file changed');
    }
    fake.host.moveCursor(editor, line + 1, 4);
    await until(() => postedOfType(panel, 'dag').some((m) => (m as { result: DagResult }).result.flow === 'flow_dag_param'), 'the DAG of flow_dag_param', ANSWER_MS);
  });

  it('a diagnostic’s code links to its documentation (the reference shipped with nexa-lsp)', async () => {
    const path = copyCorpusFile('v1.0/15_dag_topology.nx', (s) => replaceOnce(s, '>> Researcher >> Writer;', '>> Researcher >> Wrter;'));
    fake.host.open(path, readFileSync(path, 'utf8'));
    await until(() => diagnosticsOf(uriOf(path)).length > 0, 'diagnostics', ANSWER_MS);
    const target = (diagnosticsOf(uriOf(path))[0]?.code as { target?: fake.Uri } | undefined)?.target;
    // VS Code reads a relative href as file:///diagnostics.md: a link to nowhere.
    expect(target?.scheme === 'https' || (target?.scheme === 'file' && existsSync(target.fsPath))).toBe(true);
  });
});
