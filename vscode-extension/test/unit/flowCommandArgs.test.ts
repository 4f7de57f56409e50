import { describe, expect, it } from 'vitest';
import { readFlowCommandArgs } from '../../src/commands/flowCommandArgs';

const ACTIVE = 'file:///w/active.nx';

describe('readFlowCommandArgs', () => {
  it('reads a code lens call: [uri string, flow name]', () => {
    expect(readFlowCommandArgs(['file:///w/app.nx', 'main'], ACTIVE)).toEqual({ uri: 'file:///w/app.nx', flow: 'main' });
  });

  it('reads a member flow name', () => {
    expect(readFlowCommandArgs(['file:///w/app.nx', 'Librarian.shelve'], ACTIVE)?.flow).toBe('Librarian.shelve');
  });

  it('reads a vscode.Uri-like first argument and ignores a second argument that is not a flow name', () => {
    const uri = { scheme: 'file', path: '/w/app.nx', toString: () => 'file:///w/app.nx' };
    expect(readFlowCommandArgs([uri, { groupId: 1 }], ACTIVE)).toEqual({ uri: 'file:///w/app.nx', flow: undefined });
  });

  it('reads an LSP TextDocumentIdentifier', () => {
    expect(readFlowCommandArgs([{ uri: 'file:///w/app.nx' }, 'quick'], ACTIVE)).toEqual({ uri: 'file:///w/app.nx', flow: 'quick' });
  });

  it('falls back to the active editor from the command palette', () => {
    expect(readFlowCommandArgs([], ACTIVE)).toEqual({ uri: ACTIVE, flow: undefined });
    expect(readFlowCommandArgs([], undefined)).toBeUndefined();
  });

  it('rejects a flow name that is not a name', () => {
    expect(readFlowCommandArgs(['file:///w/app.nx', 'main; rm -rf /'], ACTIVE)?.flow).toBeUndefined();
  });
});
