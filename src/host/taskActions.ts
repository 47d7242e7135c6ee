import type { ChatSession } from '../core/agent/session';
import type { TaskSummary } from '../core/tasks/task';
import type { HostBackgroundTasks } from './backgroundTasks';

/**
 * Where each action on a task goes: a background task (one with a worktree of its own) to its own session,
 * any other task to the chat's session. Opening or resuming never stops a running background task.
 */
export function taskActions(foreground: ChatSession, background: HostBackgroundTasks) {
  const isBackground = (task: TaskSummary) => task.workspace?.state === 'active';
  return {
    async open(task: TaskSummary): Promise<boolean> {
      if (isBackground(task)) {
        await background.open(task);
        return true;
      }
      const opened = task.id === foreground.tasks.id || (await foreground.restore(task.id));
      await background.show(undefined);
      return opened;
    },
    async resume(task: TaskSummary): Promise<unknown> {
      if (isBackground(task)) return background.open(task, true);
      if (!(await this.open(task))) return 'nothing';
      return foreground.resume();
    },
    async remove(task: TaskSummary): Promise<void> {
      if (isBackground(task)) await background.discard(task);
      await foreground.deleteTask(task.id);
    },
    runInBackground: (prompt?: string) => background.runInBackground(prompt),
    reviewAndApply: (task: TaskSummary) => background.reviewAndApply(task),
    keep: (task: TaskSummary) => background.keep(task),
    discard: (task: TaskSummary) => background.discard(task),
    stop: (task: TaskSummary) => (isBackground(task) ? background.stop(task.id) : task.id === foreground.tasks.id && foreground.cancel()),
    /** The chat's New Task: back to the chat's own session, with a new task. */
    async newTask(): Promise<void> {
      await background.show(undefined);
      foreground.newTask();
    },
  };
}
