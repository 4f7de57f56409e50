/** Run Flow, Debug Flow and Show DAG as the server's code lenses and the command palette call them. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DagPreview } from '../../src/dag/dagPanel';
import { registerFlowCommands } from '../../src/commands/flowCommands';
import { commands, host, Uri } from './fakeVscode';

const shows: { uri: string; flow: string | undefined }[] = [];
const preview = {
  show: (uri: { toString(): string }, flow: string | undefined) => {
    shows.push({ uri: uri.toString(), flow });
    return Promise.resolve();
  },
} as unknown as DagPreview;

beforeEach(() => {
  host.reset();
  shows.length = 0;
  host.workspaceFolders = [{ uri: Uri.file('/work/app'), name: 'app', index: 0 }];
  registerFlowCommands(preview);
});

describe('nexa.runFlow and nexa.debugFlow', () => {
  it('start a noDebug launch of the code lens’s flow', async () => {
    await commands.executeCommand('nexa.runFlow', 'file:///work/app/main.nx', 'quick');
    expect(host.startedDebugging).toEqual([
      {
        folder: host.workspaceFolders[0],
        config: { type: 'nexa', request: 'launch', name: 'Run quick (main.nx)', program: '/work/app/main.nx', flow: 'quick', noDebug: true },
        options: { noDebug: true },
      },
    ]);
  });

  it('debug main of the active Nexa file when called from the palette', async () => {
    host.open('/work/app/main.nx', 'flow main {}');
    await commands.executeCommand('nexa.debugFlow');
    expect(host.startedDebugging[0]).toMatchObject({
      config: { program: '/work/app/main.nx', flow: 'main', noDebug: false },
      options: { noDebug: false },
    });
  });

  it('ask for a Nexa file when none is active', async () => {
    host.open('/work/app/notes.md', '# notes', 'markdown');
    await commands.executeCommand('nexa.runFlow');
    expect(host.startedDebugging).toEqual([]);
    expect(host.warnings).toEqual(['Nexa: open a .nx file first.']);
  });

  it('refuse an unsaved (untitled) document: the VM runs files', async () => {
    await commands.executeCommand('nexa.runFlow', 'untitled:Untitled-1', 'main');
    expect(host.startedDebugging).toEqual([]);
    expect(host.warnings[0]).toContain('save the file');
  });
});

describe('nexa.showDag', () => {
  it('opens the preview on the code lens’s flow', async () => {
    await commands.executeCommand('nexa.showDag', 'file:///work/app/main.nx', 'quick');
    expect(shows).toEqual([{ uri: 'file:///work/app/main.nx', flow: 'quick' }]);
  });

  it('opens the preview of the active file from the editor title button (a Uri argument)', async () => {
    host.open('/work/app/main.nx', 'flow main {}');
    await commands.executeCommand('nexa.showDag', Uri.file('/work/app/main.nx'), { groupId: 0 });
    expect(shows).toEqual([{ uri: 'file:///work/app/main.nx', flow: undefined }]);
  });
});
