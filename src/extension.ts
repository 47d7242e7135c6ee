import * as vscode from 'vscode';
import { ChatSession } from './core/agent/session';
import { editorContext } from './core/context/promptContext';
import { auditToMarkdown } from './core/policy';
import type { ViewState } from './shared/protocol';
import { FixCodeActionProvider } from './host/quickFix';
import { FixRequests } from './host/fixCommands';
import { ChatViewProvider, CHAT_VIEW_ID } from './host/chatViewProvider';
import { DocumentWriter } from './host/documentWriter';
import { ApiKeyCache, migrateApprovalMode, promptForApiKey, spareWorktree } from './host/settings';
import { cleanupStaleShadows } from './node/sandbox';
import { TerminalRunner } from './host/terminalRunner';
import { warnWhenSandboxMissing } from './host/sandboxStatus';
import { HostGrantStore, manageApprovals } from './host/grants';
import { HostWorkspace } from './host/workspace';
import { HostCodeIntelligence } from './host/codeIntelligence';
import { syntaxServices } from './node/treeSitter';
import { HostMcp } from './host/mcp';
import { registerMcpView } from './host/mcpView';
import { registerTasksView } from './host/tasksView';
import { HostBackgroundTasks } from './host/backgroundTasks';
import { taskActions } from './host/taskActions';
import { registerCommitOnAccept } from './host/commitOnAccept';
import { GitWorktrees } from './node/worktrees';
import { FileStore } from './node/fileStore';
import { NodeTaskFiles } from './node/taskFiles';
import { createHostSession, type HostSessionEnv } from './host/hostSession';
import * as path from 'node:path';
import { InlineReviewController } from './host/review/inlineReview';

/** What the extension exports: a small API for other extensions and for the integration tests. */
export interface FixpointApi {
  prompt(text: string): Promise<unknown>;
  cancel(): void;
  newTask(): void;
  snapshot(): ViewState;
  /** The running session (approvals, proposals): only in development and test runs, never to other extensions. */
  readonly session?: ChatSession;
  /** How long activate() took, in ms (what VS Code's "Running Extensions" view reports). */
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): FixpointApi {
  const started = performance.now();
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? context.globalStorageUri.fsPath;
  const grants = new HostGrantStore(context.globalState, root);
  const secrets = context.secrets;
  const apiKeys = new ApiKeyCache(secrets);
  const workspace = new HostWorkspace(root);
  const runner = new TerminalRunner(root);
  const setApiKey = async (): Promise<void> => {
    if (await promptForApiKey(secrets)) {
      apiKeys.refresh();
      await session.refreshSettings();
    }
  };
  const view: ChatViewProvider = new ChatViewProvider(
    context.extensionUri,
    () => background.shown(),
    {
      setApiKey,
      newTask: () => actions.newTask(),
      openTask: (id) => openById(id),
      runInBackground: (prompt) => actions.runInBackground(prompt),
      prepareBackground: () => background.prepare(),
    },
    workspace,
    context,
    apiKeys,
  );
  const output = vscode.window.createOutputChannel('Fixpoint');
  const mcp = new HostMcp(context, root, output);
  const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
  const { repoMap } = syntaxServices(workspace);
  const env: HostSessionEnv = {
    apiKeys,
    grants,
    mcp,
    tasks: { files: new NodeTaskFiles(path.join(storage, 'tasks')), legacy: new FileStore(path.join(storage, 'conversations')) },
  };
  const session: ChatSession = createHostSession(env, {
    root,
    name: vscode.workspace.name ?? path.basename(root),
    workspace,
    runner,
    writer: new DocumentWriter(root),
    codeIntelligence: new HostCodeIntelligence(root),
    repoMap,
    promptContext: () => editorContext(workspace),
    // While the chat shows a background task, the chat's own session keeps working but draws nothing.
    post: (msg) => background.isShowingBackground() || view.post(msg),
    // Checkpoints need a workspace folder (without one there is nothing of the user's to snapshot).
    checkpointsDir: context.storageUri && path.join(context.storageUri.fsPath, 'checkpoints'),
    workspaceTasks: true,
  });
  const background = new HostBackgroundTasks(
    env,
    new GitWorktrees(path.join(context.globalStorageUri.fsPath, 'worktrees'), { spare: spareWorktree }),
    session,
    { post: (msg) => view.post(msg), reveal: () => view.reveal() },
    { origin: root, storage, changed: () => tasksView.view.refresh() },
  );
  const actions = taskActions(session, background);
  const tasksView = registerTasksView(session, actions);
  const openById = async (id: string): Promise<boolean> => {
    const task = (await session.tasks.list()).find((t) => t.id === id);
    return task ? actions.open(task) : false;
  };
  // Worktrees left by tasks that no longer exist (a crash, a deleted task) are swept; the user's are never touched.
  void session.tasks
    .list()
    .then(async (list) => {
      await background.sweep((id) => list.some((t) => t.id === id && t.workspace?.state === 'active'));
      // Someone who runs background tasks here gets the next one's worktree ready (a spare) at start-up.
      if (list.some((t) => t.workspace)) background.prepare();
    })
    .catch(() => undefined);
  // Shadow copies left by a crashed window are removed in the background; an old single approval mode moves
  // to the two settings that replace it.
  void cleanupStaleShadows().catch(() => undefined);
  void migrateApprovalMode().catch((err) => console.error('Fixpoint: could not migrate fixpoint.approvalMode', err));
  void warnWhenSandboxMissing(output).catch(() => undefined);
  shutdown = () => Promise.all([session.shutdown(), background.shutdown()]).then(() => undefined);
  // Restored in the background: activation stays fast, and the webview gets a fresh snapshot when done.
  void session.restore().catch((err) => console.error('Fixpoint: could not restore the conversation', err));

  context.subscriptions.push(
    output,
    mcp,
    apiKeys,
    view,
    runner,
    new InlineReviewController(session.reviewer, root),
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.commands.registerCommand('fixpoint.newTask', async () => {
      await actions.newTask();
      await view.reveal();
    }),
    vscode.commands.registerCommand('fixpoint.cancel', () => session.cancel()),
    vscode.commands.registerCommand('fixpoint.focusChat', () => view.reveal()),
    vscode.commands.registerCommand('fixpoint.compact', () => session.compact()),
    vscode.commands.registerCommand('fixpoint.testConnection', async () => {
      const report = await view.testConnection();
      if (!report) return report; // The settings are incomplete: the setup card says what is missing.
      const line = report.checks.map((c) => `${c.ok === true ? '✓' : c.ok === false ? '✗' : '–'} ${c.name}`).join(' · ');
      const failed = report.checks.find((c) => c.ok === false);
      if (failed) void vscode.window.showWarningMessage(`Fixpoint: ${failed.name} — ${failed.detail}. ${failed.fix ?? ''}`);
      else void vscode.window.showInformationMessage(`Fixpoint: ${line}`);
      return report;
    }),
    vscode.commands.registerCommand('fixpoint.mcp.allowWorkspaceServers', () => mcp.allowWorkspaceServers()),
    ...registerMcpView(mcp),
    ...tasksView.disposables,
    registerCommitOnAccept(session, root, output),
    background,
    vscode.commands.registerCommand('fixpoint.manageApprovals', () => manageApprovals(grants, session.policy.grants)),
    vscode.commands.registerCommand('fixpoint.showAuditLog', async () => {
      const content = `# Fixpoint audit log — this task\n\n${auditToMarkdown(session.policy.audit.entries())}`;
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content }));
    }),
    vscode.commands.registerCommand('fixpoint.setApiKey', setApiKey),
    new FixRequests(root, session, () => view.reveal()),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FixCodeActionProvider(), {
      providedCodeActionKinds: FixCodeActionProvider.kinds,
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void session.refreshSettings()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('fixpoint.approvalMode')) void migrateApprovalMode().catch(() => undefined);
      if (e.affectsConfiguration('fixpoint')) void session.refreshSettings();
    }),
  );

  const activationMs = performance.now() - started;
  return {
    prompt: (text) => session.prompt(text),
    cancel: () => session.cancel(),
    newTask: () => session.newTask(),
    snapshot: () => session.snapshot(),
    session: context.extensionMode === vscode.ExtensionMode.Production ? undefined : session,
    activationMs,
  };
}

let shutdown: (() => Promise<void>) | undefined;

/** VS Code waits for this: every task (the chat's and the background ones) is saved for the next start. */
export function deactivate(): Promise<void> | undefined {
  return shutdown?.();
}
