import * as vscode from 'vscode';
import type { ChatSession } from '../core/agent/session';
import { fixPrompt, relativePath, stillReported } from './quickFix';

interface FixJob {
  label: string;
  /** Builds the prompt when the job's turn comes, or returns undefined to drop it. */
  prepare(): Promise<string | undefined>;
  fast: boolean;
}

/**
 * Runs "Ask agent to fix" and "Ask about selection" requests one after another (the session runs one task at a
 * time), each with a cancellable progress notification. A fix whose diagnostic disappeared while it waited is
 * dropped.
 */
export class FixRequests implements vscode.Disposable {
  private queue: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly root: string,
    private readonly session: ChatSession,
    private readonly revealChat: () => Promise<void>,
  ) {
    this.disposables = [
      vscode.commands.registerCommand('fixpoint.askToFix', (uri?: vscode.Uri, diagnostic?: vscode.Diagnostic) =>
        this.askToFix(uri, diagnostic),
      ),
      vscode.commands.registerCommand('fixpoint.askAboutSelection', (uri?: vscode.Uri, range?: vscode.Range) =>
        this.askAboutSelection(uri, range),
      ),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private useFastModel(): boolean {
    return vscode.workspace.getConfiguration('fixpoint').get<boolean>('quickFix.useFastModel') ?? true;
  }

  async askToFix(uri?: vscode.Uri, diagnostic?: vscode.Diagnostic): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? editor?.document.uri;
    const problem = diagnostic ?? (editor && target ? diagnosticAtCursor(editor) : undefined);
    if (!target || !problem) {
      void vscode.window.showInformationMessage('Fixpoint: put the cursor on an error or warning to ask the agent to fix it.');
      return;
    }
    await this.enqueue({
      label: `fixing "${problem.message.split('\n')[0].slice(0, 60)}"`,
      fast: this.useFastModel(),
      prepare: async () => {
        if (!stillReported(target, problem)) {
          void vscode.window.setStatusBarMessage('Fixpoint: that problem is gone; the fix request was dropped.', 5000);
          return undefined;
        }
        return fixPrompt(this.root, await vscode.workspace.openTextDocument(target), problem);
      },
    });
  }

  async askAboutSelection(uri?: vscode.Uri, range?: vscode.Range): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const documentUri = uri ?? editor?.document.uri;
    const selection = range ?? editor?.selection;
    if (!documentUri || !selection || selection.isEmpty) {
      void vscode.window.showInformationMessage('Fixpoint: select some code first.');
      return;
    }
    const question = await vscode.window.showInputBox({
      title: 'Fixpoint: ask about the selection',
      prompt: 'What should the agent do with the selected code?',
      placeHolder: 'e.g. "extract this into a function", "why does this throw?"',
    });
    if (!question?.trim()) return;
    const document = await vscode.workspace.openTextDocument(documentUri);
    const file = relativePath(this.root, documentUri);
    const text = document.getText(selection);
    await this.enqueue({
      label: question.slice(0, 60),
      fast: false,
      prepare: async () =>
        `${question}\n\nSelected code in ${file} (lines ${selection.start.line + 1}-${selection.end.line + 1}):\n\`\`\`${document.languageId}\n${text}\n\`\`\``,
    });
  }

  private enqueue(job: FixJob): Promise<void> {
    const run = this.queue.then(() => this.run(job));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(job: FixJob): Promise<void> {
    await this.session.whenIdle();
    const prompt = await job.prepare();
    if (!prompt) return;
    // Revealing the sidebar can take a while on a cold window; the request does not wait for it.
    void this.revealChat().catch(() => undefined);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Fixpoint: ${job.label}`, cancellable: true },
      async (_progress, token) => {
        const cancel = token.onCancellationRequested(() => this.session.cancel());
        try {
          await this.session.prompt(prompt, { fast: job.fast });
        } finally {
          cancel.dispose();
        }
      },
    );
  }
}

function diagnosticAtCursor(editor: vscode.TextEditor): vscode.Diagnostic | undefined {
  const position = editor.selection.active;
  const all = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
  return all.find((d) => d.range.contains(position)) ?? all.find((d) => d.range.start.line === position.line);
}
