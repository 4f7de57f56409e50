/** Starts `nexa-dap` (stdio) for each debug session, found the same way as the language server. */
import * as vscode from 'vscode';
import { lookupEnvironment, readSettings } from '../settings';
import { DEBUG_ADAPTER, describeCommandLine, resolveTool } from '../server/toolLocator';

export class NexaAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const settings = readSettings(session.workspaceFolder);
    const resolution = resolveTool(
      DEBUG_ADAPTER,
      { explicitPath: settings.adapterPath, pythonPath: settings.pythonPath },
      lookupEnvironment(),
    );
    if (!resolution.ok) {
      // Thrown errors are shown by VS Code as the reason the session could not start.
      throw new Error(
        `Nexa: ${resolution.message} (looked for: ${resolution.tried.join(', ')}). ` +
          'Install the nexa-suite Python package or set nexa.debug.adapterPath.',
      );
    }
    const { command, args } = resolution.commandLine;
    this.log.info(`debug session "${session.name}": starting ${describeCommandLine(resolution.commandLine)}`);
    const cwd = typeof session.configuration.cwd === 'string' ? session.configuration.cwd : undefined;
    return new vscode.DebugAdapterExecutable(command, [...args], cwd === undefined ? {} : { cwd });
  }
}
