import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosticInfo, EditorSelection } from '../core/ports';
import { NodeWorkspace } from '../node/nodeWorkspace';

const SEVERITY: Record<vscode.DiagnosticSeverity, DiagnosticInfo['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** The workspace-relative, '/'-separated path of a file URI inside `root`; undefined for anything else. */
export function workspaceRelative(root: string, uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file') return undefined;
  const rel = path.relative(root, uri.fsPath);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
}

/** A VS Code diagnostic in the ports' terms (1-based line and column, workspace-relative path). */
export function toDiagnosticInfo(relativePath: string, d: vscode.Diagnostic): DiagnosticInfo {
  return {
    path: relativePath,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    severity: SEVERITY[d.severity],
    message: d.message,
    source: d.source,
    code: d.code === undefined ? undefined : String(typeof d.code === 'object' ? d.code.value : d.code),
  };
}

/** VS Code ships ripgrep; its location moved between releases. */
export function bundledRipgrep(): string | undefined {
  const candidates = [
    'node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg',
    `node_modules/@vscode/ripgrep-universal/bin/${process.platform}-${process.arch}/rg${process.platform === 'win32' ? '.exe' : ''}`,
    `node_modules/@vscode/ripgrep/bin/rg${process.platform === 'win32' ? '.exe' : ''}`,
    `node_modules.asar.unpacked/@vscode/ripgrep/bin/rg${process.platform === 'win32' ? '.exe' : ''}`,
  ];
  for (const candidate of candidates) {
    const full = path.join(vscode.env.appRoot, candidate);
    if (fs.existsSync(full)) return full;
  }
  return undefined;
}

/** The workspace as the editor sees it: unsaved buffers win over the disk; diagnostics and selection from VS Code. */
export class HostWorkspace extends NodeWorkspace {
  constructor(root: string) {
    super({ root, exclude: vscode.workspace.getConfiguration('fixpoint').get<string[]>('exclude') ?? [], ripgrepPath: bundledRipgrep() });
  }

  override async readFile(relative: string): Promise<Uint8Array | undefined> {
    const uri = vscode.Uri.file(path.join(this.root, relative));
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return new TextEncoder().encode(open.getText());
    return super.readFile(relative);
  }

  override async diagnostics(relative?: string): Promise<DiagnosticInfo[]> {
    const entries: Array<[vscode.Uri, readonly vscode.Diagnostic[]]> = relative
      ? [
          [
            vscode.Uri.file(path.join(this.root, relative)),
            vscode.languages.getDiagnostics(vscode.Uri.file(path.join(this.root, relative))),
          ],
        ]
      : vscode.languages.getDiagnostics();
    const out: DiagnosticInfo[] = [];
    for (const [uri, diagnostics] of entries) {
      const rel = workspaceRelative(this.root, uri);
      if (rel) for (const d of diagnostics) out.push(toDiagnosticInfo(rel, d));
    }
    return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  }

  override selection(): EditorSelection | undefined {
    const editor = vscode.window.activeTextEditor;
    const rel = editor && !editor.selection.isEmpty ? workspaceRelative(this.root, editor.document.uri) : undefined;
    if (!editor || !rel) return undefined;
    return {
      path: rel,
      startLine: editor.selection.start.line + 1,
      endLine: editor.selection.end.line + 1,
      text: editor.document.getText(editor.selection),
    };
  }

  override openEditors(): { active?: string; visible: string[] } {
    const relative = (uri: vscode.Uri) => workspaceRelative(this.root, uri);
    const active = vscode.window.activeTextEditor && relative(vscode.window.activeTextEditor.document.uri);
    const visible = vscode.window.visibleTextEditors.flatMap((e) => relative(e.document.uri) ?? []);
    return { active, visible: [...new Set(visible)] };
  }
}
