/**
 * The built extension (dist/extension.js, with the real vscode-languageclient inside) on the fake host,
 * talking LSP over stdio to fakeLspServer.cjs, a stand-in that logs what it receives and can misbehave.
 * Only what the real nexa-lsp cannot show is tested here (realServer.test.ts covers the rest): the
 * exact messages the client sends (settings in `initialize`, the shutdown sequence), a server without
 * `nexa/dag`, and no server at all. Needs `npm run build` first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as fake from '../host/fakeVscode';
import { loadBundle, newContext, postedOfType, readyPanel, resetHost, until, type Extension } from './bundleHost';

const SERVER = fileURLToPath(new URL('fakeLspServer.cjs', import.meta.url));

let extension: Extension;
let serverLog: string;
const context = newContext();

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

beforeAll(() => {
  extension = loadBundle();
});

beforeEach(() => {
  resetHost(context);
  serverLog = join(mkdtempSync(join(tmpdir(), 'nexa-lsp-log-')), 'log.jsonl');
  process.env.FAKE_LSP_LOG = serverLog;
  delete process.env.FAKE_LSP_NO_DAG;
});

afterEach(async () => {
  await extension.deactivate();
  for (const subscription of context.subscriptions) {
    subscription.dispose();
  }
});

describe('the built extension with a stand-in server', () => {
  it('sends the settings in initialize, then initialized and didOpen', async () => {
    fake.host.settings = { 'nexa.server.path': SERVER, 'nexa.provider': 'openai', 'nexa.model': 'gpt-4o-mini' };
    fake.host.open('/w/app.nx', 'flow main {\n    x >> Editor\n}');
    await extension.activate(context);
    await until(() => loggedMethods().some((m) => m.method === 'textDocument/didOpen'), 'didOpen');
    expect(loggedMethods().map((m) => m.method).slice(0, 2)).toEqual(['initialize', 'initialized']);
    expect(loggedMethods().find((m) => m.method === 'initialize')?.params).toMatchObject({
      initializationOptions: { provider: 'openai', model: 'gpt-4o-mini', check: { severity: 'hint' } },
    });
    expect(loggedMethods().find((m) => m.method === 'textDocument/didOpen')?.params).toMatchObject({
      textDocument: { uri: 'file:///w/app.nx', languageId: 'nexa' },
    });
  });

  it('tells the page when the server has no nexa/dag', async () => {
    process.env.FAKE_LSP_NO_DAG = '1';
    fake.host.settings = { 'nexa.server.path': SERVER };
    fake.host.open('/w/app.nx', 'flow main {}');
    await extension.activate(context);
    await fake.commands.executeCommand('nexa.showDag', 'file:///w/app.nx');
    const panel = await readyPanel();
    await until(() => postedOfType(panel, 'notice').length > 0, 'a notice');
    expect(postedOfType(panel, 'notice')[0]).toEqual({
      type: 'notice',
      severity: 'error',
      message: 'This version of the Nexa language server does not answer nexa/dag.',
    });
  });

  it('shuts the server down on deactivation: shutdown, then exit', async () => {
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
