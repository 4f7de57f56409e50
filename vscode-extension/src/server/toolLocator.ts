/**
 * Finds the command line that starts one of the suite's programs (`nexa-lsp`, `nexa-dap`).
 *
 * Order: the explicit path setting; else `python -m module` with the configured interpreter; else
 * the program in a workspace `.venv` (what `pip install -e .` in a checkout produces); else `PATH`.
 * Pure: the file system and environment come in through `LookupEnvironment`, so every rule is tested.
 */
import * as path from 'node:path';

export interface ToolSpec {
  /** Executable name without extension, e.g. `nexa-lsp`. */
  readonly executable: string;
  /** Python module run with `-m`, e.g. `nexa_lsp`. */
  readonly pythonModule: string;
  /** The setting that holds an explicit path, for messages. */
  readonly pathSetting: string;
}

export const LANGUAGE_SERVER: ToolSpec = {
  executable: 'nexa-lsp',
  pythonModule: 'nexa_lsp',
  pathSetting: 'nexa.server.path',
};

export const DEBUG_ADAPTER: ToolSpec = {
  executable: 'nexa-dap',
  pythonModule: 'nexa_avm.dap.cli',
  pathSetting: 'nexa.debug.adapterPath',
};

export interface ToolSettings {
  readonly explicitPath: string;
  readonly pythonPath: string;
}

export interface LookupEnvironment {
  readonly platform: NodeJS.Platform;
  readonly pathVariable: string | undefined;
  /** Windows' PATHEXT; ignored elsewhere. */
  readonly pathExtensions: string | undefined;
  readonly homeDir: string;
  readonly workspaceFolders: readonly string[];
  isExecutableFile(file: string): boolean;
}

export type ToolSource = 'setting' | 'python' | 'workspace-venv' | 'path';

export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly source: ToolSource;
}

export type ToolResolution =
  | { readonly ok: true; readonly commandLine: CommandLine }
  | { readonly ok: false; readonly message: string; readonly tried: readonly string[] };

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands `~`, `${userHome}` and `${workspaceFolder}` (the first folder) the way users write them in settings. */
export function expandSettingPath(value: string, env: LookupEnvironment): string {
  const trimmed = value.trim();
  const folder = env.workspaceFolders[0] ?? '';
  let expanded = trimmed.replace(/\$\{userHome\}/g, env.homeDir).replace(/\$\{workspaceFolder\}/g, folder);
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = env.homeDir + expanded.slice(1);
  }
  const api = pathApi(env.platform);
  // A relative path with a separator is relative to the workspace, as in tasks and launch configs.
  if (!api.isAbsolute(expanded) && hasSeparator(expanded, env.platform) && folder !== '') {
    expanded = api.join(folder, expanded);
  }
  return expanded;
}

function hasSeparator(value: string, platform: NodeJS.Platform): boolean {
  return value.includes('/') || (platform === 'win32' && value.includes('\\'));
}

function executableNames(name: string, env: LookupEnvironment): string[] {
  if (env.platform !== 'win32' || path.win32.extname(name) !== '') {
    return [name];
  }
  const extensions = (env.pathExtensions ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  return extensions.map((e) => name + e.toLowerCase());
}

/** The first `name` on PATH that is an executable file. */
export function findOnPath(name: string, env: LookupEnvironment): string | undefined {
  const api = pathApi(env.platform);
  const separator = env.platform === 'win32' ? ';' : ':';
  for (const directory of (env.pathVariable ?? '').split(separator)) {
    if (directory === '') {
      continue;
    }
    for (const candidate of executableNames(name, env)) {
      const full = api.join(directory, candidate);
      if (env.isExecutableFile(full)) {
        return full;
      }
    }
  }
  return undefined;
}

/** A setting's value as an executable: a path must exist; a bare name is looked up on PATH. */
function settingExecutable(value: string, env: LookupEnvironment): string | undefined {
  const expanded = expandSettingPath(value, env);
  if (hasSeparator(expanded, env.platform) || pathApi(env.platform).isAbsolute(expanded)) {
    return executableNames(expanded, env).find((candidate) => env.isExecutableFile(candidate));
  }
  return findOnPath(expanded, env);
}

function venvExecutable(folder: string, name: string, env: LookupEnvironment): string[] {
  const api = pathApi(env.platform);
  return env.platform === 'win32'
    ? executableNames(api.join(folder, '.venv', 'Scripts', name), env)
    : [api.join(folder, '.venv', 'bin', name)];
}

export function resolveTool(tool: ToolSpec, settings: ToolSettings, env: LookupEnvironment): ToolResolution {
  if (settings.explicitPath.trim() !== '') {
    const found = settingExecutable(settings.explicitPath, env);
    return found
      ? { ok: true, commandLine: { command: found, args: [], source: 'setting' } }
      : {
          ok: false,
          message: `${tool.pathSetting} is "${settings.explicitPath}", which is not an executable file`,
          tried: [expandSettingPath(settings.explicitPath, env)],
        };
  }
  if (settings.pythonPath.trim() !== '') {
    const python = settingExecutable(settings.pythonPath, env);
    return python
      ? { ok: true, commandLine: { command: python, args: ['-m', tool.pythonModule], source: 'python' } }
      : {
          ok: false,
          message: `nexa.server.pythonPath is "${settings.pythonPath}", which is not an executable file`,
          tried: [expandSettingPath(settings.pythonPath, env)],
        };
  }
  const tried: string[] = [];
  for (const folder of env.workspaceFolders) {
    for (const candidate of venvExecutable(folder, tool.executable, env)) {
      tried.push(candidate);
      if (env.isExecutableFile(candidate)) {
        return { ok: true, commandLine: { command: candidate, args: [], source: 'workspace-venv' } };
      }
    }
  }
  const onPath = findOnPath(tool.executable, env);
  if (onPath) {
    return { ok: true, commandLine: { command: onPath, args: [], source: 'path' } };
  }
  tried.push(`${tool.executable} on PATH`);
  return { ok: false, message: `${tool.executable} was not found`, tried };
}

/** For messages and the status bar tooltip. */
export function describeCommandLine(commandLine: CommandLine): string {
  return [commandLine.command, ...commandLine.args].map((part) => (/\s/.test(part) ? `"${part}"` : part)).join(' ');
}
