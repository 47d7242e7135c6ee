import * as vscode from 'vscode';
import type { SelfTestReport } from '../core/model/selfTest';
import { Disposable } from '../core/lifecycle';
import type { ChatSession } from '../core/agent/session';
import { assertNever, parseWebviewMessage, type HostToWebview, type WebviewToHost } from '../shared/protocol';
import { chatHtml } from './webviewHtml';
import { handleCodeBlock } from './codeBlocks';
import { SetupController } from './setup';
import type { ApiKeyCache } from './settings';
import { mentionCompletions } from '../core/context/mentions';
import type { Workspace } from '../core/ports';

export const CHAT_VIEW_ID = 'fixpoint.chat';

/** Hosts the chat webview: renders session state into it and turns its (validated) messages into actions. */
export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private readonly readyEmitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when a webview has loaded and received its state snapshot. */
  readonly onDidBecomeReady = this.readyEmitter.event;

  private fileCache: { at: number; files: Promise<string[]> } | undefined;
  private setupQueue: Promise<void> = Promise.resolve();
  private readonly setup: SetupController;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: () => ChatSession,
    /** New Task and opening a task go through the extension: a background task is shown, not reopened here. */
    private readonly commands: {
      setApiKey(): Promise<void>;
      newTask(): Promise<void>;
      openTask(id: string): Promise<boolean>;
      runInBackground(prompt: string): Promise<unknown>;
      prepareBackground(): void;
    },
    private readonly workspace: Workspace,
    context: vscode.ExtensionContext,
    apiKeys: ApiKeyCache,
  ) {
    super();
    this.setup = new SetupController(context, apiKeys, (setup) => this.post({ type: 'setup', setup }));
  }

  /** Fixpoint: Test Connection: the self-test, shown in the setup card; the report for the caller. */
  async testConnection(): Promise<SelfTestReport | undefined> {
    const report = await this.setup.testConnection();
    this.post({ type: 'setup', setup: await this.setup.state() });
    return report;
  }

  /** Workspace files for @-completion, listed at most every 10 s (typing must not walk the tree per key). */
  private files(): Promise<string[]> {
    if (!this.fileCache || Date.now() - this.fileCache.at > 10_000) {
      this.fileCache = { at: Date.now(), files: this.workspace.listFiles({ max: 5000 }).then((r) => r.files) };
    }
    return this.fileCache.files;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    view.webview.html = chatHtml(view.webview, this.extensionUri);
    const listener = view.webview.onDidReceiveMessage((raw: unknown) => {
      const msg = parseWebviewMessage(raw);
      if (!msg) return;
      // Setup steps (save key, configure, test) must run in order; everything else at once (Stop cannot wait
      // behind a running prompt).
      const handled = msg.type === 'setup' ? (this.setupQueue = this.setupQueue.then(() => this.handle(msg))) : this.handle(msg);
      handled.catch((err: unknown) => this.session().reportError(err));
    });
    view.onDidDispose(() => {
      listener.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  post(msg: HostToWebview): void {
    void this.view?.webview.postMessage(msg);
  }

  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  private async handleHistory(msg: Extract<WebviewToHost, { type: 'history' }>, session: ChatSession): Promise<void> {
    switch (msg.action) {
      case 'list':
        break;
      case 'open':
        await this.commands.openTask(msg.id);
        break;
      case 'rename':
        await session.tasks.rename(msg.id, msg.title);
        break;
      case 'delete':
        await session.deleteTask(msg.id);
        break;
      case 'export': {
        const markdown = await session.tasks.exportMarkdown(msg.id);
        if (markdown)
          await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown }));
        return;
      }
    }
    this.post({ type: 'history', items: await session.tasks.items() });
  }

  private async handle(msg: WebviewToHost): Promise<void> {
    const session = this.session();
    switch (msg.type) {
      case 'ready':
        // The snapshot goes out first, so the webview is never blank even if reading the settings fails.
        this.post({ type: 'state', state: session.snapshot() });
        await session.refreshSettings();
        this.post({ type: 'setup', setup: await this.setup.state() });
        this.readyEmitter.fire();
        return;
      case 'prompt':
        if (!vscode.workspace.workspaceFolders?.length) {
          session.reportError(new Error('No folder is open. Open a folder (File → Open Folder…) so Fixpoint has a workspace to work in.'));
          return;
        }
        if (msg.background) {
          await this.commands.runInBackground(msg.text);
          return;
        }
        await session.prompt(msg.text, { fast: msg.fast });
        return;
      case 'cancel':
        return session.cancel();
      case 'newTask':
        return this.commands.newTask();
      case 'backgroundToggled':
        return this.commands.prepareBackground();
      case 'fix':
        if (msg.action === 'setApiKey') return this.commands.setApiKey();
        if (msg.action === 'openSettings') {
          await vscode.commands.executeCommand('workbench.action.openSettings', 'fixpoint');
          return;
        }
        return session.retry();
      case 'openLink':
        return openLink(msg.href);
      case 'approve':
        return session.approve(msg.id, msg.decision);
      case 'review':
        return session.review(msg.id, msg.path, msg.decision === 'accept');
      case 'checkpoint':
        return session.checkpoint(msg.id, msg.action);
      case 'codeBlock':
        return handleCodeBlock(msg.action, msg.code, this.workspace.root, session.reviewer);
      case 'history':
        return this.handleHistory(msg, session);
      case 'setup':
        await this.setup.handle(msg);
        if (msg.action !== 'testConnection') await session.refreshSettings();
        return;
      case 'mentionQuery':
        this.post({ type: 'mentions', query: msg.query, items: mentionCompletions(msg.query, await this.files()) });
        return;
      case 'resume':
        await session.resume(msg.id);
        return;
      case 'openDiff':
        await vscode.commands.executeCommand('fixpoint.openDiff', msg.id, msg.path);
        return;
      default:
        assertNever(msg);
    }
  }
}

/** Links from model output open only on a user click, and only for web URLs. */
async function openLink(href: string): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(href, true);
  } catch {
    return;
  }
  if (uri.scheme !== 'https' && uri.scheme !== 'http') {
    void vscode.window.showWarningMessage(`Fixpoint does not open ${uri.scheme}: links from the chat.`);
    return;
  }
  await vscode.env.openExternal(uri);
}
