import * as vscode from 'vscode';
import type { ChatSession } from '../core/agent/session';
import type { TaskSummary } from '../core/tasks/task';
import { needsUser, statusWords, taskRowDescription, taskRowTooltip } from '../core/tasks/taskRows';

const ICON: Record<TaskSummary['status'], vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin'),
  waiting: new vscode.ThemeIcon('bell-dot', new vscode.ThemeColor('notificationsWarningIcon.foreground')),
  verifying: new vscode.ThemeIcon('beaker'),
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  interrupted: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('notificationsWarningIcon.foreground')),
};

const DONE_CHECK_FAILED = new vscode.ThemeIcon('warning', new vscode.ThemeColor('notificationsWarningIcon.foreground'));

/** The row's flags for the view's `when` clauses (package.json): `task`, plus what can be done with it. */
function contextValue(task: TaskSummary): string {
  const flags = ['task'];
  if (task.status === 'interrupted' || (task.status === 'waiting' && task.waitingFor === 'budget')) flags.push('resumable');
  if (task.workspace?.state === 'active') flags.push('background');
  if (task.status === 'running' || task.status === 'verifying') flags.push('running');
  return flags.join(' ');
}

/**
 * "Tasks" in the Fixpoint view container: the workspace's durable tasks with their status, age and cost, and
 * a badge on the Fixpoint icon counting those that wait for the user (an answer, more budget, a Resume).
 * Opening a task shows it in the chat; Resume opens it and continues it. The rows come from the task store;
 * this only draws them.
 */
export class TasksView implements vscode.TreeDataProvider<TaskSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: Array<{ dispose(): void }>;
  private view: vscode.TreeView<TaskSummary> | undefined;

  constructor(private readonly session: ChatSession) {
    this.subscriptions = [session.tasks.onDidChange(() => this.changed.fire())];
  }

  attach(view: vscode.TreeView<TaskSummary>): void {
    this.view = view;
  }

  async getChildren(element?: TaskSummary): Promise<TaskSummary[]> {
    if (element) return [];
    const list = await this.session.tasks.list();
    const waiting = list.filter(needsUser).length;
    if (this.view) this.view.badge = waiting ? { value: waiting, tooltip: `${waiting} task(s) waiting for you` } : undefined;
    return list;
  }

  getTreeItem(task: TaskSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(task.title || '(untitled)', vscode.TreeItemCollapsibleState.None);
    item.id = task.id;
    item.description = `${taskRowDescription(task, Date.now())}${task.workspace?.state === 'active' ? ` · ${task.workspace.branch}` : ''}`;
    item.tooltip = taskRowTooltip(task);
    // Done, but its last check failed: not the green tick of a verified task.
    item.iconPath = task.status === 'done' && task.checks === 'failed' ? DONE_CHECK_FAILED : ICON[task.status];
    item.accessibilityInformation = { label: `${task.title}: ${statusWords(task)}` };
    item.contextValue = contextValue(task);
    item.command = { command: 'fixpoint.tasks.open', title: 'Open Task', arguments: [task] };
    return item;
  }

  refresh(): void {
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** What the Tasks view's rows can do; the extension routes each to the chat's session or a background task's. */
export interface TaskActions {
  open(task: TaskSummary): Promise<boolean>;
  resume(task: TaskSummary): Promise<unknown>;
  remove(task: TaskSummary): Promise<void>;
  runInBackground(prompt?: string): Promise<unknown>;
  reviewAndApply(task: TaskSummary): Promise<void>;
  keep(task: TaskSummary): Promise<unknown>;
  discard(task: TaskSummary): Promise<void>;
  stop(task: TaskSummary): void;
}

/** The view and its commands. */
export function registerTasksView(session: ChatSession, actions: TaskActions): { view: TasksView; disposables: vscode.Disposable[] } {
  const tasks = new TasksView(session);
  const view = vscode.window.createTreeView('fixpoint.tasks', { treeDataProvider: tasks });
  tasks.attach(view);
  // A second argument `true` (scripts, tests) stands for the confirmation a destructive action asks for.
  // A failure (a worktree gone, git refusing) is said in a notification, never only in a log.
  const on = (command: string, run: (task: TaskSummary, confirmed: boolean) => unknown) =>
    vscode.commands.registerCommand(command, async (task?: TaskSummary, confirmed?: boolean) => {
      if (!task?.id) return undefined;
      try {
        return await run(task, confirmed === true);
      } catch (err) {
        void vscode.window.showErrorMessage(`Fixpoint: "${task.title}": ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    });
  const disposables = [
    tasks,
    view,
    on('fixpoint.tasks.open', (task) => actions.open(task)),
    on('fixpoint.tasks.resume', (task) => actions.resume(task)),
    on('fixpoint.tasks.delete', async (task) => {
      const answer = await vscode.window.showWarningMessage(`Delete the task "${task.title}"?`, { modal: true }, 'Delete');
      if (answer === 'Delete') await actions.remove(task);
    }),
    on('fixpoint.tasks.apply', (task) => actions.reviewAndApply(task)),
    on('fixpoint.tasks.keep', (task) => actions.keep(task)),
    on('fixpoint.tasks.discard', async (task, confirmed) => {
      const answer = confirmed
        ? 'Discard'
        : await vscode.window.showWarningMessage(
            `Discard "${task.title}"? Its worktree and its branch ${task.workspace?.branch ?? ''} are removed.`,
            { modal: true },
            'Discard',
          );
      if (answer === 'Discard') await actions.discard(task);
    }),
    on('fixpoint.tasks.stop', (task) => actions.stop(task)),
    vscode.commands.registerCommand('fixpoint.tasks.runInBackground', (prompt?: string) => actions.runInBackground(prompt)),
    vscode.commands.registerCommand('fixpoint.tasks.refresh', () => tasks.refresh()),
    // Not in the palette: the rows as the view draws them, for the integration tests and for scripting.
    vscode.commands.registerCommand('fixpoint.tasks.list', async () =>
      (await tasks.getChildren()).map((t) => ({ ...t, description: taskRowDescription(t, Date.now()) })),
    ),
  ];
  return { view: tasks, disposables };
}
