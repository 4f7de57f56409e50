/** Saves an SVG or PNG exported by the DAG page, next to the document by default. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat } from '../../shared/messages';

export function exportFileName(documentPath: string, flow: string | null, format: ExportFormat): string {
  const base = path.basename(documentPath, path.extname(documentPath)) || 'nexa';
  return `${base}${flow === null ? '' : `-${flow}`}-dag.${format}`;
}

export async function saveExport(
  document: vscode.Uri,
  format: ExportFormat,
  data: string,
  flow: string | null,
): Promise<void> {
  const name = exportFileName(document.path, flow, format);
  const folder = document.scheme === 'file' ? vscode.Uri.joinPath(document, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    ...(folder === undefined ? {} : { defaultUri: vscode.Uri.joinPath(folder, name) }),
    filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    title: `Export the DAG as ${format.toUpperCase()}`,
  });
  if (!target) {
    return;
  }
  const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data, 'base64');
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`Saved the DAG to ${vscode.workspace.asRelativePath(target)}`);
}
