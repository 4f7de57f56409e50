/**
 * The DAG page: receives `nexa/dag` results and cursor/debugger positions from the extension, draws
 * the graph, and sends back reveal, flow-picker and export requests.
 */
import { parseToWebview } from '../shared/messages';
import { GraphView } from './graphView';
import { standaloneSvg, svgToPngBase64 } from './exportImage';
import { estimateText, layoutDag, type TextMeasure } from './layout';
import { renderLegend } from './legend';
import { emptyMessage, INITIAL_STATE, marksOf, reduce, type PageState } from './pageState';
import { canvasTextMeasure } from './textMeasure';
import { Viewport } from './viewport';
import { connectToExtension } from './vscodeApi';

function required<T extends Element>(selector: string, type: abstract new () => T): T {
  const element = document.querySelector(selector);
  if (!(element instanceof type)) {
    throw new Error(`dag.html lacks ${selector}`);
  }
  return element;
}

const channel = connectToExtension();
const svg = required('#graph', SVGSVGElement);
const viewportLayer = required('#viewport', SVGGElement);
const flowPicker = required('#flow-picker', HTMLSelectElement);
const followCursor = required('#follow-cursor', HTMLInputElement);
const notice = required('#notice', HTMLElement);
const empty = required('#empty', HTMLElement);
const legend = required('#legend', HTMLElement);
const title = required('#title', HTMLElement);

let state: PageState = INITIAL_STATE;
let drawnGeneration = -1;
let drawnResult = state.result;
let measure: TextMeasure = estimateText;
try {
  measure = canvasTextMeasure();
} catch {
  // No canvas (should not happen in a webview): the estimate still gives a usable layout.
}

const viewport = new Viewport(svg, viewportLayer);
const graph = new GraphView(svg, viewportLayer, {
  onActivate: (node) => {
    if (node.range) {
      channel.post({ type: 'reveal', range: node.range, uri: node.uri });
    }
  },
});

function renderFlowPicker(): void {
  const { flows, flow } = state.result;
  flowPicker.replaceChildren(
    ...flows.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      option.selected = name === flow;
      return option;
    }),
  );
  flowPicker.disabled = flows.length === 0;
}

function render(): void {
  const result = state.result;
  if (result !== drawnResult || drawnGeneration !== state.generation) {
    // The panel's width (the graph itself may be hidden by the empty state at this point).
    const layout = layoutDag(result, measure, { wrapWidth: document.documentElement.clientWidth });
    graph.render(layout, result.flow);
    renderFlowPicker();
    // The legend's height changes the space left for the graph: draw it before fitting.
    renderLegend(legend, result.nodes.map((n) => n.kind));
    viewport.setContentSize(layout.width, layout.height);
    if (drawnGeneration !== state.generation) {
      viewport.fit('readable');
    }
    drawnResult = result;
    drawnGeneration = state.generation;
  }
  followCursor.checked = state.followCursor;
  title.textContent = state.documentName === '' ? 'Nexa DAG' : `${state.documentName}${result.flow ? ` › ${result.flow}` : ''}`;

  const message = emptyMessage(state);
  empty.hidden = message === null;
  empty.textContent = message ?? '';
  svg.classList.toggle('is-empty', message !== null);

  notice.hidden = state.notice === null;
  notice.textContent = state.notice?.message ?? '';
  notice.className = state.notice?.severity === 'error' ? 'notice error' : 'notice';

  const marks = marksOf(state);
  graph.applyMarks(marks);
  if (marks.debugNodeId !== null) {
    const node = graph.current?.nodes.find((n) => n.node.id === marks.debugNodeId);
    if (node) {
      viewport.reveal(node);
    }
  }
  document.body.dataset.debug = marks.debugState ?? '';
  channel.save({ documentUri: state.documentUri, flow: result.flow, followCursor: state.followCursor });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToWebview(event.data);
  if (message) {
    state = reduce(state, message);
    render();
  }
});

flowPicker.addEventListener('change', () => {
  channel.post({ type: 'selectFlow', flow: flowPicker.value });
});
followCursor.addEventListener('change', () => {
  channel.post({ type: 'followCursor', enabled: followCursor.checked });
});
required('#fit', HTMLButtonElement).addEventListener('click', () => {
  viewport.fit();
});
required('#export-svg', HTMLButtonElement).addEventListener('click', () => {
  exportAs('svg');
});
required('#export-png', HTMLButtonElement).addEventListener('click', () => {
  exportAs('png');
});
required('#toggle-legend', HTMLButtonElement).addEventListener('click', (event) => {
  const button = event.currentTarget as HTMLButtonElement;
  legend.hidden = !legend.hidden;
  button.setAttribute('aria-pressed', String(!legend.hidden));
  viewport.fitUnlessMoved();
});
svg.addEventListener('keydown', (event) => {
  if (event.key === '+' || event.key === '=') {
    viewport.zoomBy(1.2);
  } else if (event.key === '-') {
    viewport.zoomBy(1 / 1.2);
  } else if (event.key === '0') {
    viewport.fit();
  }
});
window.addEventListener('resize', () => {
  viewport.fitUnlessMoved();
});

function exportAs(format: 'svg' | 'png'): void {
  const layout = graph.current;
  if (!layout || layout.nodes.length === 0) {
    return;
  }
  const text = standaloneSvg(svg, viewportLayer, layout);
  const flow = state.result.flow;
  if (format === 'svg') {
    channel.post({ type: 'export', format, data: text, flow });
    return;
  }
  svgToPngBase64(text).then(
    (data) => {
      channel.post({ type: 'export', format, data, flow });
    },
    (error: unknown) => {
      state = reduce(state, { type: 'notice', severity: 'error', message: `PNG export failed: ${String(error)}` });
      render();
    },
  );
}

render();
channel.post({ type: 'ready' });
