import * as vscode from 'vscode';

/** Builds a fix request from the diagnostics under the cursor (or selection) of the editor. */
export function askToFixPrompt(editor: vscode.TextEditor | undefined): string | undefined {
  if (!editor) return undefined;
  const range = editor.selection;
  const diagnostics = vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.range.intersection(range) !== undefined || d.range.contains(range.active));
  if (diagnostics.length === 0) return undefined;
  const file = vscode.workspace.asRelativePath(editor.document.uri);
  const problems = diagnostics.map((d) => {
    const where = `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    return `- ${where} ${vscode.DiagnosticSeverity[d.severity]}${code !== undefined ? ` ${code}` : ''}${d.source ? ` (${d.source})` : ''}: ${d.message}`;
  });
  const first = diagnostics[0].range.start.line;
  const start = Math.max(0, first - 10);
  const end = Math.min(editor.document.lineCount - 1, diagnostics[0].range.end.line + 10);
  const code = editor.document.getText(new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER));
  return [
    `Fix this problem in ${file}:`,
    ...problems,
    '',
    `Code around it (lines ${start + 1}-${end + 1}):`,
    '```' + editor.document.languageId,
    code,
    '```',
  ].join('\n');
}
