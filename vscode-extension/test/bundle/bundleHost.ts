/**
 * Loads the built dist/extension.js (with the real vscode-languageclient inside) on the fake host of
 * test/host/fakeVscode.ts, for the bundle tests. Needs `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fake from '../host/fakeVscode';

/** vscode-extension/, with a trailing slash. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Extension {
  activate(context: ExtensionContext): Promise<void>;
  deactivate(): Promise<void>;
}

export interface ExtensionContext {
  subscriptions: { dispose(): unknown }[];
  extensionUri: unknown;
}

/**
 * What the fake host does not model (most of the vscode API the language client touches) is an inert
 * stub: classes for capitalised names, event registrations and calls that return disposables.
 */
function inertStub(): unknown {
  return new Proxy(function inert() {
    // Called: does nothing.
  }, {
    get: (_target, property) => (property === 'then' || typeof property === 'symbol' ? undefined : property === 'dispose' ? () => undefined : inertStub()),
    apply: () => ({ dispose: () => undefined }),
    construct: () => ({}),
  });
}

function withStubs<T extends object>(target: T): T {
  return new Proxy(target, {
    get(object, property) {
      if (property in object) {
        const value: unknown = Reflect.get(object, property);
        const isNamespace = typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map);
        return isNamespace ? withStubs(value) : value;
      }
      if (typeof property !== 'string') {
        return undefined;
      }
      if (/^[A-Z]/.test(property)) {
        // A base class the client can extend (CompletionItem, …).
        return class Inert {
          readonly inert = true;
        };
      }
      if (/^on[A-Z]/.test(property)) {
        return () => ({ dispose: () => undefined });
      }
      return inertStub();
    },
  });
}

/** Requires the bundle with `vscode` resolved to the fake host. */
export function loadBundle(): Extension {
  const vscode = withStubs(fake);
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = loader._load.bind(Module);
  loader._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? vscode : load(request, ...rest));
  return createRequire(import.meta.url)(join(ROOT, 'dist', 'extension.js')) as Extension;
}

/** A fresh host with the page template the DAG panel reads, and an extension context. */
export function resetHost(context: ExtensionContext): void {
  fake.host.reset();
  fake.host.files.set(join(ROOT, 'media', 'dag.html'), readFileSync(join(ROOT, 'media', 'dag.html')));
  context.subscriptions = [];
}

export function newContext(): ExtensionContext {
  return { subscriptions: [], extensionUri: fake.Uri.file(ROOT.replace(/\/$/, '')) };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens the DAG panel's page as VS Code would (the page says `ready`) and returns it. */
export async function readyPanel(): Promise<fake.FakePanel> {
  await until(() => fake.host.panels.length > 0, 'a DAG panel');
  const panel = fake.host.panels[0];
  if (!panel) {
    throw new Error('no DAG panel');
  }
  await until(() => panel.webview.html !== '', 'the page');
  panel.webview.receive.fire({ type: 'ready' });
  return panel;
}

export function postedOfType(panel: fake.FakePanel, type: string): unknown[] {
  return panel.webview.posted.filter((m) => (m as { type: string }).type === type);
}
