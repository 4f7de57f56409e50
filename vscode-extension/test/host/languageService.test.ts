/**
 * Starting `nexa-lsp`: which command line, with which options, and what the user is told when it
 * cannot be found or does not start. The LanguageClient itself is replaced by a recorder.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as vscode from 'vscode';
import { NexaLanguageService } from '../../src/server/languageService';
import { ServerStatusBar } from '../../src/server/statusBar';
import { host, Uri } from './fakeVscode';

interface Recorded {
  id: string;
  serverOptions: { command: string; args: string[] };
  clientOptions: {
    documentSelector: unknown[];
    initializationOptions: unknown;
    middleware: { workspace: { configuration(params: unknown, token: unknown, next: unknown): unknown } };
  };
  requests: { method: string; params: unknown }[];
  stopped: boolean;
}

const clients: Recorded[] = [];
const behaviour = { startFails: undefined as string | undefined };

vi.mock('vscode-languageclient/node', () => ({
  State: { Stopped: 1, Starting: 3, Running: 2 },
  LanguageClient: class {
    readonly record: Recorded;
    constructor(id: string, _name: string, serverOptions: Recorded['serverOptions'], clientOptions: Recorded['clientOptions']) {
      this.record = { id, serverOptions, clientOptions, requests: [], stopped: false };
      clients.push(this.record);
    }
    onDidChangeState() {
      return { dispose: () => undefined };
    }
    start(): Promise<void> {
      return behaviour.startFails === undefined ? Promise.resolve() : Promise.reject(new Error(behaviour.startFails));
    }
    isRunning(): boolean {
      return !this.record.stopped;
    }
    stop(): Promise<void> {
      this.record.stopped = true;
      return Promise.resolve();
    }
    dispose(): Promise<void> {
      return this.stop();
    }
    sendRequest(method: string, params: unknown): Promise<unknown> {
      this.record.requests.push({ method, params });
      return Promise.resolve({ flow: null, flows: [], nodes: [], edges: [] });
    }
  },
}));

function workspaceWithServer(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'nexa-ws-'));
  mkdirSync(join(workspace, '.venv', 'bin'), { recursive: true });
  const server = join(workspace, '.venv', 'bin', 'nexa-lsp');
  writeFileSync(server, '#!/bin/sh\n');
  chmodSync(server, 0o755);
  host.workspaceFolders = [{ uri: Uri.file(workspace), name: 'ws', index: 0 }];
  return server;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

const extensionUri = Uri.file('/ext') as unknown as vscode.Uri;
const realPath = process.env.PATH;

afterAll(() => {
  process.env.PATH = realPath;
});

beforeEach(() => {
  host.reset();
  clients.length = 0;
  behaviour.startFails = undefined;
  // Nothing on PATH: only what a test puts in the workspace or the settings can be found.
  process.env.PATH = '/nonexistent-for-test';
});

describe('NexaLanguageService', () => {
  it('starts the workspace’s nexa-lsp over stdio for Nexa documents, with the settings as initializationOptions', async () => {
    const server = workspaceWithServer();
    host.settings = { 'nexa.provider': 'openai', 'nexa.model': 'gpt-4o-mini', 'nexa.check.severity': 'warning' };
    const service = new NexaLanguageService(extensionUri);
    await service.start();
    expect(service.state).toEqual({ kind: 'running', commandLine: { command: server, args: [], source: 'workspace-venv' } });
    const [client] = clients;
    expect(client?.id).toBe('nexa');
    expect(client?.serverOptions).toMatchObject({ command: server, args: [] });
    expect(client?.clientOptions.documentSelector).toEqual([
      { scheme: 'file', language: 'nexa' },
      { scheme: 'untitled', language: 'nexa' },
    ]);
    expect(client?.clientOptions.initializationOptions).toEqual({ provider: 'openai', model: 'gpt-4o-mini', check: { severity: 'warning' } });
  });

  it('answers workspace/configuration for section nexa with the same settings shape', async () => {
    workspaceWithServer();
    const service = new NexaLanguageService(extensionUri);
    await service.start();
    host.settings = { 'nexa.provider': 'offline', 'nexa.check.severity': 'error' };
    const answer = clients[0]?.clientOptions.middleware.workspace.configuration({ items: [{ section: 'nexa' }] }, undefined, () => ['other']);
    expect(answer).toEqual([{ provider: 'offline', model: '', check: { severity: 'error' } }]);
  });

  it('runs python -m nexa_lsp when a Python is configured', async () => {
    host.settings = { 'nexa.server.pythonPath': process.execPath };
    const service = new NexaLanguageService(extensionUri);
    await service.start();
    expect(clients[0]?.serverOptions).toMatchObject({ command: process.execPath, args: ['-m', 'nexa_lsp'] });
  });

  it('says the server was not found, and opens the install help when asked', async () => {
    host.errorAnswer = 'How to Install';
    const service = new NexaLanguageService(extensionUri);
    await service.start();
    await settle();
    expect(service.state).toMatchObject({ kind: 'not-found', message: 'nexa-lsp was not found' });
    expect(clients).toEqual([]);
    expect(host.errors).toEqual([
      'Nexa: nexa-lsp was not found. Colouring works without it; diagnostics, completion and the DAG preview need the language server.',
    ]);
    expect(host.executed).toEqual([{ command: 'markdown.showPreview', args: [Uri.file('/ext/README.md')] }]);
  });

  it('reports a server that does not start, with the command line', async () => {
    const server = workspaceWithServer();
    behaviour.startFails = 'spawn EACCES';
    const service = new NexaLanguageService(extensionUri);
    await service.start();
    await settle();
    expect(service.state).toMatchObject({ kind: 'failed', message: 'spawn EACCES' });
    expect(host.errors).toEqual([`Nexa: the language server (${server}) did not start: spawn EACCES`]);
  });

  it('refuses requests while not running, with the reason', async () => {
    const service = new NexaLanguageService(extensionUri);
    await service.start({ quiet: true });
    await expect(service.sendRequest('nexa/dag', {})).rejects.toThrow('The Nexa language server is not installed: nexa-lsp was not found.');
    expect(host.errors).toEqual([]);
  });

  it('restarts with a new client', async () => {
    workspaceWithServer();
    const service = new NexaLanguageService(extensionUri);
    await service.start();
    await service.restart();
    expect(clients).toHaveLength(2);
    expect(clients[0]?.stopped).toBe(true);
    expect(service.isRunning).toBe(true);
  });
});

describe('ServerStatusBar', () => {
  it('shows the state while a Nexa file is open, and always when something is wrong', async () => {
    const service = new NexaLanguageService(extensionUri);
    const bar = new ServerStatusBar(service);
    const item = (bar as unknown as { item: { text: string; tooltip: string; visible: boolean; command: string } }).item;
    expect(item.visible).toBe(false);
    await service.start({ quiet: true });
    expect(item).toMatchObject({ text: '$(error) Nexa', visible: true, command: 'nexa.showServerOutput' });
    expect(item.tooltip).toContain('not found');
    workspaceWithServer();
    host.open('/w/app.nx', 'flow main {}');
    await service.restart();
    expect(item).toMatchObject({ text: '$(check) Nexa', visible: true });
    host.open('/w/notes.md', '', 'markdown');
    expect(item.visible).toBe(false);
  });
});
