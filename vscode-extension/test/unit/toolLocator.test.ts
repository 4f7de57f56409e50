import { describe, expect, it } from 'vitest';
import {
  DEBUG_ADAPTER,
  describeCommandLine,
  expandSettingPath,
  findOnPath,
  LANGUAGE_SERVER,
  resolveTool,
  type LookupEnvironment,
} from '../../src/server/toolLocator';

function env(executables: string[], overrides: Partial<LookupEnvironment> = {}): LookupEnvironment {
  const files = new Set(executables);
  return {
    platform: 'linux',
    pathVariable: '/usr/local/bin:/usr/bin',
    pathExtensions: undefined,
    homeDir: '/home/ada',
    workspaceFolders: ['/work/project'],
    isExecutableFile: (file) => files.has(file),
    ...overrides,
  };
}

const noSettings = { explicitPath: '', pythonPath: '' };

describe('resolveTool', () => {
  it('uses the path setting first, even when other candidates exist', () => {
    const e = env(['/opt/nexa/bin/nexa-lsp', '/usr/bin/nexa-lsp', '/work/project/.venv/bin/nexa-lsp']);
    expect(resolveTool(LANGUAGE_SERVER, { explicitPath: '/opt/nexa/bin/nexa-lsp', pythonPath: '/usr/bin/python3' }, e)).toEqual({
      ok: true,
      commandLine: { command: '/opt/nexa/bin/nexa-lsp', args: [], source: 'setting' },
    });
  });

  it('says which setting is wrong when the path setting names no executable', () => {
    const result = resolveTool(LANGUAGE_SERVER, { explicitPath: '~/bin/nexa-lsp', pythonPath: '' }, env([]));
    expect(result).toEqual({
      ok: false,
      message: 'nexa.server.path is "~/bin/nexa-lsp", which is not an executable file',
      tried: ['/home/ada/bin/nexa-lsp'],
    });
  });

  it('runs the module with the configured Python when there is no path setting', () => {
    const e = env(['/work/project/.venv/bin/python', '/usr/bin/nexa-lsp']);
    expect(resolveTool(LANGUAGE_SERVER, { explicitPath: '', pythonPath: '${workspaceFolder}/.venv/bin/python' }, e)).toEqual({
      ok: true,
      commandLine: { command: '/work/project/.venv/bin/python', args: ['-m', 'nexa_lsp'], source: 'python' },
    });
    expect(resolveTool(DEBUG_ADAPTER, { explicitPath: '', pythonPath: 'python3' }, env(['/usr/bin/python3']))).toEqual({
      ok: true,
      commandLine: { command: '/usr/bin/python3', args: ['-m', 'nexa_avm.dap.cli'], source: 'python' },
    });
  });

  it('prefers the workspace .venv over PATH', () => {
    const e = env(['/work/project/.venv/bin/nexa-dap', '/usr/bin/nexa-dap']);
    expect(resolveTool(DEBUG_ADAPTER, noSettings, e)).toMatchObject({ ok: true, commandLine: { command: '/work/project/.venv/bin/nexa-dap', source: 'workspace-venv' } });
  });

  it('finds the program on PATH', () => {
    expect(resolveTool(LANGUAGE_SERVER, noSettings, env(['/usr/bin/nexa-lsp']))).toMatchObject({
      ok: true,
      commandLine: { command: '/usr/bin/nexa-lsp', source: 'path' },
    });
  });

  it('lists where it looked when nothing is found', () => {
    expect(resolveTool(LANGUAGE_SERVER, noSettings, env([]))).toEqual({
      ok: false,
      message: 'nexa-lsp was not found',
      tried: ['/work/project/.venv/bin/nexa-lsp', 'nexa-lsp on PATH'],
    });
  });

  it('looks for .exe files in .venv\\Scripts and PATH on Windows', () => {
    const e = env(['C:\\proj\\.venv\\Scripts\\nexa-lsp.exe'], {
      platform: 'win32',
      pathVariable: 'C:\\Windows',
      pathExtensions: '.COM;.EXE',
      workspaceFolders: ['C:\\proj'],
    });
    expect(resolveTool(LANGUAGE_SERVER, noSettings, e)).toMatchObject({ ok: true, commandLine: { command: 'C:\\proj\\.venv\\Scripts\\nexa-lsp.exe' } });
  });
});

describe('paths in settings', () => {
  it('expands ~, ${userHome} and ${workspaceFolder}, and makes relative paths workspace-relative', () => {
    const e = env([]);
    expect(expandSettingPath('~/x', e)).toBe('/home/ada/x');
    expect(expandSettingPath('${userHome}/x', e)).toBe('/home/ada/x');
    expect(expandSettingPath('${workspaceFolder}/tools/lsp', e)).toBe('/work/project/tools/lsp');
    expect(expandSettingPath('tools/lsp', e)).toBe('/work/project/tools/lsp');
    expect(expandSettingPath('nexa-lsp', e)).toBe('nexa-lsp');
  });

  it('finds a bare name on PATH in order, skipping empty entries', () => {
    const e = env(['/usr/bin/nexa-lsp', '/usr/local/bin/nexa-lsp'], { pathVariable: ':/usr/local/bin::/usr/bin' });
    expect(findOnPath('nexa-lsp', e)).toBe('/usr/local/bin/nexa-lsp');
  });

  it('quotes parts with spaces when describing a command line', () => {
    expect(describeCommandLine({ command: '/Program Files/py', args: ['-m', 'nexa_lsp'], source: 'python' })).toBe('"/Program Files/py" -m nexa_lsp');
  });
});
