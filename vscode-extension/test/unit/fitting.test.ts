import { describe, expect, it } from 'vitest';
import { fitTransform } from '../../webview/fitting';

describe('fitTransform', () => {
  it('shows a whole graph centred across and near the top, never enlarged past 1.25', () => {
    expect(fitTransform({ width: 200, height: 100 }, { width: 1000, height: 800 })).toEqual({ x: 375, y: 16, scale: 1.25 });
  });

  it('shrinks a tall flow to fit entirely for the Fit button', () => {
    const t = fitTransform({ width: 500, height: 1600 }, { width: 500, height: 800 }, 'whole');
    expect(t.scale).toBe(0.5);
  });

  it('keeps a tall flow readable on first display: top-aligned, to be scrolled', () => {
    const t = fitTransform({ width: 500, height: 1600 }, { width: 500, height: 800 }, 'readable');
    expect(t).toEqual({ x: 62.5, y: 0, scale: 0.75 });
  });

  it('still fits a wide graph across a narrow panel', () => {
    expect(fitTransform({ width: 1000, height: 300 }, { width: 400, height: 800 }, 'readable').scale).toBeCloseTo(0.4);
  });

  it('copes with an empty graph or a hidden view', () => {
    expect(fitTransform({ width: 0, height: 0 }, { width: 400, height: 800 })).toEqual({ x: 0, y: 0, scale: 1 });
    expect(fitTransform({ width: 100, height: 100 }, { width: 0, height: 0 })).toEqual({ x: 0, y: 0, scale: 1 });
  });
});
