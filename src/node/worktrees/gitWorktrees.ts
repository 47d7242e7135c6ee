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
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { TaskWorkspaceUnavailable, type TaskFileDelta, type TaskWorkspaceInfo, type TaskWorkspaces } from '../../core/tasks/taskWorkspace';
import { readGitConfig } from '../gitConfigReader';
import { git, gitFiles, gitTopLevel, mirrorFiles, type GitOptions } from '../sandbox/workingTree';
import {
  creator,
  creatorAlive,
  defaultWorktreeBase,
  listRecords,
  readRecord,
  removeRecord,
  repoFolder,
  writeRecord,
  type WorktreeRecord,
} from './records';
import { treeChanges } from './treeDiff';

/** `git worktree remove` (the way out that git itself cleans up after) arrived in 2.17. */
const MIN_GIT: readonly [number, number] = [2, 17];

export class GitWorktrees implements TaskWorkspaces {
  constructor(private readonly base: string = defaultWorktreeBase()) {}

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

  async create(request: { taskId: string; title: string; origin: string }, signal?: AbortSignal): Promise<TaskWorkspaceInfo> {
    const why = await this.unavailable(request.origin, signal);
    if (why) throw new TaskWorkspaceUnavailable(why);
    const origin = await fs.realpath(request.origin);
    const repo = (await gitTopLevel(origin, signal))!;
    const commonDir = await fs.realpath(path.resolve(repo, (await git(['rev-parse', '--git-common-dir'], repo, signal)).trim()));
    const head = (await revision(repo, 'HEAD', signal))!;
    const configKeys = await untrustedKeys(repo);
    const top = path.join(await repoFolder(this.base, commonDir), request.taskId.replace(/[^A-Za-z0-9_.-]/g, '_'));
    const record: WorktreeRecord = {
      taskId: request.taskId,
      origin,
      repo,
      top,
      branch: await freeBranch(repo, slug(request.title), signal),
      createdBranch: true,
      head,
      state: 'creating',
      links: [],
      ...(await creator()),
      createdAt: Date.now(),
    };
    // The record comes first: whatever happens next, Fixpoint knows this worktree and branch are its own.
    await writeRecord(record);
    try {
      // --no-checkout: the files come from the user's working tree (below), so no smudge filter runs.
      await git(['worktree', 'add', '--no-checkout', '-b', record.branch, top, head], repo, { signal, configKeys });
      record.adminDir = path.resolve(top, (await git(['rev-parse', '--git-dir'], top, signal)).trim());
      await writeRecord(record);
      await git(['read-tree', 'HEAD'], top, { signal, configKeys });
      const links = await mirrorFiles(repo, top, await gitFiles(repo, signal), signal);
      record.links = links.map((l) => path.relative(top, l.path).split(path.sep).join('/'));
      record.base = await commitAll(record, `Fixpoint: uncommitted changes when the task "${request.title}" started`, {
        signal,
        configKeys,
      });
      record.state = 'active';
      await writeRecord(record);
    } catch (err) {
      await this.removeAll(record).catch(() => undefined);
      throw err;
    }
    return infoOf(record);
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

/** Pathspecs leaving out the links into the user's tree (dependency folders, nested repositories). */
function withoutLinks(record: WorktreeRecord): string[] {
  return ['.', ...record.links.map((l) => `:(top,exclude,literal)${l}`)];
}

/** Stages everything in the worktree (its own index) and commits it, if anything changed; returns HEAD. */
async function commitAll(record: WorktreeRecord, message: string, options: GitOptions): Promise<string> {
  await git(['add', '-A', '--', ...withoutLinks(record)], record.top, options);
  const staged = await git(['diff', '--cached', '--name-only', '-z'], record.top, options);
  if (staged)
    await git(['commit', '-q', '--no-verify', '-F', '-'], record.top, { ...options, input: message, env: await identity(record.repo) });
  return (await revision(record.top, 'HEAD', options.signal))!;
}

/** A tree of the worktree as it is now, through a private copy of its index (the task's own staging stays). */
async function worktreeTree(record: WorktreeRecord, options: GitOptions): Promise<string> {
  const index = path.resolve(record.top, (await git(['rev-parse', '--git-path', 'index'], record.top, options)).trim());
  const temp = `${record.top}.index-${randomBytes(4).toString('hex')}`;
  // The copy's stat cache spares hashing unchanged files. It keeps the index's own mtime: git treats an
  // entry as unchanged by its stat only when it is older than the index, so a fresher copy would hide an
  // edit of the same size made in the index's last second ("racy git").
  const stat = await fs.stat(index).catch(() => undefined);
  if (stat) {
    await fs.copyFile(index, temp);
    await fs.utimes(temp, stat.atime, stat.mtime);
  }
  const env = { ...options.env, GIT_INDEX_FILE: temp };
  try {
    await git(['add', '-A', '--', ...withoutLinks(record)], record.top, { ...options, env });
    return (await git(['write-tree'], record.top, { ...options, env })).trim();
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** `git worktree remove`, or by hand when git cannot (the folder was deleted): the folder and its admin entry. */
async function removeWorktree(record: WorktreeRecord): Promise<void> {
  const present = await fs.lstat(record.top).then(
    () => true,
    () => false,
  );
  if (present) await git(['worktree', 'remove', '--force', '--force', record.top], record.repo).catch(() => undefined);
  // fs.rm unlinks symlinks rather than following them: the linked node_modules stays as it is.
  await fs.rm(record.top, { recursive: true, force: true });
  const admin = record.adminDir;
  if (admin && path.basename(path.dirname(admin)) === 'worktrees') {
    const gitdir = await fs.readFile(path.join(admin, 'gitdir'), 'utf8').catch(() => undefined);
    if (gitdir !== undefined && path.resolve(gitdir.trim()) === path.join(record.top, '.git'))
      await fs.rm(admin, { recursive: true, force: true });
  }
}

/** The user's identity when git has one; otherwise commits are signed "Fixpoint" rather than failing. */
async function identity(repo: string): Promise<Record<string, string>> {
  const get = (key: string) =>
    git(['config', key], repo).then(
      (v) => v.trim(),
      () => '',
    );
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return {
    ...(!name && { GIT_AUTHOR_NAME: 'Fixpoint', GIT_COMMITTER_NAME: 'Fixpoint' }),
    ...(!email && { GIT_AUTHOR_EMAIL: 'fixpoint@localhost', GIT_COMMITTER_EMAIL: 'fixpoint@localhost' }),
  };
}

/** Keys of the repository's own config (untrusted) that name programs: their drivers are switched off. */
async function untrustedKeys(repo: string): Promise<string[]> {
  const entries = await readGitConfig(repo);
  return entries.filter((e) => e.scope === 'local' || e.scope === 'worktree').map((e) => e.key);
}

async function revision(cwd: string, rev: string, signal?: AbortSignal): Promise<string | undefined> {
  return git(['rev-parse', '-q', '--verify', `${rev}^{commit}`], cwd, signal).then(
    (s) => s.trim() || undefined,
    () => undefined,
  );
}

async function gitVersion(signal?: AbortSignal): Promise<[number, number] | undefined> {
  const out = await git(['--version'], process.cwd(), signal).catch(() => '');
  const m = /(\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
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
