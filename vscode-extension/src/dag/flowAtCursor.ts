/**
 * Which flow the cursor is in, from the language server's document symbols.
 *
 * The flows of the `nexa/dag` result are the only names that count; symbols supply their ranges.
 * A member flow may be listed qualified (`Librarian.shelve`) or plain, so both spellings match.
 */
import type { Position, Range } from '../../shared/dagModel';
import { rangeContains } from '../../shared/ranges';

/** The part of a DocumentSymbol this needs (VS Code's and LSP's have the same shape). */
export interface SymbolNode {
  readonly name: string;
  readonly range: Range;
  readonly children?: readonly SymbolNode[];
}

/** `main(topic: str)` or `flow main` → `main`: servers differ in what they put in a symbol name. */
export function symbolBaseName(name: string): string {
  const match = /^(?:flow\s+)?([A-Za-z_][A-Za-z0-9_]*)/.exec(name.trim());
  return match?.[1] ?? name.trim();
}

export function flowAtPosition(
  symbols: readonly SymbolNode[],
  flows: readonly string[],
  position: Position,
): string | undefined {
  const known = new Set(flows);
  let found: string | undefined;
  const visit = (nodes: readonly SymbolNode[], parents: readonly string[]): void => {
    for (const symbol of nodes) {
      if (!rangeContains(symbol.range, position)) {
        continue;
      }
      const base = symbolBaseName(symbol.name);
      const qualified = [...parents, base].join('.');
      // Deeper matches overwrite shallower ones: the innermost flow wins.
      if (known.has(qualified)) {
        found = qualified;
      } else if (known.has(base)) {
        found = base;
      }
      visit(symbol.children ?? [], [...parents, base]);
    }
  };
  visit(symbols, []);
  return found;
}
