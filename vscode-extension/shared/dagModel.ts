/**
 * The result of the `nexa/dag` request, as the language server sends it, and a checked reader for it.
 *
 * Positions are LSP positions (0-based line, UTF-16 character), the same numbers VS Code uses, so
 * neither side converts them. The reader never throws: a malformed reply becomes a readable error
 * that the preview shows instead of a blank page.
 */

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export const DAG_NODE_KINDS = [
  'input',
  'output',
  'agent',
  'tool',
  'flow_call',
  'pipe_call',
  'fork',
  'merge',
  'consensus',
  'fire_and_forget',
  'join',
  'spawn',
  'await',
  'branch',
  'coalesce',
  'intent_match',
  'semantic_if',
  'loop',
] as const;

export type DagNodeKind = (typeof DAG_NODE_KINDS)[number];

export interface DagNode {
  readonly id: string;
  readonly kind: DagNodeKind;
  readonly label: string;
  readonly range: Range | null;
  /** The file that holds the node when it is not the requested document (an included file). */
  readonly uri: string | null;
}

export interface DagEdge {
  readonly source: string;
  readonly target: string;
  readonly label: string | null;
}

export interface DagResult {
  /** The flow drawn; null when the document has no flows. */
  readonly flow: string | null;
  /** Every flow of the document, for the picker. */
  readonly flows: readonly string[];
  readonly nodes: readonly DagNode[];
  readonly edges: readonly DagEdge[];
}

export const EMPTY_DAG: DagResult = { flow: null, flows: [], nodes: [], edges: [] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const KIND_SET: ReadonlySet<string> = new Set(DAG_NODE_KINDS);

export function isDagNodeKind(value: unknown): value is DagNodeKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function parsePosition(value: unknown): Position | undefined {
  if (!isRecord(value) || !isNonNegativeInteger(value.line) || !isNonNegativeInteger(value.character)) {
    return undefined;
  }
  return { line: value.line, character: value.character };
}

export function parseRange(value: unknown): Range | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  const start = parsePosition(value.start);
  const end = parsePosition(value.end);
  return start && end ? { start, end } : undefined;
}

function parseNode(value: unknown, index: number): Parsed<DagNode> {
  if (!isRecord(value) || typeof value.id !== 'string' || value.id === '') {
    return { ok: false, error: `node ${index} has no id` };
  }
  if (!isDagNodeKind(value.kind)) {
    return { ok: false, error: `node ${value.id} has an unknown kind ${JSON.stringify(value.kind)}` };
  }
  const range = value.range === null || value.range === undefined ? null : parseRange(value.range);
  if (range === undefined) {
    return { ok: false, error: `node ${value.id} has a malformed range` };
  }
  const uri = typeof value.uri === 'string' && value.uri !== '' ? value.uri : null;
  const label = typeof value.label === 'string' ? value.label : '';
  return { ok: true, value: { id: value.id, kind: value.kind, label, range, uri } };
}

function parseEdge(value: unknown, index: number, ids: ReadonlySet<string>): Parsed<DagEdge> {
  if (!isRecord(value) || typeof value.source !== 'string' || typeof value.target !== 'string') {
    return { ok: false, error: `edge ${index} needs a source and a target` };
  }
  for (const end of [value.source, value.target]) {
    if (!ids.has(end)) {
      return { ok: false, error: `edge ${index} refers to a missing node ${end}` };
    }
  }
  const label = typeof value.label === 'string' && value.label !== '' ? value.label : null;
  return { ok: true, value: { source: value.source, target: value.target, label } };
}

/** Reads a `nexa/dag` reply; `null` (no DAG at all) reads as the empty DAG. */
export function parseDagResult(value: unknown): Parsed<DagResult> {
  if (value === null || value === undefined) {
    return { ok: true, value: EMPTY_DAG };
  }
  if (!isRecord(value)) {
    return { ok: false, error: 'the reply is not an object' };
  }
  const flow = typeof value.flow === 'string' ? value.flow : null;
  const flows = Array.isArray(value.flows) ? value.flows.filter((f): f is string => typeof f === 'string') : [];
  const nodes: DagNode[] = [];
  const rawNodes: unknown[] = Array.isArray(value.nodes) ? value.nodes : [];
  for (const [index, raw] of rawNodes.entries()) {
    const node = parseNode(raw, index);
    if (!node.ok) {
      return node;
    }
    nodes.push(node.value);
  }
  const ids = new Set(nodes.map((n) => n.id));
  if (ids.size !== nodes.length) {
    return { ok: false, error: 'two nodes share an id' };
  }
  const edges: DagEdge[] = [];
  const rawEdges: unknown[] = Array.isArray(value.edges) ? value.edges : [];
  for (const [index, raw] of rawEdges.entries()) {
    const edge = parseEdge(raw, index, ids);
    if (!edge.ok) {
      return edge;
    }
    edges.push(edge.value);
  }
  return { ok: true, value: { flow, flows, nodes, edges } };
}

/**
 * The flows whose graphs `expandFlowCalls` needs for `graph`: the labels of its `flow_call` nodes
 * that name another flow of the same document, each once, in the order they first appear.
 */
export function calledFlows(graph: DagResult): string[] {
  const names: string[] = [];
  for (const node of graph.nodes) {
    if (node.kind === 'flow_call' && node.label !== graph.flow && graph.flows.includes(node.label) && !names.includes(node.label)) {
      names.push(node.label);
    }
  }
  return names;
}

/** The id of node `id` of a callee drawn inside the call node `callId`. */
export function expandedNodeId(callId: string, id: string): string {
  return `${callId}/${id}`;
}

/**
 * Draws each call to another flow of the same document one level deep: for every `flow_call` node
 * `c` of `graph` whose label names a flow `G` of `graph.flows` (not `graph.flow` itself) with a graph
 * in `graphsByFlow`, G's nodes and edges are added right after `c`, their ids prefixed with `c`'s
 * (`expandedNodeId`), and `c` becomes the header of the expansion:
 *
 * - `c` gets an edge to each node of G that has no incoming edge (G's `input`, and the first node
 *   of any statement of G not connected to it), so all of G hangs under `c`;
 * - `c`'s outgoing edges leave from G's `output` node(s) instead (from `c` itself when G has none).
 *
 * The `flow_call` nodes of G are copied as they are, not expanded again (recursion stops there).
 * Nodes keep their own `range` and `uri`, so a click on one reveals it in G. A call whose expanded
 * ids would clash with an existing id is left as it is. Pure; `graph` is not changed.
 */
export function expandFlowCalls(graph: DagResult, graphsByFlow: ReadonlyMap<string, DagResult>): DagResult {
  const expandable = new Set(calledFlows(graph));
  const ids = new Set(graph.nodes.map((n) => n.id));
  const nodes: DagNode[] = [];
  const addedEdges: DagEdge[] = [];
  /** Call node id → the node ids its outgoing edges now leave from. */
  const exits = new Map<string, string[]>();
  for (const node of graph.nodes) {
    nodes.push(node);
    const callee = node.kind === 'flow_call' && expandable.has(node.label) ? graphsByFlow.get(node.label) : undefined;
    if (callee === undefined || callee.nodes.length === 0) {
      continue;
    }
    const local = (id: string): string => expandedNodeId(node.id, id);
    if (callee.nodes.some((n) => ids.has(local(n.id)))) {
      continue;
    }
    for (const inner of callee.nodes) {
      ids.add(local(inner.id));
      nodes.push({ ...inner, id: local(inner.id) });
    }
    const targets = new Set(callee.edges.map((e) => e.target));
    for (const root of callee.nodes.filter((n) => !targets.has(n.id))) {
      addedEdges.push({ source: node.id, target: local(root.id), label: null });
    }
    for (const edge of callee.edges) {
      addedEdges.push({ source: local(edge.source), target: local(edge.target), label: edge.label });
    }
    const outputs = callee.nodes.filter((n) => n.kind === 'output').map((n) => local(n.id));
    if (outputs.length > 0) {
      exits.set(node.id, outputs);
    }
  }
  if (addedEdges.length === 0) {
    return graph;
  }
  const edges: DagEdge[] = [];
  for (const edge of graph.edges) {
    const from = exits.get(edge.source);
    if (from === undefined) {
      edges.push(edge);
    } else {
      edges.push(...from.map((source) => ({ ...edge, source })));
    }
  }
  return { ...graph, nodes, edges: [...edges, ...addedEdges] };
}
