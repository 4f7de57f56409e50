/**
 * Pan and zoom of the graph: drag the background to pan, wheel to zoom around the pointer,
 * keys + - 0 for keyboard users. The transform lives on one <g>, so the graph itself never moves.
 */

export interface Transform {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

const MIN_SCALE = 0.2;
const MAX_SCALE = 3;
/** Fitting never enlarges a small graph past this: big boxes with big text look like a mistake. */
const MAX_FIT_SCALE = 1.25;

export function fitTransform(content: { width: number; height: number }, view: { width: number; height: number }): Transform {
  if (content.width <= 0 || content.height <= 0 || view.width <= 0 || view.height <= 0) {
    return { x: 0, y: 0, scale: 1 };
  }
  const scale = Math.max(MIN_SCALE, Math.min(MAX_FIT_SCALE, view.width / content.width, view.height / content.height));
  return {
    x: (view.width - content.width * scale) / 2,
    // Top-aligned when the graph is shorter than the view: a flow reads from the top.
    y: Math.max(0, Math.min((view.height - content.height * scale) / 2, 16)),
    scale,
  };
}

export class Viewport {
  private transform: Transform = { x: 0, y: 0, scale: 1 };
  private drag: { x: number; y: number; from: Transform } | null = null;
  private content = { width: 0, height: 0 };
  /** Set once the user pans or zooms: a resize then keeps their view instead of re-fitting. */
  private touched = false;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
  ) {
    svg.addEventListener('wheel', (event) => {
      event.preventDefault();
      const factor = Math.exp(-event.deltaY * 0.0015);
      this.touched = true;
      this.zoomAt(factor, this.pointerPoint(event));
    }, { passive: false });
    svg.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || (event.target as Element).closest('.node')) {
        return;
      }
      this.drag = { x: event.clientX, y: event.clientY, from: this.transform };
      this.touched = true;
      svg.setPointerCapture(event.pointerId);
      svg.classList.add('is-panning');
    });
    svg.addEventListener('pointermove', (event) => {
      if (this.drag) {
        const { from } = this.drag;
        this.set({ x: from.x + event.clientX - this.drag.x, y: from.y + event.clientY - this.drag.y, scale: from.scale });
      }
    });
    const endDrag = (): void => {
      this.drag = null;
      svg.classList.remove('is-panning');
    };
    svg.addEventListener('pointerup', endDrag);
    svg.addEventListener('pointercancel', endDrag);
  }

  get current(): Transform {
    return this.transform;
  }

  setContentSize(width: number, height: number): void {
    this.content = { width, height };
  }

  fit(): void {
    const box = this.svg.getBoundingClientRect();
    this.touched = false;
    this.set(fitTransform(this.content, { width: box.width, height: box.height }));
  }

  fitUnlessMoved(): void {
    if (!this.touched) {
      this.fit();
    }
  }

  zoomBy(factor: number): void {
    this.touched = true;
    const box = this.svg.getBoundingClientRect();
    this.zoomAt(factor, { x: box.width / 2, y: box.height / 2 });
  }

  /** Pans so that a graph point is visible, centring it only if it is off screen. */
  reveal(point: { x: number; y: number }): void {
    const box = this.svg.getBoundingClientRect();
    const { x, y, scale } = this.transform;
    const sx = point.x * scale + x;
    const sy = point.y * scale + y;
    const margin = 40;
    if (sx >= margin && sx <= box.width - margin && sy >= margin && sy <= box.height - margin) {
      return;
    }
    this.set({ x: box.width / 2 - point.x * scale, y: box.height / 2 - point.y * scale, scale });
  }

  private zoomAt(factor: number, at: { x: number; y: number }): void {
    const { x, y, scale } = this.transform;
    const next = Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale * factor));
    const k = next / scale;
    this.set({ x: at.x - (at.x - x) * k, y: at.y - (at.y - y) * k, scale: next });
  }

  private pointerPoint(event: MouseEvent): { x: number; y: number } {
    const box = this.svg.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  private set(transform: Transform): void {
    this.transform = transform;
    this.layer.setAttribute('transform', `translate(${transform.x},${transform.y}) scale(${transform.scale})`);
  }
}
