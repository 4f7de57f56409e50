import { describe, expect, it } from 'vitest';
import { DAG_NODE_KINDS } from '../../shared/dagModel';
import { KIND_STYLES } from '../../webview/nodeKinds';
import { outline } from '../../webview/shapes';

/** The points a path visits (end points of M, L, H, V and A commands), in absolute coordinates. */
function visitedPoints(d: string): [number, number][] {
  const tokens = d.match(/[MLHVAZ]|-?\d+(?:\.\d+)?/g) ?? [];
  const points: [number, number][] = [];
  let x = 0;
  let y = 0;
  let i = 0;
  const next = (): number => Number(tokens[i++]);
  while (i < tokens.length) {
    const command = tokens[i++];
    switch (command) {
      case 'M':
      case 'L':
        x = next();
        y = next();
        break;
      case 'H':
        x = next();
        break;
      case 'V':
        y = next();
        break;
      case 'A':
        i += 5; // rx ry rotation large-arc sweep: the end point is what must be inside
        x = next();
        y = next();
        break;
      default:
        continue;
    }
    points.push([x, y]);
  }
  return points;
}

describe('node outlines', () => {
  it('every kind has a style, and no two kinds share a shape', () => {
    const shapes = DAG_NODE_KINDS.map((kind) => KIND_STYLES[kind].shape);
    expect(new Set(shapes).size).toBe(DAG_NODE_KINDS.length);
  });

  it.each(DAG_NODE_KINDS)('the %s outline stays inside its box', (kind) => {
    const w = 140;
    const h = 64;
    const { paths } = outline(KIND_STYLES[kind].shape, w, h);
    expect(paths.length).toBeGreaterThan(0);
    for (const d of paths) {
      const points = visitedPoints(d);
      expect(points.length).toBeGreaterThan(1);
      for (const [x, y] of points) {
        expect(Math.abs(x)).toBeLessThanOrEqual(w / 2 + 0.1);
        expect(Math.abs(y)).toBeLessThanOrEqual(h / 2 + 0.1);
      }
    }
  });

  it('draws fire-and-forget dashed and merge narrowing downwards', () => {
    expect(outline(KIND_STYLES.fire_and_forget.shape, 100, 40).dashed).toBe(true);
    expect(outline(KIND_STYLES.fork.shape, 100, 40).dashed).toBe(false);
    const [merge] = outline(KIND_STYLES.merge.shape, 100, 40).paths;
    // Top corners at the full width, bottom ones pulled in.
    expect(merge).toMatch(/^M-50,-20 L50,-20 L\d/);
  });
});
