/**
 * Draws a laid-out DAG into the page's SVG and reports clicks on nodes.
 *
 * Colours are not set here: each node gets classes for its kind, colour family and marks, and
 * dag.css maps those to VS Code theme variables, so a theme change recolours without a redraw.
 */
import type { DagNode } from '../shared/dagModel';
import type { LayoutEdge, LayoutModel, LayoutNode, Point } from './layout';
import type { Marks } from './pageState';
import { outline } from './shapes';
import { svgElement, svgText } from './svg';

export interface GraphViewEvents {
  onActivate(node: DagNode): void;
}

const ARROW_ID = 'nexa-arrow';

function edgePath(points: readonly Point[]): string {
  if (points.length === 0) {
    return '';
  }
  const [first, ...rest] = points;
  if (first === undefined) {
    return '';
  }
  if (rest.length === 1) {
    const [last] = rest;
    return last ? `M${first.x},${first.y} L${last.x},${last.y}` : '';
  }
  // A smooth curve through dagre's bend points: quadratic segments between midpoints.
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i];
    const q = rest[i + 1];
    if (p === undefined || q === undefined) {
      continue;
    }
    const mid = i === rest.length - 2 ? q : { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    d += ` Q${p.x},${p.y} ${mid.x},${mid.y}`;
  }
  return d;
}

function describe(node: DagNode, caption: string): string {
  const where = node.range ? `, line ${node.range.start.line + 1}` : '';
  return `${caption} ${node.label}${where}`;
}

export class GraphView {
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly nodeElements = new Map<string, SVGGElement>();
  private layout: LayoutModel | null = null;

  constructor(
    private readonly svg: SVGSVGElement,
    readonly viewport: SVGGElement,
    private readonly events: GraphViewEvents,
  ) {
    const defs = svgElement('defs', {}, svg);
    const marker = svgElement(
      'marker',
      { id: ARROW_ID, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      defs,
    );
    svgElement('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }, marker);
    svg.insertBefore(defs, svg.firstChild);
    this.edgeLayer = svgElement('g', { class: 'edges' }, viewport);
    this.nodeLayer = svgElement('g', { class: 'nodes' }, viewport);
  }

  get current(): LayoutModel | null {
    return this.layout;
  }

  render(layout: LayoutModel, flow: string | null): void {
    this.layout = layout;
    this.edgeLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
    this.nodeElements.clear();
    this.svg.setAttribute('aria-label', flow === null ? 'No flow' : `DAG of flow ${flow}`);
    for (const edge of layout.edges) {
      this.drawEdge(edge);
    }
    for (const node of layout.nodes) {
      this.nodeElements.set(node.node.id, this.drawNode(node));
    }
  }

  applyMarks(marks: Marks): void {
    for (const [id, element] of this.nodeElements) {
      element.classList.toggle('is-cursor', id === marks.cursorNodeId);
      element.classList.toggle('is-paused', id === marks.debugNodeId && marks.debugState === 'paused');
      element.classList.toggle('is-running', id === marks.debugNodeId && marks.debugState === 'running');
    }
  }

  nodeElement(id: string): SVGGElement | undefined {
    return this.nodeElements.get(id);
  }

  private drawEdge(edge: LayoutEdge): void {
    const group = svgElement('g', { class: 'edge', 'data-source': edge.edge.source, 'data-target': edge.edge.target }, this.edgeLayer);
    svgElement('path', { class: 'edge-line', d: edgePath(edge.points), 'marker-end': `url(#${ARROW_ID})` }, group);
    if (edge.labelAt && edge.edge.label !== null) {
      const w = edge.labelWidth;
      svgElement('rect', { class: 'edge-label-bg', x: edge.labelAt.x - w / 2, y: edge.labelAt.y - 9, width: w, height: 18, rx: 4 }, group);
      svgText(edge.edge.label, { class: 'edge-label', x: edge.labelAt.x, y: edge.labelAt.y, 'dominant-baseline': 'central', 'text-anchor': 'middle' }, group);
    }
  }

  private drawNode(layoutNode: LayoutNode): SVGGElement {
    const { node } = layoutNode;
    const revealable = node.range !== null;
    const group = svgElement(
      'g',
      {
        class: `node kind-${node.kind} family-${layoutNode.family}${revealable ? ' revealable' : ''}`,
        'data-id': node.id,
        'data-kind': node.kind,
        transform: `translate(${layoutNode.x},${layoutNode.y})`,
        role: revealable ? 'button' : 'img',
        tabindex: revealable ? 0 : -1,
        'aria-label': describe(node, layoutNode.caption),
      },
      this.nodeLayer,
    );
    svgElement('title', {}, group).textContent = node.label || layoutNode.caption;
    const shape = outline(layoutNode.shape, layoutNode.width, layoutNode.height);
    shape.paths.forEach((d, index) => {
      svgElement('path', { d, class: index === 0 ? `shape${shape.dashed ? ' dashed' : ''}` : 'shape-inner' }, group);
    });
    if (layoutNode.text === layoutNode.caption) {
      // No label of its own: the kind alone, centred, rather than the same word twice.
      svgText(layoutNode.text, { class: 'label', x: 0, y: 0, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, group);
    } else {
      svgText(layoutNode.caption, { class: 'caption', x: 0, y: -8, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, group);
      svgText(layoutNode.text, { class: 'label', x: 0, y: 9, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, group);
    }
    if (revealable) {
      group.addEventListener('click', () => {
        this.events.onActivate(node);
      });
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.events.onActivate(node);
        }
      });
    }
    return group;
  }
}
