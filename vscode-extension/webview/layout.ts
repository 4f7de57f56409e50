/**
 * From a `nexa/dag` result to a laid-out graph: node boxes with their centres, edges as polylines.
 *
 * Pure: text width comes from an injected measure, so the same code runs in the webview (canvas
 * metrics) and in unit tests (an estimate). Layout is dagre's layered layout, top to bottom, which is
 * how a reader follows a pipeline.
 */
import dagre from '@dagrejs/dagre';
import type { DagEdge, DagNode, DagResult } from '../shared/dagModel';
import { horizontalPadding, KIND_STYLES, minimumHeight, type Family, type Shape } from './nodeKinds';

export interface TextMeasure {
  /** Width in pixels of `text` in the label font. */
  label(text: string): number;
  /** Width in pixels of `text` in the caption font. */
  caption(text: string): number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutNode {
  readonly node: DagNode;
  readonly shape: Shape;
  readonly family: Family;
  readonly caption: string;
  /** The label as drawn (shortened when very long; the full text is in the tooltip). */
  readonly text: string;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LayoutEdge {
  readonly edge: DagEdge;
  readonly points: readonly Point[];
  /** Centre of the label, when the edge has one. */
  readonly labelAt: Point | null;
  readonly labelWidth: number;
}

export interface LayoutModel {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
}

export const LABEL_MAX_CHARS = 40;
const EDGE_LABEL_HEIGHT = 18;
const MARGIN = 24;

/** Rough width for tests and for the first paint before fonts load: CJK characters are wide. */
export const estimateText: TextMeasure = {
  label: (text) => widthEstimate(text, 7.4),
  caption: (text) => widthEstimate(text, 6.2),
};

function widthEstimate(text: string, perChar: number): number {
  let width = 0;
  for (const { segment: ch } of graphemes.segment(text)) {
    width += /[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? perChar * 1.9
      : perChar;
  }
  return width;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function shortenLabel(label: string): string {
  // Count user-perceived characters, so a cut never splits an emoji or a combined character.
  const chars = Array.from(graphemes.segment(label.replace(/\s+/g, ' ').trim()), (s) => s.segment);
  return chars.length > LABEL_MAX_CHARS ? `${chars.slice(0, LABEL_MAX_CHARS - 1).join('')}…` : chars.join('');
}

/** The drawn text of a node: its label, or its caption when the server sent no label. */
function displayText(node: DagNode): string {
  return shortenLabel(node.label === '' ? KIND_STYLES[node.kind].caption : node.label);
}

export interface LayoutOptions {
  /**
   * The width to fill (the panel's): the unconnected parts of a flow (one per statement, as the server
   * draws them) are set side by side in source order and wrap to a new row past this width. Without
   * it, one row.
   */
  readonly wrapWidth?: number;
}

const PART_GAP_X = 56;
const PART_GAP_Y = 44;

export function layoutDag(result: DagResult, measure: TextMeasure, options: LayoutOptions = {}): LayoutModel {
  const parts = connectedParts(result);
  if (parts.length <= 1) {
    return layoutPart(result.nodes, result.edges, measure, MARGIN);
  }
  const laid = parts.map((part) => layoutPart(part.nodes, part.edges, measure, 0));
  const widest = Math.max(...laid.map((part) => part.width));
  const rowLimit = Math.max(widest, (options.wrapWidth ?? Number.POSITIVE_INFINITY) - 2 * MARGIN);
  const placedNodes = new Map<DagNode, LayoutNode>();
  const placedEdges = new Map<DagEdge, LayoutEdge>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const part of laid) {
    if (x > 0 && x + part.width > rowLimit) {
      x = 0;
      y += rowHeight + PART_GAP_Y;
      rowHeight = 0;
    }
    const dx = MARGIN + x;
    const dy = MARGIN + y;
    for (const node of part.nodes) {
      placedNodes.set(node.node, { ...node, x: node.x + dx, y: node.y + dy });
    }
    for (const edge of part.edges) {
      placedEdges.set(edge.edge, {
        ...edge,
        points: edge.points.map((p) => ({ x: p.x + dx, y: p.y + dy })),
        labelAt: edge.labelAt && { x: edge.labelAt.x + dx, y: edge.labelAt.y + dy },
      });
    }
    width = Math.max(width, x + part.width);
    rowHeight = Math.max(rowHeight, part.height);
    x += part.width + PART_GAP_X;
  }
  return {
    width: Math.ceil(width + 2 * MARGIN),
    height: Math.ceil(y + rowHeight + 2 * MARGIN),
    nodes: result.nodes.flatMap((node) => placedNodes.get(node) ?? []),
    edges: result.edges.flatMap((edge) => placedEdges.get(edge) ?? []),
  };
}

/** The unconnected parts of a graph, each in the order of its first node (the server's, source order). */
export function connectedParts(result: DagResult): { nodes: DagNode[]; edges: DagEdge[] }[] {
  const parent = new Map(result.nodes.map((n) => [n.id, n.id]));
  const root = (id: string): string => {
    let current = id;
    for (let up = parent.get(current); up !== undefined && up !== current; up = parent.get(current)) {
      current = up;
    }
    return current;
  };
  for (const edge of result.edges) {
    const a = root(edge.source);
    const b = root(edge.target);
    if (a !== b) {
      parent.set(b, a);
    }
  }
  const parts = new Map<string, { nodes: DagNode[]; edges: DagEdge[] }>();
  for (const node of result.nodes) {
    const key = root(node.id);
    const part = parts.get(key) ?? { nodes: [], edges: [] };
    part.nodes.push(node);
    parts.set(key, part);
  }
  for (const edge of result.edges) {
    parts.get(root(edge.source))?.edges.push(edge);
  }
  return [...parts.values()];
}

function layoutPart(partNodes: readonly DagNode[], partEdges: readonly DagEdge[], measure: TextMeasure, margin: number): LayoutModel {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, edgesep: 14, marginx: margin, marginy: margin });
  graph.setDefaultEdgeLabel(() => ({}));

  const prepared = partNodes.map((node) => {
    const style = KIND_STYLES[node.kind];
    const text = displayText(node);
    const contentWidth = Math.max(measure.label(text), measure.caption(style.caption));
    const width = Math.ceil(Math.max(96, contentWidth + 2 * horizontalPadding(style.shape)));
    const height = minimumHeight(style.shape);
    graph.setNode(node.id, { width, height });
    return { node, style, text, width, height };
  });

  partEdges.forEach((edge, index) => {
    const labelWidth = edge.label === null ? 0 : Math.ceil(measure.caption(shortenLabel(edge.label)) + 12);
    graph.setEdge(
      edge.source,
      edge.target,
      edge.label === null ? {} : { width: labelWidth, height: EDGE_LABEL_HEIGHT, labelpos: 'c' },
      `e${index}`,
    );
  });

  dagre.layout(graph, { constraints: siblingOrder(partEdges) });

  const nodes: LayoutNode[] = prepared.map(({ node, style, text, width, height }) => {
    const placed = graph.node(node.id) as { x: number; y: number };
    return { node, shape: style.shape, family: style.family, caption: style.caption, text, x: placed.x, y: placed.y, width, height };
  });

  const byId = new Map(nodes.map((n) => [n.node.id, n]));
  const edges: LayoutEdge[] = partEdges.map((edge, index) => {
    const placed = graph.edge({ v: edge.source, w: edge.target, name: `e${index}` }) as {
      points?: Point[];
      x?: number;
      y?: number;
      width?: number;
    };
    const points = (placed.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    clipEnds(points, byId.get(edge.source), byId.get(edge.target));
    const labelAt = edge.label !== null && placed.x !== undefined && placed.y !== undefined ? { x: placed.x, y: placed.y } : null;
    return { edge, points, labelAt, labelWidth: placed.width ?? 0 };
  });

  const size = graph.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}

/**
 * dagre ends edges on the node's bounding box; a diamond or an ellipse is smaller than its box, so the
 * arrow would stop short of it. Moves each end onto the real outline, along the same direction.
 */
function clipEnds(points: Point[], source: LayoutNode | undefined, target: LayoutNode | undefined): void {
  const [first, second] = points;
  if (source && first && second) {
    points[0] = onOutline(source, second);
  }
  const last = points[points.length - 1];
  const beforeLast = points[points.length - 2];
  if (target && last && beforeLast) {
    points[points.length - 1] = onOutline(target, beforeLast);
  }
}

/** Where the line from the node's centre towards `toward` leaves the node's outline. */
export function onOutline(node: LayoutNode, toward: Point): Point {
  const dx = toward.x - node.x;
  const dy = toward.y - node.y;
  const rx = node.width / 2;
  const ry = node.height / 2;
  let scale: number;
  switch (node.shape) {
    case 'diamond':
    case 'double-diamond':
    case 'small-diamond':
      scale = Math.abs(dx) / rx + Math.abs(dy) / ry;
      break;
    case 'ellipse':
      scale = Math.hypot(dx / rx, dy / ry);
      break;
    default:
      scale = Math.max(Math.abs(dx) / rx, Math.abs(dy) / ry);
  }
  return scale === 0 ? { x: node.x, y: node.y } : { x: node.x + dx / scale, y: node.y + dy / scale };
}

/**
 * Keeps the branches of a fan-out in source order, left to right: `|>> [TechScout, MarketScout]`
 * draws TechScout on the left, as it is written. (Left to itself dagre may mirror them.)
 */
export function siblingOrder(edges: readonly DagEdge[]): { left: string; right: string }[] {
  const targets = new Map<string, string[]>();
  for (const { source, target } of edges) {
    const list = targets.get(source) ?? [];
    if (!list.includes(target)) {
      list.push(target);
    }
    targets.set(source, list);
  }
  const constraints: { left: string; right: string }[] = [];
  for (const list of targets.values()) {
    for (let i = 0; i + 1 < list.length; i++) {
      constraints.push({ left: list[i] as string, right: list[i + 1] as string });
    }
  }
  return constraints;
}

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export function boxOf(node: LayoutNode): Box {
  return {
    left: node.x - node.width / 2,
    top: node.y - node.height / 2,
    right: node.x + node.width / 2,
    bottom: node.y + node.height / 2,
  };
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
