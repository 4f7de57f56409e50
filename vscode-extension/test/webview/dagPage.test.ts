/**
 * The DAG page in headless Chromium: what a user sees and what the page tells the extension.
 * Screenshots go to test-artifacts/ (dark and light theme) for a person to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagResult } from '../../shared/dagModel';
import type { FromWebview, ToWebview } from '../../shared/messages';
import { everyKindDag, noFlowDag, quickFlowDag, rangeOf, REVIEW_PIPELINE_URI, reviewPipelineDag } from '../fixtures/dagFixtures';
import { launchChromium, openDagPage, type DagPage } from './pageHarness';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

function dagMessage(result: DagResult, followCursor = true, documentName = 'review_pipeline.nx'): ToWebview {
  return { type: 'dag', result, documentUri: REVIEW_PIPELINE_URI, documentName, followCursor };
}

interface Rect {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

async function nodeRects(page: DagPage): Promise<Rect[]> {
  return page.page.$$eval('#graph .node', (nodes) =>
    nodes.map((node) => {
      const box = node.getBoundingClientRect();
      return { id: node.getAttribute('data-id') ?? '', left: box.left, top: box.top, right: box.right, bottom: box.bottom };
    }),
  );
}

async function classesOf(page: DagPage, id: string): Promise<string[]> {
  return page.page.$eval(`#graph .node[data-id="${id}"]`, (node) => [...node.classList]);
}

async function nodesWithClass(page: DagPage, className: string): Promise<string[]> {
  return page.page.$$eval(`#graph .node.${className}`, (nodes) => nodes.map((n) => n.getAttribute('data-id') ?? ''));
}

let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
});

describe('the DAG page drawing a flow with fork, merge, consensus, branch and intent routing', () => {
  let page: DagPage;

  beforeAll(async () => {
    page = await openDagPage(browser, 'dark', { width: 1000, height: 1400 });
    await page.send(dagMessage(reviewPipelineDag));
  });

  afterAll(async () => {
    await page.page.close();
  });

  it('announces itself to the extension when loaded', async () => {
    expect((await page.posted())[0]).toEqual({ type: 'ready' });
  });

  it('draws one element per node and per edge', async () => {
    expect(await page.page.locator('#graph .node').count()).toBe(reviewPipelineDag.nodes.length);
    expect(await page.page.locator('#graph .edge').count()).toBe(reviewPipelineDag.edges.length);
  });

  it('shows every node label and every edge label', async () => {
    const labels = await page.page.$$eval('#graph .node .label', (texts) => texts.map((t) => t.textContent));
    expect(labels.sort()).toEqual(reviewPipelineDag.nodes.map((n) => n.label).sort());
    const edgeLabels = await page.page.$$eval('#graph .edge-label', (texts) => texts.map((t) => t.textContent));
    expect(edgeLabels.sort()).toEqual(['_', 'approves the brief', 'asks for changes']);
  });

  it('lays the nodes out top-down without overlaps, all visible', async () => {
    const rects = await nodeRects(page);
    rects.forEach((a, i) => {
      rects.slice(i + 1).forEach((b) => {
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      });
    });
    const byId = new Map(rects.map((r) => [r.id, r]));
    for (const edge of reviewPipelineDag.edges) {
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      expect(source && target && source.bottom <= target.top, `${edge.source} above ${edge.target}`).toBe(true);
    }
    const viewport = page.page.viewportSize() ?? { width: 0, height: 0 };
    for (const rect of rects) {
      expect(rect.left).toBeGreaterThanOrEqual(0);
      expect(rect.right).toBeLessThanOrEqual(viewport.width);
    }
  });

  it('gives each kind its class and a legend entry', async () => {
    expect(await classesOf(page, 'n2')).toEqual(expect.arrayContaining(['kind-fork', 'family-concurrency']));
    expect(await classesOf(page, 'n16')).toEqual(expect.arrayContaining(['kind-intent_match', 'family-routing']));
    const legend = await page.page.$$eval('#legend .legend-item', (items) => items.map((i) => i.textContent));
    expect(legend).toEqual(['input', 'output', 'agent', 'fork', 'merge', 'consensus', 'fire & forget', 'branch', 'intent match']);
  });

  it('lists the flows in the picker with the drawn flow selected', async () => {
    const options = await page.page.$$eval('#flow-picker option', (o) => o.map((x) => [x.textContent, (x as HTMLOptionElement).selected]));
    expect(options).toEqual([
      ['main', true],
      ['quick', false],
    ]);
  });

  it('posts a reveal of the node’s range when a node is clicked', async () => {
    await page.clearPosted();
    await page.page.click('#graph .node[data-id="n6"]');
    const editor = reviewPipelineDag.nodes.find((n) => n.id === 'n6');
    expect(await page.posted()).toEqual([{ type: 'reveal', range: editor?.range, uri: null }]);
  });

  it('posts the same reveal from the keyboard (Enter on a focused node)', async () => {
    await page.clearPosted();
    await page.page.focus('#graph .node[data-id="n12"]');
    await page.page.keyboard.press('Enter');
    expect(await page.posted()).toEqual([{ type: 'reveal', range: rangeOf('Chair', 'flow main('), uri: null }]);
  });

  it('highlights the node under the editor’s cursor, follows the cursor, and clears', async () => {
    const editor = rangeOf('Editor', 'flow main(').start;
    await page.send({ type: 'highlight', position: { line: editor.line, character: editor.character + 3 }, uri: REVIEW_PIPELINE_URI });
    expect(await nodesWithClass(page, 'is-cursor')).toEqual(['n6']);
    await page.send({ type: 'highlight', position: rangeOf('MarketScout', 'flow main(').start, uri: REVIEW_PIPELINE_URI });
    expect(await nodesWithClass(page, 'is-cursor')).toEqual(['n4']);
    await page.send({ type: 'highlight', position: null, uri: REVIEW_PIPELINE_URI });
    expect(await nodesWithClass(page, 'is-cursor')).toEqual([]);
  });

  it('marks the node where the debugger is paused, then running, then nothing', async () => {
    const chair = rangeOf('Chair', 'flow main(').start;
    await page.send({ type: 'debug', state: 'paused', position: chair, uri: REVIEW_PIPELINE_URI });
    expect(await nodesWithClass(page, 'is-paused')).toEqual(['n12']);
    await page.send({ type: 'debug', state: 'running', position: chair, uri: REVIEW_PIPELINE_URI });
    expect(await nodesWithClass(page, 'is-paused')).toEqual([]);
    expect(await nodesWithClass(page, 'is-running')).toEqual(['n12']);
    await page.send({ type: 'debug', state: null, position: null, uri: null });
    expect(await nodesWithClass(page, 'is-running')).toEqual([]);
  });

  it('uses the theme’s colours for the node families', async () => {
    const agentStroke = await page.page.$eval('#graph .node[data-id="n6"] .shape', (s) => getComputedStyle(s).stroke);
    const forkStroke = await page.page.$eval('#graph .node[data-id="n2"] .shape', (s) => getComputedStyle(s).stroke);
    expect(agentStroke).toBe('rgb(55, 148, 255)'); // charts.blue of Dark Modern
    expect(forkStroke).toBe('rgb(204, 167, 0)'); // charts.yellow
  });

  it('ignores messages it does not understand', async () => {
    await page.page.evaluate(() => {
      window.postMessage({ type: 'dag', result: 'garbage' }, '*');
      window.postMessage('hello', '*');
    });
    expect(await page.page.locator('#graph .node').count()).toBe(reviewPipelineDag.nodes.length);
  });

  it('loads under its CSP with no errors, and the CSP blocks scripts without the nonce', async () => {
    expect(page.consoleErrors).toEqual([]);
    const ran = await page.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.appendChild(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    expect(page.consoleErrors).toEqual([expect.stringContaining('violates the following Content Security Policy directive')]);
    page.consoleErrors.length = 0;
  });

  it('saves a screenshot with the cursor and the debugger marks', async () => {
    await page.send({ type: 'highlight', position: rangeOf('Editor', 'flow main(').start, uri: REVIEW_PIPELINE_URI });
    await page.send({ type: 'debug', state: 'paused', position: rangeOf('Chair', 'flow main(').start, uri: REVIEW_PIPELINE_URI });
    await page.page.screenshot({ path: `${ARTIFACTS}dag.png` });
  });
});

describe('the DAG page’s controls', () => {
  let page: DagPage;

  beforeAll(async () => {
    page = await openDagPage(browser, 'light');
    await page.send(dagMessage(reviewPipelineDag));
  });

  afterAll(async () => {
    await page.page.close();
  });

  it('asks for another flow from the picker and reports the follow-cursor switch', async () => {
    await page.clearPosted();
    await page.page.selectOption('#flow-picker', 'quick');
    await page.page.uncheck('#follow-cursor');
    expect(await page.posted()).toEqual<FromWebview[]>([
      { type: 'selectFlow', flow: 'quick' },
      { type: 'followCursor', enabled: false },
    ]);
  });

  it('redraws for the flow the extension then sends', async () => {
    await page.send(dagMessage(quickFlowDag, false));
    expect(await page.page.locator('#graph .node').count()).toBe(4);
    expect(await page.page.textContent('#title')).toBe('review_pipeline.nx › quick');
    expect(await page.page.isChecked('#follow-cursor')).toBe(false);
  });

  it('exports a standalone SVG with resolved colours', async () => {
    await page.send(dagMessage(reviewPipelineDag));
    await page.clearPosted();
    await page.page.click('#export-svg');
    const [message] = await page.posted();
    expect(message).toMatchObject({ type: 'export', format: 'svg', flow: 'main' });
    const svg = message?.type === 'export' ? message.data : '';
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toContain('var(');
    expect(svg).toContain('stroke="rgb(26, 133, 255)"'); // charts.blue of Light Modern on the agents
    writeFileSync(`${ARTIFACTS}dag-export.svg`, svg);
    for (const node of reviewPipelineDag.nodes) {
      expect(svg).toContain(`>${node.label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text>`);
    }
  });

  it('exports a PNG', async () => {
    await page.clearPosted();
    await page.page.click('#export-png');
    await page.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const [message] = await page.posted();
    expect(message).toMatchObject({ type: 'export', format: 'png', flow: 'main' });
    const png = Buffer.from(message?.type === 'export' ? message.data : '', 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBeGreaterThan(200); // width from the IHDR chunk
    writeFileSync(`${ARTIFACTS}dag-export.png`, png);
  });

  it('shows an error notice, and drops it when a DAG arrives', async () => {
    await page.send({ type: 'notice', severity: 'error', message: 'The Nexa language server failed: the server stopped.' });
    expect(await page.page.isVisible('#notice')).toBe(true);
    expect(await page.page.textContent('#notice')).toContain('the server stopped');
    await page.send(dagMessage(reviewPipelineDag));
    expect(await page.page.isVisible('#notice')).toBe(false);
  });

  it('says so when the document has no flow', async () => {
    await page.send(dagMessage(noFlowDag));
    expect(await page.page.textContent('#empty')).toBe('review_pipeline.nx declares no flow.');
    expect(await page.page.isVisible('#empty')).toBe(true);
    expect(await page.page.isDisabled('#flow-picker')).toBe(true);
  });

  it('saves light-theme screenshots of the pipeline and of every node kind', async () => {
    await page.page.setViewportSize({ width: 1000, height: 1400 });
    await page.send(dagMessage(reviewPipelineDag));
    await page.send({ type: 'highlight', position: rangeOf('Editor', 'flow main(').start, uri: REVIEW_PIPELINE_URI });
    await page.send({ type: 'debug', state: 'paused', position: rangeOf('Chair', 'flow main(').start, uri: REVIEW_PIPELINE_URI });
    await page.page.screenshot({ path: `${ARTIFACTS}dag-light.png` });
    await page.send({ type: 'debug', state: null, position: null, uri: null });
    await page.send(dagMessage(everyKindDag, true, 'kinds.nx'));
    expect(await page.page.locator('#graph .node').count()).toBe(everyKindDag.nodes.length);
    expect(await page.page.locator('#legend .legend-item').count()).toBe(everyKindDag.nodes.length);
    await page.page.screenshot({ path: `${ARTIFACTS}dag-kinds.png` });
  });
});

describe('the DAG page in a narrow panel beside the editor', () => {
  let page: DagPage;

  beforeAll(async () => {
    page = await openDagPage(browser, 'dark', { width: 480, height: 820 });
    await page.send(dagMessage(reviewPipelineDag));
  });

  afterAll(async () => {
    await page.page.close();
  });

  async function graphBox(): Promise<{ top: number; bottom: number }> {
    return page.page.$eval('#graph', (svg) => {
      const box = svg.getBoundingClientRect();
      return { top: box.top, bottom: box.bottom };
    });
  }

  it('starts readable at the top of a long flow instead of shrinking it to fit', async () => {
    const labelHeight = await page.page.$eval('#graph .node[data-id="n1"] .label', (t) => t.getBoundingClientRect().height);
    expect(labelHeight).toBeGreaterThanOrEqual(9);
    const rects = await nodeRects(page);
    const view = await graphBox();
    const input = rects.find((r) => r.id === 'n1');
    expect(input && input.top >= view.top && input.bottom <= view.bottom).toBe(true);
    const notifier = rects.find((r) => r.id === 'n22');
    expect(notifier && notifier.top > view.bottom).toBe(true);
    await page.page.screenshot({ path: `${ARTIFACTS}dag-narrow.png` });
  });

  it('scrolls down with the mouse wheel', async () => {
    const before = (await nodeRects(page)).find((r) => r.id === 'n1')?.top ?? 0;
    await page.page.mouse.move(240, 400);
    await page.page.mouse.wheel(0, 300);
    await page.page.waitForFunction((y) => {
      const node = document.querySelector('#graph .node[data-id="n1"]');
      return node !== null && node.getBoundingClientRect().top < y - 200;
    }, before);
  });

  it('shows the whole flow on Fit', async () => {
    await page.page.click('#fit');
    const view = await graphBox();
    for (const rect of await nodeRects(page)) {
      expect(rect.top).toBeGreaterThanOrEqual(view.top - 0.5);
      expect(rect.bottom).toBeLessThanOrEqual(view.bottom + 0.5);
    }
  });
});
