/**
 * Opens the real DAG page (media/dag.html + the built media/dag.js and dag.css) in headless Chromium,
 * the way VS Code would: same HTML template and CSP, a `acquireVsCodeApi` stub that records what the
 * page posts, theme variables on <html>, messages delivered as window `message` events.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { createNonce, renderDagHtml } from '../../src/dag/dagHtml';
import type { FromWebview, ToWebview } from '../../shared/messages';
import { themeScript, type ThemeName } from './themes';

export const CHROMIUM_PATH = process.env.NEXA_CHROMIUM ?? '/usr/bin/chromium';
const ORIGIN = 'https://nexa.test';
const MEDIA = fileURLToPath(new URL('../../media/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
}

const STUB = `
  window.__posted = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => { window.__posted.push(message); },
    getState: () => window.__state,
    setState: (state) => { window.__state = state; },
  });
`;

export interface DagPage {
  readonly page: Page;
  readonly consoleErrors: string[];
  send(message: ToWebview): Promise<void>;
  posted(): Promise<FromWebview[]>;
  clearPosted(): Promise<void>;
}

export async function openDagPage(
  browser: Browser,
  theme: ThemeName,
  viewport = { width: 1000, height: 1100 },
): Promise<DagPage> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => {
    consoleErrors.push(`page error: ${error.message}`);
  });

  const nonce = createNonce((size) => randomBytes(size));
  const html = renderDagHtml(readFileSync(`${MEDIA}dag.html`, 'utf8'), {
    cspSource: ORIGIN,
    nonce,
    scriptUri: `${ORIGIN}/media/dag.js`,
    styleUri: `${ORIGIN}/media/dag.css`,
  }).replace(`<script nonce="${nonce}"`, `<script nonce="${nonce}">${STUB}${themeScript(theme)}</script>\n  <script nonce="${nonce}"`);

  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/' || path === '/index.html') {
      await route.fulfill({ contentType: 'text/html', body: html });
    } else if (path === '/media/dag.js' || path === '/media/dag.css') {
      const file = `${MEDIA}${path.slice('/media/'.length)}`;
      await route.fulfill({ contentType: path.endsWith('.js') ? 'text/javascript' : 'text/css', body: readFileSync(file, 'utf8') });
    } else {
      await route.fulfill({ status: 404, body: 'not found' });
    }
  });
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);

  return {
    page,
    consoleErrors,
    send: async (message) => {
      await page.evaluate((m) => {
        window.postMessage(m, '*');
      }, message);
      // postMessage is delivered as a task: wait for the page to have handled it.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted),
    clearPosted: async () => {
      await page.evaluate(() => {
        (window as unknown as { __posted: unknown[] }).__posted = [];
      });
    },
  };
}
