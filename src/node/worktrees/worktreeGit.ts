/**
 * The git steps task worktrees and their spare share (gitWorktrees.ts, spareWorktree.ts): committing a
 * worktree's state, hashing a working tree into a tree without touching its index, removing a worktree.
 * Every git here is Fixpoint's own (workingTree.ts: hooks, pagers, fsmonitor and the repository's drivers off).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readGitConfig } from '../gitConfigReader';
import { DEPENDENCY_FOLDERS, git, type GitOptions } from '../sandbox/workingTree';
import type { WorktreeRecord } from './records';

/** Pathspecs leaving out the links into the user's tree (dependency folders, nested repositories). */
export function withoutLinks(record: Pick<WorktreeRecord, 'links'>): string[] {
  return ['.', ...record.links.map((l) => `:(top,exclude,literal)${l}`)];
}

/** Pathspecs for the user's own working tree: what `gitFiles` lists, dependency folders left out. */
export function withoutDependencies(): string[] {
  // The folder (or a link by that name) and, separately, everything in it: a glob matches no prefix.
  return ['.', ...DEPENDENCY_FOLDERS.flatMap((name) => [`:(top,exclude,glob)**/${name}`, `:(top,exclude,glob)**/${name}/**`])];
}

/** Stages everything in the worktree (its own index) and commits it, if anything changed; returns HEAD. */
export async function commitAll(record: WorktreeRecord, message: string, options: GitOptions): Promise<string> {
  await git(['add', '-A', '--', ...withoutLinks(record)], record.top, options);
  const staged = await git(['diff', '--cached', '--name-only', '-z'], record.top, options);
  if (staged)
    await git(['commit', '-q', '--no-verify', '-F', '-'], record.top, { ...options, input: message, env: await identity(record.repo) });
  return (await revision(record.top, 'HEAD', options.signal))!;
}

/**
 * A tree of the working tree at `cwd` as it is now, through a private copy of its index at `temp` (its own
 * staging stays as it is, and no index lock is taken). Only files whose stat changed are hashed.
 */
export async function workingTreeTree(cwd: string, pathspecs: string[], temp: string, options: GitOptions): Promise<string> {
  const index = path.resolve(cwd, (await git(['rev-parse', '--git-path', 'index'], cwd, options)).trim());
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
    await git(['add', '-A', '--', ...pathspecs], cwd, { ...options, env });
    return (await git(['write-tree'], cwd, { ...options, env })).trim();
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** The task worktree's tree as it is now (its own staging stays). */
export function worktreeTree(record: WorktreeRecord, options: GitOptions): Promise<string> {
  return workingTreeTree(record.top, withoutLinks(record), `${record.top}.index-${randomBytes(4).toString('hex')}`, options);
}

/** `git worktree remove`, or by hand when git cannot (the folder was deleted): the folder and its admin entry. */
export async function removeWorktree(record: WorktreeRecord): Promise<void> {
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
export async function identity(repo: string): Promise<Record<string, string>> {
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
export async function untrustedKeys(repo: string): Promise<string[]> {
  const entries = await readGitConfig(repo);
  return entries.filter((e) => e.scope === 'local' || e.scope === 'worktree').map((e) => e.key);
}

export async function revision(cwd: string, rev: string, signal?: AbortSignal): Promise<string | undefined> {
  return git(['rev-parse', '-q', '--verify', `${rev}^{commit}`], cwd, signal).then(
    (s) => s.trim() || undefined,
    () => undefined,
  );
}

export async function gitVersion(signal?: AbortSignal): Promise<[number, number] | undefined> {
  const out = await git(['--version'], process.cwd(), signal).catch(() => '');
  const m = /(\d+)\.(\d+)/.exec(out);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}
