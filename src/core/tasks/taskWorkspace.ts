/**
 * Where a task runs (issue 13): a port, so the loop never knows whether its workspace root is the user's
 * folder, a git worktree on this machine or, later, a container or a remote runner. A backend creates the
 * place from the user's workspace as it is now (committed and uncommitted), reports what the task changed
 * there against that starting point, and either keeps the result (a branch) or throws it away. Bringing the
 * change back into the user's folder is not the backend's job: `rebaseTaskChanges` turns the reported
 * changes into ordinary proposals, reviewed like any other.
 */

/** What a task records about its workspace (kept in its TaskSummary, so lists can show the branch). */
export interface TaskWorkspaceInfo {
  /** Which backend made it; the same backend is asked to diff, keep or discard it. */
  kind: 'git-worktree';
  /** The user's workspace the task started from (absolute). */
  origin: string;
  /** The task's place (a worktree's top folder); the backend's handle on it. */
  top: string;
  /** The workspace root inside the task's place (absolute): the session's root. `top` or a folder in it. */
  root: string;
  /** The branch the task's work is on (`fixpoint/<short-title>`). */
  branch: string;
  /** The commit the task started from: the user's HEAD, plus a commit of their uncommitted changes if any. */
  base: string;
  /** The user's HEAD when the task started. */
  head: string;
  createdAt: number;
  /** `kept`: committed on its branch and the worktree removed; `discarded`: worktree and branch removed. */
  state: 'active' | 'kept' | 'discarded';
  /** Set once kept: the commit holding the task's change. */
  commit?: string;
}

/** One file the task changed, relative to the workspace root; contents are undefined where there is no file. */
export interface TaskFileDelta {
  path: string;
  base: string | undefined;
  task: string | undefined;
  /**
   * Set when either side is not reviewable as text (binary, a symlink, a submodule, not UTF-8): such a file
   * is reported, never turned into a proposal.
   */
  notText?: string;
}

/** Background tasks cannot run here (not a repository, no commit yet, a git too old…); `message` says why. */
export class TaskWorkspaceUnavailable extends Error {}

export interface TaskWorkspaces {
  /** Why tasks cannot get a place of their own for `origin`, or undefined when they can. */
  unavailable(origin: string, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Gets a task's place ready ahead of `create` where the backend can (a spare worktree), when the user is
   * about to start one; a backend without such a thing leaves it out. Never throws: it only saves time.
   */
  prepare?(origin: string): Promise<void>;
  /** Makes the task's place; throws TaskWorkspaceUnavailable with the reason when it cannot. */
  create(request: { taskId: string; title: string; origin: string }, signal?: AbortSignal): Promise<TaskWorkspaceInfo>;
  /** Everything the task changed against its base (its whole change, committed in it or not). */
  changes(info: TaskWorkspaceInfo, signal?: AbortSignal): Promise<TaskFileDelta[]>;
  /** Commits the task's change on its branch with `message`, then frees its place; the branch stays. */
  keep(info: TaskWorkspaceInfo, message: string, signal?: AbortSignal): Promise<TaskWorkspaceInfo>;
  /** Removes the task's place and its branch (only what this backend created). */
  discard(info: TaskWorkspaceInfo, signal?: AbortSignal): Promise<TaskWorkspaceInfo>;
  /**
   * Removes what this backend created for tasks of `origin` that no longer exist (`exists` says which do),
   * left over from crashes or deleted tasks. Kept branches stay. Returns what was removed, for the log.
   */
  sweep(origin: string, exists: (taskId: string) => boolean, signal?: AbortSignal): Promise<string[]>;
}
