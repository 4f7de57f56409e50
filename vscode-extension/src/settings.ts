/** The extension's settings (package.json `contributes.configuration`), read in one place. */
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { PROVIDERS, type Provider } from './debug/launchConfig';
import type { LookupEnvironment } from './server/toolLocator';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface NexaSettings {
  readonly serverPath: string;
  readonly pythonPath: string;
  readonly adapterPath: string;
  readonly provider: Provider;
  readonly model: string;
  readonly checkSeverity: Severity;
}

export function readSettings(scope?: vscode.ConfigurationScope): NexaSettings {
  const config = vscode.workspace.getConfiguration('nexa', scope);
  const provider = config.get<string>('provider', 'offline');
  const severity = config.get<string>('check.severity', 'hint');
  return {
    serverPath: config.get<string>('server.path', ''),
    pythonPath: config.get<string>('server.pythonPath', ''),
    adapterPath: config.get<string>('debug.adapterPath', ''),
    provider: (PROVIDERS as readonly string[]).includes(provider) ? (provider as Provider) : 'offline',
    model: config.get<string>('model', ''),
    checkSeverity: (['error', 'warning', 'info', 'hint'] as const).find((s) => s === severity) ?? 'hint',
  };
}

/** Settings whose change means the server must be restarted to take effect. */
export const SERVER_RESTART_SETTINGS = ['nexa.server.path', 'nexa.server.pythonPath'];

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

export function lookupEnvironment(): LookupEnvironment {
  return {
    platform: process.platform,
    pathVariable: process.env.PATH,
    pathExtensions: process.env.PATHEXT,
    homeDir: os.homedir(),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    isExecutableFile,
  };
}
