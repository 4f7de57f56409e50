/**
 * Where each Nexa debug session is paused or running, for the DAG preview.
 *
 * A DebugAdapterTracker sees the session's DAP messages (stopped/continued events, stackTrace
 * replies with the frames' locations); `vscode.debug.activeStackItem` says which frame the user
 * selected in the Call Stack view. The mark shown is the active session's.
 */
import * as vscode from 'vscode';
import { DebugLocationTracker, sameMark, type DebugMark } from './debugLocation';

export class DebugTracking implements vscode.Disposable {
  private readonly trackers = new Map<string, DebugLocationTracker>();
  private readonly emitter = new vscode.EventEmitter<DebugMark>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastFired: DebugMark = null;
  /** Fires with the mark of the active Nexa session (null: none, or it ended). */
  readonly onDidChangeMark = this.emitter.event;

  constructor() {
    this.subscriptions.push(
      vscode.debug.registerDebugAdapterTrackerFactory('nexa', {
        createDebugAdapterTracker: (session) => {
          const tracker = new DebugLocationTracker(() => {
            if (this.isActive(session)) {
              this.fireIfChanged();
            }
          });
          this.trackers.set(session.id, tracker);
          return {
            onWillReceiveMessage: (message: unknown) => {
              tracker.handleToAdapter(message);
            },
            onDidSendMessage: (message: unknown) => {
              tracker.handleFromAdapter(message);
            },
            onExit: () => {
              tracker.clear();
            },
          };
        },
      }),
      vscode.debug.onDidChangeActiveStackItem((item) => {
        if (item instanceof vscode.DebugStackFrame) {
          this.trackers.get(item.session.id)?.focusFrame(item.frameId);
        } else if (item instanceof vscode.DebugThread) {
          this.trackers.get(item.session.id)?.focusFrame(undefined);
        }
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => {
        this.fireIfChanged();
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        this.trackers.get(session.id)?.clear();
        this.trackers.delete(session.id);
        this.fireIfChanged();
      }),
    );
  }

  get current(): DebugMark {
    const active = vscode.debug.activeDebugSession;
    if (active?.type === 'nexa') {
      return this.trackers.get(active.id)?.current ?? null;
    }
    // Another kind of session is focused: show the most recent Nexa mark, if any.
    for (const tracker of [...this.trackers.values()].reverse()) {
      if (tracker.current) {
        return tracker.current;
      }
    }
    return null;
  }

  private fireIfChanged(): void {
    const mark = this.current;
    if (!sameMark(mark, this.lastFired)) {
      this.lastFired = mark;
      this.emitter.fire(mark);
    }
  }

  private isActive(session: vscode.DebugSession): boolean {
    const active = vscode.debug.activeDebugSession;
    return active === undefined || active.id === session.id || active.type !== 'nexa';
  }

  dispose(): void {
    this.emitter.dispose();
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
