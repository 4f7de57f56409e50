/**
 * Containment on LSP ranges: which DAG node is under the cursor, or under the debugger's current line.
 *
 * A node's range may be nested in another's (a pipeline `a >> B` contains its stage `B`), so the
 * answer is the innermost range that contains the position, the one the user is looking at.
 */
import type { DagNode, Position, Range } from './dagModel';

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** Start inclusive, end inclusive: a cursor just after `Editor` still points at `Editor`. */
export function rangeContains(range: Range, position: Position): boolean {
  return comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0;
}

/** True when `inner` lies within `outer` (equal ranges count). */
export function rangeWithin(inner: Range, outer: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

/** Lines, then characters: a good enough size to prefer the innermost of nested ranges. */
function rangeSize(range: Range): [number, number] {
  return [range.end.line - range.start.line, range.end.character - range.start.character];
}

function smaller(a: Range, b: Range): boolean {
  const [al, ac] = rangeSize(a);
  const [bl, bc] = rangeSize(b);
  return al !== bl ? al < bl : ac < bc;
}

/**
 * The innermost node at `position` in the file `uri`. A node whose `uri` is null lives in the
 * document the DAG was requested for (`documentUri`).
 */
export function nodeAt(
  nodes: readonly DagNode[],
  position: Position,
  uri: string,
  documentUri: string,
): DagNode | undefined {
  let best: DagNode | undefined;
  for (const node of nodes) {
    if (node.range === null || (node.uri ?? documentUri) !== uri || !rangeContains(node.range, position)) {
      continue;
    }
    if (best?.range == null || smaller(node.range, best.range)) {
      best = node;
    }
  }
  return best;
}
