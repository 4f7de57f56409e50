/**
 * Starts, stops and restarts the `nexa-lsp` language client, and says why when it cannot.
 *
 * Syntax colouring works without the server; everything else (diagnostics, completion, the DAG
 * preview) needs it, so a missing server gets one clear message with a way to fix it, not a stream
 * of connection errors.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  vsdiag,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { lookupEnvironment, readSettings, type NexaSettings } from '../settings';
import { describeCommandLine, LANGUAGE_SERVER, resolveTool, type CommandLine } from './toolLocator';

export type ServiceState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting'; readonly commandLine: CommandLine }
  | { readonly kind: 'running'; readonly commandLine: CommandLine }
  | { readonly kind: 'not-found'; readonly message: string; readonly tried: readonly string[] }
  | { readonly kind: 'failed'; readonly commandLine: CommandLine; readonly message: string };

/** What the server gets in `initializationOptions` and `workspace/configuration` (section `nexa`). */
function serverSettings(settings: NexaSettings): Record<string, unknown> {
  return { provider: settings.provider, model: settings.model, check: { severity: settings.checkSeverity } };
}

export class NexaLanguageService implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private stateValue: ServiceState = { kind: 'stopped' };
  private readonly stateEmitter = new vscode.EventEmitter<ServiceState>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly output: vscode.LogOutputChannel;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.output = vscode.window.createOutputChannel('Nexa Language Server', { log: true });
  }

  get state(): ServiceState {
    return this.stateValue;
  }

  get isRunning(): boolean {
    return this.stateValue.kind === 'running';
  }

  async start(options: { quiet?: boolean } = {}): Promise<void> {
    const settings = readSettings();
    const resolution = resolveTool(
      LANGUAGE_SERVER,
      { explicitPath: settings.serverPath, pythonPath: settings.pythonPath },
      lookupEnvironment(),
    );
    if (!resolution.ok) {
      this.setState({ kind: 'not-found', message: resolution.message, tried: resolution.tried });
      this.output.warn(`${resolution.message}; looked for: ${resolution.tried.join(', ')}`);
      if (options.quiet !== true) {
        void this.explainNotFound(resolution.message);
      }
      return;
    }
    const commandLine = resolution.commandLine;
    const serverOptions: ServerOptions = {
      command: commandLine.command,
      args: [...commandLine.args],
      options: { env: { ...process.env, PYTHONUNBUFFERED: '1' } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'nexa' },
        { scheme: 'untitled', language: 'nexa' },
      ],
      initializationOptions: serverSettings(settings),
      outputChannel: this.output,
      middleware: {
        // nexa-lsp both pushes diagnostics (at once on every change, then the full check) and answers
        // pulls; the client keeps the two in separate collections, so each problem would be listed
        // twice. The pushed ones are kept (they are quicker); pulls are answered empty, here.
        provideDiagnostics: () => ({ kind: vsdiag.DocumentDiagnosticReportKind.full, items: [] }),
        workspace: {
          // Answer `workspace/configuration` for section `nexa` with the same shape as initializationOptions.
          configuration: (params, token, next) => {
            const wantsNexa = params.items.some((item) => item.section === 'nexa');
            return wantsNexa ? params.items.map(() => serverSettings(readSettings())) : next(params, token);
          },
        },
      },
    };
    const client = new LanguageClient('nexa', 'Nexa Language Server', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((event) => {
      if (this.client === client && event.newState === State.Stopped && this.stateValue.kind === 'running') {
        this.setState({ kind: 'failed', commandLine, message: 'the server stopped' });
      }
    });
    this.setState({ kind: 'starting', commandLine });
    this.output.info(`starting ${describeCommandLine(commandLine)} (found via ${commandLine.source})`);
    try {
      await client.start();
      if (this.client === client) {
        this.setState({ kind: 'running', commandLine });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`could not start ${describeCommandLine(commandLine)}: ${message}`);
      if (this.client === client) {
        this.client = undefined;
        this.setState({ kind: 'failed', commandLine, message });
        void this.explainFailure(commandLine, message);
      }
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.setState({ kind: 'stopped' });
    if (client?.isRunning() === true) {
      await client.stop();
    } else if (client) {
      await client.dispose();
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** A custom request (`nexa/dag`); rejects when the server is not running. */
  async sendRequest<R>(method: string, params: unknown): Promise<R> {
    if (!this.client || !this.isRunning) {
      throw new Error(this.unavailableReason());
    }
    return this.client.sendRequest<R>(method, params);
  }

  /** One line for the DAG preview and other features that need the server. */
  unavailableReason(): string {
    switch (this.stateValue.kind) {
      case 'not-found':
        return `The Nexa language server is not installed: ${this.stateValue.message}.`;
      case 'failed':
        return `The Nexa language server failed: ${this.stateValue.message}.`;
      case 'starting':
        return 'The Nexa language server is starting…';
      case 'stopped':
        return 'The Nexa language server is stopped.';
      case 'running':
        return 'The Nexa language server is running.';
    }
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.output.dispose();
  }

  private setState(state: ServiceState): void {
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }

  /** Says again what is wrong, with the ways out (the status bar item's command). */
  async explainProblem(): Promise<void> {
    const state = this.stateValue;
    if (state.kind === 'not-found') {
      await this.explainNotFound(state.message);
    } else if (state.kind === 'failed') {
      await this.explainFailure(state.commandLine, state.message);
    } else {
      this.output.show();
    }
  }

  private async explainNotFound(message: string): Promise<void> {
    const install = 'How to Install';
    const settings = 'Open Settings';
    const choice = await vscode.window.showErrorMessage(
      `Nexa: ${message}. Colouring works without it; diagnostics, completion and the DAG preview need the language server.`,
      install,
      settings,
    );
    if (choice === install) {
      await this.showInstallHelp();
    } else if (choice === settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'nexa.server');
    }
  }

  private async explainFailure(commandLine: CommandLine, message: string): Promise<void> {
    const output = 'Show Output';
    const install = 'How to Install';
    const choice = await vscode.window.showErrorMessage(
      `Nexa: the language server (${describeCommandLine(commandLine)}) did not start: ${message}`,
      output,
      install,
    );
    if (choice === output) {
      this.output.show();
    } else if (choice === install) {
      await this.showInstallHelp();
    }
  }

  /** The README bundled with the extension has the install steps; shown rendered, offline. */
  async showInstallHelp(): Promise<void> {
    const readme = vscode.Uri.joinPath(this.extensionUri, 'README.md');
    await vscode.commands.executeCommand('markdown.showPreview', readme);
  }
}
