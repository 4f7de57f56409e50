/**
 * The DAG page in headless Chromium fed with what the REAL server says: `nexa-lsp --dag FILE --flow NAME
 * --output-format json`, run now on upstream corpus programs (the same builder answers `nexa/dag`;
 * test/bundle/realServer.test.ts checks that the two agree). Flows with fork, merge, branch and intent
 * routing; CJK edge labels. Also saves test-artifacts/dag-webview-docs.png, the picture in
 * docs/vscode-extension.md (copy it there when the page's look changes).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDagResult, type DagResult } from '../../shared/dagModel';
import type { ToWebview } from '../../shared/messages';
import { copyCorpusFile, dagFromCli, requireRealServer } from '../fixtures/realServer';
import { launchChromium, openDagPage, type DagPage } from './pageHarness';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

interface CorpusFlow {
  readonly file: string;
  readonly flow: string;
  /** Node kinds the flow must have (what the case is about). */
  readonly kinds: readonly string[];
  readonly edgeLabels: readonly string[];
}

const CASES: readonly CorpusFlow[] = [
  { file: 'v1.0/15_dag_topology.nx', flow: 'main', kinds: ['fork', 'merge', 'branch'], edgeLabels: ['no', 'yes'] },
  { file: 'v1.2/test_secret_management.nx', flow: 'main', kinds: ['fork', 'merge', 'intent_match'], edgeLabels: ['_', '服务A', '服务B'] },
  { file: 'v0.1/02_pipeline_and_routing.nx', flow: 'main', kinds: ['intent_match'], edgeLabels: ['Check daily news', 'Check weather', '_'] },
  { file: 'v1.2/test_dag_operators.nx', flow: 'main', kinds: ['fork', 'merge', 'consensus', 'fire_and_forget', 'branch'], edgeLabels: ['no', 'no', 'yes', 'yes'] },
];

interface Loaded {
  readonly spec: CorpusFlow;
  readonly uri: string;
  readonly result: DagResult;
}

let browser: Browser;
const loaded: Loaded[] = [];

function message(item: Loaded): ToWebview {
  return { type: 'dag', result: item.result, documentUri: item.uri, documentName: item.spec.file.split('/').pop() ?? '', followCursor: true };
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

beforeAll(async () => {
  requireRealServer();
  mkdirSync(ARTIFACTS, { recursive: true });
  const [launched, ...results] = await Promise.all([
    launchChromium(),
    ...CASES.map(async (spec) => {
      const path = copyCorpusFile(spec.file);
      const parsed = parseDagResult(await dagFromCli(path, spec.flow));
      if (!parsed.ok) {
        throw new Error(`nexa-lsp --dag ${spec.file}: ${parsed.error}`);
      }
      return { spec, uri: `file://${path}`, result: parsed.value };
    }),
  ]);
  browser = launched;
  loaded.push(...results);
});

afterAll(async () => {
  await browser.close();
});

describe.each(CASES.map((spec, index) => ({ name: `${spec.file} › ${spec.flow}`, index })))('the DAG page drawing the real graph of $name', ({ index }) => {
  let page: DagPage;
  let item: Loaded;

  beforeAll(async () => {
    const found = loaded[index];
    if (!found) {
      throw new Error('the graph was not loaded');
    }
    item = found;
    page = await openDagPage(browser, 'dark', { width: 1100, height: 900 });
    await page.send(message(item));
  });

  afterAll(async () => {
    await page.page.close();
  });

  it('has the kinds this case is about, and is read without error', () => {
    const kinds = new Set(item.result.nodes.map((n) => n.kind));
    for (const kind of item.spec.kinds) {
      expect(kinds, kind).toContain(kind);
    }
    expect(item.result.flow).toBe(item.spec.flow);
  });

  it('draws every node and edge with its label, and nothing else', async () => {
    expect(await page.page.locator('#graph .node').count()).toBe(item.result.nodes.length);
    expect(await page.page.locator('#graph .edge').count()).toBe(item.result.edges.length);
    const labels = await page.page.$$eval('#graph .node .label', (texts) => texts.map((t) => t.textContent));
    expect(labels.sort()).toEqual(item.result.nodes.map((n) => n.label).sort());
    const edgeLabels = await page.page.$$eval('#graph .edge-label', (texts) => texts.map((t) => t.textContent));
    expect(edgeLabels.sort()).toEqual([...item.spec.edgeLabels].sort());
    expect(await page.page.isVisible('#notice')).toBe(false);
    expect(page.consoleErrors).toEqual([]);
  });

  it('lays it out top-down without overlapping nodes', async () => {
    await page.page.click('#fit');
    const rects = await nodeRects(page);
    rects.forEach((a, i) => {
      rects.slice(i + 1).forEach((b) => {
        const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
      });
    });
    const byId = new Map(rects.map((r) => [r.id, r]));
    for (const edge of item.result.edges) {
      const source = byId.get(edge.source);
      const target = byId.get(edge.target);
      expect(source && target && source.bottom <= target.top, `${edge.source} above ${edge.target}`).toBe(true);
    }
    await page.page.screenshot({ path: `${ARTIFACTS}real-${item.spec.file.replace(/[/.]/g, '_')}.png` });
  });

  it('posts a reveal of the server’s range for the node clicked, and outlines the node under the cursor', async () => {
    const node = item.result.nodes.find((n) => n.kind === item.spec.kinds[0]);
    if (!node?.range) {
      throw new Error('no node to click');
    }
    await page.clearPosted();
    await page.page.click(`#graph .node[data-id="${node.id}"]`);
    expect(await page.posted()).toEqual([{ type: 'reveal', range: node.range, uri: null }]);
    await page.send({ type: 'highlight', position: node.range.start, uri: item.uri });
    expect(await page.page.$$eval('#graph .node.is-cursor', (nodes) => nodes.map((n) => n.getAttribute('data-id')))).toEqual([node.id]);
  });
});

describe('the picture for docs/vscode-extension.md', () => {
  it('shows 15_dag_topology.nx › main with the cursor and debugger marks', async () => {
    const item = loaded[0];
    if (!item) {
      throw new Error('the graph was not loaded');
    }
    const page = await openDagPage(browser, 'dark', { width: 960, height: 660 });
    const nodeNamed = (label: string) => item.result.nodes.find((n) => n.label === label)?.range?.start ?? null;
    await page.send(message(item));
    await page.send({ type: 'highlight', position: nodeNamed('|>>'), uri: item.uri });
    await page.send({ type: 'debug', state: 'paused', position: nodeNamed('Reviewer'), uri: item.uri });
    expect(await page.page.$$eval('#graph .node.is-cursor .label', (n) => n.map((x) => x.textContent))).toEqual(['|>>']);
    expect(await page.page.$$eval('#graph .node.is-paused .label', (n) => n.map((x) => x.textContent))).toEqual(['Reviewer']);
    await page.page.screenshot({ path: `${ARTIFACTS}dag-webview-docs.png` });
    await page.page.close();
  });
});
