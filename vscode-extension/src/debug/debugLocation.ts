/**
 * Follows one debug session's DAP traffic to know where the program is: paused at a stack frame, or
 * running on from the last place it paused. The DAG preview marks the node at that place.
 *
 * This is the one module that converts DAP lines and columns (1-based unless the client said
 * otherwise in `initialize`) to the 0-based positions the rest of the extension uses.
 */
import type { Position } from '../../shared/dagModel';

export interface DebugLocation {
  /** File system path of the frame's source. */
  readonly path: string;
  readonly position: Position;
}

export type DebugMark = { readonly state: 'paused' | 'running'; readonly location: DebugLocation } | null;

export function sameMark(a: DebugMark, b: DebugMark): boolean {
  return (
    a === b ||
    (a !== null &&
      b !== null &&
      a.state === b.state &&
      a.location.path === b.location.path &&
      a.location.position.line === b.location.position.line &&
      a.location.position.character === b.location.position.character)
  );
}

interface Frame {
  readonly location: DebugLocation | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export class DebugLocationTracker {
  private linesStartAt1 = true;
  private columnsStartAt1 = true;
  private readonly frames = new Map<number, Frame>();
  /** stackTrace requests by seq: which thread and from which frame they asked. */
  private readonly stackRequests = new Map<number, { threadId: number; startFrame: number }>();
  private stoppedThread: number | null = null;
  private topFrameId: number | null = null;
  private focusedFrameId: number | null = null;
  private mark: DebugMark = null;

  constructor(private readonly onChange: (mark: DebugMark) => void) {}

  get current(): DebugMark {
    return this.mark;
  }

  /** A message VS Code sends to the adapter (DebugAdapterTracker.onWillReceiveMessage). */
  handleToAdapter(message: unknown): void {
    if (!isRecord(message) || message.type !== 'request' || !isRecord(message.arguments)) {
      return;
    }
    const args = message.arguments;
    if (message.command === 'initialize') {
      this.linesStartAt1 = args.linesStartAt1 !== false;
      this.columnsStartAt1 = args.columnsStartAt1 !== false;
    } else if (message.command === 'stackTrace' && typeof message.seq === 'number' && typeof args.threadId === 'number') {
      const startFrame = typeof args.startFrame === 'number' ? args.startFrame : 0;
      this.stackRequests.set(message.seq, { threadId: args.threadId, startFrame });
    }
  }

  /** A message the adapter sends to VS Code (DebugAdapterTracker.onDidSendMessage). */
  handleFromAdapter(message: unknown): void {
    if (!isRecord(message)) {
      return;
    }
    if (message.type === 'event') {
      this.handleEvent(message.event, isRecord(message.body) ? message.body : {});
    } else if (message.type === 'response' && message.command === 'stackTrace' && message.success === true) {
      const request = typeof message.request_seq === 'number' ? this.stackRequests.get(message.request_seq) : undefined;
      if (typeof message.request_seq === 'number') {
        this.stackRequests.delete(message.request_seq);
      }
      this.handleStackTrace(request, isRecord(message.body) ? message.body : {});
    }
  }

  /** The user picked a frame in the Call Stack view (`vscode.debug.activeStackItem`); undefined: a thread. */
  focusFrame(frameId: number | undefined): void {
    this.focusedFrameId = frameId ?? null;
    this.update();
  }

  /** The session ended. */
  clear(): void {
    this.frames.clear();
    this.stoppedThread = null;
    this.topFrameId = null;
    this.focusedFrameId = null;
    this.setMark(null);
  }

  private handleEvent(event: unknown, body: Record<string, unknown>): void {
    switch (event) {
      case 'stopped':
        this.stoppedThread = typeof body.threadId === 'number' ? body.threadId : null;
        this.frames.clear();
        this.topFrameId = null;
        this.focusedFrameId = null;
        // The location arrives with the stackTrace response VS Code asks for next.
        break;
      case 'continued':
        this.stoppedThread = null;
        this.frames.clear();
        this.topFrameId = null;
        this.focusedFrameId = null;
        if (this.mark) {
          this.setMark({ state: 'running', location: this.mark.location });
        }
        break;
      case 'terminated':
      case 'exited':
        this.clear();
        break;
      default:
        break;
    }
  }

  private handleStackTrace(request: { threadId: number; startFrame: number } | undefined, body: Record<string, unknown>): void {
    const frames = Array.isArray(body.stackFrames) ? body.stackFrames : [];
    frames.forEach((frame: unknown, index) => {
      if (!isRecord(frame) || typeof frame.id !== 'number') {
        return;
      }
      this.frames.set(frame.id, { location: this.locationOf(frame) });
      const isTop = index === 0 && (request?.startFrame ?? 0) === 0;
      const ofStoppedThread = request === undefined || this.stoppedThread === null || request.threadId === this.stoppedThread;
      if (isTop && ofStoppedThread) {
        this.topFrameId = frame.id;
      }
    });
    this.update();
  }

  private locationOf(frame: Record<string, unknown>): DebugLocation | null {
    const source = isRecord(frame.source) ? frame.source : undefined;
    if (typeof source?.path !== 'string' || typeof frame.line !== 'number') {
      return null;
    }
    const column = typeof frame.column === 'number' ? frame.column : this.columnsStartAt1 ? 1 : 0;
    return {
      path: source.path,
      position: {
        line: Math.max(0, frame.line - (this.linesStartAt1 ? 1 : 0)),
        character: Math.max(0, column - (this.columnsStartAt1 ? 1 : 0)),
      },
    };
  }

  private update(): void {
    const frameId = this.focusedFrameId !== null && this.frames.has(this.focusedFrameId) ? this.focusedFrameId : this.topFrameId;
    const location = frameId === null ? null : (this.frames.get(frameId)?.location ?? null);
    if (location) {
      this.setMark({ state: 'paused', location });
    }
  }

  private setMark(mark: DebugMark): void {
    const same = sameMark(mark, this.mark);
    this.mark = mark;
    if (!same) {
      this.onChange(mark);
    }
  }
}
