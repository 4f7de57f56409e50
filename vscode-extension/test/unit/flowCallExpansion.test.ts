/**
 * The one-level expansion of flow calls in the preview (`expandFlowCalls`): a call to another flow of
 * the same document is drawn with that flow's graph hanging under it, and nothing deeper.
 */
import { describe, expect, it } from 'vitest';
import { calledFlows, expandedNodeId, expandFlowCalls, type DagEdge, type DagNode, type DagNodeKind, type DagResult } from '../../shared/dagModel';
import { boxesOverlap, boxOf, estimateText, layoutDag } from '../../webview/layout';

const FLOWS = ['main', 'helper', 'other'];

function at(line: number): DagNode['range'] {
  return { start: { line, character: 2 }, end: { line, character: 8 } };
}

function node(id: string, kind: DagNodeKind, label: string, line: number, uri: string | null = null): DagNode {
  return { id, kind, label, range: at(line), uri };
}

function edge(source: string, target: string, label: string | null = null): DagEdge {
  return { source, target, label };
}

/** main: input → Planner → helper(…) → Writer → output, Writer also from helper with a label. */
const main: DagResult = {
  flow: 'main',
  flows: FLOWS,
  nodes: [
    node('n0', 'input', 'topic', 1),
    node('n1', 'agent', 'Planner', 2),
    node('n2', 'flow_call', 'helper', 3),
    node('n3', 'agent', 'Writer', 4),
    node('n4', 'output', 'result', 1),
  ],
  edges: [edge('n0', 'n1'), edge('n1', 'n2'), edge('n2', 'n3', 'draft'), edge('n3', 'n4')],
};

/** helper: input → Researcher → other(…) → output, and a second, unconnected statement (Logger). */
const helper: DagResult = {
  flow: 'helper',
  flows: FLOWS,
  nodes: [
    node('n0', 'input', 'q', 10, 'file:///work/lib.nxlib'),
    node('n1', 'agent', 'Researcher', 11),
    node('n2', 'flow_call', 'other', 12),
    node('n3', 'output', 'result', 10),
    node('n4', 'agent', 'Logger', 13),
  ],
  edges: [edge('n0', 'n1'), edge('n1', 'n2'), edge('n2', 'n3')],
};

const other: DagResult = {
  flow: 'other',
  flows: FLOWS,
  nodes: [node('n0', 'input', 'x', 20), node('n1', 'agent', 'Deep', 21), node('n2', 'output', 'result', 20)],
  edges: [edge('n0', 'n1'), edge('n1', 'n2')],
};

const graphs = new Map([
  ['helper', helper],
  ['other', other],
  ['main', main],
]);

function idsOf(graph: DagResult): string[] {
  return graph.nodes.map((n) => n.id);
}

function edgesOf(graph: DagResult): string[] {
  return graph.edges.map((e) => `${e.source}->${e.target}${e.label === null ? '' : ` [${e.label}]`}`);
}

describe('calledFlows', () => {
  it('lists each other flow of the document that is called, once, in order of appearance', () => {
    const graph: DagResult = {
      ...main,
      nodes: [
        ...main.nodes,
        node('n5', 'flow_call', 'other', 5),
        node('n6', 'flow_call', 'helper', 6),
        node('n7', 'flow_call', 'main', 7),
        node('n8', 'flow_call', 'imported_elsewhere', 8),
        node('n9', 'agent', 'helper', 9),
      ],
    };
    expect(calledFlows(graph)).toEqual(['helper', 'other']);
  });
});

describe('expandFlowCalls', () => {
  const expanded = expandFlowCalls(main, graphs);

  it('adds the callee’s nodes right after the call node, with ids prefixed by the call node’s id', () => {
    expect(idsOf(expanded)).toEqual(['n0', 'n1', 'n2', 'n2/n0', 'n2/n1', 'n2/n2', 'n2/n3', 'n2/n4', 'n3', 'n4']);
    expect(new Set(idsOf(expanded)).size).toBe(expanded.nodes.length);
    expect(expandedNodeId('n2', 'n1')).toBe('n2/n1');
  });

  it('gives the same ids for the same input (stable across redraws)', () => {
    expect(expandFlowCalls(main, graphs)).toEqual(expanded);
    expect(idsOf(expandFlowCalls(structuredClone(main), new Map([['helper', structuredClone(helper)]])))).toEqual(idsOf(expanded));
  });

  it('keeps the callee nodes’ kind, label, range and uri (a click reveals them in the callee)', () => {
    const byId = new Map(expanded.nodes.map((n) => [n.id, n]));
    expect(byId.get('n2/n0')).toEqual({ id: 'n2/n0', kind: 'input', label: 'q', range: at(10), uri: 'file:///work/lib.nxlib' });
    expect(byId.get('n2/n1')).toEqual({ id: 'n2/n1', kind: 'agent', label: 'Researcher', range: at(11), uri: null });
    // The call node itself stays, as the header of the expansion.
    expect(byId.get('n2')).toEqual(main.nodes[2]);
  });

  it('hangs the callee under the call node and continues from its output to the call’s successors', () => {
    expect(edgesOf(expanded)).toEqual([
      'n0->n1',
      'n1->n2',
      'n2/n3->n3 [draft]',
      'n3->n4',
      'n2->n2/n0',
      'n2->n2/n4',
      'n2/n0->n2/n1',
      'n2/n1->n2/n2',
      'n2/n2->n2/n3',
    ]);
  });

  it('produces only edges between existing nodes, and leaves every node connected to the call’s part', () => {
    const ids = new Set(idsOf(expanded));
    for (const e of expanded.edges) {
      expect(ids.has(e.source), e.source).toBe(true);
      expect(ids.has(e.target), e.target).toBe(true);
    }
    // The predecessors of the call still end at the call node; nothing points back into it from the callee.
    expect(expanded.edges.filter((e) => e.target === 'n2').map((e) => e.source)).toEqual(['n1']);
  });

  it('does not expand a flow call inside the expansion (recursion stops at one level)', () => {
    const inner = expanded.nodes.find((n) => n.id === 'n2/n2');
    expect(inner).toMatchObject({ kind: 'flow_call', label: 'other' });
    expect(expanded.nodes.some((n) => n.label === 'Deep')).toBe(false);
    expect(expanded.nodes.some((n) => n.id.split('/').length > 2)).toBe(false);
  });

  it('does not expand a call of the flow to itself', () => {
    const recursive: DagResult = {
      ...main,
      nodes: [node('n0', 'input', 'topic', 1), node('n1', 'flow_call', 'main', 2), node('n2', 'output', 'result', 1)],
      edges: [edge('n0', 'n1'), edge('n1', 'n2')],
    };
    expect(expandFlowCalls(recursive, graphs)).toEqual(recursive);
  });

  it('leaves a call as it is when the callee is not a flow of the document or its graph is missing', () => {
    const unknown: DagResult = { ...main, nodes: main.nodes.map((n) => (n.id === 'n2' ? { ...n, label: 'imported' } : n)) };
    expect(expandFlowCalls(unknown, new Map([['imported', helper]]))).toEqual(unknown);
    expect(expandFlowCalls(main, new Map())).toEqual(main);
  });

  it('keeps the call’s outgoing edges on the call node when the callee has no output', () => {
    const noOutput: DagResult = { ...helper, nodes: helper.nodes.filter((n) => n.kind !== 'output'), edges: [edge('n0', 'n1')] };
    const result = expandFlowCalls(main, new Map([['helper', noOutput]]));
    expect(edgesOf(result)).toContain('n2->n3 [draft]');
    expect(edgesOf(result)).toContain('n2->n2/n0');
  });

  it('expands each call separately, two calls of the same flow getting distinct ids', () => {
    const twice: DagResult = {
      ...main,
      nodes: [node('n0', 'input', 'topic', 1), node('n1', 'flow_call', 'other', 2), node('n2', 'flow_call', 'other', 3)],
      edges: [edge('n0', 'n1'), edge('n1', 'n2')],
    };
    const result = expandFlowCalls(twice, graphs);
    expect(idsOf(result)).toEqual(['n0', 'n1', 'n1/n0', 'n1/n1', 'n1/n2', 'n2', 'n2/n0', 'n2/n1', 'n2/n2']);
    expect(edgesOf(result)).toEqual(['n0->n1', 'n1/n2->n2', 'n1->n1/n0', 'n1/n0->n1/n1', 'n1/n1->n1/n2', 'n2->n2/n0', 'n2/n0->n2/n1', 'n2/n1->n2/n2']);
  });

  it('leaves a call unexpanded rather than give two nodes the same id', () => {
    const clash: DagResult = { ...main, nodes: [...main.nodes, node('n2/n0', 'agent', 'Odd', 9)] };
    expect(expandFlowCalls(clash, graphs)).toEqual(clash);
  });

  it('does not change its arguments', () => {
    const before = structuredClone(main);
    expandFlowCalls(main, graphs);
    expect(main).toEqual(before);
  });

  it('lays out top-down without overlaps: header, then the callee, then the call’s successors', () => {
    const layout = layoutDag(expanded, estimateText);
    const y = new Map(layout.nodes.map((n) => [n.node.id, n.y]));
    const yOf = (id: string): number => y.get(id) ?? Number.NaN;
    expect(yOf('n2')).toBeLessThan(yOf('n2/n0'));
    expect(yOf('n2/n3')).toBeLessThan(yOf('n3'));
    const boxes = layout.nodes.map(boxOf);
    boxes.forEach((a, i) => {
      boxes.slice(i + 1).forEach((b) => {
        expect(boxesOverlap(a, b)).toBe(false);
      });
    });
  });
});
