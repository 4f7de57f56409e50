/** The debug contribution's VS Code side: configuration resolution, the adapter command, the tracker. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type * as vscode from 'vscode';
import { NexaAdapterFactory } from '../../src/debug/adapterFactory';
import { NexaConfigurationProvider } from '../../src/debug/configurationProvider';
import type { DebugMark } from '../../src/debug/debugLocation';
import { DebugTracking } from '../../src/debug/debugTracking';
import { DebugAdapterExecutable, DebugStackFrame, host, Uri, window } from './fakeVscode';

beforeEach(() => {
  host.reset();
});

describe('NexaConfigurationProvider', () => {
  const provider = new NexaConfigurationProvider();
  const folder = { uri: Uri.file('/work/app'), name: 'app', index: 0 } as unknown as vscode.WorkspaceFolder;

  it('completes a configuration with the settings’ provider and model', async () => {
    host.settings = { 'nexa.provider': 'openai', 'nexa.model': 'gpt-4o-mini' };
    const resolved = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, {
      type: 'nexa',
      request: 'launch',
      name: 'x',
      program: '/work/app/main.nx',
    });
    expect(resolved).toMatchObject({ program: '/work/app/main.nx', flow: 'main', cwd: '/work/app', provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('saves the program first when its editor has unsaved changes', async () => {
    const editor = host.open('/work/app/main.nx', 'flow main {}');
    editor.document.isDirty = true;
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'nexa', request: 'launch', name: 'x', program: '/work/app/main.nx' });
    expect(editor.document.saved).toBe(1);
  });

  it('shows the mistake and cancels the launch', async () => {
    const resolved = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, {
      type: 'nexa',
      request: 'launch',
      name: 'x',
      program: '/work/app/main.nx',
      allow: ['root'],
    });
    expect(resolved).toBeUndefined();
    expect(host.errors).toEqual([
      'Nexa launch configuration: "allow" entry "root" is not one of python, shell, approve-all, read:PATH, write:PATH, net:HOST',
    ]);
  });
});

describe('NexaAdapterFactory', () => {
  const log = window.createOutputChannel() as unknown as vscode.LogOutputChannel;
  const session = (cwd?: string) => ({ name: 's', workspaceFolder: undefined, configuration: { cwd } }) as unknown as vscode.DebugSession;

  it('starts the workspace’s .venv/bin/nexa-dap in the configuration’s cwd', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'nexa-ws-'));
    mkdirSync(join(workspace, '.venv', 'bin'), { recursive: true });
    const adapter = join(workspace, '.venv', 'bin', 'nexa-dap');
    writeFileSync(adapter, '#!/bin/sh\n');
    chmodSync(adapter, 0o755);
    host.workspaceFolders = [{ uri: Uri.file(workspace), name: 'ws', index: 0 }];
    const descriptor = new NexaAdapterFactory(log).createDebugAdapterDescriptor(session('/tmp'));
    expect(descriptor).toEqual(new DebugAdapterExecutable(adapter, [], { cwd: '/tmp' }));
  });

  it('runs the adapter module with the configured Python', () => {
    host.settings = { 'nexa.server.pythonPath': process.execPath };
    const descriptor = new NexaAdapterFactory(log).createDebugAdapterDescriptor(session());
    expect(descriptor).toEqual(new DebugAdapterExecutable(process.execPath, ['-m', 'nexa_avm.dap.cli'], {}));
  });

  it('refuses to start with a message saying what to install or set', () => {
    host.settings = { 'nexa.debug.adapterPath': '/nowhere/nexa-dap' };
    expect(() => new NexaAdapterFactory(log).createDebugAdapterDescriptor(session())).toThrow(
      'Nexa: nexa.debug.adapterPath is "/nowhere/nexa-dap", which is not an executable file (looked for: /nowhere/nexa-dap). Install the nexa-suite Python package or set nexa.debug.adapterPath.',
    );
  });
});

describe('DebugTracking', () => {
  it('reports where the active Nexa session is paused, follows the selected frame, clears at the end', () => {
    const tracking = new DebugTracking();
    const marks: DebugMark[] = [];
    tracking.onDidChangeMark((mark) => marks.push(mark));
    const session = { id: 's1', type: 'nexa' };
    host.activeDebugSession = session;
    const factory = host.trackerFactories.find((f) => f.type === 'nexa')?.factory;
    const tracker = factory?.createDebugAdapterTracker(session) as {
      onWillReceiveMessage(m: unknown): void;
      onDidSendMessage(m: unknown): void;
    };
    tracker.onWillReceiveMessage({ type: 'request', seq: 1, command: 'initialize', arguments: { linesStartAt1: true, columnsStartAt1: true } });
    tracker.onDidSendMessage({ type: 'event', event: 'stopped', body: { threadId: 1 } });
    tracker.onWillReceiveMessage({ type: 'request', seq: 2, command: 'stackTrace', arguments: { threadId: 1, startFrame: 0 } });
    tracker.onDidSendMessage({
      type: 'response',
      request_seq: 2,
      command: 'stackTrace',
      success: true,
      body: {
        stackFrames: [
          { id: 7, line: 19, column: 5, source: { path: '/w/app.nx' } },
          { id: 8, line: 30, column: 1, source: { path: '/w/app.nx' } },
        ],
      },
    });
    expect(tracking.current).toEqual({ state: 'paused', location: { path: '/w/app.nx', position: { line: 18, character: 4 } } });
    host.emitters.activeStackItem.fire(new DebugStackFrame(session, 1, 8));
    expect(tracking.current?.location.position).toEqual({ line: 29, character: 0 });
    host.emitters.terminateDebugSession.fire(session);
    expect(tracking.current).toBe(null);
    expect(marks.map((m) => m?.location.position.line ?? null)).toEqual([18, 29, null]);
    tracking.dispose();
  });
});
