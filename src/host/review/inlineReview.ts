import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { buildInlineView, type InlineView } from '../../core/review/inlineView';
import { replacementSummary, type Proposal } from '../../core/review/proposal';
import type { ProposalReviewer } from '../../core/review/reviewer';
import { parseProposalUri, PROPOSED_SCHEME, proposalUri, REVIEW_SCHEME } from './reviewUris';

/**
 * Inline review of pending proposals in the editor: each proposed file opens as a read-only view with added
 * lines highlighted and removed lines shown, a CodeLens `Accept | Reject` per hunk, keyboard commands, and a
 * side-by-side diff. The real file is untouched until the user decides; decisions go to the ProposalReviewer.
 */
export class InlineReviewController extends Disposable implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider {
  private readonly contentChanged = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.contentChanged.event;
  private readonly lensesChanged = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly added = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private readonly removed = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
      textDecoration: 'line-through',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private readonly decided = this._register(vscode.window.createTextEditorDecorationType({ isWholeLine: true, opacity: '0.55' }));
  private readonly opened = new Set<string>();

  constructor(
    private readonly reviewer: ProposalReviewer,
    private readonly root: string,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, this));
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this));
    this._register(vscode.languages.registerCodeLensProvider({ scheme: REVIEW_SCHEME }, this));
    this._register(reviewer.onDidChange((proposal) => this.proposalChanged(proposal)));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorateAll()));
    const command = (id: string, fn: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, fn));
    command('fixpoint.acceptHunk', (uri?: vscode.Uri, index?: number) => this.decideHunk(true, uri, index));
    command('fixpoint.rejectHunk', (uri?: vscode.Uri, index?: number) => this.decideHunk(false, uri, index));
    command('fixpoint.nextHunk', () => this.moveToHunk(1));
    command('fixpoint.previousHunk', () => this.moveToHunk(-1));
    command('fixpoint.acceptFile', (uri?: vscode.Uri) => this.decideFile(true, uri));
    command('fixpoint.rejectFile', (uri?: vscode.Uri) => this.decideFile(false, uri));
    command('fixpoint.acceptAll', () => this.decideAll(true));
    command('fixpoint.rejectAll', () => this.decideAll(false));
    command('fixpoint.openDiff', (id?: string, file?: string) => this.openDiff(id, file));
    command('fixpoint.openReview', (id: string, file: string) => this.openReview(id, file));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const target = this.resolve(uri);
    if (!target) return '(this proposal is no longer pending)';
    if (uri.scheme === PROPOSED_SCHEME) {
      return new URLSearchParams(uri.query).get('side') === 'old'
        ? (target.file.change.oldContent ?? '')
        : (target.file.change.newContent ?? '');
    }
    return this.view(target.proposal, target.path)?.text ?? '';
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const target = this.resolve(document.uri);
    if (!target) return [];
    const view = this.view(target.proposal, target.path);
    if (!view) return [];
    const lenses: vscode.CodeLens[] = [];
    const top = new vscode.Range(0, 0, 0, 0);
    if (target.file.decisions.includes('pending')) {
      lenses.push(
        new vscode.CodeLens(top, { title: '$(check-all) Accept File', command: 'fixpoint.acceptFile', arguments: [document.uri] }),
        new vscode.CodeLens(top, { title: '$(close-all) Reject File', command: 'fixpoint.rejectFile', arguments: [document.uri] }),
      );
    }
    lenses.push(
      new vscode.CodeLens(top, {
        title: '$(diff) Side-by-side Diff',
        command: 'fixpoint.openDiff',
        arguments: [target.proposal.id, target.path],
      }),
    );
    if (target.file.protected) lenses.push(new vscode.CodeLens(top, { title: '$(warning) Protected path: review carefully', command: '' }));
    const replacement = replacementSummary(target.file.change);
    if (replacement) {
      const title = `$(warning) ${replacement.charAt(0).toUpperCase()}${replacement.slice(1)}`;
      lenses.push(new vscode.CodeLens(top, { title, tooltip: 'The proposal overwrites this file instead of editing it', command: '' }));
    }
    for (const hunk of view.hunks) {
      const range = new vscode.Range(hunk.startLine, 0, hunk.startLine, 0);
      const label = view.hunks.length > 1 ? ` (${hunk.index + 1}/${view.hunks.length})` : '';
      if (hunk.decision === 'pending') {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(check) Accept${label}`,
            tooltip: 'Accept this hunk (Alt+A)',
            command: 'fixpoint.acceptHunk',
            arguments: [document.uri, hunk.index],
          }),
          new vscode.CodeLens(range, {
            title: '$(close) Reject',
            tooltip: 'Reject this hunk (Alt+R)',
            command: 'fixpoint.rejectHunk',
            arguments: [document.uri, hunk.index],
          }),
        );
      } else {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `${hunk.decision === 'accepted' ? '$(pass) Accepted' : hunk.decision === 'stale' ? '$(warning) Stale' : '$(circle-slash) Rejected'}${label}`,
            command: '',
          }),
        );
      }
    }
    return lenses;
  }

  private resolve(uri: vscode.Uri): { proposal: Proposal; path: string; file: Proposal['files'][number] } | undefined {
    const parsed = parseProposalUri(uri);
    const proposal = parsed && this.reviewer.get(parsed.proposalId);
    const file = parsed && proposal?.file(parsed.path);
    return proposal && file && parsed ? { proposal, path: parsed.path, file } : undefined;
  }

  private view(proposal: Proposal, file: string): InlineView | undefined {
    const state = proposal.file(file);
    return state && buildInlineView(state.change, state.decisions);
  }

  private proposalChanged(proposal: Proposal): void {
    for (const file of proposal.files) {
      this.contentChanged.fire(proposalUri(REVIEW_SCHEME, proposal.id, file.change.path));
    }
    this.lensesChanged.fire();
    void vscode.commands.executeCommand('setContext', 'fixpoint.hasPendingProposal', this.reviewer.pending().length > 0);
    if (!proposal.decided && !this.opened.has(proposal.id)) {
      this.opened.add(proposal.id);
      void this.openReview(proposal.id, proposal.files[0].change.path, true);
    }
    if (proposal.decided) {
      this.opened.delete(proposal.id);
      void this.closeReviewEditors(proposal.id);
    }
    setTimeout(() => this.decorateAll(), 0);
  }

  async openReview(id: string, file: string, preserveFocus = false): Promise<void> {
    if (!this.reviewer.get(id)?.file(file)) return;
    const uri = proposalUri(REVIEW_SCHEME, id, file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, languageOf(file));
    const editor = await vscode.window.showTextDocument(document, { preview: true, preserveFocus });
    // Decided while opening (auto-accept, or a quick click in the chat): no review left to show.
    const proposal = this.reviewer.get(id);
    if (!proposal) {
      await this.closeReviewEditors(id);
      return;
    }
    this.decorateAll();
    // Land on the first change, so a quick fix's proposal shows up where the problem was.
    const first = this.view(proposal, file)?.hunks.find((h) => h.decision === 'pending');
    if (first)
      editor.revealRange(new vscode.Range(first.startLine, 0, first.startLine, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async openDiff(id?: string, file?: string): Promise<void> {
    const target = id && file ? { id, file } : this.activeTarget();
    // Only files of a pending proposal: the webview (untrusted) names them, so nothing else may be opened.
    const change = target && this.reviewer.get(target.id)?.file(target.file)?.change;
    if (!target || !change) return;
    const proposed = proposalUri(PROPOSED_SCHEME, target.id, target.file);
    // The left side is the real file (the user's current text); a new file is compared with an empty one.
    const original =
      change.kind !== 'add' ? vscode.Uri.file(path.join(this.root, change.path)) : proposed.with({ query: `${proposed.query}&side=old` });
    await vscode.commands.executeCommand('vscode.diff', original, proposed, `${target.file} ↔ proposed by Fixpoint`, { preview: true });
  }

  private activeTarget(): { id: string; file: string } | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const parsed = uri && parseProposalUri(uri);
    if (parsed) return { id: parsed.proposalId, file: parsed.path };
    const first = this.reviewer.pending()[0];
    const pendingFile = first?.files.find((f) => f.decisions.includes('pending'));
    return first && pendingFile ? { id: first.id, file: pendingFile.change.path } : undefined;
  }

  private decideHunk(accept: boolean, uri?: vscode.Uri, index?: number): void {
    const editor = vscode.window.activeTextEditor;
    const target = this.resolve(uri ?? editor?.document.uri ?? vscode.Uri.parse('none:/'));
    if (!target) return;
    const view = this.view(target.proposal, target.path);
    const line = editor?.selection.active.line ?? 0;
    const hunk =
      index ??
      (view?.hunks.find((h) => h.decision === 'pending' && line <= h.endLine) ?? view?.hunks.find((h) => h.decision === 'pending'))?.index;
    if (hunk === undefined) return;
    this.reviewer.decideHunk(target.proposal.id, target.path, hunk, accept);
    if (index === undefined) setTimeout(() => this.moveToHunk(1), 0);
  }

  private decideFile(accept: boolean, uri?: vscode.Uri): void {
    const target = this.resolve(uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.Uri.parse('none:/'));
    if (target) this.reviewer.decideFile(target.proposal.id, target.path, accept);
  }

  private decideAll(accept: boolean): void {
    for (const proposal of this.reviewer.pending()) this.reviewer.decideFile(proposal.id, undefined, accept);
  }

  private moveToHunk(direction: 1 | -1): void {
    const editor = vscode.window.activeTextEditor;
    const target = editor && this.resolve(editor.document.uri);
    const view = target && this.view(target.proposal, target.path);
    if (!editor || !view) return;
    const line = editor.selection.active.line;
    const pending = view.hunks.filter((h) => h.decision === 'pending');
    const next =
      direction === 1
        ? (pending.find((h) => h.startLine > line) ?? pending[0])
        : ([...pending].reverse().find((h) => h.startLine < line) ?? pending.at(-1));
    if (!next) return;
    const position = new vscode.Position(next.startLine, 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private decorateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const target = this.resolve(editor.document.uri);
      const view = target && this.view(target.proposal, target.path);
      const lines = (pick: (h: InlineView['hunks'][number]) => number[], decided: boolean) =>
        (view?.hunks ?? [])
          .filter((h) => (h.decision !== 'pending') === decided)
          .flatMap(pick)
          .map((l) => new vscode.Range(l, 0, l, 0));
      editor.setDecorations(
        this.added,
        lines((h) => h.addedLines, false),
      );
      editor.setDecorations(
        this.removed,
        lines((h) => h.removedLines, false),
      );
      editor.setDecorations(
        this.decided,
        lines((h) => [...h.addedLines, ...h.removedLines], true),
      );
    }
  }

  private async closeReviewEditors(id: string): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((tab) => {
        const input = tab.input;
        const uri = input instanceof vscode.TabInputText ? input.uri : undefined;
        return uri && parseProposalUri(uri)?.proposalId === id;
      });
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }
}

function languageOf(file: string): string {
  const ext = path.extname(file).toLowerCase();
  const known: Record<string, string> = {
    '.ts': 'typescript',
    '.tsx': 'typescriptreact',
    '.js': 'javascript',
    '.jsx': 'javascriptreact',
    '.mjs': 'javascript',
    '.cjs': 'javascript',
    '.json': 'json',
    '.md': 'markdown',
    '.py': 'python',
    '.rs': 'rust',
    '.go': 'go',
    '.css': 'css',
    '.html': 'html',
    '.yml': 'yaml',
    '.yaml': 'yaml',
    '.sh': 'shellscript',
  };
  return known[ext] ?? 'plaintext';
}
