import { describe, expect, it } from 'vitest';
import { parseFromWebview, parseToWebview } from '../../shared/messages';

const range = { start: { line: 2, character: 4 }, end: { line: 2, character: 10 } };

describe('parseFromWebview', () => {
  it('reads a reveal request with and without a uri', () => {
    expect(parseFromWebview({ type: 'reveal', range, uri: null })).toEqual({ type: 'reveal', range, uri: null });
    expect(parseFromWebview({ type: 'reveal', range, uri: 'file:///a.nx' })).toEqual({ type: 'reveal', range, uri: 'file:///a.nx' });
  });

  it('ignores a reveal without a usable range', () => {
    expect(parseFromWebview({ type: 'reveal', range: { start: range.start }, uri: null })).toBeUndefined();
  });

  it('reads flow selection, follow toggling and ready', () => {
    expect(parseFromWebview({ type: 'selectFlow', flow: 'quick' })).toEqual({ type: 'selectFlow', flow: 'quick' });
    expect(parseFromWebview({ type: 'selectFlow', flow: '' })).toBeUndefined();
    expect(parseFromWebview({ type: 'followCursor', enabled: false })).toEqual({ type: 'followCursor', enabled: false });
    expect(parseFromWebview({ type: 'followCursor', enabled: 'no' })).toBeUndefined();
    expect(parseFromWebview({ type: 'ready' })).toEqual({ type: 'ready' });
  });

  it('reads exports in the two formats only', () => {
    expect(parseFromWebview({ type: 'export', format: 'png', data: 'iVBOR', flow: 'main' })).toEqual({
      type: 'export',
      format: 'png',
      data: 'iVBOR',
      flow: 'main',
    });
    expect(parseFromWebview({ type: 'export', format: 'gif', data: 'x', flow: 'main' })).toBeUndefined();
    expect(parseFromWebview({ type: 'export', format: 'svg', data: '', flow: 'main' })).toBeUndefined();
  });

  it('ignores unknown messages and non-objects', () => {
    expect(parseFromWebview({ type: 'runShell', command: 'rm -rf /' })).toBeUndefined();
    expect(parseFromWebview('reveal')).toBeUndefined();
    expect(parseFromWebview(null)).toBeUndefined();
  });
});

describe('parseToWebview', () => {
  it('reads a dag message and defaults followCursor to true', () => {
    const message = parseToWebview({
      type: 'dag',
      result: { flow: null, flows: [], nodes: [], edges: [] },
      documentUri: 'file:///a.nx',
      documentName: 'a.nx',
    });
    expect(message).toEqual({
      type: 'dag',
      result: { flow: null, flows: [], nodes: [], edges: [] },
      documentUri: 'file:///a.nx',
      documentName: 'a.nx',
      followCursor: true,
    });
  });

  it('drops a dag message whose result is malformed', () => {
    expect(parseToWebview({ type: 'dag', result: { nodes: [{ id: 'x', kind: '?' }] }, documentUri: 'file:///a.nx' })).toBeUndefined();
  });

  it('reads highlight with a position or null', () => {
    expect(parseToWebview({ type: 'highlight', position: { line: 1, character: 2 }, uri: 'file:///a.nx' })).toEqual({
      type: 'highlight',
      position: { line: 1, character: 2 },
      uri: 'file:///a.nx',
    });
    expect(parseToWebview({ type: 'highlight', position: null, uri: 'file:///a.nx' })).toEqual({
      type: 'highlight',
      position: null,
      uri: 'file:///a.nx',
    });
    expect(parseToWebview({ type: 'highlight', position: { line: 'x' }, uri: 'file:///a.nx' })).toBeUndefined();
  });

  it('reads debug marks and their clearing', () => {
    expect(parseToWebview({ type: 'debug', state: 'paused', position: { line: 4, character: 0 }, uri: 'file:///a.nx' })).toEqual({
      type: 'debug',
      state: 'paused',
      position: { line: 4, character: 0 },
      uri: 'file:///a.nx',
    });
    expect(parseToWebview({ type: 'debug', state: null, position: null, uri: null })).toEqual({
      type: 'debug',
      state: null,
      position: null,
      uri: null,
    });
  });
});
