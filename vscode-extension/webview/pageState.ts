/**
 * What the DAG page knows, and how each message from the extension changes it.
 *
 * Pure, so the message handling is tested without a browser: the page renders whatever this state
 * says, and the marks (cursor, debugger) are derived from it rather than stored on DOM nodes.
 */
import { EMPTY_DAG, type DagResult, type Position } from '../shared/dagModel';
import type { DebugState, ToWebview } from '../shared/messages';
import { nodeAt } from '../shared/ranges';

export interface Located {
  readonly position: Position;
  readonly uri: string;
}

export interface PageState {
  readonly result: DagResult;
  readonly documentUri: string | null;
  readonly documentName: string;
  readonly followCursor: boolean;
  readonly cursor: Located | null;
  readonly debug: (Located & { readonly state: DebugState }) | null;
  readonly notice: { readonly severity: 'info' | 'error'; readonly message: string } | null;
  /** Bumped when a different flow or document is shown: the view re-fits instead of keeping its zoom. */
  readonly generation: number;
}

export const INITIAL_STATE: PageState = {
  result: EMPTY_DAG,
  documentUri: null,
  documentName: '',
  followCursor: true,
  cursor: null,
  debug: null,
  notice: null,
  generation: 0,
};

export function reduce(state: PageState, message: ToWebview): PageState {
  switch (message.type) {
    case 'dag': {
      const sameGraph = state.documentUri === message.documentUri && state.result.flow === message.result.flow;
      return {
        ...state,
        result: message.result,
        documentUri: message.documentUri,
        documentName: message.documentName,
        followCursor: message.followCursor,
        // A fresh DAG means the request worked: an old error no longer applies.
        notice: state.notice?.severity === 'error' ? null : state.notice,
        generation: sameGraph ? state.generation : state.generation + 1,
      };
    }
    case 'highlight':
      return { ...state, cursor: message.position === null ? null : { position: message.position, uri: message.uri } };
    case 'debug':
      return {
        ...state,
        debug:
          message.state === null || message.position === null || message.uri === null
            ? null
            : { state: message.state, position: message.position, uri: message.uri },
      };
    case 'notice':
      return { ...state, notice: message.message === null ? null : { severity: message.severity, message: message.message } };
  }
}

export interface Marks {
  readonly cursorNodeId: string | null;
  readonly debugNodeId: string | null;
  readonly debugState: DebugState | null;
}

export function marksOf(state: PageState): Marks {
  const documentUri = state.documentUri;
  if (documentUri === null) {
    return { cursorNodeId: null, debugNodeId: null, debugState: null };
  }
  const { cursor, debug, result } = state;
  const cursorNode = cursor ? nodeAt(result.nodes, cursor.position, cursor.uri, documentUri) : undefined;
  const debugNode = debug ? nodeAt(result.nodes, debug.position, debug.uri, documentUri) : undefined;
  return {
    cursorNodeId: cursorNode?.id ?? null,
    debugNodeId: debugNode?.id ?? null,
    debugState: debug && debugNode ? debug.state : null,
  };
}

/** The text shown when there is no graph to draw. */
export function emptyMessage(state: PageState): string | null {
  if (state.documentUri === null) {
    return 'Waiting for the Nexa language server…';
  }
  if (state.result.flows.length === 0) {
    return `${state.documentName || 'This document'} declares no flow.`;
  }
  if (state.result.nodes.length === 0) {
    return `Flow ${state.result.flow ?? ''} has no agents or DAG operators to draw.`;
  }
  return null;
}
