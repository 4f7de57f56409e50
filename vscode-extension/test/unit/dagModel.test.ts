import { describe, expect, it } from 'vitest';
import { EMPTY_DAG, parseDagResult } from '../../shared/dagModel';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } };

describe('parseDagResult', () => {
  it('reads the documented example shape', () => {
    const parsed = parseDagResult({
      flow: 'main',
      flows: ['main', 'other'],
      nodes: [
        { id: 'n2', kind: 'input', label: 'topic', range, uri: null },
        { id: 'n3', kind: 'agent', label: 'Editor', range, uri: null },
      ],
      edges: [{ source: 'n2', target: 'n3', label: null }],
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        flow: 'main',
        flows: ['main', 'other'],
        nodes: [
          { id: 'n2', kind: 'input', label: 'topic', range, uri: null },
          { id: 'n3', kind: 'agent', label: 'Editor', range, uri: null },
        ],
        edges: [{ source: 'n2', target: 'n3', label: null }],
      },
    });
  });

  it('reads a document without flows (flow null, empty lists) and a null reply as the empty DAG', () => {
    expect(parseDagResult({ flow: null, flows: [], nodes: [], edges: [] })).toEqual({ ok: true, value: EMPTY_DAG });
    expect(parseDagResult(null)).toEqual({ ok: true, value: EMPTY_DAG });
  });

  it('keeps the uri of a node from an included file and drops an empty one', () => {
    const parsed = parseDagResult({
      flow: 'main',
      flows: ['main'],
      nodes: [
        { id: 'a', kind: 'flow_call', label: 'helper', range, uri: 'file:///lib/utils.nxlib' },
        { id: 'b', kind: 'agent', label: 'B', range, uri: '' },
      ],
      edges: [],
    });
    expect(parsed.ok && parsed.value.nodes.map((n) => n.uri)).toEqual(['file:///lib/utils.nxlib', null]);
  });

  it('accepts a node without a range (synthetic input and output nodes)', () => {
    const parsed = parseDagResult({ flow: 'main', flows: ['main'], nodes: [{ id: 'in', kind: 'input', label: 'input' }], edges: [] });
    expect(parsed.ok && parsed.value.nodes[0]?.range).toBe(null);
  });

  it('rejects an unknown node kind, naming the node', () => {
    const parsed = parseDagResult({ flow: 'main', flows: ['main'], nodes: [{ id: 'x', kind: 'teleport', label: '', range }], edges: [] });
    expect(parsed).toEqual({ ok: false, error: 'node x has an unknown kind "teleport"' });
  });

  it('rejects an edge to a node that is not in the list', () => {
    const parsed = parseDagResult({
      flow: 'main',
      flows: ['main'],
      nodes: [{ id: 'a', kind: 'agent', label: 'A', range }],
      edges: [{ source: 'a', target: 'zzz', label: null }],
    });
    expect(parsed).toEqual({ ok: false, error: 'edge 0 refers to a missing node zzz' });
  });

  it('rejects two nodes with one id and a malformed range', () => {
    const twice = parseDagResult({
      flow: 'main',
      flows: ['main'],
      nodes: [
        { id: 'a', kind: 'agent', label: 'A', range },
        { id: 'a', kind: 'agent', label: 'B', range },
      ],
      edges: [],
    });
    expect(twice.ok).toBe(false);
    const badRange = parseDagResult({ flow: 'main', flows: [], nodes: [{ id: 'a', kind: 'agent', range: { start: { line: -1 } } }], edges: [] });
    expect(badRange).toEqual({ ok: false, error: 'node a has a malformed range' });
  });

  it('rejects a reply that is not an object', () => {
    expect(parseDagResult('main')).toEqual({ ok: false, error: 'the reply is not an object' });
  });
});
