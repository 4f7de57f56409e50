import { describe, expect, it } from 'vitest';
import { flowLaunchConfig, resolveLaunchConfig, type LaunchContext } from '../../src/debug/launchConfig';

const context: LaunchContext = {
  activeFile: { path: '/work/app/main.nx', languageId: 'nexa' },
  workspaceFolder: '/work/app',
  defaults: { provider: 'offline', model: '' },
};

function resolve(raw: Record<string, unknown>, ctx: LaunchContext = context) {
  return resolveLaunchConfig(raw, ctx);
}

describe('resolveLaunchConfig', () => {
  it('turns F5 without a launch.json into "run main of the active file"', () => {
    expect(resolve({})).toEqual({
      ok: true,
      config: {
        type: 'nexa',
        request: 'launch',
        name: 'Nexa: main of main.nx',
        program: '/work/app/main.nx',
        flow: 'main',
        args: [],
        cwd: '/work/app',
        env: {},
        provider: 'offline',
        allow: [],
        stopOnEntry: false,
        noDebug: false,
      },
    });
  });

  it('refuses F5 without a launch.json when the active file is not Nexa', () => {
    expect(resolve({}, { ...context, activeFile: { path: '/work/app/notes.md', languageId: 'markdown' } })).toEqual({
      ok: false,
      error: 'Open a .nx file to run it, or add a Nexa launch configuration to launch.json.',
    });
  });

  it('keeps what the user wrote and resolves relative paths against the workspace', () => {
    const result = resolve({
      type: 'nexa',
      request: 'launch',
      name: 'triage',
      program: 'flows/triage.nx',
      flow: 'route',
      args: ['urgent ticket', '3'],
      cwd: 'out',
      env: { NEXA_TRACE: '1' },
      record: 'cassettes/run.jsonl',
      allow: ['read:./data', 'net:api.example.com', 'python'],
      stopOnEntry: true,
      preLaunchTask: 'build',
    });
    expect(result).toEqual({
      ok: true,
      config: {
        type: 'nexa',
        request: 'launch',
        name: 'triage',
        program: '/work/app/flows/triage.nx',
        flow: 'route',
        args: ['urgent ticket', '3'],
        cwd: '/work/app/out',
        env: { NEXA_TRACE: '1' },
        provider: 'offline',
        record: '/work/app/cassettes/run.jsonl',
        allow: ['read:./data', 'net:api.example.com', 'python'],
        stopOnEntry: true,
        noDebug: false,
        preLaunchTask: 'build',
      },
    });
  });

  it('takes provider and model from the settings when the configuration has none', () => {
    const result = resolve({ type: 'nexa', request: 'launch', name: 'x', program: '/a.nx' }, { ...context, defaults: { provider: 'openai', model: 'gpt-4o-mini' } });
    expect(result.ok && [result.config.provider, result.config.model]).toEqual(['openai', 'gpt-4o-mini']);
  });

  it('lets the configuration override the settings', () => {
    const result = resolve({ type: 'nexa', request: 'launch', name: 'x', program: '/a.nx', provider: 'offline', model: 'offline/echo' }, { ...context, defaults: { provider: 'openai', model: 'gpt-4o-mini' } });
    expect(result.ok && [result.config.provider, result.config.model]).toEqual(['offline', 'offline/echo']);
  });

  it.each([
    [{ program: '' }, '"program" must name the .nx file to run'],
    [{ program: '/a.nx', flow: 'main flow' }, '"flow" must be a flow name such as main, not "main flow"'],
    [{ program: '/a.nx', args: ['ok', 3] }, '"args"[1] must be a string'],
    [{ program: '/a.nx', args: 'a b' }, '"args" must be a list of strings'],
    [{ program: '/a.nx', allow: ['everything'] }, '"allow" entry "everything" is not one of python, shell, approve-all, read:PATH, write:PATH, net:HOST'],
    [{ program: '/a.nx', env: { N: 1 } }, '"env" must map variable names to strings'],
    [{ program: '/a.nx', provider: 'anthropic' }, '"provider" must be one of offline, openai, not "anthropic"'],
    [{ program: '/a.nx', record: 'r.jsonl', replay: 'r.jsonl' }, '"record" and "replay" cannot be used together: a replayed run never contacts a provider'],
    [{ program: '/a.nx', stopOnEntry: 'yes' }, '"stopOnEntry" must be true or false'],
    [{ program: '/a.nx', request: 'attach' }, 'request "attach" is not supported: nexa-dap only launches programs'],
  ])('rejects %j with a message naming the attribute', (fields, error) => {
    expect(resolve({ type: 'nexa', request: 'launch', name: 'bad', ...fields })).toEqual({ ok: false, error });
  });
});

describe('flowLaunchConfig', () => {
  it('builds the configuration Run Flow and Debug Flow start', () => {
    expect(flowLaunchConfig('/work/app/main.nx', 'quick', true)).toEqual({
      type: 'nexa',
      request: 'launch',
      name: 'Run quick (main.nx)',
      program: '/work/app/main.nx',
      flow: 'quick',
      noDebug: true,
    });
    expect(flowLaunchConfig('/work/app/main.nx', 'main', false).name).toBe('Debug main (main.nx)');
  });

  it('resolves to a complete configuration', () => {
    const result = resolve(flowLaunchConfig('/work/app/main.nx', 'quick', true));
    expect(result).toMatchObject({ ok: true, config: { flow: 'quick', noDebug: true, cwd: '/work/app', provider: 'offline' } });
  });
});
