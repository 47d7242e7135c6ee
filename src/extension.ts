import * as vscode from 'vscode';
import { ChatSession } from './core/agent/session';
import { systemPrompt } from './core/agent/prompts';
import { collectAgentsRules } from './core/context/agentsRules';
import { editorContext, layoutSummary } from './core/context/promptContext';
import { repoMapForRequest } from './core/context/repoMap';
import { OpenAIModelClient } from './core/model/openaiClient';
import { auditToMarkdown } from './core/policy';
import type { ViewState } from './shared/protocol';
import { FixCodeActionProvider } from './host/quickFix';
import { FixRequests } from './host/fixCommands';
import { ChatViewProvider, CHAT_VIEW_ID } from './host/chatViewProvider';
import { DocumentWriter } from './host/documentWriter';
import {
  agentOptions,
  contextWindowSource,
  ApiKeyCache,
  approvalSettings,
  checkpointMaxBytes,
  taskBudget,
  migrateApprovalMode,
  promptForApiKey,
  readModelSettings,
  verificationTasks,
  verifySettings,
  repoMapTokens,
} from './host/settings';
import { environmentFacts } from './node/environment';
import { NodeVerifier } from './node/verifier';
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
import { FileStore } from './node/fileStore';
import { NodeTaskFiles } from './node/taskFiles';
import { GitWorkspaceSnapshots } from './node/gitSnapshots';
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
  const view: ChatViewProvider = new ChatViewProvider(context.extensionUri, () => session, { setApiKey }, workspace, context, apiKeys);
  const output = vscode.window.createOutputChannel('Fixpoint');
  const mcp = new HostMcp(context, root, output);
  const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
  const { repoMap } = syntaxServices(workspace);
  const session: ChatSession = new ChatSession({
    resolveSettings: () => readModelSettings(apiKeys),
    createClient: (settings) => new OpenAIModelClient(settings),
    post: (msg) => view.post(msg),
    systemPrompt: async () =>
      systemPrompt({
        workspaceName: vscode.workspace.name,
        layout: await layoutSummary(workspace),
        rules: await collectAgentsRules(workspace, workspace.openEditors().active),
        canRunCommands: vscode.workspace.isTrusted,
        repoMap: await repoMapForRequest(repoMap, repoMapTokens(), session.snapshot().entries, workspace.openEditors()),
        // Restricted Mode runs nothing, not even git status.
        environment: await environmentFacts(root, {
          shell: vscode.env.shell,
          git: vscode.workspace.isTrusted,
          gitConfigKeys: async () => (await workspace.gitConfig(root)).map((e) => e.key),
        }),
      }),
    promptContext: () => editorContext(workspace),
    workspace,
    runner,
    writer: new DocumentWriter(root),
    codeIntelligence: new HostCodeIntelligence(root),
    extraTools: (signal) => mcp.tools(signal),
    contextWindowSource,
    grants,
    approvalSettings,
    agentOptions,
    tasks: {
      files: new NodeTaskFiles(path.join(storage, 'tasks')),
      legacy: new FileStore(path.join(storage, 'conversations')),
    },
    taskBudget,
    // Checkpoints need a workspace folder (without one there is nothing of the user's to snapshot).
    snapshots: context.storageUri && {
      store: new GitWorkspaceSnapshots(root, path.join(context.storageUri.fsPath, 'checkpoints')),
      maxBytes: checkpointMaxBytes,
    },
    verifier: new NodeVerifier({
      workspace,
      runner,
      settings: verifySettings,
      tasks: verificationTasks,
    }),
  });
  // Shadow copies left by a crashed window are removed in the background; an old single approval mode moves
  // to the two settings that replace it.
  void cleanupStaleShadows().catch(() => undefined);
  void migrateApprovalMode().catch((err) => console.error('Fixpoint: could not migrate fixpoint.approvalMode', err));
  void warnWhenSandboxMissing(output).catch(() => undefined);
  activeSession = session;
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
      session.newTask();
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
    ...registerTasksView(session, () => view.reveal()),
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

let activeSession: ChatSession | undefined;

/** VS Code waits for this: the conversation and pending proposals are saved for the next start. */
export function deactivate(): Promise<void> | undefined {
  return activeSession?.shutdown();
}
