/** The legend: one entry per node kind present in the drawn graph, with its shape in miniature. */
import type { DagNodeKind } from '../shared/dagModel';
import { KIND_STYLES } from './nodeKinds';
import { outline } from './shapes';
import { svgElement } from './svg';

const SWATCH_WIDTH = 34;
const SWATCH_HEIGHT = 18;

export function renderLegend(container: HTMLElement, kinds: readonly DagNodeKind[]): void {
  container.replaceChildren();
  const present = [...new Set(kinds)].sort(
    (a, b) => Object.keys(KIND_STYLES).indexOf(a) - Object.keys(KIND_STYLES).indexOf(b),
  );
  for (const kind of present) {
    const style = KIND_STYLES[kind];
    const item = document.createElement('span');
    item.className = `legend-item kind-${kind}`;
    item.title = style.syntax;
    const swatch = svgElement('svg', {
      width: SWATCH_WIDTH,
      height: SWATCH_HEIGHT,
      viewBox: `${-SWATCH_WIDTH / 2} ${-SWATCH_HEIGHT / 2} ${SWATCH_WIDTH} ${SWATCH_HEIGHT}`,
      'aria-hidden': 'true',
      class: `node legend-swatch family-${style.family}`,
    });
    const shape = outline(style.shape, SWATCH_WIDTH - 2, SWATCH_HEIGHT - 2);
    shape.paths.forEach((d, index) => {
      svgElement('path', { d, class: index === 0 ? `shape${shape.dashed ? ' dashed' : ''}` : 'shape-inner' }, swatch);
    });
    const text = document.createElement('span');
    text.textContent = style.caption;
    item.append(swatch, text);
    container.appendChild(item);
  }
}
