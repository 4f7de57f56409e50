import { describe, expect, it } from 'vitest';
import type { ToWebview } from '../../shared/messages';
import { emptyMessage, INITIAL_STATE, marksOf, reduce, type PageState } from '../../webview/pageState';
import { noFlowDag, quickFlowDag, rangeOf, REVIEW_PIPELINE_URI, reviewPipelineDag } from '../fixtures/dagFixtures';

function run(...messages: ToWebview[]): PageState {
  return messages.reduce(reduce, INITIAL_STATE);
}

const showMain: ToWebview = {
  type: 'dag',
  result: reviewPipelineDag,
  documentUri: REVIEW_PIPELINE_URI,
  documentName: 'review_pipeline.nx',
  followCursor: true,
};

describe('the page state', () => {
  it('marks the node under the cursor', () => {
    const editor = rangeOf('Editor', 'flow main(').start;
    const state = run(showMain, { type: 'highlight', position: { line: editor.line, character: editor.character + 2 }, uri: REVIEW_PIPELINE_URI });
    expect(marksOf(state).cursorNodeId).toBe('n6');
  });

  it('marks nothing when the cursor is outside every node or in another file', () => {
    const inOtherFile = run(showMain, { type: 'highlight', position: rangeOf('Editor', 'flow main(').start, uri: 'file:///elsewhere.nx' });
    expect(marksOf(inOtherFile).cursorNodeId).toBe(null);
    const onAgentDeclaration = run(showMain, { type: 'highlight', position: { line: 2, character: 3 }, uri: REVIEW_PIPELINE_URI });
    expect(marksOf(onAgentDeclaration).cursorNodeId).toBe(null);
  });

  it('marks the paused node, then the running one, then nothing when the session ends', () => {
    const chair = rangeOf('Chair', 'flow main(').start;
    const paused = run(showMain, { type: 'debug', state: 'paused', position: chair, uri: REVIEW_PIPELINE_URI });
    expect(marksOf(paused)).toMatchObject({ debugNodeId: 'n12', debugState: 'paused' });
    const running = reduce(paused, { type: 'debug', state: 'running', position: chair, uri: REVIEW_PIPELINE_URI });
    expect(marksOf(running)).toMatchObject({ debugNodeId: 'n12', debugState: 'running' });
    const ended = reduce(running, { type: 'debug', state: null, position: null, uri: null });
    expect(marksOf(ended)).toMatchObject({ debugNodeId: null, debugState: null });
  });

  it('keeps the marks across a new DAG of the same flow (live typing)', () => {
    const chair = rangeOf('Chair', 'flow main(').start;
    const state = run(showMain, { type: 'debug', state: 'paused', position: chair, uri: REVIEW_PIPELINE_URI }, showMain);
    expect(marksOf(state).debugNodeId).toBe('n12');
  });

  it('re-fits (new generation) only when the flow or the document changes', () => {
    const first = run(showMain);
    const again = reduce(first, showMain);
    expect(again.generation).toBe(first.generation);
    const otherFlow = reduce(again, { ...showMain, result: quickFlowDag });
    expect(otherFlow.generation).toBe(first.generation + 1);
    const otherDocument = reduce(otherFlow, { ...showMain, result: quickFlowDag, documentUri: 'file:///b.nx' });
    expect(otherDocument.generation).toBe(first.generation + 2);
  });

  it('clears an error notice when a DAG arrives, but keeps an info notice', () => {
    const failed = run({ type: 'notice', severity: 'error', message: 'server stopped' }, showMain);
    expect(failed.notice).toBe(null);
    const info = run({ type: 'notice', severity: 'info', message: 'replaying' }, showMain);
    expect(info.notice).toEqual({ severity: 'info', message: 'replaying' });
  });

  it('says why there is nothing to draw', () => {
    expect(emptyMessage(INITIAL_STATE)).toBe('Waiting for the Nexa language server…');
    expect(emptyMessage(run({ ...showMain, result: noFlowDag }))).toBe('review_pipeline.nx declares no flow.');
    expect(emptyMessage(run({ ...showMain, result: { ...quickFlowDag, nodes: [], edges: [] } }))).toBe(
      'Flow quick has no agents or DAG operators to draw.',
    );
    expect(emptyMessage(run(showMain))).toBe(null);
  });
});
