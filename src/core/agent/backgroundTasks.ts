import type { TaskWorkspaceInfo, TaskWorkspaces } from '../tasks/taskWorkspace';
import type { ChatSession } from './session';
import type { RunEnd } from './taskProgress';

/** A background task this process is running (or has queued): its own session, in its own workspace. */
export interface BackgroundTask {
  id: string;
  title: string;
  workspace: TaskWorkspaceInfo;
  session: ChatSession;
  /** `queued` until a slot is free (fixpoint.tasks.maxParallel); `idle` once its run ended (it may be resumed). */
  state: 'queued' | 'running' | 'idle';
}

export interface BackgroundTaskDeps {
  workspaces: TaskWorkspaces;
  /** The user's workspace the tasks start from. */
  origin: string;
  /** A session for a task in its own workspace (its own runner, terminal, writer and checkpoints). */
  openSession(taskId: string, workspace: TaskWorkspaceInfo): Promise<{ session: ChatSession; dispose(): void }>;
  maxParallel(): number;
  /** Told when a task is added, starts, ends or goes. */
  changed(task: BackgroundTask): void;
}

/**
 * Tasks that run beside the chat, each in a place of its own (a git worktree on its branch; the TaskWorkspaces
 * port decides), several at once up to a limit and queued beyond it. Each has its own ChatSession, so its
 * approvals, reviews and budget are its own and wait without blocking the others or the user's editor. The
 * loop does not know it runs in the background: only its workspace root differs.
 */
export class BackgroundTasks {
  private readonly tasks = new Map<string, BackgroundTask & { dispose(): void }>();
  private readonly queue: Array<() => void> = [];
  private running = 0;

  constructor(private readonly deps: BackgroundTaskDeps) {}

  /** Why background tasks cannot run for this workspace, or undefined when they can. */
  unavailable(): Promise<string | undefined> {
    return this.deps.workspaces.unavailable(this.deps.origin);
  }

  /** Creates the task's workspace and session and runs `prompt` there (now, or when a slot frees up). */
  async start(prompt: string, title: string): Promise<BackgroundTask> {
    const id = `task-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const workspace = await this.deps.workspaces.create({ taskId: id, title, origin: this.deps.origin });
    const task = await this.add(id, title, workspace);
    // Recorded with the task, so lists show its branch and a later window can reopen it in its worktree.
    task.session.tasks.summary = { ...task.session.tasks.summary, title, workspace };
    void this.inSlot(task, () => task.session.prompt(prompt));
    return task;
  }

  /**
   * A background task stored by an earlier run of VS Code (interrupted, or waiting): its session is opened on
   * its workspace again and the task restored there; `resume` continues it when it was cut off.
   */
  async reopen(id: string, workspace: TaskWorkspaceInfo, title: string, resume: boolean): Promise<BackgroundTask> {
    const known = this.tasks.get(id);
    if (known) return known;
    const task = await this.add(id, title, workspace);
    if (!(await task.session.restore(id))) throw new Error(`The task ${id} could not be opened again.`);
    if (resume) void this.inSlot(task, () => task.session.resume());
    return task;
  }

  /** Continues a task of this process whose run ended (out of budget, or stopped). */
  resume(id: string): void {
    const task = this.tasks.get(id);
    if (task && task.state === 'idle') void this.inSlot(task, () => task.session.resume());
  }

  get(id: string): BackgroundTask | undefined {
    return this.tasks.get(id);
  }

  all(): BackgroundTask[] {
    return [...this.tasks.values()];
  }

  stop(id: string): void {
    this.tasks.get(id)?.session.cancel();
  }

  /** Forgets a task (kept as a branch, discarded, or deleted): its session is closed, its run stopped. */
  async close(id: string): Promise<void> {
    const task = this.tasks.get(id);
    if (!task) return;
    task.session.cancel();
    await task.session.whenIdle();
    await task.session.tasks.release();
    task.dispose();
    this.tasks.delete(id);
    this.deps.changed(task);
  }

  /** VS Code is closing: every task is saved as it is, to be resumed on the next start. */
  async shutdown(): Promise<void> {
    await Promise.all(this.all().map((t) => t.session.shutdown()));
  }

  private async add(id: string, title: string, workspace: TaskWorkspaceInfo): Promise<BackgroundTask & { dispose(): void }> {
    const { session, dispose } = await this.deps.openSession(id, workspace);
    const task = { id, title, workspace, session, state: 'queued' as BackgroundTask['state'], dispose };
    this.tasks.set(id, task);
    this.deps.changed(task);
    return task;
  }

  /** Runs `work` once fewer than maxParallel tasks run; the next queued one starts when it ends. */
  private async inSlot(task: BackgroundTask, work: () => Promise<RunEnd | string>): Promise<void> {
    task.state = 'queued';
    if (this.running >= Math.max(1, this.deps.maxParallel())) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    task.state = 'running';
    this.deps.changed(task);
    try {
      await work();
    } catch (err) {
      task.session.reportError(err);
    } finally {
      // Idle means on disk: a list read from the store now shows how the run ended.
      await task.session.save().catch(() => undefined);
      this.running--;
      task.state = 'idle';
      this.deps.changed(task);
      this.queue.shift()?.();
    }
  }
}
