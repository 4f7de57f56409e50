/**
 * The built extension (dist/extension.js, with the real vscode-languageclient inside) activated on the
 * fake host, talking LSP over stdio to fakeLspServer.cjs: proves the bundle loads, registers what
 * package.json declares, starts the configured server, syncs documents and carries `nexa/dag` from the
 * DAG panel to the server and back. Needs `npm run build` first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from '../host/fakeVscode';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = fileURLToPath(new URL('fakeLspServer.cjs', import.meta.url));

interface Extension {
  activate(context: { subscriptions: { dispose(): unknown }[]; extensionUri: unknown }): Promise<void>;
  deactivate(): Promise<void>;
}

/**
 * What the fake host does not model (most of the vscode API the language client touches) is an inert
 * stub: classes for capitalised names, event registrations and calls that return disposables.
 */
function inertStub(): unknown {
  return new Proxy(function inert() {
    // Called: does nothing.
  }, {
    get: (_target, property) => (property === 'then' || typeof property === 'symbol' ? undefined : property === 'dispose' ? () => undefined : inertStub()),
    apply: () => ({ dispose: () => undefined }),
    construct: () => ({}),
  });
}

function withStubs<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in object) {
        const value: unknown = Reflect.get(object, property);
        const isNamespace = typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
        return isNamespace ? withStubs(value) : value;
      }
      if (typeof property !== 'string') {
        return undefined;
      }
      if (/^[A-Z]/.test(property)) {
        // A base class the client can extend (CompletionItem, CodeLens, …).
        return class Inert {
          readonly inert = true;
        };
      }
      if (/^on[A-Z]/.test(property)) {
        return () => ({ dispose: () => undefined });
      }
      return inertStub();
    },
  });
}

let extension: Extension;
let serverLog: string;

function loggedMethods(): { method: string | null; params: unknown }[] {
  try {
    return readFileSync(serverLog, 'utf8')
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { method: string | null; params: unknown });
  } catch {
    return [];
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const context = { subscriptions: [] as { dispose(): unknown }[], extensionUri: fake.Uri.file(ROOT.replace(/\/$/, '')) };

beforeAll(() => {
  const vscode = withStubs(fake);
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load.bind(Module);
  loader._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? vscode : load(request, ...rest));
  extension = createRequire(import.meta.url)(join(ROOT, 'dist', 'extension.js')) as Extension;
});

beforeEach(() => {
  fake.host.reset();
  fake.host.files.set(join(ROOT, 'media', 'dag.html'), readFileSync(join(ROOT, 'media', 'dag.html')));
  serverLog = join(mkdtempSync(join(tmpdir(), 'nexa-lsp-log-')), 'log.jsonl');
  process.env.FAKE_LSP_LOG = serverLog;
  delete process.env.FAKE_LSP_NO_DAG;
  context.subscriptions = [];
});

afterEach(async () => {
  await extension.deactivate();
  for (const subscription of context.subscriptions) {
    subscription.dispose();
  }
});

describe('the built extension', () => {
  it('activates, registers the declared commands and starts the configured server over stdio', async () => {
    fake.host.settings = { 'nexa.server.path': SERVER };
    fake.host.open('/w/app.nx', 'flow main {\n    x >> Editor\n}');
    await extension.activate(context);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    expect([...fake.host.commands.keys()].sort()).toEqual(manifest.contributes.commands.map((c) => c.command).sort());
    expect(fake.host.errors).toEqual([]);
    await until(() => loggedMethods().some((m) => m.method === 'textDocument/didOpen'), 'didOpen');
    const methods = loggedMethods().map((m) => m.method);
    expect(methods.slice(0, 2)).toEqual(['initialize', 'initialized']);
    expect(loggedMethods().find((m) => m.method === 'initialize')?.params).toMatchObject({
      initializationOptions: { provider: 'offline', model: '', check: { severity: 'hint' } },
    });
    expect(loggedMethods().find((m) => m.method === 'textDocument/didOpen')?.params).toMatchObject({
      textDocument: { uri: 'file:///w/app.nx', languageId: 'nexa' },
    });
  });

  it('carries nexa/dag from Show DAG to the server and the reply to the page', async () => {
    fake.host.settings = { 'nexa.server.path': SERVER };
    fake.host.open('/w/app.nx', 'flow main {\n    x >> Editor\n}');
    await extension.activate(context);
    await fake.commands.executeCommand('nexa.showDag', 'file:///w/app.nx', 'quick');
    const panel = fake.host.panels[0];
    if (!panel) {
      throw new Error('no DAG panel');
    }
    await until(() => panel.webview.html !== '', 'the page');
    panel.webview.receive.fire({ type: 'ready' });
    await until(() => panel.webview.posted.some((m) => (m as { type: string }).type === 'dag'), 'a DAG for the page');
    expect(loggedMethods().find((m) => m.method === 'nexa/dag')?.params).toEqual({ textDocument: { uri: 'file:///w/app.nx' }, flow: 'quick' });
    expect(panel.webview.posted.find((m) => (m as { type: string }).type === 'dag')).toMatchObject({
      result: { flow: 'quick', flows: ['main', 'quick'], nodes: [{ id: 'n1' }, { id: 'n2', label: 'Editor' }] },
      documentUri: 'file:///w/app.nx',
    });
  });

  it('tells the page when the server has no nexa/dag', async () => {
    process.env.FAKE_LSP_NO_DAG = '1';
    fake.host.settings = { 'nexa.server.path': SERVER };
    fake.host.open('/w/app.nx', 'flow main {}');
    await extension.activate(context);
    await fake.commands.executeCommand('nexa.showDag', 'file:///w/app.nx');
    const panel = fake.host.panels[0];
    if (!panel) {
      throw new Error('no DAG panel');
    }
    await until(() => panel.webview.html !== '', 'the page');
    panel.webview.receive.fire({ type: 'ready' });
    await until(() => panel.webview.posted.some((m) => (m as { type: string }).type === 'notice'), 'a notice');
    expect(panel.webview.posted.find((m) => (m as { type: string }).type === 'notice')).toEqual({
      type: 'notice',
      severity: 'error',
      message: 'This version of the Nexa language server does not answer nexa/dag.',
    });
  });

  it('shuts the server down on deactivation', async () => {
    fake.host.settings = { 'nexa.server.path': SERVER };
    await extension.activate(context);
    await until(() => loggedMethods().some((m) => m.method === 'initialized'), 'initialized');
    await extension.deactivate();
    // The exit notification follows the shutdown reply; the server logs it when it arrives.
    await until(() => loggedMethods().some((m) => m.method === 'exit'), 'exit');
    expect(loggedMethods().map((m) => m.method).slice(-2)).toEqual(['shutdown', 'exit']);
  });

  it('reports a server path that points nowhere, and still registers its commands', async () => {
    fake.host.settings = { 'nexa.server.path': '/nowhere/nexa-lsp' };
    await extension.activate(context);
    expect(fake.host.errors).toEqual([
      'Nexa: nexa.server.path is "/nowhere/nexa-lsp", which is not an executable file. Colouring works without it; diagnostics, completion and the DAG preview need the language server.',
    ]);
    expect(fake.host.commands.has('nexa.showDag')).toBe(true);
  });
});
