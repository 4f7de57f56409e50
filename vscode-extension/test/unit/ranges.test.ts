import { describe, expect, it } from 'vitest';
import type { DagNode, Range } from '../../shared/dagModel';
import { nodeAt, rangeContains } from '../../shared/ranges';

const DOC = 'file:///w/app.nx';

function r(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

function n(id: string, range: Range | null, uri: string | null = null): DagNode {
  return { id, kind: 'agent', label: id, range, uri };
}

describe('rangeContains', () => {
  const range = r(3, 10, 3, 16);

  it('includes both ends, so a cursor right after a name still points at it', () => {
    expect(rangeContains(range, { line: 3, character: 10 })).toBe(true);
    expect(rangeContains(range, { line: 3, character: 16 })).toBe(true);
  });

  it('excludes positions just outside, on the same line and on other lines', () => {
    expect(rangeContains(range, { line: 3, character: 9 })).toBe(false);
    expect(rangeContains(range, { line: 3, character: 17 })).toBe(false);
    expect(rangeContains(range, { line: 2, character: 12 })).toBe(false);
  });

  it('handles ranges over several lines', () => {
    const multi = r(5, 20, 9, 1);
    expect(rangeContains(multi, { line: 7, character: 0 })).toBe(true);
    expect(rangeContains(multi, { line: 5, character: 19 })).toBe(false);
    expect(rangeContains(multi, { line: 9, character: 2 })).toBe(false);
  });
});

describe('nodeAt', () => {
  // `brief = topic |>> [TechScout, MarketScout] &>> Editor` on line 15
  const fork = n('fork', r(15, 12, 15, 45));
  const scout = n('scout', r(15, 23, 15, 32));
  const merge = n('merge', r(15, 12, 15, 56));
  const nodes = [merge, fork, scout];

  it('picks the innermost node containing the position', () => {
    expect(nodeAt(nodes, { line: 15, character: 25 }, DOC, DOC)?.id).toBe('scout');
    expect(nodeAt(nodes, { line: 15, character: 14 }, DOC, DOC)?.id).toBe('fork');
    expect(nodeAt(nodes, { line: 15, character: 50 }, DOC, DOC)?.id).toBe('merge');
  });

  it('finds nothing outside every range', () => {
    expect(nodeAt(nodes, { line: 16, character: 0 }, DOC, DOC)).toBeUndefined();
  });

  it('compares files: a null uri means the requested document', () => {
    const included = n('inc', r(15, 0, 15, 80), 'file:///w/lib.nxlib');
    expect(nodeAt([included], { line: 15, character: 5 }, DOC, DOC)).toBeUndefined();
    expect(nodeAt([included], { line: 15, character: 5 }, 'file:///w/lib.nxlib', DOC)?.id).toBe('inc');
    expect(nodeAt([scout], { line: 15, character: 25 }, 'file:///w/other.nx', DOC)).toBeUndefined();
  });

  it('skips nodes without a range', () => {
    expect(nodeAt([n('input', null)], { line: 0, character: 0 }, DOC, DOC)).toBeUndefined();
  });
});
