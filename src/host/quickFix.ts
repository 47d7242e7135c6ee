import * as vscode from 'vscode';
import { buildFixPrompt, FIX_WINDOW_LINES, MAX_SYMBOL_LINES, type FixTarget } from '../core/context/fixRequest';
import type { DiagnosticInfo } from '../core/ports';
import { toDiagnosticInfo, workspaceRelative } from './workspace';

/** How long the fix request waits for document symbols (the enclosing function) before using a window. */
const SYMBOL_WAIT_MS = 60;

/** "Fixpoint: Ask agent to fix" on every error/warning, and "Ask agent about selection…" on a selection. */
export class FixCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.severity > vscode.DiagnosticSeverity.Warning) continue;
      const action = new vscode.CodeAction('Fixpoint: Ask agent to fix', vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.command = { command: 'fixpoint.askToFix', title: 'Ask agent to fix', arguments: [document.uri, diagnostic] };
      actions.push(action);
    }
    if (!range.isEmpty && (!context.only || vscode.CodeActionKind.RefactorRewrite.intersects(context.only))) {
      const action = new vscode.CodeAction('Fixpoint: Ask agent about selection…', vscode.CodeActionKind.RefactorRewrite);
      action.command = { command: 'fixpoint.askAboutSelection', title: 'Ask agent about selection', arguments: [document.uri, range] };
      actions.push(action);
    }
    return actions;
  }
}

function toInfo(root: string, uri: vscode.Uri, d: vscode.Diagnostic): DiagnosticInfo {
  return toDiagnosticInfo(relativePath(root, uri), d);
}

/** The path the model sees: workspace-relative inside the workspace, absolute outside it. */
export function relativePath(root: string, uri: vscode.Uri): string {
  return workspaceRelative(root, uri) ?? uri.fsPath;
}

/** The innermost function/method/class containing `range`, if the language reports document symbols. */
async function enclosingSymbol(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.Range | undefined> {
  const symbols = await Promise.race([
    vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', document.uri),
    // A cold language server can take seconds; the fix request does not wait for it (± N lines instead).
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SYMBOL_WAIT_MS)),
  ]);
  const wanted = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor, vscode.SymbolKind.Class]);
  let best: vscode.Range | undefined;
  const visit = (list: vscode.DocumentSymbol[] | undefined) => {
    for (const symbol of list ?? []) {
      if (!symbol.range?.contains(range)) continue;
      if (wanted.has(symbol.kind)) best = symbol.range;
      visit(symbol.children);
    }
  };
  visit(Array.isArray(symbols) ? symbols.filter((s): s is vscode.DocumentSymbol => 'range' in s) : undefined);
  return best && best.end.line - best.start.line <= MAX_SYMBOL_LINES ? best : undefined;
}

/** Gathers everything the fix request needs from the editor. */
export async function fixTarget(root: string, document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<FixTarget> {
  const symbol = await enclosingSymbol(document, diagnostic.range);
  const start = symbol ? symbol.start.line : Math.max(0, diagnostic.range.start.line - FIX_WINDOW_LINES);
  const end = symbol ? symbol.end.line : Math.min(document.lineCount - 1, diagnostic.range.end.line + FIX_WINDOW_LINES);
  const info = toInfo(root, document.uri, diagnostic);
  return {
    path: relativePath(root, document.uri),
    languageId: document.languageId,
    diagnostic: {
      ...info,
      endLine: diagnostic.range.end.line + 1,
      related: diagnostic.relatedInformation?.map((r) => ({
        path: relativePath(root, r.location.uri),
        line: r.location.range.start.line + 1,
        message: r.message,
      })),
    },
    excerpt: {
      startLine: start + 1,
      endLine: end + 1,
      text: document.getText(new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER)),
      kind: symbol ? 'symbol' : 'window',
    },
    otherDiagnostics: vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d !== diagnostic)
      .map((d) => toInfo(root, document.uri, d)),
  };
}

export async function fixPrompt(root: string, document: vscode.TextDocument, diagnostic: vscode.Diagnostic): Promise<string> {
  return buildFixPrompt(await fixTarget(root, document, diagnostic));
}

/** Whether `diagnostic` is still reported for `uri` (fixes for problems that disappeared are dropped). */
export function stillReported(uri: vscode.Uri, diagnostic: vscode.Diagnostic): boolean {
  return vscode.languages
    .getDiagnostics(uri)
    .some((d) => d.message === diagnostic.message && d.range.intersection(diagnostic.range) !== undefined);
}
