/** A status bar item that shows the language server's state while a Nexa file is open. */
import * as vscode from 'vscode';
import type { NexaLanguageService, ServiceState } from './languageService';
import { describeCommandLine } from './toolLocator';

interface Look {
  readonly text: string;
  readonly tooltip: string;
  readonly error: boolean;
}

function lookOf(state: ServiceState): Look {
  switch (state.kind) {
    case 'running':
      return { text: '$(check) Nexa', tooltip: `Nexa language server: running\n${describeCommandLine(state.commandLine)}`, error: false };
    case 'starting':
      return { text: '$(sync~spin) Nexa', tooltip: `Nexa language server: starting\n${describeCommandLine(state.commandLine)}`, error: false };
    case 'stopped':
      return { text: '$(circle-slash) Nexa', tooltip: 'Nexa language server: stopped', error: false };
    case 'not-found':
      return { text: '$(error) Nexa', tooltip: `Nexa language server: not found (${state.message})\nClick for the output and how to install.`, error: true };
    case 'failed':
      return { text: '$(error) Nexa', tooltip: `Nexa language server: failed (${state.message})\nClick for the output.`, error: true };
  }
}

export class ServerStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly service: NexaLanguageService) {
    this.item = vscode.window.createStatusBarItem('nexa.server', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Nexa Language Server';
    this.item.command = 'nexa.showServerOutput';
    this.subscriptions.push(
      service.onDidChangeState(() => {
        this.update();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    const look = lookOf(this.service.state);
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.backgroundColor = look.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (vscode.window.activeTextEditor?.document.languageId === 'nexa' || look.error) {
      this.item.show();
    } else {
      this.item.hide();
    }
  }

  dispose(): void {
    this.item.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
