import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  SYMBOL_KINDS,
  type CodeIntelligence,
  type CodeLocation,
  type CodePosition,
  type LanguageServerStatus,
  type OutlineSymbol,
  type RenamedFile,
  type WorkspaceSymbol,
} from '../core/ports';
import { workspaceRelative } from './workspace';

/**
 * How long a language whose server has not answered yet gets to register its providers after its extension
 * activates. The requests themselves wait for a slow server (TypeScript loading a project); this covers only
 * the moment between activation and registration.
 */
const REGISTRATION_WAIT_MS = 5_000;

/** The languages of VS Code's built-in TypeScript server. */
const TYPESCRIPT_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);

/** How long a TypeScript project gets to load before the answers of its partial (syntax) server are taken. */
const PROJECT_LOAD_WAIT_MS = 60_000;

/** The parts of an extension's package.json that say which languages it serves. */
interface Manifest {
  main?: string;
  browser?: string;
  activationEvents?: string[];
  contributes?: { languages?: Array<{ id: string }> };
}

/** The code-intelligence port through VS Code's own provider commands (whatever language servers are installed). */
export class HostCodeIntelligence implements CodeIntelligence {
  /** Languages whose server has answered once: their providers are registered, so no more waiting. */
  private readonly answering = new Set<string>();
  /** TypeScript files whose project the full server has loaded. */
  private readonly loaded = new Set<string>();

  constructor(private readonly root: string) {}

  async status(relative: string): Promise<LanguageServerStatus> {
    const document = await vscode.workspace.openTextDocument(this.uri(relative));
    const language = document.languageId;
    const status = await this.serverStatus(document);
    if (status.state === 'served' && TYPESCRIPT_LANGUAGES.has(language)) await this.projectLoaded(document.uri);
    return status;
  }

  private async serverStatus(document: vscode.TextDocument): Promise<LanguageServerStatus> {
    const language = document.languageId;
    if (this.answering.has(language)) return { state: 'served' };
    const servers = vscode.extensions.all.filter((e) => servesLanguage(e.packageJSON as Manifest, language));
    if (servers.length === 0) return { state: 'none', language };
    await Promise.all(servers.map((e) => Promise.resolve(e.activate()).catch(() => undefined)));
    const deadline = Date.now() + REGISTRATION_WAIT_MS;
    for (;;) {
      if ((await this.documentSymbols(document.uri)).length > 0) {
        this.answering.add(language);
        return { state: 'served' };
      }
      if (Date.now() > deadline) return { state: 'silent', language };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * While a project loads, VS Code's TypeScript support answers references, definitions, hovers and renames
   * from a syntax-only server that knows the open files only: a rename would miss call sites. A semantic-only
   * request (diagnostics of the file) is answered once the full server has the project, so wait for it (bounded).
   */
  private async projectLoaded(uri: vscode.Uri): Promise<void> {
    if (this.loaded.has(uri.toString())) return;
    const request = vscode.commands.executeCommand('typescript.tsserverRequest', 'semanticDiagnosticsSync', { file: uri });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, PROJECT_LOAD_WAIT_MS)));
    // A TypeScript extension without this request (a user's replacement) is waited for no further.
    await Promise.race([Promise.resolve(request).catch(() => undefined), timeout]);
    clearTimeout(timer);
    this.loaded.add(uri.toString());
  }

  async workspaceSymbols(query: string): Promise<WorkspaceSymbol[]> {
    const found = await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>(
      'vscode.executeWorkspaceSymbolProvider',
      query,
    );
    return (found ?? []).map((s) => ({
      name: s.name,
      kind: SYMBOL_KINDS[s.kind] ?? 'object',
      ...(s.containerName ? { container: s.containerName } : {}),
      location: this.location(s.location.uri, s.location.range),
    }));
  }

  async outline(relative: string): Promise<OutlineSymbol[]> {
    return (await this.documentSymbols(this.uri(relative))).map(outlineSymbol);
  }

  async definitions(at: CodePosition): Promise<CodeLocation[]> {
    const found = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink> | undefined>(
      'vscode.executeDefinitionProvider',
      this.uri(at.path),
      toPosition(at),
    );
    return (found ?? []).map((l) =>
      'targetUri' in l ? this.location(l.targetUri, l.targetSelectionRange ?? l.targetRange) : this.location(l.uri, l.range),
    );
  }

  async references(at: CodePosition): Promise<CodeLocation[]> {
    const found = await vscode.commands.executeCommand<vscode.Location[] | undefined>(
      'vscode.executeReferenceProvider',
      this.uri(at.path),
      toPosition(at),
    );
    return (found ?? []).map((l) => this.location(l.uri, l.range));
  }

  async hover(at: CodePosition): Promise<string[]> {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[] | undefined>(
      'vscode.executeHoverProvider',
      this.uri(at.path),
      toPosition(at),
    );
    return (hovers ?? []).flatMap((h) => h.contents.map(markdownOf));
  }

  async rename(at: CodePosition, newName: string): Promise<{ ok: true; files: RenamedFile[] } | { ok: false; reason: string }> {
    let edit: vscode.WorkspaceEdit | undefined;
    try {
      edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit | undefined>(
        'vscode.executeDocumentRenameProvider',
        this.uri(at.path),
        toPosition(at),
        newName,
      );
    } catch (err) {
      // A refused rename ("You cannot rename this element") arrives as an error carrying the server's reason.
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (!edit) return { ok: false, reason: 'no rename provider answered for this file' };
    const files: RenamedFile[] = [];
    for (const [uri, edits] of edit.entries()) {
      const document = await vscode.workspace.openTextDocument(uri);
      const oldContent = document.getText();
      // Applied from the end so earlier offsets stay valid; the server's edits never overlap.
      const byOffset = edits
        .map((e) => ({ start: document.offsetAt(e.range.start), end: document.offsetAt(e.range.end), text: e.newText }))
        .sort((a, b) => b.start - a.start);
      let newContent = oldContent;
      for (const e of byOffset) newContent = newContent.slice(0, e.start) + e.text + newContent.slice(e.end);
      const relative = workspaceRelative(this.root, uri);
      files.push(
        relative ? { path: relative, oldContent, newContent } : { path: uri.fsPath, outsideWorkspace: true, oldContent, newContent },
      );
    }
    return { ok: true, files };
  }

  private async documentSymbols(uri: vscode.Uri): Promise<Array<vscode.DocumentSymbol | vscode.SymbolInformation>> {
    return (
      (await vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation> | undefined>(
        'vscode.executeDocumentSymbolProvider',
        uri,
      )) ?? []
    );
  }

  private location(uri: vscode.Uri, range: vscode.Range): CodeLocation {
    const relative = workspaceRelative(this.root, uri);
    const at = { line: range.start.line + 1, column: range.start.character + 1 };
    return relative
      ? { path: relative, ...at }
      : { path: uri.scheme === 'file' ? uri.fsPath : uri.toString(), ...at, outsideWorkspace: true };
  }

  private uri(relative: string): vscode.Uri {
    return vscode.Uri.file(path.join(this.root, relative));
  }
}

/**
 * Whether an extension serves a language: it activates on it, or (VS Code's implicit activation) it
 * contributes that language and has code to run. Grammar-only extensions colour a language but answer nothing.
 */
function servesLanguage(manifest: Manifest, language: string): boolean {
  if (manifest.activationEvents?.includes(`onLanguage:${language}`)) return true;
  const hasCode = manifest.main !== undefined || manifest.browser !== undefined;
  return hasCode && (manifest.contributes?.languages ?? []).some((l) => l.id === language);
}

function toPosition(at: CodePosition): vscode.Position {
  return new vscode.Position(at.line - 1, at.column - 1);
}

function outlineSymbol(symbol: vscode.DocumentSymbol | vscode.SymbolInformation): OutlineSymbol {
  const range = 'location' in symbol ? symbol.location.range : symbol.range;
  const children = 'children' in symbol ? symbol.children.map(outlineSymbol) : [];
  const detail = 'detail' in symbol && symbol.detail ? { detail: symbol.detail } : {};
  return {
    name: symbol.name,
    kind: SYMBOL_KINDS[symbol.kind] ?? 'object',
    ...detail,
    line: range.start.line + 1,
    endLine: range.end.line + 1,
    children,
  };
}

function markdownOf(content: vscode.MarkdownString | vscode.MarkedString): string {
  if (typeof content === 'string') return content;
  if ('language' in content) return `\`\`\`${content.language}\n${content.value}\n\`\`\``;
  return content.value;
}
