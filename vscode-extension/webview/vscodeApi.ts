/** The webview's channel to the extension, typed with the shared message protocol. */
import type { FromWebview } from '../shared/messages';

/** What the page remembers across reloads of the webview (VS Code keeps it for us). */
export interface SavedState {
  readonly documentUri: string | null;
  readonly flow: string | null;
  readonly followCursor: boolean;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface ExtensionChannel {
  post(message: FromWebview): void;
  saved(): SavedState | undefined;
  save(state: SavedState): void;
}

export function connectToExtension(): ExtensionChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => {
      api.postMessage(message);
    },
    saved: () => {
      const state = api.getState();
      if (typeof state !== 'object' || state === null) {
        return undefined;
      }
      const s = state as Partial<SavedState>;
      return {
        documentUri: typeof s.documentUri === 'string' ? s.documentUri : null,
        flow: typeof s.flow === 'string' ? s.flow : null,
        followCursor: s.followCursor !== false,
      };
    },
    save: (state) => {
      api.setState(state);
    },
  };
}
