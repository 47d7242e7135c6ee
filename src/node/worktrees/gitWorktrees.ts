/**
 * Background tasks in git worktrees (issue 13): each task gets `git worktree add` on a new branch
 * `fixpoint/<short-title>` from the user's HEAD, kept outside the user's repository
 * (~/.cache/fixpoint/worktrees/<repo key>/<task id>/), and filled with the user's working tree as it is now —
 * uncommitted changes and untracked non-ignored files included, dependency folders linked — the same way as
 * the shadow copy (sandbox/workingTree.ts). When the user had uncommitted changes they become the branch's
 * first commit, the task's base: `git diff` in the worktree then shows the task's own work, and a review
 * brings back only that.
 *
 * What is touched in the user's repository, and nothing else: `git worktree add` registers the worktree in
 * `.git/worktrees/` and creates the branch; keep adds commits on that branch; discard and the sweep remove
 * that worktree and that branch, and only those Fixpoint's own records (records.ts) say it created. The
 * user's index, HEAD, branches and stash are never written. Every git runs with hooks, fsmonitor, pagers and
 * the repository's own filter and diff drivers off (policy/git.ts).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TaskWorkspaceUnavailable, type TaskFileDelta, type TaskWorkspaceInfo, type TaskWorkspaces } from '../../core/tasks/taskWorkspace';
import { git, gitTopLevel } from '../sandbox/workingTree';
import {
  newRecord,
  creatorAlive,
  defaultWorktreeBase,
  listRecords,
  readRecord,
  removeRecord,
  repoFolder,
  writeRecord,
  type WorktreeRecord,
} from './records';
import { addMirroredWorktree, claimSpare, prepareSpare, removeSpare, spareLeftOver } from './spareWorktree';
import { treeChanges } from './treeDiff';
import { commitAll, gitVersion, removeWorktree, revision, untrustedKeys, worktreeTree } from './worktreeGit';

/** `git worktree remove` (the way out that git itself cleans up after) arrived in 2.17. */
const MIN_GIT: readonly [number, number] = [2, 17];

export interface GitWorktreesOptions {
  /**
   * Keep one spare worktree per repository ready, made in the background after a task starts, so the next
   * task starts without copying the tree (spareWorktree.ts). Costs the disk of one more copy of the source.
   * A function is asked at each task's start (a setting the user may change meanwhile).
   */
  spare?: boolean | (() => boolean);
}

export class GitWorktrees implements TaskWorkspaces {
  /** Spares being made, by repository. */
  private readonly preparing = new Map<string, Promise<void>>();

  constructor(
    private readonly base: string = defaultWorktreeBase(),
    private readonly options: GitWorktreesOptions = {},
  ) {}

  async unavailable(origin: string, signal?: AbortSignal): Promise<string | undefined> {
    const version = await gitVersion(signal);
    if (!version) return 'git is not installed (or not on PATH): background tasks run in a git worktree.';
    if (version[0] < MIN_GIT[0] || (version[0] === MIN_GIT[0] && version[1] < MIN_GIT[1]))
      return `git ${version.join('.')} is too old for task worktrees: ${MIN_GIT.join('.')} or later is needed.`;
    const repo = await gitTopLevel(origin, signal);
    if (!repo)
      return `${origin} is not in a git repository: background tasks run in a git worktree of it (git init and a first commit make that possible).`;
    if (!(await revision(repo, 'HEAD', signal)))
      return `${repo} has no commit yet: a task's worktree starts from HEAD, so commit once first.`;
    return undefined;
  }

  /** Starts making the repository's spare now (if spares are on and none is there), not after a first task. */
  async prepare(origin: string): Promise<void> {
    try {
      if (!this.spares() || (await this.unavailable(origin))) return;
      const { repo, folder, configKeys } = await this.locate(origin);
      this.startSpare(folder, repo, configKeys);
    } catch {
      // Only time is lost: the next task makes its worktree afresh.
    }
  }

  async create(request: { taskId: string; title: string; origin: string }, signal?: AbortSignal): Promise<TaskWorkspaceInfo> {
    const why = await this.unavailable(request.origin, signal);
    if (why) throw new TaskWorkspaceUnavailable(why);
    const { origin, repo, folder, head, configKeys } = await this.locate(request.origin, signal);
    const branch = await freeBranch(repo, slug(request.title), signal);
    const message = `Fixpoint: uncommitted changes when the task "${request.title}" started`;
    const top = path.join(folder, request.taskId.replace(/[^A-Za-z0-9_.-]/g, '_'));
    const task = { taskId: request.taskId, origin, top, branch, head, message };
    const record =
      (this.spares() && (await claimSpare(folder, repo, task, configKeys, signal))) ||
      (await this.fresh({ ...task, repo }, configKeys, signal));
    this.startSpare(folder, repo, configKeys);
    return infoOf(record);
  }

  /** The user's folder (real path), its repository, HEAD and untrusted config keys, and Fixpoint's folder for it. */
  private async locate(folder: string, signal?: AbortSignal) {
    const origin = await fs.realpath(folder);
    const repo = (await gitTopLevel(origin, signal))!;
    const commonDir = await fs.realpath(path.resolve(repo, (await git(['rev-parse', '--git-common-dir'], repo, signal)).trim()));
    const head = (await revision(repo, 'HEAD', signal))!;
    return { origin, repo, head, configKeys: await untrustedKeys(repo), folder: await repoFolder(this.base, commonDir) };
  }

  /** Resolves once no spare is being made (tests and benchmarks wait for it before they clean up). */
  async idle(): Promise<void> {
    while (this.preparing.size) await Promise.all(this.preparing.values());
  }

  /** A new worktree filled from the user's working tree: what every task pays when no spare is ready. */
  private async fresh(
    task: Pick<WorktreeRecord, 'taskId' | 'origin' | 'repo' | 'top' | 'branch' | 'head'> & { message: string },
    configKeys: readonly string[],
    signal?: AbortSignal,
  ): Promise<WorktreeRecord> {
    const { taskId, origin, repo, top, branch, head } = task;
    const record = await newRecord({ taskId, origin, repo, top, branch, head, createdBranch: true, state: 'creating' });
    // The record comes first: whatever happens next, Fixpoint knows this worktree and branch are its own.
    await writeRecord(record);
    const options = { signal, configKeys };
    try {
      await addMirroredWorktree(record, options);
      record.base = await commitAll(record, task.message, options);
      record.state = 'active';
      await writeRecord(record);
    } catch (err) {
      await this.removeAll(record).catch(() => undefined);
      throw err;
    }
    return record;
  }

  private spares(): boolean {
    const spare = this.options.spare;
    return typeof spare === 'function' ? spare() : spare === true;
  }

  /** Starts making the repository's next spare, if spares are on and none is ready or being made. */
  private startSpare(folder: string, repo: string, configKeys: readonly string[]): void {
    if (!this.spares() || this.preparing.has(repo)) return;
    const made = prepareSpare(folder, repo, configKeys)
      // A spare that could not be made costs only speed: the next task makes its worktree afresh.
      .catch(() => undefined)
      .finally(() => this.preparing.delete(repo));
    this.preparing.set(repo, made);
  }

  async changes(info: TaskWorkspaceInfo, signal?: AbortSignal): Promise<TaskFileDelta[]> {
    const record = await mine(info);
    const base = record.base ?? record.head;
    const subdir = path.relative(record.repo, record.origin);
    if (record.state === 'kept' && record.commit) return treeChanges(record.repo, base, record.commit, subdir, { signal });
    const configKeys = await untrustedKeys(record.repo);
    return treeChanges(record.top, base, await worktreeTree(record, { signal, configKeys }), subdir, { signal, configKeys });
  }

  async keep(info: TaskWorkspaceInfo, message: string, signal?: AbortSignal): Promise<TaskWorkspaceInfo> {
    const record = await mine(info);
    if (record.state !== 'kept') {
      record.commit = await commitAll(record, message, { signal, configKeys: await untrustedKeys(record.repo) });
      // Recorded before the worktree goes: from here on the branch is the user's result and is never swept.
      record.state = 'kept';
      await writeRecord(record);
    }
    await removeWorktree(record);
    return infoOf(record);
  }

  async discard(info: TaskWorkspaceInfo, signal?: AbortSignal): Promise<TaskWorkspaceInfo> {
    const record = await mine(info);
    await this.removeAll(record, signal);
    return { ...infoOf(record), state: 'discarded' };
  }

  async sweep(origin: string, exists: (taskId: string) => boolean, signal?: AbortSignal): Promise<string[]> {
    const real = await fs.realpath(origin).catch(() => undefined);
    const repo = real && (await gitTopLevel(real, signal));
    if (!real || !repo) return [];
    const commonDir = await fs.realpath(path.resolve(repo, (await git(['rev-parse', '--git-common-dir'], repo, signal)).trim()));
    const removed: string[] = [];
    for (const record of await listRecords(await repoFolder(this.base, commonDir))) {
      if (record.state === 'spare' || record.state === 'preparing') {
        // A spare outlives the process that made it (the next session's first task takes it), unless it was
        // left half made or half claimed, or spares were turned off.
        if (record.repo === repo && (!this.spares() || (await spareLeftOver(record)))) await removeSpare(record);
        continue;
      }
      if (record.origin !== real || exists(record.taskId) || (await creatorAlive(record))) continue;
      if (record.state === 'kept') {
        await removeWorktree(record);
        await removeRecord(record.top); // the kept branch stays: it is the user's now
      } else {
        await this.removeAll(record, signal);
        removed.push(`${record.branch} (${record.top})`);
      }
    }
    return removed;
  }

  /** The worktree, then the branch if it is still the one Fixpoint made, then the record. */
  private async removeAll(record: WorktreeRecord, signal?: AbortSignal): Promise<void> {
    await removeWorktree(record);
    if (record.createdBranch) {
      const tip = await revision(record.repo, `refs/heads/${record.branch}`, signal);
      // A tip Fixpoint does not know (on a branch that is not checked out in its worktree any more) means
      // someone else committed there: the branch is left alone.
      const ours = record.state === 'active' || tip === record.head || tip === record.base || tip === record.commit;
      if (tip && ours) await git(['branch', '-D', record.branch], record.repo, signal);
    }
    await removeRecord(record.top);
  }
}

/** The record of the worktree `info` names; a worktree Fixpoint has no record of is never touched. */
async function mine(info: TaskWorkspaceInfo): Promise<WorktreeRecord> {
  const record = await readRecord(info.top);
  if (!record || record.branch !== info.branch)
    throw new Error(`Fixpoint has no record of creating the worktree ${info.top} (${info.branch}); nothing was changed.`);
  return record;
}

function infoOf(r: WorktreeRecord): TaskWorkspaceInfo {
  return {
    kind: 'git-worktree',
    origin: r.origin,
    top: r.top,
    root: path.join(r.top, path.relative(r.repo, r.origin)),
    branch: r.branch,
    base: r.base ?? r.head,
    head: r.head,
    createdAt: r.createdAt,
    state: r.state === 'kept' ? 'kept' : 'active',
    ...(r.commit && { commit: r.commit }),
  };
}

/** `fixpoint/<short-title>`, numbered when taken (by an earlier task or by the user). */
async function freeBranch(repo: string, name: string, signal?: AbortSignal): Promise<string> {
  for (let n = 1; ; n++) {
    const branch = `fixpoint/${name}${n === 1 ? '' : `-${n}`}`;
    if (!(await revision(repo, `refs/heads/${branch}`, signal))) return branch;
  }
}

/** A branch-name-safe short form of the task's title. */
export function slug(title: string): string {
  const words = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, 40).replace(/-+$/, '') || 'task';
}
