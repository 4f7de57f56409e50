/**
 * Reads the arguments of `nexa.runFlow`, `nexa.debugFlow` and `nexa.showDag`: `[uri, flowName]`.
 *
 * They arrive in several shapes: from the server's code lenses as JSON (`uri` a string), from the
 * editor title menu as a `vscode.Uri` (and a second argument that is not a flow name), from the
 * command palette as nothing at all, in which case the active editor decides.
 */

export interface FlowTarget {
  /** The document, as a URI string. */
  readonly uri: string;
  /** Undefined: the flow at the cursor, else `main`. */
  readonly flow: string | undefined;
}

const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function uriText(value: unknown): string | undefined {
  if (typeof value === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    // A vscode.Uri (has a scheme and its own toString) or an LSP TextDocumentIdentifier.
    if (typeof record.scheme === 'string' && typeof record.toString === 'function') {
      return (value as { toString(): string }).toString();
    }
    if (typeof record.uri === 'string') {
      return uriText(record.uri);
    }
  }
  return undefined;
}

export function readFlowCommandArgs(args: readonly unknown[], activeUri: string | undefined): FlowTarget | undefined {
  const uri = uriText(args[0]) ?? activeUri;
  if (uri === undefined) {
    return undefined;
  }
  const candidate = args[1];
  const flow = typeof candidate === 'string' && FLOW_NAME.test(candidate) ? candidate : undefined;
  return { uri, flow };
}
