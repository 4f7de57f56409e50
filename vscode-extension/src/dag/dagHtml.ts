/**
 * Fills media/dag.html for one webview: resource URIs, the CSP source and a fresh nonce.
 * No `vscode` import, so the browser test builds its page with the very same function.
 */

export interface DagHtmlParts {
  /** `webview.cspSource`: where the page may load its stylesheet and images from. */
  readonly cspSource: string;
  /** Allows exactly the page's own script tag(s); a new one for every page load. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

const PLACEHOLDER = /\{\{(cspSource|nonce|scriptUri|styleUri)\}\}/g;

export function renderDagHtml(template: string, parts: DagHtmlParts): string {
  return template.replace(PLACEHOLDER, (_match, name: keyof DagHtmlParts) => escapeAttribute(parts[name]));
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** 32 characters from [A-Za-z0-9], from a cryptographic source. */
export function createNonce(randomBytes: (size: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (byte) => alphabet[byte % alphabet.length]).join('');
}
