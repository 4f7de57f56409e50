/** Fills in and checks `nexa` launch configurations (see launchConfig.ts for the rules). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from '../settings';
import { resolveLaunchConfig } from './launchConfig';

export class NexaConfigurationProvider implements vscode.DebugConfigurationProvider {
  /** "Add Configuration…" and F5 with no launch.json: run the active file's `main`. */
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: 'nexa', request: 'launch', name: 'Nexa: run main of the current file', program: '${file}', flow: 'main' }];
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const editor = vscode.window.activeTextEditor;
    const settings = readSettings(folder);
    const workspaceFolder = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const resolution = resolveLaunchConfig(config, {
      ...(editor?.document.uri.scheme === 'file'
        ? { activeFile: { path: editor.document.uri.fsPath, languageId: editor.document.languageId } }
        : {}),
      ...(workspaceFolder === undefined ? {} : { workspaceFolder }),
      defaults: { provider: settings.provider, model: settings.model },
    });
    if (!resolution.ok) {
      void vscode.window.showErrorMessage(`Nexa launch configuration: ${resolution.error}`);
      // undefined aborts the launch.
      return undefined;
    }
    const resolved = resolution.config;
    const document = vscode.workspace.textDocuments.find(
      (d) => d.uri.scheme === 'file' && path.normalize(d.uri.fsPath) === path.normalize(resolved.program),
    );
    if (document?.isDirty === true) {
      // The adapter reads the program from disk: run the text the user sees.
      await document.save();
    }
    return { ...resolved };
  }
}
