import { describe, expect, it } from 'vitest';
import { boxesOverlap, boxOf, connectedParts, estimateText, layoutDag, LABEL_MAX_CHARS, onOutline, shortenLabel, siblingOrder } from '../../webview/layout';
import { everyKindDag, noFlowDag, reviewPipelineDag } from '../fixtures/dagFixtures';

describe('layoutDag', () => {
  const layout = layoutDag(reviewPipelineDag, estimateText);
  const byId = new Map(layout.nodes.map((n) => [n.node.id, n]));
  const at = (id: string) => {
    const node = byId.get(id);
    if (!node) {
      throw new Error(`no node ${id}`);
    }
    return node;
  };

  it('places every node and routes every edge', () => {
    expect(layout.nodes).toHaveLength(reviewPipelineDag.nodes.length);
    expect(layout.edges).toHaveLength(reviewPipelineDag.edges.length);
    for (const edge of layout.edges) {
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('lays out top-down: every edge goes from a higher node to a lower one', () => {
    for (const { edge } of layout.edges) {
      expect(at(edge.source).y).toBeLessThan(at(edge.target).y);
    }
  });

  it('never overlaps two nodes', () => {
    const boxes = layout.nodes.map(boxOf);
    boxes.forEach((a, i) => {
      boxes.slice(i + 1).forEach((b) => {
        expect(boxesOverlap(a, b)).toBe(false);
      });
    });
  });

  it('keeps fan-out branches in source order, left to right', () => {
    expect(at('n3').x).toBeLessThan(at('n4').x); // TechScout, MarketScout
    expect(at('n9').x).toBeLessThan(at('n10').x); // JudgeA, JudgeB
    expect(at('n17').x).toBeLessThan(at('n18').x); // the intents in arm order
    expect(at('n18').x).toBeLessThan(at('n19').x);
  });

  it('places edge labels (intent arms) and fits everything in the reported size', () => {
    const labelled = layout.edges.filter((e) => e.edge.label !== null);
    expect(labelled).toHaveLength(3);
    for (const edge of labelled) {
      expect(edge.labelAt).not.toBe(null);
      expect(edge.labelWidth).toBeGreaterThan(0);
    }
    for (const box of layout.nodes.map(boxOf)) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(layout.width);
      expect(box.bottom).toBeLessThanOrEqual(layout.height);
    }
  });

  it('gives each kind its own shape', () => {
    const gallery = layoutDag(everyKindDag, estimateText);
    const shapes = new Set(gallery.nodes.map((n) => n.shape));
    expect(shapes.size).toBe(everyKindDag.nodes.length);
  });

  it('makes boxes wide enough for their labels, wider for Chinese text', () => {
    const latin = layoutDag({ ...noFlowDag, flow: 'f', flows: ['f'], nodes: [{ id: 'a', kind: 'agent', label: 'Researcher', range: null, uri: null }] }, estimateText);
    const chinese = layoutDag({ ...noFlowDag, flow: 'f', flows: ['f'], nodes: [{ id: 'a', kind: 'agent', label: '研究员研究员研究员', range: null, uri: null }] }, estimateText);
    const latinNode = latin.nodes[0];
    const chineseNode = chinese.nodes[0];
    expect(latinNode && latinNode.width).toBeGreaterThanOrEqual(estimateText.label('Researcher'));
    expect(chineseNode && latinNode && chineseNode.width).toBeGreaterThan(latinNode?.width ?? Infinity);
  });

  it('draws an empty DAG as an empty layout', () => {
    expect(layoutDag(noFlowDag, estimateText)).toMatchObject({ nodes: [], edges: [] });
  });

  it('shows a node without a label by its kind', () => {
    const gallery = layoutDag(everyKindDag, estimateText);
    expect(gallery.nodes.find((n) => n.node.kind === 'fire_and_forget')?.text).toBe('fire & forget');
  });
});

describe('shortenLabel', () => {
  it('keeps short labels and collapses whitespace', () => {
    expect(shortenLabel('  match   routed ')).toBe('match routed');
  });

  it('cuts long labels with an ellipsis, never inside a character', () => {
    const long = '分析'.repeat(30);
    const short = shortenLabel(long);
    expect(Array.from(new Intl.Segmenter().segment(short))).toHaveLength(LABEL_MAX_CHARS);
    expect(short.endsWith('…')).toBe(true);
    expect(shortenLabel('👩‍💻'.repeat(50)).startsWith('👩‍💻')).toBe(true);
  });
});

describe('siblingOrder', () => {
  it('asks for the targets of each source in the order the edges list them', () => {
    expect(
      siblingOrder([
        { source: 'f', target: 'a', label: null },
        { source: 'f', target: 'b', label: null },
        { source: 'f', target: 'c', label: null },
        { source: 'g', target: 'a', label: null },
      ]),
    ).toEqual([
      { left: 'a', right: 'b' },
      { left: 'b', right: 'c' },
    ]);
  });
});

describe('edge ends', () => {
  it('touch the outline of diamonds and ellipses, not their bounding box', () => {
    const layout = layoutDag(reviewPipelineDag, estimateText);
    const branch = layout.nodes.find((n) => n.node.id === 'n13');
    const intent = layout.nodes.find((n) => n.node.id === 'n16');
    if (!branch || !intent) {
      throw new Error('fixture changed');
    }
    for (const { edge, points } of layout.edges) {
      const start = points[0];
      const end = points[points.length - 1];
      if (edge.source === 'n13' && start) {
        // On a diamond: |dx|/rx + |dy|/ry = 1.
        expect(Math.abs(start.x - branch.x) / (branch.width / 2) + Math.abs(start.y - branch.y) / (branch.height / 2)).toBeCloseTo(1, 5);
      }
      if (edge.target === 'n16' && end) {
        expect(Math.hypot((end.x - intent.x) / (intent.width / 2), (end.y - intent.y) / (intent.height / 2))).toBeCloseTo(1, 5);
      }
    }
  });

  it('on a box, end where the line meets its border', () => {
    const layout = layoutDag(reviewPipelineDag, estimateText);
    const editor = layout.nodes.find((n) => n.node.id === 'n6');
    if (!editor) {
      throw new Error('fixture changed');
    }
    expect(onOutline(editor, { x: editor.x, y: editor.y + 500 })).toEqual({ x: editor.x, y: editor.y + editor.height / 2 });
  });
});

describe('layoutDag on a flow of unconnected parts (one per statement, as nexa-lsp draws them)', () => {
  const node = (id: string, label: string) => ({ id, kind: 'agent' as const, label, range: null, uri: null });
  const edge = (source: string, target: string) => ({ source, target, label: null });
  // Three statements: a >> b, c >> d >> e, and a lone f; ids in source order.
  const statements = {
    flow: 'main',
    flows: ['main'],
    nodes: [node('a', 'A'), node('b', 'B'), node('c', 'C'), node('d', 'D'), node('e', 'E'), node('f', 'F')],
    edges: [edge('a', 'b'), edge('c', 'd'), edge('d', 'e')],
  };

  it('finds the parts in source order', () => {
    expect(connectedParts(statements).map((p) => p.nodes.map((n) => n.id))).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
  });

  it('sets the parts side by side in source order when they fit in the width', () => {
    const layout = layoutDag(statements, estimateText, { wrapWidth: 2000 });
    const x = (id: string) => layout.nodes.find((n) => n.node.id === id)?.x ?? Number.NaN;
    expect(x('a')).toBeLessThan(x('c'));
    expect(x('c')).toBeLessThan(x('f'));
    expect(layout.width).toBeLessThanOrEqual(2000);
  });

  it('wraps the parts into rows in a narrow panel, never overlapping, top-down within each part', () => {
    const layout = layoutDag(statements, estimateText, { wrapWidth: 200 });
    const at = (id: string) => layout.nodes.find((n) => n.node.id === id);
    const [a, c, f] = [at('a'), at('c'), at('f')];
    expect(a && c && c.y > a.y).toBe(true);
    expect(c && f && f.y > c.y).toBe(true);
    layout.nodes.forEach((one, i) => {
      layout.nodes.slice(i + 1).forEach((other) => {
        expect(boxesOverlap(boxOf(one), boxOf(other)), `${one.node.id} and ${other.node.id}`).toBe(false);
      });
    });
    for (const { edge: e, points } of layout.edges) {
      expect((at(e.source)?.y ?? 0) < (at(e.target)?.y ?? 0)).toBe(true);
      for (const p of points) {
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.x).toBeLessThanOrEqual(layout.width);
      }
    }
    expect(layout.nodes.map((n) => n.node.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
