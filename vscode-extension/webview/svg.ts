/** Creating SVG elements without innerHTML: labels are user text and must never be parsed as markup. */

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number>> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  parent?.appendChild(element);
  return element;
}

export function svgText(
  text: string,
  attributes: Readonly<Record<string, string | number>>,
  parent: Element,
): SVGTextElement {
  const element = svgElement('text', attributes, parent);
  element.textContent = text;
  return element;
}
