/** Text widths from the page's real fonts (canvas metrics), so boxes fit their labels in any theme. */
import type { TextMeasure } from './layout';

function fontOf(className: string): string {
  // Measure with the font the stylesheet gives the SVG text classes.
  const probe = document.createElementNS('http://www.w3.org/2000/svg', 'text');
  probe.setAttribute('class', className);
  const svg = document.getElementById('graph');
  svg?.appendChild(probe);
  const style = getComputedStyle(probe);
  const font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  probe.remove();
  return font;
}

export function canvasTextMeasure(): TextMeasure {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) {
    throw new Error('no 2d canvas');
  }
  const labelFont = fontOf('label');
  const captionFont = fontOf('caption');
  const cache = new Map<string, number>();
  const measure = (font: string, text: string): number => {
    const key = `${font}\u0000${text}`;
    let width = cache.get(key);
    if (width === undefined) {
      context.font = font;
      width = context.measureText(text).width;
      cache.set(key, width);
    }
    return width;
  };
  return {
    label: (text) => measure(labelFont, text),
    caption: (text) => measure(captionFont, text),
  };
}
