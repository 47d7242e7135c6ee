import * as vscode from 'vscode';
import { BackgroundTasks, type BackgroundTask } from '../core/agent/backgroundTasks';
import type { ChatSession } from '../core/agent/session';
import { taskCommitMessage } from '../core/tasks/commitMessage';
import { rebaseTaskChanges } from '../core/tasks/rebaseChanges';
import type { LedgerState } from '../core/tasks/ledger';
import type { TaskSummary } from '../core/tasks/task';
import type { TaskWorkspaceInfo, TaskWorkspaces } from '../core/tasks/taskWorkspace';
import type { HostToWebview } from '../shared/protocol';
import { FsFileWriter } from '../node/fsWriter';
import { NodeWorkspace } from '../node/nodeWorkspace';
import { syntaxServices } from '../node/treeSitter';
import { createHostSession, taskCheckpointsDir, type HostSessionEnv } from './hostSession';
import { backgroundApprovalSettings, maxParallelTasks } from './settings';
import { TerminalRunner } from './terminalRunner';

/** The chat view as background tasks see it: which session it shows, and how to show another. */
export interface ChatSurface {
  post(msg: HostToWebview): void;
  reveal(): Promise<void>;
}

/**
 * Background tasks in VS Code (issue 13): each in its own git worktree with its own session, terminal and
 * checkpoints; the chat shows one session at a time (the foreground one, or a background task opened from the
 * Tasks view) and switching never stops a task. A notification (one per event, none for the task in view)
 * says when a background task needs an approval or a review, or has finished. Its result comes back through
 * Review & Apply (one ordinary proposal in the chat, rebased onto the user's folder), Keep as Branch, or
 * Discard.
 */
export class HostBackgroundTasks implements vscode.Disposable {
  readonly tasks: BackgroundTasks;
  /** The background task the chat shows; undefined: the foreground session. */
  private shownId: string | undefined;
  private readonly notified = new Set<string>();

  constructor(
    private readonly env: HostSessionEnv,
    private readonly workspaces: TaskWorkspaces,
    private readonly foreground: ChatSession,
    private readonly chat: ChatSurface,
    private readonly opts: { origin: string; storage: string; changed(): void },
  ) {
    this.tasks = new BackgroundTasks({
      workspaces,
      origin: opts.origin,
      maxParallel: maxParallelTasks,
      openSession: async (id, info) => this.openSession(id, info),
      changed: (task) => {
        if (task.state === 'idle') this.notifyEnded(task);
        opts.changed();
      },
    });
  }

  /** The session the chat shows now. */
  shown(): ChatSession {
    return (this.shownId && this.tasks.get(this.shownId)?.session) || this.foreground;
  }

  /** Shows `id`'s session in the chat (undefined: the foreground one). */
  async show(id: string | undefined): Promise<void> {
    this.shownId = id && this.tasks.get(id) ? id : undefined;
    const session = this.shown();
    this.chat.post({ type: 'state', state: session.snapshot() });
    await this.chat.reveal();
  }

  isShowingBackground(): boolean {
    return this.shownId !== undefined;
  }

  /** Gets the next task's worktree ready ahead (a spare), in the background. */
  prepare(): void {
    void this.workspaces.prepare?.(this.opts.origin);
  }

  /** Asks for a task and starts it in the background. */
  async runInBackground(prompt?: string): Promise<BackgroundTask | undefined> {
    const why = await this.tasks.unavailable();
    if (why) {
      void vscode.window.showWarningMessage(`Fixpoint: background tasks are not available here — ${why}`);
      return undefined;
    }
    const text =
      prompt ??
      (await vscode.window.showInputBox({
        title: 'Fixpoint: Run Task in Background',
        prompt: 'It runs in a git worktree on a new branch (from your HEAD and your uncommitted changes); your editor is not touched.',
        placeHolder: 'e.g. add a --json flag to the CLI',
        ignoreFocusOut: true,
      }));
    if (!text?.trim()) return undefined;
    const task = await this.tasks.start(text.trim(), text.trim().replace(/\s+/g, ' ').slice(0, 80));
    this.foreground.notice(
      `Started in the background on branch ${task.workspace.branch}: "${task.title}". It is in the Tasks view; you will be told when it needs you or is done.`,
    );
    return task;
  }

  /** Opens a stored background task (from the Tasks view): in this window's session for it, reopened if needed. */
  async open(summary: TaskSummary, resume = false): Promise<void> {
    const info = summary.workspace;
    if (!info || info.state !== 'active') return;
    const live = this.tasks.get(summary.id);
    if (live && resume) this.tasks.resume(summary.id);
    if (!live) await this.tasks.reopen(summary.id, info, summary.title, resume);
    await this.show(summary.id);
  }

  /**
   * Review & Apply: the task's whole change, rebased onto the user's folder as it is now, as one proposal in
   * the chat — reviewed per hunk like any other; conflicting hunks keep the user's text and add the task's.
   */
  async reviewAndApply(summary: TaskSummary): Promise<void> {
    const info = summary.workspace;
    if (!info) return;
    const deltas = await this.workspaces.changes(info);
    const user = new NodeWorkspace({ root: this.opts.origin });
    const rebased = await rebaseTaskChanges(
      deltas,
      async (path) => {
        const bytes = await user.readFile(path).catch(() => undefined);
        return bytes && new TextDecoder().decode(bytes);
      },
      { current: 'your version', task: info.branch },
    );
    await this.show(undefined);
    const notes = [
      ...rebased.skipped.map((s) => `${s.path}: ${s.why}`),
      ...(rebased.conflicts.length
        ? [`Conflicts (your text kept, the task's after it between markers): ${rebased.conflicts.map((c) => c.path).join(', ')}`]
        : []),
    ];
    if (!rebased.changes.length) {
      void vscode.window.showInformationMessage(
        `Fixpoint: "${summary.title}" changed nothing that can be applied here.${notes.length ? ` ${notes.join(' ')}` : ''}`,
      );
      return;
    }
    if (notes.length) void vscode.window.showWarningMessage(`Fixpoint: ${notes.join(' · ')}`);
    // The task's checks travel with its change: the last one it ran in its worktree, and how it went.
    const check = (await this.ledgerOf(summary))?.checks.at(-1);
    const verification = check
      ? {
          state: check.passed ? ('passed' as const) : ('failed' as const),
          command: check.command,
          summary: `run in the task's worktree (${info.branch})`,
        }
      : { state: 'not-run' as const, summary: 'the task ran no check' };
    const diff = rebased.changes.map((c) => c.diff).join('\n');
    void this.foreground.reviewer.propose({ files: rebased.changes, diff }, new AbortController().signal, verification);
  }

  /** Keep as Branch: the change committed on the task's branch with a message from its ledger; the worktree goes. */
  async keep(summary: TaskSummary): Promise<TaskWorkspaceInfo | undefined> {
    const info = summary.workspace;
    if (!info) return undefined;
    const ledger = await this.ledgerOf(summary);
    const changes = await this.workspaces.changes(info);
    await this.tasks.close(summary.id);
    const kept = await this.workspaces.keep(
      info,
      taskCommitMessage({ id: summary.id, title: summary.title, goal: summary.goal, ledger, changes }),
    );
    await this.record(summary, kept);
    void vscode.window.showInformationMessage(
      `Fixpoint: "${summary.title}" is kept on branch ${kept.branch} (${kept.commit?.slice(0, 8) ?? ''}).`,
    );
    return kept;
  }

  /** Discard: the worktree and the branch are removed (only what Fixpoint created). */
  async discard(summary: TaskSummary): Promise<void> {
    const info = summary.workspace;
    if (!info) return;
    await this.tasks.close(summary.id);
    await this.record(summary, await this.workspaces.discard(info));
    if (this.shownId === summary.id) await this.show(undefined);
  }

  stop(id: string): void {
    this.tasks.stop(id);
  }

  /** Worktrees of tasks that no longer exist (crashes, deleted tasks) are removed; kept branches stay. */
  async sweep(exists: (id: string) => boolean): Promise<void> {
    const removed = await this.workspaces.sweep(this.opts.origin, exists);
    if (removed.length) console.log(`Fixpoint: removed stale task worktrees: ${removed.join(', ')}`);
  }

  shutdown(): Promise<void> {
    return this.tasks.shutdown();
  }

  dispose(): void {
    for (const task of this.tasks.all()) task.session.cancel();
  }

  private openSession(taskId: string, info: TaskWorkspaceInfo): { session: ChatSession; dispose(): void } {
    const workspace = new NodeWorkspace({ root: info.root });
    const runner = new TerminalRunner(info.root, { name: `Fixpoint: ${info.branch}`, reveal: false });
    const { repoMap, codeIntelligence } = syntaxServices(workspace);
    const session: ChatSession = createHostSession(this.env, {
      root: info.root,
      name: info.branch,
      workspace,
      runner,
      writer: new FsFileWriter(info.root),
      codeIntelligence,
      repoMap,
      promptContext: async () => '',
      post: (msg) => {
        if (this.shownId === taskId) this.chat.post(msg);
        if (msg.type === 'entry') this.notifyWaiting(taskId, msg.entry.kind, 'state' in msg.entry ? msg.entry.state : undefined);
      },
      checkpointsDir: taskCheckpointsDir(this.opts.storage, taskId),
      taskId,
      workspaceTasks: false,
      approvalSettings: backgroundApprovalSettings,
    });
    return { session, dispose: () => runner.dispose() };
  }

  /** One notification when a task not in view starts waiting for an approval or a review. */
  private notifyWaiting(id: string, kind: string, state: unknown): void {
    if (state !== 'pending' || (kind !== 'approval' && kind !== 'proposal') || this.shownId === id) return;
    const key = `${id}:${kind}`;
    if (this.notified.has(key)) return;
    this.notified.add(key);
    const task = this.tasks.get(id);
    const what = kind === 'approval' ? 'needs your approval to run a command' : 'has changes for your review';
    void vscode.window.showInformationMessage(`Fixpoint: "${task?.title ?? id}" ${what}.`, 'Open').then((choice) => {
      this.notified.delete(key);
      if (choice === 'Open') void this.show(id);
    });
  }

  private notifyEnded(task: BackgroundTask): void {
    if (this.shownId === task.id) return;
    const { status } = task.session.tasks.current();
    if (status === 'running' || status === 'verifying') return;
    const actions = status === 'done' ? ['Review & Apply', 'Open'] : ['Open'];
    void vscode.window.showInformationMessage(`Fixpoint: background task "${task.title}" is ${status}.`, ...actions).then((choice) => {
      if (choice === 'Open') void this.show(task.id);
      if (choice === 'Review & Apply') void this.reviewAndApply(task.session.tasks.current());
    });
  }

  private async ledgerOf(summary: TaskSummary): Promise<LedgerState | undefined> {
    const live = this.tasks.get(summary.id);
    if (live) await live.session.save();
    return (await this.foreground.tasks.load(summary.id))?.ledger;
  }

  /** The task's stored summary records what became of its worktree (kept, discarded). */
  private async record(summary: TaskSummary, info: TaskWorkspaceInfo): Promise<void> {
    await this.foreground.tasks.update(summary.id, { workspace: info });
  }
}
