import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNonce, renderDagHtml } from '../../src/dag/dagHtml';

const template = readFileSync(new URL('../../media/dag.html', import.meta.url), 'utf8');
const parts = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abcDEF123',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dag.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/dag.css',
};

describe('the DAG page HTML', () => {
  const html = renderDagHtml(template, parts);

  it('fills every placeholder', () => {
    expect(html).not.toMatch(/\{\{\w+\}\}/);
    expect(html).toContain(`src="${parts.scriptUri}"`);
    expect(html).toContain(`href="${parts.styleUri}"`);
  });

  it('has a strict CSP: nothing by default, scripts only with the nonce, no inline styles', () => {
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-abcDEF123'");
    expect(csp).toContain(`style-src ${parts.cspSource};`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('gives every script tag the nonce', () => {
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) {
      expect(tag).toContain('nonce="abcDEF123"');
    }
  });

  it('escapes a value that would break out of an attribute', () => {
    const broken = renderDagHtml('<a href="{{scriptUri}}">', { ...parts, scriptUri: '"><script>x</script>' });
    expect(broken).toBe('<a href="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">');
  });
});

describe('createNonce', () => {
  it('makes 32 alphanumeric characters from the random bytes', () => {
    const nonce = createNonce((size) => Uint8Array.from({ length: size }, (_, i) => i * 7));
    expect(nonce).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});
