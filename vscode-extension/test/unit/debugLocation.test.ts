import { describe, expect, it } from 'vitest';
import { DebugLocationTracker, type DebugMark } from '../../src/debug/debugLocation';

const PROGRAM = '/work/app/main.nx';

function frame(id: number, line: number, column: number, path = PROGRAM) {
  return { id, name: `frame ${id}`, line, column, source: { path } };
}

function setup(initialize: Record<string, unknown> = { linesStartAt1: true, columnsStartAt1: true }) {
  const marks: DebugMark[] = [];
  const tracker = new DebugLocationTracker((mark) => marks.push(mark));
  tracker.handleToAdapter({ type: 'request', seq: 1, command: 'initialize', arguments: { adapterID: 'nexa', ...initialize } });
  let seq = 10;
  const stop = (threadId: number, frames: ReturnType<typeof frame>[]) => {
    tracker.handleFromAdapter({ type: 'event', event: 'stopped', body: { reason: 'breakpoint', threadId } });
    const requestSeq = ++seq;
    tracker.handleToAdapter({ type: 'request', seq: requestSeq, command: 'stackTrace', arguments: { threadId, startFrame: 0, levels: 20 } });
    tracker.handleFromAdapter({ type: 'response', request_seq: requestSeq, command: 'stackTrace', success: true, body: { stackFrames: frames } });
  };
  return { tracker, marks, stop };
}

describe('DebugLocationTracker', () => {
  it('marks the top frame as paused, converting DAP 1-based lines and columns to 0-based', () => {
    const { tracker, stop } = setup();
    stop(1, [frame(100, 17, 5), frame(101, 40, 1)]);
    expect(tracker.current).toEqual({ state: 'paused', location: { path: PROGRAM, position: { line: 16, character: 4 } } });
  });

  it('honours a client that counts from 0', () => {
    const { tracker, stop } = setup({ linesStartAt1: false, columnsStartAt1: false });
    stop(1, [frame(100, 17, 5)]);
    expect(tracker.current?.location.position).toEqual({ line: 17, character: 5 });
  });

  it('turns the mark into running on continued, and clears it when the session ends', () => {
    const { tracker, marks, stop } = setup();
    stop(1, [frame(100, 17, 5)]);
    tracker.handleFromAdapter({ type: 'event', event: 'continued', body: { threadId: 1 } });
    expect(tracker.current).toEqual({ state: 'running', location: { path: PROGRAM, position: { line: 16, character: 4 } } });
    tracker.handleFromAdapter({ type: 'event', event: 'terminated' });
    expect(tracker.current).toBe(null);
    expect(marks.map((m) => m?.state ?? null)).toEqual(['paused', 'running', null]);
  });

  it('follows the frame the user selects in the Call Stack view, and goes back to the top for a thread', () => {
    const { tracker, stop } = setup();
    stop(1, [frame(100, 17, 5), frame(101, 40, 9)]);
    tracker.focusFrame(101);
    expect(tracker.current?.location.position).toEqual({ line: 39, character: 8 });
    tracker.focusFrame(undefined);
    expect(tracker.current?.location.position).toEqual({ line: 16, character: 4 });
  });

  it('keeps the top frame when a later page of frames arrives', () => {
    const { tracker, stop } = setup();
    stop(1, [frame(100, 17, 5)]);
    tracker.handleToAdapter({ type: 'request', seq: 50, command: 'stackTrace', arguments: { threadId: 1, startFrame: 1, levels: 20 } });
    tracker.handleFromAdapter({ type: 'response', request_seq: 50, command: 'stackTrace', success: true, body: { stackFrames: [frame(101, 40, 1)] } });
    expect(tracker.current?.location.position).toEqual({ line: 16, character: 4 });
  });

  it('ignores frames without a source path (the mark stays off)', () => {
    const { tracker, marks } = setup();
    tracker.handleFromAdapter({ type: 'event', event: 'stopped', body: { threadId: 1 } });
    tracker.handleToAdapter({ type: 'request', seq: 5, command: 'stackTrace', arguments: { threadId: 1 } });
    tracker.handleFromAdapter({ type: 'response', request_seq: 5, command: 'stackTrace', success: true, body: { stackFrames: [{ id: 1, name: 'native', line: 0, column: 0 }] } });
    expect(tracker.current).toBe(null);
    expect(marks).toEqual([]);
  });

  it('reports a change only when the mark changes', () => {
    const { marks, stop } = setup();
    stop(1, [frame(100, 17, 5)]);
    stop(1, [frame(200, 17, 5)]);
    expect(marks).toHaveLength(1);
  });
});
