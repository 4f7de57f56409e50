/**
 * The Nexa extension: language client, debugger contribution and the DAG preview.
 * (Colouring, brackets, snippets and the language configuration are declarative, in package.json.)
 */
import * as vscode from 'vscode';
import { registerFlowCommands } from './commands/flowCommands';
import { DagPreview, DAG_VIEW_TYPE } from './dag/dagPanel';
import { NexaAdapterFactory } from './debug/adapterFactory';
import { NexaConfigurationProvider } from './debug/configurationProvider';
import { DebugTracking } from './debug/debugTracking';
import { NexaLanguageService } from './server/languageService';
import { ServerStatusBar } from './server/statusBar';
import { SERVER_RESTART_SETTINGS } from './settings';

let service: NexaLanguageService | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  service = new NexaLanguageService(context.extensionUri);
  const languageService = service;
  const debugTracking = new DebugTracking();
  const preview = new DagPreview(context.extensionUri, languageService, debugTracking);
  const configurations = new NexaConfigurationProvider();

  context.subscriptions.push(
    languageService,
    new ServerStatusBar(languageService),
    debugTracking,
    preview,
    vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, preview),
    vscode.debug.registerDebugConfigurationProvider('nexa', configurations),
    // Also list "run main of the current file" in the Run and Debug view without a launch.json.
    vscode.debug.registerDebugConfigurationProvider(
      'nexa',
      { provideDebugConfigurations: () => configurations.provideDebugConfigurations() },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory('nexa', new NexaAdapterFactory(languageService.output)),
    ...registerFlowCommands(preview),
    vscode.commands.registerCommand('nexa.restartServer', () => languageService.restart()),
    vscode.commands.registerCommand('nexa.showServerOutput', () => {
      languageService.output.show();
      return languageService.explainProblem();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (SERVER_RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        void languageService.restart();
      }
    }),
  );

  await languageService.start();
}

export async function deactivate(): Promise<void> {
  await service?.stop();
  service = undefined;
}
