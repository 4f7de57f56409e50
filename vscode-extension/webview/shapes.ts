/**
 * SVG outlines for the node shapes, centred on (0, 0) in a box of the node's size.
 * A shape is one or two closed paths (double shapes draw an inner outline).
 */
import type { Shape } from './nodeKinds';

export interface Outline {
  /** Path data, outermost first. */
  readonly paths: readonly string[];
  readonly dashed: boolean;
}

type Pt = readonly [number, number];

function polygon(points: readonly Pt[]): string {
  return `M${points.map(([x, y]) => `${round(x)},${round(y)}`).join(' L')} Z`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function roundedRect(w: number, h: number, r: number): string {
  const x = -w / 2;
  const y = -h / 2;
  const rr = Math.min(r, w / 2, h / 2);
  return (
    `M${round(x + rr)},${round(y)} H${round(x + w - rr)} A${rr},${rr} 0 0 1 ${round(x + w)},${round(y + rr)} ` +
    `V${round(y + h - rr)} A${rr},${rr} 0 0 1 ${round(x + w - rr)},${round(y + h)} H${round(x + rr)} ` +
    `A${rr},${rr} 0 0 1 ${round(x)},${round(y + h - rr)} V${round(y + rr)} A${rr},${rr} 0 0 1 ${round(x + rr)},${round(y)} Z`
  );
}

function ellipse(w: number, h: number): string {
  const rx = w / 2;
  const ry = h / 2;
  return `M${round(-rx)},0 A${round(rx)},${round(ry)} 0 1 0 ${round(rx)},0 A${round(rx)},${round(ry)} 0 1 0 ${round(-rx)},0 Z`;
}

function diamond(w: number, h: number): string {
  return polygon([
    [0, -h / 2],
    [w / 2, 0],
    [0, h / 2],
    [-w / 2, 0],
  ]);
}

/** `slant` is how far the top (positive) or bottom (negative) edge is pulled in on each side. */
function trapezoid(w: number, h: number, slant: number): string {
  const top = slant > 0 ? slant : 0;
  const bottom = slant < 0 ? -slant : 0;
  return polygon([
    [-w / 2 + top, -h / 2],
    [w / 2 - top, -h / 2],
    [w / 2 - bottom, h / 2],
    [-w / 2 + bottom, h / 2],
  ]);
}

function parallelogram(w: number, h: number, lean: number): string {
  return polygon([
    [-w / 2 + lean, -h / 2],
    [w / 2, -h / 2],
    [w / 2 - lean, h / 2],
    [-w / 2, h / 2],
  ]);
}

/** How far slanted sides lean in: enough to read as a trapezoid, never so much the box becomes a triangle. */
function slant(w: number): number {
  return Math.min(18, w / 6);
}

export function outline(shape: Shape, w: number, h: number): Outline {
  const inset = 4;
  switch (shape) {
    case 'stadium':
      return { paths: [roundedRect(w, h, h / 2)], dashed: false };
    case 'double-stadium':
      return { paths: [roundedRect(w, h, h / 2), roundedRect(w - 2 * inset, h - 2 * inset, h / 2 - inset)], dashed: false };
    case 'rounded':
      return { paths: [roundedRect(w, h, 8)], dashed: false };
    case 'double-rounded':
      return { paths: [roundedRect(w, h, 10), roundedRect(w - 2 * inset, h - 2 * inset, 7)], dashed: false };
    case 'hexagon': {
      const s = Math.min(16, w / 4);
      return {
        paths: [polygon([[-w / 2 + s, -h / 2], [w / 2 - s, -h / 2], [w / 2, 0], [w / 2 - s, h / 2], [-w / 2 + s, h / 2], [-w / 2, 0]])],
        dashed: false,
      };
    }
    case 'subroutine': {
      const x = w / 2 - 8;
      return {
        paths: [polygon([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]), `M${-x},${-h / 2} V${h / 2} M${x},${-h / 2} V${h / 2}`],
        dashed: false,
      };
    }
    case 'tag': {
      // An arrow head on the right: the value is passed on, as `|>` reads.
      const p = Math.min(16, w / 5);
      return { paths: [polygon([[-w / 2, -h / 2], [w / 2 - p, -h / 2], [w / 2, 0], [w / 2 - p, h / 2], [-w / 2, h / 2]])], dashed: false };
    }
    case 'trapezoid':
      return { paths: [trapezoid(w, h, slant(w))], dashed: false };
    case 'inverted-trapezoid':
      return { paths: [trapezoid(w, h, -slant(w))], dashed: false };
    case 'dashed-trapezoid':
      return { paths: [trapezoid(w, h, slant(w))], dashed: true };
    case 'house-down':
      return { paths: [polygon([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 6], [0, h / 2], [-w / 2, h / 6]])], dashed: false };
    case 'ellipse':
      return { paths: [ellipse(w, h)], dashed: false };
    case 'parallelogram':
      return { paths: [parallelogram(w, h, slant(w))], dashed: false };
    case 'reverse-parallelogram': {
      const s = slant(w);
      return { paths: [polygon([[-w / 2, -h / 2], [w / 2 - s, -h / 2], [w / 2, h / 2], [-w / 2 + s, h / 2]])], dashed: false };
    }
    case 'diamond':
    case 'small-diamond':
      return { paths: [diamond(w, h)], dashed: shape === 'small-diamond' };
    case 'double-diamond':
      return { paths: [diamond(w, h), diamond(w - 4 * inset, h - 2.5 * inset)], dashed: false };
    case 'octagon': {
      const c = Math.min(14, h / 3);
      return {
        paths: [polygon([[-w / 2 + c, -h / 2], [w / 2 - c, -h / 2], [w / 2, -h / 2 + c], [w / 2, h / 2 - c], [w / 2 - c, h / 2], [-w / 2 + c, h / 2], [-w / 2, h / 2 - c], [-w / 2, -h / 2 + c]])],
        dashed: false,
      };
    }
  }
}
