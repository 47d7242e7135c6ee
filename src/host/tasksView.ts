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
    item.description = taskRowDescription(task, Date.now());
    item.tooltip = taskRowTooltip(task);
    item.iconPath = ICON[task.status];
    item.accessibilityInformation = { label: `${task.title}: ${statusWords(task)}` };
    item.contextValue =
      task.status === 'interrupted' || (task.status === 'waiting' && task.waitingFor === 'budget') ? 'task.resumable' : 'task';
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

/** The view and its commands (open, resume, delete); `reveal` shows the chat. */
export function registerTasksView(session: ChatSession, reveal: () => Promise<void>): vscode.Disposable[] {
  const tasks = new TasksView(session);
  const view = vscode.window.createTreeView('fixpoint.tasks', { treeDataProvider: tasks });
  tasks.attach(view);
  const open = async (task?: TaskSummary): Promise<boolean> => {
    if (!task?.id) return false;
    const opened = task.id === session.tasks.id || (await session.restore(task.id));
    await reveal();
    return opened;
  };
  return [
    tasks,
    view,
    vscode.commands.registerCommand('fixpoint.tasks.open', (task?: TaskSummary) => open(task)),
    vscode.commands.registerCommand('fixpoint.tasks.resume', async (task?: TaskSummary) => {
      if (await open(task)) return session.resume();
      return 'nothing';
    }),
    vscode.commands.registerCommand('fixpoint.tasks.delete', async (task?: TaskSummary) => {
      if (!task?.id) return;
      const answer = await vscode.window.showWarningMessage(`Delete the task "${task.title}"?`, { modal: true }, 'Delete');
      if (answer === 'Delete') await session.deleteTask(task.id);
    }),
    vscode.commands.registerCommand('fixpoint.tasks.refresh', () => tasks.refresh()),
    // Not in the palette: the rows as the view draws them, for the integration tests and for scripting.
    vscode.commands.registerCommand('fixpoint.tasks.list', async () =>
      (await tasks.getChildren()).map((t) => ({ ...t, description: taskRowDescription(t, Date.now()) })),
    ),
  ];
}
