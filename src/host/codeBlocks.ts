import { structuredPatch } from 'diff';
import * as vscode from 'vscode';
import type { ProposalReviewer } from '../core/review/reviewer';
import { workspaceRelative } from './workspace';

/**
 * A chat code block's buttons. "Insert" is the user's own edit at the cursor (undoable like typing). "Apply"
 * replaces the selection (or inserts at the cursor) as a proposal, reviewed hunk by hunk like the agent's edits.
 */
export async function handleCodeBlock(action: 'insert' | 'apply', code: string, root: string, reviewer: ProposalReviewer): Promise<void> {
  const editor =
    vscode.window.visibleTextEditors.find((e) => e === vscode.window.activeTextEditor) ??
    vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'file');
  if (!editor) {
    void vscode.window.showInformationMessage('Fixpoint: open a file to insert or apply the code.');
    return;
  }
  if (action === 'insert') {
    await editor.edit((edit) => edit.replace(editor.selection, code));
    return;
  }
  const document = editor.document;
  const rel = workspaceRelative(root, document.uri);
  if (!rel) {
    void vscode.window.showWarningMessage('Fixpoint: "Apply" works on files inside the workspace.');
    return;
  }
  const oldContent = document.getText();
  const start = document.offsetAt(editor.selection.start);
  const end = document.offsetAt(editor.selection.end);
  const newContent = oldContent.slice(0, start) + code + oldContent.slice(end);
  const patch = structuredPatch(rel, rel, oldContent, newContent, '', '', { context: 3 });
  const diff = `--- ${rel}\n+++ ${rel}\n${patch.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n')).join('\n')}\n`;
  const file = { kind: 'update' as const, path: rel, oldContent, newContent, hunks: patch.hunks, diff };
  await reviewer.propose({ files: [file], diff }, new AbortController().signal);
}
