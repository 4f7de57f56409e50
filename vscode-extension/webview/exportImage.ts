/**
 * Export of the drawn graph as a standalone SVG or a PNG.
 *
 * On the page, colours come from VS Code's CSS variables, which mean nothing outside the webview.
 * The export copies each element's computed paint onto it as plain attributes, so the file looks
 * like the preview did, in the theme that was active, in any viewer.
 */
import { SVG_NS } from './svg';

const PAINT_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
] as const;

const PADDING = 16;

/** A copy of the graph with resolved styles and no transform, sized to its content. */
export function standaloneSvg(svg: SVGSVGElement, viewport: SVGGElement, content: { width: number; height: number }): string {
  const background = getComputedStyle(document.body).backgroundColor;
  const out = document.createElementNS(SVG_NS, 'svg');
  const width = Math.ceil(content.width + 2 * PADDING);
  const height = Math.ceil(content.height + 2 * PADDING);
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const backdrop = document.createElementNS(SVG_NS, 'rect');
  backdrop.setAttribute('width', '100%');
  backdrop.setAttribute('height', '100%');
  backdrop.setAttribute('fill', background);
  out.appendChild(backdrop);

  const defs = svg.querySelector('defs');
  if (defs) {
    out.appendChild(inlineStyles(defs));
  }
  const graph = inlineStyles(viewport);
  graph.setAttribute('transform', `translate(${PADDING},${PADDING})`);
  out.appendChild(graph);
  return new XMLSerializer().serializeToString(out);
}

/** Deep-clones `source`, writing every element's computed paint as presentation attributes. */
function inlineStyles<T extends Element>(source: T): T {
  const copy = source.cloneNode(true) as T;
  const originals = [source, ...Array.from(source.querySelectorAll('*'))];
  const copies = [copy, ...Array.from(copy.querySelectorAll('*'))];
  originals.forEach((original, index) => {
    const target = copies[index];
    if (!target) {
      return;
    }
    const style = getComputedStyle(original);
    for (const property of PAINT_PROPERTIES) {
      const value = style.getPropertyValue(property);
      if (value !== '' && value !== 'normal') {
        target.setAttribute(property, value);
      }
    }
    for (const attribute of ['class', 'tabindex', 'role', 'data-id', 'data-kind', 'data-source', 'data-target']) {
      target.removeAttribute(attribute);
    }
  });
  return copy;
}

/** Renders SVG text to a PNG at `scale` device pixels per CSS pixel; resolves to base64. */
export async function svgToPngBase64(svgText: string, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.naturalWidth * scale);
    canvas.height = Math.ceil(image.naturalHeight * scale);
    const context = canvas.getContext('2d');
    if (!context) {
      throw new Error('no 2d canvas');
    }
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    const dataUrl = canvas.toDataURL('image/png');
    return dataUrl.slice(dataUrl.indexOf(',') + 1);
  } finally {
    URL.revokeObjectURL(url);
  }
}
