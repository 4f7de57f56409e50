/**
 * Where the graph sits in the view when it is first shown or fitted (pure: no DOM, unit-tested).
 */

export interface Transform {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

/** The smallest zoom, for fitting and for the user's zooming alike. */
export const MIN_SCALE = 0.2;
/** Fitting never enlarges a small graph past this: big boxes with big text look like a mistake. */
const MAX_FIT_SCALE = 1.25;
/** Below this, 13px labels get too small to read. */
const READABLE_SCALE = 0.75;

/**
 * `whole`: the entire graph in view (the Fit button). `readable`: as large as fits across, but never
 * shrunk below a readable size just to fit a long flow's height: it starts at the top and scrolls.
 */
export type FitMode = 'whole' | 'readable';

export function fitTransform(
  content: { width: number; height: number },
  view: { width: number; height: number },
  mode: FitMode = 'whole',
): Transform {
  if (content.width <= 0 || content.height <= 0 || view.width <= 0 || view.height <= 0) {
    return { x: 0, y: 0, scale: 1 };
  }
  const across = view.width / content.width;
  const down = view.height / content.height;
  const wanted = mode === 'whole' ? Math.min(across, down) : Math.min(across, Math.max(down, READABLE_SCALE));
  const scale = Math.max(MIN_SCALE, Math.min(MAX_FIT_SCALE, wanted));
  return {
    x: (view.width - content.width * scale) / 2,
    // Top-aligned (with a small margin) when there is room to spare: a flow reads from the top.
    y: Math.max(0, Math.min((view.height - content.height * scale) / 2, 16)),
    scale,
  };
}
