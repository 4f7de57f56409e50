/**
 * The messages between the extension and the DAG webview, in both directions, with checked readers.
 *
 * A webview is a separate page: whatever arrives through postMessage is data of unknown shape, so each
 * side reads messages through these functions and ignores anything it does not recognise.
 */
import { parseDagResult, parsePosition, parseRange, type DagResult, type Position, type Range } from './dagModel';

export type DebugState = 'paused' | 'running';

/** Extension → webview. */
export type ToWebview =
  | {
      readonly type: 'dag';
      readonly result: DagResult;
      /** The document the DAG was drawn for; node ranges with `uri: null` are in it. */
      readonly documentUri: string;
      readonly documentName: string;
      readonly followCursor: boolean;
    }
  /** The editor's cursor; `position: null` clears the highlight. */
  | { readonly type: 'highlight'; readonly position: Position | null; readonly uri: string }
  /** Where the debugger is; `state: null` clears the mark (session ended). */
  | { readonly type: 'debug'; readonly state: DebugState | null; readonly position: Position | null; readonly uri: string | null }
  /** A one-line notice shown above the graph (server not running, request failed…). */
  | { readonly type: 'notice'; readonly severity: 'info' | 'error'; readonly message: string | null };

export type ExportFormat = 'svg' | 'png';

/** Webview → extension. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly range: Range; readonly uri: string | null }
  | { readonly type: 'selectFlow'; readonly flow: string }
  | { readonly type: 'followCursor'; readonly enabled: boolean }
  /** `data` is SVG text, or a PNG as base64 without the `data:` prefix. */
  | { readonly type: 'export'; readonly format: ExportFormat; readonly data: string; readonly flow: string | null };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseFromWebview(value: unknown): FromWebview | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal': {
      const range = parseRange(value.range);
      const uri = typeof value.uri === 'string' ? value.uri : null;
      return range ? { type: 'reveal', range, uri } : undefined;
    }
    case 'selectFlow':
      return typeof value.flow === 'string' && value.flow !== '' ? { type: 'selectFlow', flow: value.flow } : undefined;
    case 'followCursor':
      return typeof value.enabled === 'boolean' ? { type: 'followCursor', enabled: value.enabled } : undefined;
    case 'export': {
      if ((value.format !== 'svg' && value.format !== 'png') || typeof value.data !== 'string' || value.data === '') {
        return undefined;
      }
      const flow = typeof value.flow === 'string' ? value.flow : null;
      return { type: 'export', format: value.format, data: value.data, flow };
    }
    default:
      return undefined;
  }
}

export function parseToWebview(value: unknown): ToWebview | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  switch (value.type) {
    case 'dag': {
      const result = parseDagResult(value.result);
      if (!result.ok || typeof value.documentUri !== 'string') {
        return undefined;
      }
      return {
        type: 'dag',
        result: result.value,
        documentUri: value.documentUri,
        documentName: typeof value.documentName === 'string' ? value.documentName : '',
        followCursor: value.followCursor !== false,
      };
    }
    case 'highlight': {
      if (typeof value.uri !== 'string') {
        return undefined;
      }
      const position = value.position === null ? null : parsePosition(value.position);
      return position === undefined ? undefined : { type: 'highlight', position, uri: value.uri };
    }
    case 'debug': {
      const state = value.state === 'paused' || value.state === 'running' ? value.state : null;
      const position = value.position == null ? null : (parsePosition(value.position) ?? null);
      const uri = typeof value.uri === 'string' ? value.uri : null;
      return { type: 'debug', state, position, uri };
    }
    case 'notice': {
      const severity = value.severity === 'error' ? 'error' : 'info';
      const message = typeof value.message === 'string' && value.message !== '' ? value.message : null;
      return { type: 'notice', severity, message };
    }
    default:
      return undefined;
  }
}
