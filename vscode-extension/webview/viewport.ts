/**
 * Pan and zoom of the graph: drag the background or scroll to move, Ctrl+scroll (or pinch) to zoom
 * around the pointer, keys + - 0 for keyboard users. The transform lives on one <g>, so the graph
 * itself never moves.
 */

import { fitTransform, MIN_SCALE, type FitMode, type Transform } from './fitting';

const MAX_SCALE = 3;

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
      this.touched = true;
      if (event.ctrlKey || event.metaKey) {
        // Pinch gestures arrive as Ctrl+wheel too.
        this.zoomAt(Math.exp(-event.deltaY * 0.01), this.pointerPoint(event));
      } else {
        const { x, y, scale } = this.transform;
        this.set({ x: x - (event.shiftKey ? event.deltaY : event.deltaX), y: y - (event.shiftKey ? 0 : event.deltaY), scale });
      }
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

  fit(mode: FitMode = 'whole'): void {
    const box = this.svg.getBoundingClientRect();
    this.touched = false;
    this.set(fitTransform(this.content, { width: box.width, height: box.height }, mode));
  }

  fitUnlessMoved(mode: FitMode = 'readable'): void {
    if (!this.touched) {
      this.fit(mode);
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
