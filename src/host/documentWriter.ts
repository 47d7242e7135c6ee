import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileWriter } from '../core/ports';
import { resolveWorkspacePath } from '../core/policy';

/**
 * Writes accepted changes through WorkspaceEdit, so Ctrl+Z undoes them. Only the changed range of a document
 * is replaced (cursor and folding survive). A file the user had unsaved edits in stays unsaved: their buffer
 * is never saved behind their back; clean files are saved so the disk matches what the user accepted.
 */
export class DocumentWriter implements FileWriter {
  constructor(private readonly root: string) {}

  async readText(relative: string): Promise<string | undefined> {
    const uri = await this.uri(relative);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      // Keep a BOM, as the patch source does, so an unchanged file compares equal (SAFETY §7).
      return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  async write(ops: Array<{ path: string; content: string | undefined; renameFrom?: string }>): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    const toSave: vscode.Uri[] = [];
    for (const op of ops) {
      const uri = await this.uri(op.path);
      if (op.content === undefined) {
        edit.deleteFile(uri, { ignoreIfNotExists: true });
        continue;
      }
      // VS Code's documents never contain the BOM (it is part of the encoding, kept on save).
      const content = op.content.replace(/^\uFEFF/, '');
      const exists = await this.readText(op.path);
      if (op.renameFrom && exists === undefined) {
        const document = await vscode.workspace.openTextDocument(await this.uri(op.renameFrom));
        edit.renameFile(document.uri, uri, { overwrite: false });
        edit.replace(uri, fullRange(document), content);
        if (!document.isDirty) toSave.push(uri);
        continue;
      }
      // A move onto an existing file (a replacement the user accepted): that file's text is edited and the
      // source deleted, so both stay undoable and editors open on the target keep their document.
      if (op.renameFrom) edit.deleteFile(await this.uri(op.renameFrom), { ignoreIfNotExists: true });
      if (exists === undefined) {
        edit.createFile(uri, { contents: new TextEncoder().encode(op.content), overwrite: false });
        continue;
      }
      const document = await vscode.workspace.openTextDocument(uri);
      if (!document.isDirty) toSave.push(uri);
      const { range, text } = minimalReplacement(document, content);
      if (range) edit.replace(uri, range, text);
    }
    if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: false }))) {
      throw new Error('VS Code refused the edit (the file may be read-only or changed meanwhile).');
    }
    for (const uri of toSave) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (document?.isDirty) await document.save();
    }
  }

  private async uri(relative: string): Promise<vscode.Uri> {
    const resolved = await resolveWorkspacePath(this.root, relative);
    if (!resolved.ok) throw new Error(resolved.reason);
    return vscode.Uri.file(path.resolve(resolved.absolute));
  }
}

function fullRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, document.lineCount, 0);
}

/** The smallest range that turns the document's text into `next` (common prefix and suffix kept). */
function minimalReplacement(document: vscode.TextDocument, next: string): { range?: vscode.Range; text: string } {
  const current = document.getText();
  if (current === next) return { text: '' };
  let start = 0;
  const max = Math.min(current.length, next.length);
  while (start < max && current.charCodeAt(start) === next.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && current.charCodeAt(current.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  // Never split a CRLF pair.
  if (start > 0 && current[start - 1] === '\r') start--;
  return {
    range: new vscode.Range(document.positionAt(start), document.positionAt(current.length - end)),
    text: next.slice(start, next.length - end),
  };
}
