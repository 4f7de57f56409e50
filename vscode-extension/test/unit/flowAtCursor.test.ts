import { describe, expect, it } from 'vitest';
import type { Range } from '../../shared/dagModel';
import { flowAtPosition, symbolBaseName, type SymbolNode } from '../../src/dag/flowAtCursor';

function r(startLine: number, endLine: number): Range {
  return { start: { line: startLine, character: 0 }, end: { line: endLine, character: 1 } };
}

// agent Librarian (lines 0-10) with member flow shelve (4-7); flow main (12-20); flow quick (22-24)
const symbols: SymbolNode[] = [
  { name: 'Librarian', range: r(0, 10), children: [{ name: 'shelve', range: r(4, 7) }, { name: 'prompt', range: r(1, 1) }] },
  { name: 'main', range: r(12, 20), children: [{ name: 'brief', range: r(13, 13) }] },
  { name: 'quick(topic: str)', range: r(22, 24) },
];

describe('flowAtPosition', () => {
  it('finds the flow whose range holds the cursor, also from a nested symbol', () => {
    expect(flowAtPosition(symbols, ['main', 'quick'], { line: 13, character: 4 })).toBe('main');
    expect(flowAtPosition(symbols, ['main', 'quick'], { line: 23, character: 0 })).toBe('quick');
  });

  it('finds nothing between flows or in an agent that has no flow of the result', () => {
    expect(flowAtPosition(symbols, ['main', 'quick'], { line: 11, character: 0 })).toBeUndefined();
    expect(flowAtPosition(symbols, ['main', 'quick'], { line: 2, character: 0 })).toBeUndefined();
  });

  it('matches a member flow by its qualified or its plain name', () => {
    expect(flowAtPosition(symbols, ['main', 'Librarian.shelve'], { line: 5, character: 0 })).toBe('Librarian.shelve');
    expect(flowAtPosition(symbols, ['main', 'shelve'], { line: 5, character: 0 })).toBe('shelve');
  });

  it('only counts names that the DAG result lists as flows', () => {
    expect(flowAtPosition(symbols, ['quick'], { line: 13, character: 0 })).toBeUndefined();
  });
});

describe('symbolBaseName', () => {
  it('strips parameters and a leading keyword', () => {
    expect(symbolBaseName('quick(topic: str)')).toBe('quick');
    expect(symbolBaseName('flow main')).toBe('main');
    expect(symbolBaseName('main')).toBe('main');
  });
});
