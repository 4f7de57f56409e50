/**
 * package.json, the language configuration and the snippets are data that VS Code reads without
 * running our code; these tests keep them in step with the code and with the task's contract.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOW_PATTERN, LAUNCH_ATTRIBUTES, resolveLaunchConfig } from '../../src/debug/launchConfig';

const root = new URL('../../', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, root), 'utf8');

interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string; embeddedLanguages: Record<string, string> }[];
    snippets: { language: string; path: string }[];
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { type: string; enum?: string[]; default?: unknown }> };
    breakpoints: { language: string }[];
    debuggers: {
      type: string;
      languages: string[];
      configurationAttributes: { launch: { required: string[]; properties: Record<string, { items?: { pattern?: string } }> } };
      initialConfigurations: Record<string, unknown>[];
      configurationSnippets: { body: Record<string, unknown> }[];
    }[];
  };
}

const manifest = JSON.parse(read('package.json')) as Manifest;

function sourceFiles(dir: URL): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir.pathname, name);
    return statSync(path).isDirectory() ? sourceFiles(new URL(`${name}/`, dir)) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('package.json', () => {
  it('declares the nexa language for .nx and .nxlib, with its grammar and snippets', () => {
    const [language] = manifest.contributes.languages;
    expect(language).toMatchObject({ id: 'nexa', extensions: ['.nx', '.nxlib'] });
    expect(manifest.contributes.grammars[0]).toMatchObject({
      language: 'nexa',
      scopeName: 'source.nexa',
      embeddedLanguages: { 'meta.embedded.block.python': 'python' },
    });
    expect(manifest.contributes.snippets[0]?.language).toBe('nexa');
  });

  it('declares exactly the commands the extension registers', () => {
    const registered = sourceFiles(new URL('src/', root))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/registerCommand\('([\w.]+)'/g)].map((m) => m[1]))
      .sort();
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual(registered);
    expect(registered).toEqual(expect.arrayContaining(['nexa.runFlow', 'nexa.debugFlow', 'nexa.showDag']));
  });

  it('has the settings the server, the debugger and the runs read', () => {
    expect(Object.keys(manifest.contributes.configuration.properties).sort()).toEqual([
      'nexa.check.severity',
      'nexa.debug.adapterPath',
      'nexa.model',
      'nexa.provider',
      'nexa.server.path',
      'nexa.server.pythonPath',
      'nexa.trace.server',
    ]);
    expect(manifest.contributes.configuration.properties['nexa.trace.server']?.enum).toEqual(['off', 'messages', 'verbose']);
  });

  it('declares the nexa debugger with the launch attributes the configuration resolver knows', () => {
    const [debuggerContribution] = manifest.contributes.debuggers;
    expect(debuggerContribution?.type).toBe('nexa');
    const properties = debuggerContribution?.configurationAttributes.launch.properties ?? {};
    expect(Object.keys(properties).sort()).toEqual([...LAUNCH_ATTRIBUTES].sort());
    expect(properties.allow?.items?.pattern).toBe(ALLOW_PATTERN.source);
    expect(manifest.contributes.breakpoints).toEqual([{ language: 'nexa' }]);
  });

  it('offers initial configurations that resolve once VS Code substitutes ${file}', () => {
    const [debuggerContribution] = manifest.contributes.debuggers;
    for (const initial of debuggerContribution?.initialConfigurations ?? []) {
      const substituted = JSON.parse(JSON.stringify(initial).replaceAll('${file}', '/w/app.nx')) as Record<string, unknown>;
      const resolved = resolveLaunchConfig(substituted, { workspaceFolder: '/w', defaults: { provider: 'offline', model: '' } });
      expect(resolved.ok).toBe(true);
    }
    for (const snippet of debuggerContribution?.configurationSnippets ?? []) {
      expect(snippet.body).toMatchObject({ type: 'nexa', request: 'launch' });
    }
  });

  it('activates for Nexa files, debug sessions and a restored DAG panel', () => {
    expect(manifest.activationEvents).toEqual(
      expect.arrayContaining(['onLanguage:nexa', 'onDebugResolve:nexa', 'onWebviewPanel:nexa.dag']),
    );
    expect(manifest.main).toBe('./dist/extension.js');
  });
});

describe('language-configuration.json', () => {
  const config = JSON.parse(read('language-configuration.json')) as {
    comments: { lineComment: string; blockComment: [string, string] };
    autoClosingPairs: { open: string; close: string }[];
    surroundingPairs: [string, string][];
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    folding: { markers: { start: string; end: string } };
  };

  it('uses // and /* */ comments', () => {
    expect(config.comments).toEqual({ lineComment: '//', blockComment: ['/*', '*/'] });
  });

  it('auto-closes brackets, both quotes and triple quotes', () => {
    const opens = config.autoClosingPairs.map((p) => p.open);
    expect(opens).toEqual(expect.arrayContaining(['{', '[', '(', '"', "'", '"""']));
  });

  it('takes python! and snake_case names as single words, and indents after an open brace', () => {
    const word = new RegExp(`^(?:${config.wordPattern})$`);
    expect(word.test('python!')).toBe(true);
    expect(word.test('semantic_if')).toBe(true);
    expect(word.test('1.5e3')).toBe(true);
    expect(new RegExp(config.indentationRules.increaseIndentPattern).test('flow main {')).toBe(true);
    expect(new RegExp(config.indentationRules.increaseIndentPattern).test('x = "{" // {')).toBe(false);
    expect(new RegExp(config.indentationRules.decreaseIndentPattern).test('    }')).toBe(true);
    expect(new RegExp(config.folding.markers.start).test('// region agents')).toBe(true);
  });
});

describe('snippets', () => {
  const snippets = JSON.parse(read('snippets/nexa.code-snippets')) as Record<string, { prefix: string; body: string[]; description: string }>;

  it('cover the main constructs', () => {
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    expect(prefixes).toEqual(
      expect.arrayContaining(['agent', 'flow', 'tool', 'protocol', 'match-intent', 'semantic_if', 'try', 'fork-merge', 'fork']),
    );
  });

  it('each has a description and balanced braces', () => {
    for (const [name, snippet] of Object.entries(snippets)) {
      expect(snippet.description, name).not.toBe('');
      const text = snippet.body.join('\n').replace(/\$\{\d+(?::|\|)/g, '').replace(/\$\{\d+\}/g, '');
      const opened = (text.match(/\{/g) ?? []).length;
      const closed = (text.match(/\}/g) ?? []).length;
      // Every placeholder `${n:…}` leaves one extra `}`; what remains must balance.
      const placeholders = (snippet.body.join('\n').match(/\$\{\d+(?::|\|)/g) ?? []).length;
      expect(closed - placeholders, name).toBe(opened);
    }
  });
});
