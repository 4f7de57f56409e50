/**
 * `nexa.runFlow`, `nexa.debugFlow` and `nexa.showDag`, each taking `[uri, flowName]` — the arguments
 * the language server's code lenses send. Without them, the active editor and its cursor decide.
 */
import * as vscode from 'vscode';
import { flowLaunchConfig } from '../debug/launchConfig';
import type { DagPreview } from '../dag/dagPanel';
import { readFlowCommandArgs, type FlowTarget } from './flowCommandArgs';

function activeNexaUri(): string | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.languageId === 'nexa' ? document.uri.toString() : undefined;
}

function target(args: readonly unknown[]): FlowTarget | undefined {
  const found = readFlowCommandArgs(args, activeNexaUri());
  if (!found) {
    void vscode.window.showWarningMessage('Nexa: open a .nx file first.');
  }
  return found;
}

async function launch(args: readonly unknown[], noDebug: boolean): Promise<void> {
  const flowTarget = target(args);
  if (!flowTarget) {
    return;
  }
  const uri = vscode.Uri.parse(flowTarget.uri);
  if (uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('Nexa: save the file before running it; the VM runs files from disk.');
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const config = flowLaunchConfig(uri.fsPath, flowTarget.flow ?? 'main', noDebug);
  await vscode.debug.startDebugging(folder, config as vscode.DebugConfiguration, { noDebug });
}

export function registerFlowCommands(preview: DagPreview): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('nexa.runFlow', (...args: unknown[]) => launch(args, true)),
    vscode.commands.registerCommand('nexa.debugFlow', (...args: unknown[]) => launch(args, false)),
    vscode.commands.registerCommand('nexa.showDag', async (...args: unknown[]) => {
      const flowTarget = target(args);
      if (flowTarget) {
        await preview.show(vscode.Uri.parse(flowTarget.uri), flowTarget.flow);
      }
    }),
  ];
}
